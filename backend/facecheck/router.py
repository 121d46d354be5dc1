"""Face checks over HTTP: one-time links, consent, frames, reference photos, and the /face/{token} page.

The paths stay under /liveness (API clients and the face page use them); the signatures of the 核对授权书
and staff-assisted certification under the same prefix are served by backend.authorizations and
backend.certification."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from backend.applications.access import view_basis
from backend.applications.service import get_by_number
from backend.auth.actor import ActorDep, require_staff
from backend.core.db import SessionDep, release
from backend.core.errors import AppError, Conflict, ErrorResponse, Forbidden
from backend.core.fields import MAX_FRAMES, ApplicationNumber, DbId, ShortText, Text
from backend.core.settings import get_settings
from backend.core.templates import html_env
from backend.delegations.repository import active_delegation
from backend.facecheck import id_photo, references, service
from backend.facecheck.challenge import ACTION_PROMPTS, FaceImageError
from backend.facecheck.geometry import FaceEngine
from backend.notifications.service import notify
from backend.people.models import Person
from backend.people.service import require_id_number

router = APIRouter(prefix="/liveness", tags=["刷脸 liveness"])
page_router = APIRouter(include_in_schema=False)
ERRORS = {403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse},
          410: {"model": ErrorResponse, "description": "链接已失效"}}
BAD_IMAGE = {400: {"model": ErrorResponse, "description": "照片打不开，或找不到一张清楚的人脸"}}
EngineDep = Annotated[FaceEngine, Depends(service.get_face_engine)]
# The one-time link's token (43 characters today); bounded so a path cannot carry a megabyte.
FaceToken = ShortText(128)


class SessionIn(BaseModel):
    purpose: Literal["authorization", "certification"] = Field(examples=["authorization"])
    application_number: ApplicationNumber = Field(examples=["JZ20261123000001"])
    person_id: DbId | None = Field(default=None, description="签字的家庭成员或义务人；不填就是申请人本人")


class SessionOut(BaseModel):
    link: str = Field(examples=["http://127.0.0.1:8000/face/Xk3..."])
    expires_at: str
    prompts: list[str] = Field(examples=[["请眨眨眼", "请把头慢慢转向左边", "请把头慢慢转向右边"]])
    guardian_mode: bool


class SessionInfo(BaseModel):
    purpose: str
    person_name: str
    needs_consent: bool
    consent_text_version: str
    prompts: list[str]
    guardian_mode: bool


class ConsentIn(BaseModel):
    agree: bool


class ResultOut(BaseModel):
    passed: bool
    reasons: list[str] = Field(examples=[["wrong_order"]])
    message: str
    retry_prompts: list[str] | None = None
    attempts_left: int = 0


@router.post("/sessions", response_model=SessionOut, status_code=201, summary="生成刷脸链接（核对授权或生存认证）",
             responses=ERRORS)
def create_session(body: SessionIn, session: SessionDep, actor: ActorDep) -> SessionOut:
    app = get_by_number(session, body.application_number)
    basis = view_basis(session, actor, app)
    person = service.subject_for(session, app, body.person_id)
    helper_id = delegation_id = None
    if basis == "helper":
        delegation = active_delegation(session, principal_person_id=app.applicant_person_id, helper_phone_hash=actor.phone_hash or "",
                                       scope="sign" if body.purpose == "authorization" else "certify")
        if delegation is None:
            # The delegation the helper has (the one that let them see the case), so a client can ask the
            # principal to add the missing scope (POST /delegations/{id}/scope-code).
            held = active_delegation(session, principal_person_id=app.applicant_person_id,
                                     helper_phone_hash=actor.phone_hash or "", scope="query")
            raise Forbidden("您的授权里不包括代为刷脸，需要申请人另外授权。", code="no_delegation",
                            details={"delegation_id": held.id if held else None,
                                     "missing_scope": "sign" if body.purpose == "authorization" else "certify"})
        helper_id, delegation_id = delegation.helper_person_id, delegation.id
    if body.purpose == "authorization":
        require_id_number(person)  # 身份证号待补: the 核对授权书 waits for the number
    # Before any link: without a reference face the check could only fail after the camera steps.
    service.require_reference(session, person.id)
    token, row = service.create_session(session, person=person, purpose=body.purpose, created_by=actor.label, application=app,
                                        helper_person_id=helper_id, delegation_id=delegation_id)
    link = f"{get_settings().public_base_url}/face/{token}"
    if body.purpose == "authorization" and person.phone_cipher:
        notify(session, event="authorization_requested", person=person, include_helpers=False, key=f"authz:{row.id}",
               application_id=app.id, context={"applicant_name": app.applicant.name, "type_name": app.assistance_type,
                                                "link": link, "hours": service.LINK_HOURS})
    return SessionOut(link=link, expires_at=row.expires_at.isoformat(), prompts=[ACTION_PROMPTS[a] for a in row.challenge],
                      guardian_mode=helper_id is not None)


@router.get("/sessions/{token}", response_model=SessionInfo, summary="刷脸页面需要的信息", responses=ERRORS)
def session_info(token: FaceToken, session: SessionDep) -> SessionInfo:
    """Opening the page issues the challenge the person is about to answer (two minutes)."""
    row = service.by_token(session, token)
    service.require_reference(session, row.person_id)  # said at the start, never after the camera steps
    person = session.get(Person, row.person_id)
    prompts = service.issue_challenge(row)
    return SessionInfo(purpose=row.purpose, person_name=person.name, needs_consent=not service.consented(session, row),
                       consent_text_version=service.CONSENT_TEXT_VERSION, prompts=prompts,
                       guardian_mode=row.helper_person_id is not None)


@router.post("/sessions/{token}/consent", summary="人脸识别单独同意（或不同意）", responses=ERRORS)
def consent(token: FaceToken, body: ConsentIn, session: SessionDep) -> dict[str, str]:
    row = service.by_token(session, token)
    service.record_consent(session, row, body.agree, "web")
    if body.agree:
        return {"next": "camera", "message": "谢谢。接下来请按提示动一动。"}
    return {"next": "staff", "message": "好的，不刷脸也可以办。请联系社区或街道工作人员，上门或到窗口帮您办理。"}


@router.post("/sessions/{token}/frames", response_model=ResultOut, summary="上传按提示拍下的照片，核验是否本人、是否活体",
             responses={**ERRORS, **BAD_IMAGE, 422: {"model": ErrorResponse}})
def submit_frames(token: FaceToken, session: SessionDep, engine: EngineDep,
                  frames: Annotated[list[UploadFile],
                                    File(description="按顺序拍下的2到20张照片", max_length=MAX_FRAMES)],
                  mirrored: Annotated[bool, Form()] = False) -> ResultOut:
    # A plain `def`: FastAPI runs it in its thread pool, so neither the database (SQLite waits up to 30 s
    # for its lock) nor dlib (~0.1 s a frame) ever blocks the event loop that serves everyone else.
    data = [f.file.read() for f in frames]
    row = service.by_token(session, token)
    reference, challenge, seen = service.prepare(session, row, data)
    release(session)
    try:
        result = service.run_verification(engine, reference, challenge, data, seen, mirrored=mirrored)
    except FaceImageError as exc:
        raise AppError("照片打不开，请重新拍一次。", code=str(exc.code)) from exc
    # Read the link again, locked: a parallel submission may have answered this challenge meanwhile.
    row = service.by_token(session, token, for_update=True)
    if row.nonce != challenge.nonce:
        raise Conflict("这一组动作已经交过了，请按页面上新的提示再做一次。", code="challenge_answered")
    return ResultOut(**service.record_result(session, row, result, "web"))


@router.post("/references/{person_id}", status_code=201, summary="登记参考照片（身份证照片或工作人员核实的自拍；须本人当面单独同意；照片不保存）",
             responses={**ERRORS, **BAD_IMAGE})
def upload_reference(person_id: DbId, session: SessionDep, actor: ActorDep, engine: EngineDep,
                     image: Annotated[UploadFile, File()],
                     consent: Annotated[bool, Form(description="本人已同意《人脸参考信息单独同意书》（工作人员当面读明后勾选）")],
                     consent_text_version: Annotated[ShortText(40), Form(description="读给本人的同意书版本",
                                                                         examples=[service.REFERENCE_CONSENT_VERSION])],
                     present: Annotated[ShortText(100, min_length=2), Form(description="当时谁在场", examples=["本人、女儿李红、经办人王芳"])],
                     source: Annotated[Literal["id_card", "staff_selfie"], Form()] = "staff_selfie") -> dict[str, int]:
    require_staff(actor, "caseworker", "reviewer")
    given = references.ConsentInPerson(agreed=consent, text_version=consent_text_version, present=present)
    return {"reference_id": references.upload(session, actor, engine, person_id, image.file.read(), source, given).id}


class PendingReferenceOut(BaseModel):
    reference_id: int
    person_id: int
    person_name: str
    uploaded_at: str
    delegation_id: int | None = Field(description="帮办人代传时所依据的授权委托")
    helper_name: str | None
    helper_kind: str | None = Field(examples=["网格员"])


class ReviewReferenceIn(BaseModel):
    reason: Text(200, min_length=2) = Field(description="用什么办法核实的，例如入户或与户籍照片比对（照片本身没有保存）",
                                            examples=["入户核实，与户籍照片比对一致"])


@router.get("/references/pending", response_model=list[PendingReferenceOut],
            summary="本区县待核实的身份证照片（帮办人代传的，核实前不能刷脸）", responses=ERRORS)
def pending_references(session: SessionDep, actor: ActorDep) -> list[PendingReferenceOut]:
    return [PendingReferenceOut(**{**p, "uploaded_at": p["uploaded_at"].isoformat()})
            for p in references.pending_for(session, actor)]


@router.post("/references/{person_id}/confirm", summary="核实帮办人代传的身份证照片是本人（入户或户籍照片比对后）",
             responses=ERRORS)
def confirm_reference(person_id: DbId, body: ReviewReferenceIn, session: SessionDep, actor: ActorDep) -> dict:
    return _review(session, actor, person_id, body.reason, confirm=True)


@router.post("/references/{person_id}/reject", summary="核实后认定帮办人代传的身份证照片不是本人（作废，可重新登记）",
             responses=ERRORS)
def reject_reference(person_id: DbId, body: ReviewReferenceIn, session: SessionDep, actor: ActorDep) -> dict:
    return _review(session, actor, person_id, body.reason, confirm=False)


def _review(session: SessionDep, actor: ActorDep, person_id: int, reason: str, *, confirm: bool) -> dict:
    ref = references.review(session, actor, person_id, reason, confirm=confirm)
    return {"reference_id": ref.id, "status": ref.status, "reviewed_at": ref.reviewed_at.isoformat()}


class IdPhotoLinkIn(BaseModel):
    purpose: Literal["authorization", "certification"] = Field(description="登记照片之后要做的刷脸", examples=["certification"])
    application_number: ApplicationNumber = Field(examples=["JZ20261123000001"])
    person_id: DbId | None = Field(default=None, description="要登记照片的家庭成员或义务人；不填就是申请人本人")


class IdPhotoLinkOut(BaseModel):
    upload_url: str = Field(examples=["/api/v1/liveness/id-photo/Xk3..."])
    expires_at: str


class IdPhotoInfo(BaseModel):
    person_name: str
    needs_consent: bool
    consent_text_version: str
    consent_text: str
    purpose: str | None


@router.post("/id-photo", response_model=IdPhotoLinkOut, status_code=201, summary="生成登记身份证照片的一次性链接（本人或受托帮办人）",
             responses=ERRORS)
def open_id_photo_link(body: IdPhotoLinkIn, session: SessionDep, actor: ActorDep) -> IdPhotoLinkOut:
    app = get_by_number(session, body.application_number)
    view_basis(session, actor, app)  # strangers: the same 404 as a number that does not exist
    person = service.subject_for(session, app, body.person_id)
    token, row = id_photo.open_link(session, actor, app=app, person=person, face_purpose=body.purpose)
    return IdPhotoLinkOut(upload_url=f"/api/v1/liveness/id-photo/{token}", expires_at=row.expires_at.isoformat())


@router.get("/id-photo/{token}", response_model=IdPhotoInfo, summary="登记身份证照片：同意书和要登记的人", responses=ERRORS)
def id_photo_info(token: FaceToken, session: SessionDep) -> IdPhotoInfo:
    row = id_photo.by_token(session, token)
    person = session.get(Person, row.person_id)
    return IdPhotoInfo(person_name=person.name, needs_consent=id_photo.needs_consent(session, row),
                       consent_text_version=service.REFERENCE_CONSENT_VERSION, consent_text=id_photo.consent_text(),
                       purpose=(row.result or {}).get("for"))


@router.post("/id-photo/{token}/consent", summary="保存人脸参考信息的单独同意（或不同意）", responses=ERRORS)
def id_photo_consent(token: FaceToken, body: ConsentIn, session: SessionDep) -> dict[str, str]:
    row = id_photo.by_token(session, token)
    id_photo.record_consent(session, row, body.agree)
    if body.agree:
        return {"next": "photo", "message": "谢谢。请拍身份证有头像的那一面，放平、光线亮一点。"}
    return {"next": "staff", "message": "好的，不登记照片也可以办。" + id_photo.STAFF_WAY}


@router.post("/id-photo/{token}", status_code=201, summary="上传身份证头像面照片，登记为刷脸比对的参考（照片不保存）",
             responses={**ERRORS, **BAD_IMAGE, 413: {"model": ErrorResponse, "description": "照片太大"}})
def upload_id_photo(token: FaceToken, session: SessionDep, engine: EngineDep,
                    image: Annotated[UploadFile, File(description="身份证有头像的一面，手机拍的照片")]) -> dict[str, str | None]:
    # Read at most one byte past the limit: a larger photo is refused without holding all of it.
    raw = image.file.read(id_photo.MAX_PHOTO_BYTES + 1)
    row = id_photo.by_token(session, token)
    id_photo.check_ready(session, row, raw)
    release(session)
    try:
        encoding = engine.id_card_encoding(raw)
    except FaceImageError as exc:
        raise id_photo.refuse_photo(session, id_photo.by_token(session, token, for_update=True), str(exc.code)) from exc
    return id_photo.keep_reference(session, id_photo.by_token(session, token, for_update=True), encoding)


@page_router.get("/face/{token}", response_class=HTMLResponse)
def face_page(token: str) -> HTMLResponse:
    return HTMLResponse(html_env().get_template("facecheck/face.html").render(token=token))
