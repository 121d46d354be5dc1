"""The FastAPI application: routers, error handling, request logs."""

import logging
import time
import uuid
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles

from backend.applications.router import router as applications_router
from backend.applications.router import supervision_router
from backend.auth.router import router as auth_router
from backend.authorizations.router import router as authorizations_router
from backend.certification.router import coverage_router
from backend.certification.router import router as certification_router
from backend.chat import relay as chat_relay
from backend.chat.router import page_router as chat_page_router
from backend.chat.router import router as chat_router
from backend.core.body_limit import BodySizeLimit
from backend.core.errors import install_error_handlers
from backend.core.openapi import install_openapi
from backend.core.security_headers import install_security_headers
from backend.core.logging import configure_logging, mask_path
from backend.core.settings import get_settings
from backend.delegations.router import router as delegations_router
from backend.drafts.router import router as drafts_router
from backend.economic_check.router import router as economic_check_router
from backend.eligibility.router import router as eligibility_router
from backend.facecheck.router import page_router as face_page_router
from backend.facecheck.router import router as facecheck_router
from backend.notifications.router import router as sms_router
from backend.identity.router import router as identity_router
from backend.service_desk.router import router as service_desk_router
from backend.policy.router import router as policy_router
from backend.system.router import router as system_router
from backend.wechat.router import router as wechat_router
from backend.wiring import register_all
from backend.workbench.dashboard import router as dashboard_router
from backend.workbench.desk import router as desk_router
from backend.workbench.pages import page_errors
from backend.workbench.case_router import router as workbench_case_router
from backend.workbench.router import router as workbench_router

log = logging.getLogger("backend.access")
STATIC_DIR = Path(__file__).with_name("static")  # CSS and vendored front-end libraries (with their licences)

DESCRIPTION = """
救助（Jiuzhu）后端：政策问答、救助申请、电子授权、生存认证、进度查询与到账通知。

所有错误都以统一格式返回：`{"error": {"code": ..., "message": 中文提示, "details": ...}}`。
"""


def create_app() -> FastAPI:
    settings = get_settings()
    register_all()
    configure_logging(settings.log_level, settings.log_json)
    app = FastAPI(title="救助 Jiuzhu API", version="0.1.0", description=DESCRIPTION, docs_url="/docs")
    install_error_handlers(app, pages=page_errors)
    install_openapi(app)
    install_security_headers(app, hsts=settings.environment != "development")
    app.router.add_event_handler("shutdown", chat_relay.close)

    api = APIRouter(prefix="/api/v1")
    api.include_router(system_router)
    api.include_router(policy_router)
    api.include_router(chat_router)
    api.include_router(auth_router)
    api.include_router(applications_router)
    api.include_router(supervision_router)
    api.include_router(delegations_router)
    api.include_router(drafts_router)
    api.include_router(eligibility_router)
    api.include_router(identity_router)
    api.include_router(sms_router)
    api.include_router(wechat_router)
    api.include_router(service_desk_router)
    api.include_router(facecheck_router)
    api.include_router(authorizations_router)
    api.include_router(certification_router)
    api.include_router(coverage_router)
    api.include_router(economic_check_router)
    app.include_router(api)
    app.include_router(chat_page_router)
    app.include_router(face_page_router)
    app.include_router(workbench_router)
    app.include_router(workbench_case_router)
    app.include_router(dashboard_router)
    app.include_router(desk_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Inside the access log, so refused bodies are logged too.
    app.add_middleware(BodySizeLimit)

    @app.middleware("http")
    async def access_log(request: Request, call_next):  # noqa: ANN001, ANN202
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["x-request-id"] = request_id
        # The query string is left out on purpose: it may hold a phone or ID number.
        path = mask_path(request.url.path)
        log.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response

    return app
