"""The 核对授权书 over HTTP: who must sign and who has, and signing with a caseworker (no face needed).

Under /liveness, where API clients have always found them; signing by face goes through
backend.facecheck's links (purpose "authorization")."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from backend.applications.access import audited_view
from backend.applications.service import get_by_number
from backend.auth.actor import ActorDep
from backend.authorizations import assisted, service, ways
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
from backend.core.fields import ApplicationNumber, DbId, Text

router = APIRouter(prefix="/liveness", tags=["刷脸 liveness"])
ERRORS = {403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}}


class AssistedSignatureIn(BaseModel):
    person_id: DbId
    note: Text(200, min_length=2) = Field(examples=["老人卧床，入户核实本人签字"])


@router.get("/applications/{number}/signatures", summary="核对授权书：谁需要签、谁已经签了", responses=ERRORS)
def signatures(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> dict:
    app = get_by_number(session, number)
    audited_view(session, actor, app, "application.read_signatures")
    status = [{k: v for k, v in s.items() if k != "paper_scan"} for s in service.signature_status(session, app)]
    return {"document": service.AUTHORIZATION_DOCUMENT, "signers": status, "all_signed": all(s["signed"] for s in status)}


@router.get("/applications/{number}/signatures/ways", summary="核对授权书：还没签的人各有哪些签法（刷脸、入户或窗口协助签署）",
            responses=ERRORS)
def ways_to_sign(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> dict:
    app = get_by_number(session, number)
    audited_view(session, actor, app, "application.read_signatures")
    return {"unsigned": ways.ways_to_sign(session, app)}


@router.post("/applications/{number}/signatures/staff-assisted", status_code=201, summary="工作人员协助签署（不刷脸的办法）",
             responses=ERRORS)
def staff_assisted_signature(number: ApplicationNumber, body: AssistedSignatureIn, session: SessionDep,
                             actor: ActorDep) -> dict:
    person = assisted.staff_assisted_sign(session, actor, number, body.person_id, body.note)
    return {"signed": person.name, "method": "staff_assisted"}
