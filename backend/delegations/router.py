"""授权委托: creating, listing and revoking delegations to helpers."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from backend.audit.service import record as audit
from backend.auth import throttle
from backend.auth.actor import ActorDep
from backend.auth.otp import send_code
from backend.core import clock
from backend.core.idnumber import mask_phone
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, Forbidden, NotFound
from backend.core.fields import DbId, ShortText
from backend.delegations import paper, paper_link, repository, service
from backend.delegations.models import Delegation
from backend.delegations.schemas import (
    HELPER_KIND_LABELS, SCOPE_LABELS, ConsentCodeIn, HeldIn, DelegationIn, DelegationOut, OtpConsent, PaperConsent, PendingPaperOut,
    RejectPaperIn, RevokeIn, ScopeAddIn, ScopeCodeIn, VerifyPaperIn,
)
from backend.documents.limits import MAX_BYTES
from backend.documents.storage import TYPES, photo_response, prepare_photo

router = APIRouter(prefix="/delegations", tags=["授权委托 delegations"])
PAGE = 20
ERRORS = {403: {"model": ErrorResponse}, 400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


def _out(d: Delegation) -> DelegationOut:
    return DelegationOut(
        id=d.id, principal_name=d.principal.name, helper_name=d.helper.name, helper_kind=d.helper_kind,
        helper_kind_label=HELPER_KIND_LABELS[d.helper_kind], helper_relation=d.helper_relation, scope=d.scope,
        consent_method=d.consent_method, created_at=d.created_at, expires_at=d.expires_at, revoked_at=d.revoked_at,
        status=d.status, active=d.active_at(clock.now()),
    )


@router.post("/consent-code", summary="给本人手机发授权验证码（帮办人发起）", responses=ERRORS)
def send_consent_code(body: ConsentCodeIn, session: SessionDep, actor: ActorDep) -> dict[str, str]:
    if actor.kind != "citizen":
        raise Forbidden("请帮办人先用自己的手机验证码验证身份。", code="citizen_required")
    service.helper_is_caller(actor, body.helper)
    _, phone = service.consent_phone(session, actor, body.principal, body.helper.own_phones)
    throttle.consent_request(actor.client, actor.phone_hash, phone, "consent")
    send_code(session, phone, "consent", "otp_consent", helper_name=body.helper.name,
              helper_kind=HELPER_KIND_LABELS[body.helper.kind])
    return {"message": f"已给{body.principal.name}的手机{mask_phone(phone)}发了授权验证码，请本人把验证码告诉您。",
            "phone_masked": mask_phone(phone)}


@router.post("", response_model=DelegationOut, status_code=201, summary="建立授权委托（验证码或书面委托书）",
             responses=ERRORS)
def create_delegation(body: DelegationIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    if isinstance(body.consent, OtpConsent):
        if actor.kind != "citizen":
            raise Forbidden("验证码授权由帮办人本人提交。", code="citizen_required")
        delegation = service.create_by_code(session, actor, body)
    else:
        if actor.kind != "staff" or actor.role not in ("caseworker", "reviewer"):
            raise Forbidden("书面授权委托书请拍照提交，本人所在区县的工作人员核验后生效。",
                            code="staff_required")
        delegation = service.create_by_paper(session, actor, body)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.create", entity_type="delegation",
          entity_id=delegation.id, detail={"kind": body.helper.kind, "scope": delegation.scope, "consent": body.consent.method})
    return _out(delegation)


@router.post("/held", summary="我是否已经有这位的授权委托（窗口核验过的书面委托书，或以前的验证码授权）",
             responses={**ERRORS, 404: {"model": ErrorResponse}})
def held_delegation(body: HeldIn, session: SessionDep, actor: ActorDep) -> dict[str, object]:
    if actor.kind != "citizen":
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    found = service.held(session, actor, body.principal, body.scope)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.held", entity_type="delegation",
          entity_id=found["delegation_id"], detail={"status": found["status"], "scope": body.scope})
    return found


PaperToken = ShortText(2000)
PHOTO_TYPES = sorted(set(TYPES.values()))


class PaperLinkOut(BaseModel):
    upload_url: str = Field(examples=["/api/v1/delegations/paper-link/gAAAA..."])
    expires_at: str


@router.post("/paper-link", response_model=PaperLinkOut, status_code=201,
             responses={**ERRORS, 409: {"model": ErrorResponse, "description": "等待核验的委托书已经太多了"}},
             summary="本人没有手机：生成上传书面授权委托书照片的链接（帮办人发起，链接里不带个人信息）")
def open_paper_link(body: DelegationIn, session: SessionDep, actor: ActorDep) -> PaperLinkOut:
    token, expires = paper_link.open_link(session, actor, body)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.paper_link", entity_type="delegation",
          entity_id="-", detail={"kind": body.helper.kind})
    return PaperLinkOut(upload_url=f"/api/v1/delegations/paper-link/{token}", expires_at=expires.isoformat())


@router.get("/paper-link/{token}", summary="上传书面授权委托书：卡片上显示的内容", responses={410: {"model": ErrorResponse}})
def paper_link_info(token: PaperToken) -> dict[str, object]:
    return paper_link.info(token)


@router.post("/paper-link/{token}", status_code=201, summary="上传书面授权委托书的照片（等本人所在区县工作人员核验）",
             responses={409: {"model": ErrorResponse}, 410: {"model": ErrorResponse}, 422: {"model": ErrorResponse},
                        429: {"model": ErrorResponse, "description": "今天上传的照片太多了"}})
def paper_link_upload(token: PaperToken, session: SessionDep,
                      image: Annotated[UploadFile, File(description="本人签字的授权委托书，手机拍的照片")]) -> dict[str, object]:
    paper_link.read_link(token)  # an expired link is said before the photo is looked at
    # Checked in memory (a readable form, not a blank page or a thumbnail), written last.
    photo = prepare_photo(image.file.read(MAX_BYTES + 1), label="委托书照片", paper_form=True)
    d = paper_link.upload(session, token, photo)
    audit(session, actor=f"citizen:{(d.helper.phone_hash or '')[:12]}", channel="chat", action="delegation.submit_paper",
          entity_type="delegation", entity_id=d.id, detail={"kind": d.helper_kind, "scope": d.scope, "district": d.district_code})
    return {"message": paper_link.said(d), "status": d.status, "delegation_id": d.id}


@router.post("/paper", response_model=DelegationOut, status_code=201,
             summary="帮办人提交书面授权委托书的照片（工作人员核验前不能用）",
             responses={**ERRORS, 409: {"model": ErrorResponse, "description": "等待核验的委托书已经太多了"},
                        429: {"model": ErrorResponse, "description": "今天上传的照片太多了"}})
def submit_paper(session: SessionDep, actor: ActorDep,
                 delegation: Annotated[str, Form(max_length=4000, description="DelegationIn 的 JSON，consent 为 paper",
                                                 examples=['{"principal": {"name": "张秀英", "id_number": "11010519491231002X"}, '
                                                           '"helper": {"name": "王芳", "phone": "13987654321", "kind": "grid_worker", '
                                                           '"relation": "网格员"}, "scope": ["apply", "query"], "consent": '
                                                           '{"method": "paper", "form_reference": "七星岗-2026-0031", '
                                                           '"area_code": "500103001"}}'])],
                 form_photo: Annotated[UploadFile, File(description="本人签字的授权委托书，手机拍的照片")]) -> DelegationOut:
    if actor.kind != "citizen":
        raise Forbidden("请帮办人先用自己的手机验证码验证身份。", code="citizen_required")
    try:
        body = DelegationIn.model_validate_json(delegation)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    if not isinstance(body.consent, PaperConsent):
        raise RequestValidationError([{"type": "value_error", "loc": ("body", "delegation", "consent"),
                                       "msg": "这里只收书面授权委托书（consent.method 为 paper）", "input": body.consent.method}])
    # Checked in memory (a readable form, not a blank page or a thumbnail), written last.
    photo = prepare_photo(form_photo.file.read(MAX_BYTES + 1), label="委托书照片", paper_form=True)
    d = service.submit_paper(session, actor, body, photo)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.submit_paper", entity_type="delegation",
          entity_id=d.id, detail={"kind": body.helper.kind, "scope": d.scope, "district": d.district_code})
    return _out(d)


@router.get("/pending", response_model=list[PendingPaperOut], summary="本区县等待核验的书面授权委托书（最早的在前）",
            responses=ERRORS)
def pending_paper(session: SessionDep, actor: ActorDep,
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> list[PendingPaperOut]:
    return [PendingPaperOut(
        id=d.id, principal_name=d.principal.name, helper_name=d.helper.name, helper_kind_label=HELPER_KIND_LABELS[d.helper_kind],
        helper_relation=d.helper_relation, scope=d.scope, form_reference=d.consent_evidence,
        form_photo_url=f"/api/v1/delegations/{d.id}/form-photo", submitted_at=d.created_at, due_on=paper.due_on(d),
    ) for d in paper.pending(session, actor, offset=(page - 1) * PAGE, limit=PAGE)]


@router.get("/{delegation_id}/form-photo", summary="书面授权委托书的照片（解密后给出，查看记入审计）", response_class=Response,
            responses={**ERRORS, 200: {"content": {t: {} for t in PHOTO_TYPES}, "description": "照片"},
                       404: {"model": ErrorResponse, "description": "没有这份委托书，或不是本区县的"}})
def form_photo(delegation_id: DbId, session: SessionDep, actor: ActorDep) -> Response:
    return photo_response(*paper.form_photo(session, actor, delegation_id))


@router.post("/{delegation_id}/verify", response_model=DelegationOut, summary="核验通过书面授权委托书（写明怎么核验的）",
             responses={**ERRORS, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}})
def verify_paper(delegation_id: DbId, body: VerifyPaperIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    return _out(paper.review(session, actor, delegation_id, body.note, verify=True))


@router.post("/{delegation_id}/reject", response_model=DelegationOut, summary="书面授权委托书没有通过核验（写明原因，短信告诉帮办人）",
             responses={**ERRORS, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}})
def reject_paper(delegation_id: DbId, body: RejectPaperIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    return _out(paper.review(session, actor, delegation_id, body.reason, verify=False))


@router.get("", response_model=list[DelegationOut], summary="我的授权（我授权的、别人授权给我的）", responses=ERRORS)
def my_delegations(session: SessionDep, actor: ActorDep) -> list[DelegationOut]:
    if actor.kind != "citizen":
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    rows = repository.involving_phone(session, actor.phone_hash)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.list", entity_type="delegation_list",
          entity_id="-", detail={"ids": [d.id for d in rows]})
    return [_out(d) for d in rows]


def _delegation(session: SessionDep, delegation_id: int) -> Delegation:
    d = session.get(Delegation, delegation_id)
    if d is None:
        raise NotFound("没有找到这份授权。")
    return d


@router.post("/{delegation_id}/scope-code", summary="申请增加授权范围：给本人手机发验证码（帮办人发起）",
             responses={**ERRORS, 404: {"model": ErrorResponse, "description": "没有这份授权"}})
def send_scope_code(delegation_id: DbId, body: ScopeCodeIn, session: SessionDep, actor: ActorDep) -> dict[str, str]:
    d = _delegation(session, delegation_id)
    phone = service.scope_request(session, actor, d, body.scope)
    throttle.consent_request(actor.client, actor.phone_hash, phone, "scope")
    send_code(session, phone, service.scope_code_purpose(d, body.scope), "otp_scope", helper_name=d.helper.name,
              helper_kind=HELPER_KIND_LABELS[d.helper_kind], scope_label=SCOPE_LABELS[body.scope])
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.scope_code", entity_type="delegation",
          entity_id=d.id, detail={"scope": body.scope})
    return {"message": f"已给{d.principal.name}的手机{mask_phone(phone)}发了验证码，请本人把验证码告诉您。",
            "phone_masked": mask_phone(phone)}


@router.post("/{delegation_id}/scopes", response_model=DelegationOut, summary="增加授权范围（本人验证码或书面授权）",
             responses={**ERRORS, 404: {"model": ErrorResponse, "description": "没有这份授权"}})
def add_scope(delegation_id: DbId, body: ScopeAddIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    d = _delegation(session, delegation_id)
    if isinstance(body.consent, OtpConsent):
        service.add_scope_by_code(session, actor, d, body.scope, body.consent.code)
    else:
        service.add_scope_by_paper(session, actor, d, body.scope)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.add_scope", entity_type="delegation",
          entity_id=d.id, detail={"scope": body.scope, "consent": body.consent.method,
                                  **({"form": body.consent.form_reference} if body.consent.method == "paper" else {})})
    return _out(d)


@router.post("/{delegation_id}/revoke", response_model=DelegationOut, summary="撤销授权（本人或工作人员）",
             responses={**ERRORS, 404: {"model": ErrorResponse, "description": "没有这份授权"}})
def revoke(delegation_id: DbId, body: RevokeIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    d = session.get(Delegation, delegation_id)
    if d is None:
        raise NotFound("没有找到这份授权。")
    if not service.may_revoke(session, actor, d):
        raise Forbidden("只有本人、帮办人自己或本人所在区县的工作人员可以撤销授权。", code="not_principal")
    if d.revoked_at is None:
        d.revoked_at = clock.now()
        d.revoked_reason = body.reason
        audit(session, actor=actor.label, channel=actor.channel, action="delegation.revoke", entity_type="delegation",
              entity_id=d.id, detail={"reason": body.reason})
    return _out(d)
