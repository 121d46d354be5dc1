"""待遇资格认证 with a caseworker (at home or at the counter): the way that never needs a face.

Under /liveness, where API clients have always found it; certifying by face goes through
backend.facecheck's links (purpose "certification")."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from backend.applications.supervision import supervised_district
from backend.applications.supervision_schemas import CoverageRow
from backend.auth.actor import ActorDep
from backend.certification import assisted
from backend.certification.coverage import coverage
from backend.core import clock
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
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
    schedule = assisted.staff_assisted_certification(session, actor, number, body.person_id, body.note)
    return {"next_due": schedule.next_due.isoformat(), "method": "staff_assisted"}


# GET /api/v1/supervision/certification-coverage: with the supervision figures, answered here because this
# package depends on applications (and not the other way round).
coverage_router = APIRouter(prefix="/supervision", tags=["督办 supervision"])


@coverage_router.get("/certification-coverage", response_model=list[CoverageRow], responses=ERRORS,
                     summary="待遇资格认证覆盖率：正在领取救助金的户，认证是否在有效期内，按区县")
def get_coverage(session: SessionDep, actor: ActorDep,
                 district_code: Annotated[AreaCode | None, Query(examples=["500103"])] = None) -> list[CoverageRow]:
    return coverage(session, today=clock.today(), district_code=supervised_district(actor, district_code))
