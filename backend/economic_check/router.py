"""The economic check report: what each source found, next to what the household declared."""

from fastapi import APIRouter

from backend.applications.access import audited_view, view_basis
from backend.applications.case_state import latest_economic_check_report
from backend.applications.service import get_by_number
from backend.auth.actor import ActorDep, require_staff
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
from backend.core.fields import ApplicationNumber
from backend.economic_check.service import run_check

router = APIRouter(prefix="/applications", tags=["核对 economic check"])


@router.get("/{number}/economic-check", summary="家庭经济状况核对结果与申报对比（工作人员）",
            responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def economic_check(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> dict:
    require_staff(actor)
    app = get_by_number(session, number)
    audited_view(session, actor, app, "application.read_economic_check")
    return latest_economic_check_report(session, app) or {"pending": True, "message": "还有家庭成员没有签核对授权书，核对尚未开始。"}


@router.post("/{number}/economic-check", summary="立即核对（授权书已签，或工作人员协助签署后）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse},
                        409: {"model": ErrorResponse, "description": "还有人没有签核对授权书"}})
def run_economic_check(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> dict:
    require_staff(actor, "caseworker", "reviewer")
    app = get_by_number(session, number)
    view_basis(session, actor, app)
    return run_check(session, app)
