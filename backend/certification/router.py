"""待遇资格认证 with a caseworker (at home or at the counter): the way that never needs a face.

Under /liveness, where API clients have always found it; certifying by face goes through
backend.facecheck's links (purpose "certification")."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from backend.applications.access import district_scope, view_basis
from backend.applications.service import get_by_number
from backend.auth.actor import ActorDep, require_staff
from backend.audit.service import record as audit
from backend.applications.supervision_schemas import CoverageRow
from backend.certification.coverage import coverage
from backend.certification.service import certified, schedule_for
from backend.core import clock
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, NotFound
from backend.core.fields import ApplicationNumber, AreaCode, DbId, Text

router = APIRouter(prefix="/liveness", tags=["刷脸 liveness"])
ERRORS = {403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}}


class AssistedCertificationIn(BaseModel):
    person_id: DbId
    note: Text(200, min_length=2) = Field(examples=["老人卧床，入户核实本人健在"])


@router.post("/applications/{number}/certifications/staff-assisted", status_code=201,
             summary="工作人员协助的待遇资格认证（上门或窗口核实）", responses=ERRORS)
def staff_assisted_certification(number: ApplicationNumber, body: AssistedCertificationIn, session: SessionDep,
                                 actor: ActorDep) -> dict:
    require_staff(actor, "caseworker", "reviewer")
    app = get_by_number(session, number)
    view_basis(session, actor, app)
    schedule = schedule_for(session, app, clock.today())
    if body.person_id != schedule.person_id:
        raise NotFound("这个人不是这件救助的认证对象。", code="person_not_found")
    certified(session, schedule, clock.today(), "staff_assisted")
    audit(session, actor=actor.label, channel=actor.channel, action="certification.staff_assisted",
          entity_type="application", entity_id=app.number, detail={"person": body.person_id, "note": body.note})
    return {"next_due": schedule.next_due.isoformat(), "method": "staff_assisted"}


# GET /api/v1/supervision/certification-coverage: with the supervision figures, answered here because this
# package depends on applications (and not the other way round).
coverage_router = APIRouter(prefix="/supervision", tags=["督办 supervision"])


@coverage_router.get("/certification-coverage", response_model=list[CoverageRow], responses=ERRORS,
                     summary="待遇资格认证覆盖率：正在领取救助金的户，认证是否在有效期内，按区县")
def get_coverage(session: SessionDep, actor: ActorDep,
                 district_code: Annotated[AreaCode | None, Query(examples=["500103"])] = None) -> list[CoverageRow]:
    require_staff(actor)
    return coverage(session, today=clock.today(), district_code=district_scope(actor, district_code))
