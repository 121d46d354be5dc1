"""授权委托: creating, listing and revoking delegations to helpers."""

from datetime import timedelta

from fastapi import APIRouter
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.applications.access import person_districts
from backend.auth import throttle
from backend.auth.actor import Actor, ActorDep
from backend.auth.otp import check_code, send_code
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.idnumber import mask_phone
from backend.core.db import SessionDep
from backend.core.errors import AppError, ErrorResponse, Forbidden, NotFound
from backend.core.fields import DbId
from backend.delegations.models import Delegation
from backend.delegations.schemas import (
    HELPER_KIND_LABELS, ConsentCodeIn, DelegationIn, DelegationOut, HelperIn, OtpConsent, PaperConsent, PrincipalIn,
    RevokeIn,
)
from backend.people.models import Person
from backend.people.service import (
    bind_phone, checked_phone, find_named, find_or_register, holds_phone, recorded_phone, upsert_phone_holder,
)
from backend.regions.models import Area

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


def _consent_phone(session: Session, actor: Actor, principal: PrincipalIn) -> tuple[Person | None, str]:
    """Where the principal's consent code goes: the phone on record, never one the helper names for a
    recorded person. A new person's code goes to the phone given, which must not be the helper's own."""
    person = find_named(session, name=principal.name, id_number=principal.id_number, who="被帮办人的")
    if person is not None:
        phone = recorded_phone(person)
        if phone is None:
            raise NoPrincipalPhone()
        return person, phone
    if not principal.phone:
        raise NoPrincipalPhone()
    phone = checked_phone(principal.phone)
    if get_vault().lookup_hash(phone) == actor.phone_hash:
        raise AppError("授权验证码要发到本人的手机上，不能填您自己的号码。本人没有手机的，请到社区办理书面授权委托书。",
                       code="principal_phone_is_helper")
    return None, phone


@router.post("/consent-code", summary="给本人手机发授权验证码（帮办人发起）", responses=ERRORS)
def send_consent_code(body: ConsentCodeIn, session: SessionDep, actor: ActorDep) -> dict[str, str]:
    if actor.kind != "citizen":
        raise Forbidden("请帮办人先用自己的手机验证码验证身份。", code="citizen_required")
    _helper_is_caller(actor, body.helper)
    _, phone = _consent_phone(session, actor, body.principal)
    throttle.code_request(actor.client, phone)
    send_code(session, phone, "consent", "otp_consent", helper_name=body.helper.name,
              helper_kind=HELPER_KIND_LABELS[body.helper.kind])
    return {"message": f"已给{body.principal.name}的手机{mask_phone(phone)}发了授权验证码，请本人把验证码告诉您。",
            "phone_masked": mask_phone(phone)}


@router.post("", response_model=DelegationOut, status_code=201, summary="建立授权委托（验证码或书面委托书）",
             responses=ERRORS)
def create_delegation(body: DelegationIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    district = None
    if isinstance(body.consent, OtpConsent):
        if actor.kind != "citizen":
            raise Forbidden("验证码授权由帮办人本人提交。", code="citizen_required")
        helper_phone = _helper_is_caller(actor, body.helper)
        principal, principal_phone = _consent_phone(session, actor, body.principal)
        check_code(session, principal_phone, "consent", body.consent.code, client=actor.client)
        if principal is None:
            # The code was answered on this phone: it is the new principal's, proven.
            principal = find_or_register(session, name=body.principal.name, id_number=body.principal.id_number,
                                         who="被帮办人的")
            bind_phone(principal, principal_phone)
        evidence, verified_by = "本人手机验证码确认", None
    else:
        if actor.kind != "staff" or actor.role not in ("caseworker", "reviewer"):
            raise Forbidden("书面授权委托书需要工作人员核验后录入。", code="staff_required")
        principal = find_or_register(session, name=body.principal.name, id_number=body.principal.id_number,
                                     who="被帮办人的")
        district = _paper_district(session, actor, principal, body.consent)
        if principal.phone_hash is None and body.principal.phone:
            bind_phone(principal, body.principal.phone)  # the caseworker saw the person and the form
        helper_phone = checked_phone(body.helper.phone)
        evidence, verified_by = f"书面授权委托书 {body.consent.form_reference}", actor.staff_id
    helper = upsert_phone_holder(session, name=body.helper.name, phone=helper_phone)
    if helper.id == principal.id or holds_phone(principal, get_vault().lookup_hash(helper_phone)):
        raise AppError("本人办理不需要授权委托。", code="self_delegation")
    delegation = Delegation(
        principal_person_id=principal.id, helper_person_id=helper.id, helper_kind=body.helper.kind,
        helper_relation=body.helper.relation, scope=sorted(set(body.scope)), consent_method=body.consent.method,
        consent_evidence=evidence, verified_by_staff_id=verified_by, district_code=district, created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=body.valid_days),
    )
    session.add(delegation)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.create", entity_type="delegation",
          entity_id=delegation.id, detail={"kind": body.helper.kind, "scope": delegation.scope, "consent": body.consent.method})
    return _out(delegation)


def _paper_district(session: Session, actor: Actor, principal: Person, consent: PaperConsent) -> str:
    """A paper form is verified in the principal's own district: where their applications are, or, for
    someone not known yet, the street they live in (given on the form)."""
    known = person_districts(session, principal.id)
    if known:
        if actor.district_code not in known:
            raise Forbidden("书面授权委托书要由本人所在区县的工作人员核验。", code="other_district")
        return actor.district_code
    area = session.get(Area, consent.area_code) if consent.area_code else None
    if area is None or area.level != "street":
        raise AppError("请填写本人居住的街道（乡镇），书面授权由那里的工作人员核验。", code="area_required")
    if area.parent_code != actor.district_code:
        raise Forbidden("书面授权委托书要由本人所在区县的工作人员核验。", code="other_district")
    return actor.district_code


@router.get("", response_model=list[DelegationOut], summary="我的授权（我授权的、别人授权给我的）", responses=ERRORS)
def my_delegations(session: SessionDep, actor: ActorDep) -> list[DelegationOut]:
    if actor.kind != "citizen":
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    persons = select(Person.id).where(Person.phone_hash == actor.phone_hash)
    rows = session.scalars(
        select(Delegation).where(or_(Delegation.helper_person_id.in_(persons), Delegation.principal_person_id.in_(persons)))
        .order_by(Delegation.id.desc())
    ).all()
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.list", entity_type="delegation_list",
          entity_id="-", detail={"ids": [d.id for d in rows]})
    return [_out(d) for d in rows]


def _may_revoke(session: Session, actor: Actor, d: Delegation) -> bool:
    if actor.kind == "citizen":
        return holds_phone(d.principal, actor.phone_hash) or holds_phone(d.helper, actor.phone_hash)
    if actor.kind == "staff" and actor.role in ("caseworker", "reviewer"):
        return actor.district_code in person_districts(session, d.principal_person_id)
    return False


@router.post("/{delegation_id}/revoke", response_model=DelegationOut, summary="撤销授权（本人或工作人员）",
             responses={**ERRORS, 404: {"model": ErrorResponse, "description": "没有这份授权"}})
def revoke(delegation_id: DbId, body: RevokeIn, session: SessionDep, actor: ActorDep) -> DelegationOut:
    d = session.get(Delegation, delegation_id)
    if d is None:
        raise NotFound("没有找到这份授权。")
    if not _may_revoke(session, actor, d):
        raise Forbidden("只有本人、帮办人自己或本人所在区县的工作人员可以撤销授权。", code="not_principal")
    if d.revoked_at is None:
        d.revoked_at = clock.now()
        d.revoked_reason = body.reason
        audit(session, actor=actor.label, channel=actor.channel, action="delegation.revoke", entity_type="delegation",
              entity_id=d.id, detail={"reason": body.reason})
    return _out(d)
