"""One error model for the whole API.

Every error leaves as `{"error": {"code", "message", "details"}}`, with `message` in plain Chinese
that the chat bot or a page can show as it is. Server-rendered pages (the staff workbench) pass a
`pages` renderer: for their paths the same error becomes an HTML page with the same message.
"""

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class AppError(Exception):
    """A typed error that carries its HTTP status and a Chinese message for people."""

    status_code = 400
    code = "bad_request"
    message = "请求有误，请检查后再试。"
    # True when what the request wrote before failing must still be committed (e.g. a counted attempt).
    keep_changes = False
    # Extra response headers, e.g. Retry-After on a 429.
    headers: dict[str, str] | None = None

    def __init__(self, message: str | None = None, *, details: Any | None = None, code: str | None = None):
        self.message = message or self.message
        self.details = details
        if code:
            self.code = code
        super().__init__(self.message)


class NotFound(AppError):
    status_code = 404
    code = "not_found"
    message = "没有找到相关信息。"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"
    message = "请先登录或验证身份。"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"
    message = "您没有办理这项业务的权限。"


class Conflict(AppError):
    status_code = 409
    code = "conflict"
    message = "这项操作与当前状态冲突。"


class Unavailable(AppError):
    status_code = 503
    code = "unavailable"
    message = "服务暂时不可用，请稍后再试，或拨打街道（乡镇）社会救助窗口电话。"


_HTTP_MESSAGES = {
    400: "请求有误，请检查后再试。",
    401: "请先登录或验证身份。",
    403: "您没有办理这项业务的权限。",
    404: "没有找到相关信息。",
    405: "不支持这种请求方式。",
    409: "这项操作与当前状态冲突。",
    413: "提交的内容太大了，请精简后再试。",
    422: "填写的信息有误，请检查后再试。",
    429: "请求太频繁，请稍后再试。",
}


def _body(status: int, code: str, message: str, details: Any | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content=ErrorResponse(error=ErrorBody(code=code, message=message, details=details)).model_dump(),
        headers=headers,
    )


def error_response(status: int, code: str, message: str, details: Any | None = None) -> JSONResponse:
    """The error model as a response, for code that answers before any handler runs (middleware)."""
    return _body(status, code, message, details)


# (request, status, code, message, headers) -> an HTML response for a page's path, or None for JSON.
PageErrors = Callable[[Request, int, str, str, dict[str, str] | None], Response | None]


def install_error_handlers(app: FastAPI, pages: PageErrors | None = None) -> None:
    def _answer(request: Request, status: int, code: str, message: str, details: Any | None = None,
                headers: dict[str, str] | None = None) -> Response:
        page = pages(request, status, code, message, headers) if pages else None
        return page if page is not None else _body(status, code, message, details, headers)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return _answer(request, exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = _HTTP_MESSAGES.get(exc.status_code, "请求未能完成，请稍后再试。")
        return _answer(request, exc.status_code, f"http_{exc.status_code}", message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = [
            {"field": ".".join(str(p) for p in err["loc"][1:]), "problem": err["msg"]} for err in exc.errors()
        ]
        return _answer(request, 422, "validation_error", _HTTP_MESSAGES[422], fields)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error: %s", type(exc).__name__)
        return _answer(request, 500, "internal_error", "系统出了点问题，我们会尽快处理。急事请拨打街道（乡镇）社会救助窗口电话。")
