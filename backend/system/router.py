"""Liveness of the service itself: is the database answering?"""

import logging

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, Unavailable

log = logging.getLogger(__name__)
router = APIRouter(tags=["系统 system"])


class Health(BaseModel):
    status: str
    database: str


@router.get(
    "/health",
    response_model=Health,
    summary="健康检查（含数据库）",
    responses={503: {"model": ErrorResponse, "description": "数据库不可用"}},
)
def health(session: SessionDep) -> Health:
    try:
        session.execute(text("SELECT 1")).scalar_one()
    except Exception as exc:  # the database driver's own error types differ per dialect
        log.warning("health check failed: %s", type(exc).__name__)
        raise Unavailable("数据库暂时无法连接。", code="database_unavailable") from exc
    return Health(status="ok", database="ok")
