"""授权委托: creating, listing and revoking delegations to helpers."""

from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import or_, select

from backend.audit.service import record as audit
from backend.auth.actor import ActorDep
from backend.auth.otp import check_code, send_code
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.db import SessionDep
from backend.core.errors import AppError, ErrorResponse, Forbidden, NotFound
from backend.delegations.models import Delegation
from backend.delegations.schemas import (
    HELPER_KIND_LABELS, ConsentCodeIn, DelegationIn, DelegationOut, HelperIn, OtpConsent, RevokeIn,
)
from backend.people.models import Person
from backend.people.service import checked_phone, upsert_person, upsert_phone_holder

router = APIRouter(prefix="/delegations", tags=["授权委托 delegations"])
ERRORS = {403: {"model": ErrorResponse}, 400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


class NoPrincipalPhone(AppError):
    status_code = 422
    code = "principal_phone_required"
    message = "需要本人的手机号来接收授权验证码。本人没有手机的，请到社区办理书面授权委托书。"


def _out(d: Delegation) -> DelegationOut:
    return DelegationOut(
        id=d.id, principal_name=d.principal.name, helper_name=d.helper.name, helper_kind=d.helper_kind,
        helper_kind_label=HELPER_KIND_LABELS[d.helper_kind], helper_relation=d.helper_relation, scope=d.scope,
        consent_method=d.consent_method, created_at=d.created_at, expires_at=d.expires_at, revoked_at=d.revoked_at,
        active=d.active_at(clock.now()),
    )


def _helper_is_caller(actor, helper: HelperIn) -> str:  # noqa: ANN001
    phone = checked_phone(helper.phone)
    if actor.kind == "citizen" and get_vault().lookup_hash(phone) != actor.phone_hash:
        raise Forbidden("帮办人的手机号必须是您验证过的这个号码。", code="helper_phone_mismatch")
    return phone


def _principal_phone(person: Person) -> str:
    if not person.phone_cipher:
        raise NoPrincipalPhone()
    return get_vault().decrypt(person.phone_cipher)


@router.post("/consent-code", summary="给本人手机发授权验证码（帮办人发起）", responses=ERRORS)
def send_consent_code(body: ConsentCodeIn, session: SessionDep, actor: ActorDep) -> dict[str, str]:
    if actor.kind != "citizen":
        raise Forbidden("请帮办人先用自己的手机验证码验证身份。", code="citizen_required")
    _helper_is_caller(actor, body.helper)
    principal = upsert_person(session, name=body.principal.name, id_number=body.principal.id_number,
                              phone=body.principal.phone, who="被帮办人的")
    phone = _principal_phone(principal)
    send_code(session, phone, "consent", "otp_consent", helper_name=body.helper.name,
              helper_kind=HELPER_KIND_LABELS[body.helper.kind])
    return {"message": f"已给{principal.name}的手机{phone[:3]}****{phone[-4:]}发了授权验证码，请本人把验证码告诉您。"}


@router.post("", response_model=DelegationOut, status_code=201, summary="建立授权委托（验证码或书面委托书）",
             responses=ERRORS)
def create_delegation(body: DelegationIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    principal = upsert_person(session, name=body.principal.name, id_number=body.principal.id_number,
                              phone=body.principal.phone, who="被帮办人的")
    if isinstance(body.consent, OtpConsent):
        if actor.kind != "citizen":
            raise Forbidden("验证码授权由帮办人本人提交。", code="citizen_required")
        helper_phone = _helper_is_caller(actor, body.helper)
        check_code(session, _principal_phone(principal), "consent", body.consent.code)
        evidence, verified_by = "本人手机验证码确认", None
    else:
        if actor.kind != "staff" or actor.role not in ("caseworker", "reviewer"):
            raise Forbidden("书面授权委托书需要工作人员核验后录入。", code="staff_required")
        helper_phone = checked_phone(body.helper.phone)
        evidence, verified_by = f"书面授权委托书 {body.consent.form_reference}", actor.staff_id
    helper = upsert_phone_holder(session, name=body.helper.name, phone=helper_phone)
    if helper.id == principal.id:
        raise AppError("本人办理不需要授权委托。", code="self_delegation")
    delegation = Delegation(
        principal_person_id=principal.id, helper_person_id=helper.id, helper_kind=body.helper.kind,
        helper_relation=body.helper.relation, scope=sorted(set(body.scope)), consent_method=body.consent.method,
        consent_evidence=evidence, verified_by_staff_id=verified_by, created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=body.valid_days),
    )
    session.add(delegation)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.create", entity_type="delegation",
          entity_id=delegation.id, detail={"kind": body.helper.kind, "scope": delegation.scope, "consent": body.consent.method})
    return _out(delegation)


@router.get("", response_model=list[DelegationOut], summary="我的授权（我授权的、别人授权给我的）", responses=ERRORS)
def my_delegations(session: SessionDep, actor: ActorDep) -> list[DelegationOut]:
    if actor.kind != "citizen":
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    persons = select(Person.id).where(Person.phone_hash == actor.phone_hash)
    rows = session.scalars(
        select(Delegation).where(or_(Delegation.helper_person_id.in_(persons), Delegation.principal_person_id.in_(persons)))
        .order_by(Delegation.id.desc())
    ).all()
    return [_out(d) for d in rows]


@router.post("/{delegation_id}/revoke", response_model=DelegationOut, summary="撤销授权（本人或工作人员）", responses=ERRORS)
def revoke(delegation_id: int, body: RevokeIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    d = session.get(Delegation, delegation_id)
    if d is None:
        raise NotFound("没有找到这份授权。")
    is_principal = actor.kind == "citizen" and d.principal.phone_hash == actor.phone_hash
    if not is_principal and actor.kind != "staff":
        raise Forbidden("只有本人或工作人员可以撤销授权。", code="not_principal")
    if d.revoked_at is None:
        d.revoked_at = clock.now()
        d.revoked_reason = body.reason
        audit(session, actor=actor.label, channel=actor.channel, action="delegation.revoke", entity_type="delegation",
              entity_id=d.id, detail={"reason": body.reason})
    return _out(d)
