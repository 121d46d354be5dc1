"""待遇资格认证 with a caseworker (at home or at the counter): the way that never needs a face.

Under /liveness, where API clients have always found it; certifying by face goes through
backend.facecheck's links (purpose "certification")."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from backend.auth.actor import ActorDep
from backend.certification import assisted
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
from backend.core.fields import ApplicationNumber, DbId, Text

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
