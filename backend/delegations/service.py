"""Rules for delegations: where the principal's consent code goes, which district verifies a paper form,
what a new delegation records, who may revoke. The router parses, authorizes and calls these; queries
are in `repository`."""

import hashlib
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.auth.otp import SCOPE_PREFIX, check_code
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import AppError, Forbidden, NotFound
from backend.delegations.models import PENDING, VERIFIED, Delegation
from backend.delegations import paper, repository
from backend.delegations.schemas import DelegationIn, HelperIn, PaperConsent, PrincipalIn
from backend.documents import storage
from backend.documents.limits import MAX_PENDING_PAPER_FORMS
from backend.households import service as households
from backend.people.models import Person
from backend.people.service import (
    bind_phone, find_by_id_number, find_named, find_or_register, holds_phone, recorded_phone, same_name, upsert_phone_holder,
)
from backend.core.phones import checked_phone
from backend.regions.service import ensure_area


def correct_own_name(session: Session, actor: Actor, *, name: str, id_number: str) -> bool:
    """A name this caller registered for this ID number, and only she ever gave, is hers to correct: a grid worker
    who typed the wrong name, uploaded the paper form (or had the code answered), then corrected it at the
    read-back was refused with "对不上" in a loop. Correctable only while nothing else stands on that name: no
    household (no case filed) and every delegation naming the person is this caller's, with no caseworker's look.
    A different person's registered ID number is refused as before (find_or_register). True if renamed."""
    if actor.kind != "citizen" or not actor.phone_hash:
        return False
    try:
        person = find_by_id_number(session, id_number)
    except AppError:
        return False  # a bad number is said where it is used
    if person is None or same_name(person.name) == same_name(name) or households.person_districts(session, person.id):
        return False
    ours = list(session.scalars(select(Delegation).where(Delegation.principal_person_id == person.id)))
    if not ours or any(not holds_phone(d.helper, actor.phone_hash) or d.verified_by_staff_id or d.reviewed_at for d in ours):
        return False
    audit(session, actor=actor.label, channel=actor.channel, action="person.name_corrected", entity_type="person",
          entity_id=person.id, detail={"before": person.name, "after": name.strip()})
    person.name = name.strip()
    session.flush()
    return True


def correct_helper_name(session: Session, actor: Actor, d: Delegation, name: str) -> bool:
    """The helper's own name as she last said it: corrected in the chat after the principal's consent was recorded
    (a grid worker typed "李虹" for "李红" and fixed it at the read-back), the delegation names her rightly from now
    on. Only the helper herself (the caller holds the helper's phone). The delegation points to the holder of her
    phone with that name (found or added, `upsert_phone_holder`): no recorded person is ever renamed. True if
    corrected."""
    name = name.strip()
    if actor.kind != "citizen" or not holds_phone(d.helper, actor.phone_hash) or same_name(d.helper.name) == same_name(name):
        return False
    phone = recorded_phone(d.helper)
    if phone is None:
        return False
    before = d.helper.name
    d.helper = upsert_phone_holder(session, name=name, phone=phone)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.helper_name_corrected",
          entity_type="delegation", entity_id=d.id, detail={"before": before, "after": name})
    return True


def held(session: Session, actor: Actor, principal: PrincipalIn, scope: str = "apply") -> dict:
    """Does the caller already hold this person's delegation for `scope` (a paper form verified at the window, a
    code answered before)? Then the chat asks no phone and no code. A paper form still waiting is said, with the
    day it will have been looked at. The name must be the one on record for the ID number (or one this caller may
    still correct)."""
    correct_own_name(session, actor, name=principal.name, id_number=principal.id_number)
    person = find_named(session, name=principal.name, id_number=principal.id_number, who="被帮办人的")
    if person is not None and actor.phone_hash:
        found = repository.active_delegation(session, principal_person_id=person.id, helper_phone_hash=actor.phone_hash,
                                             scope=scope)
        if found is not None:
            # How she consented (otp: her code; paper: her signed form), so the chat says it as it was.
            return {"status": VERIFIED, "delegation_id": found.id, "method": found.consent_method}
        waiting = repository.pending_paper_of(session, principal_person_id=person.id, helper_phone_hash=actor.phone_hash)
        if waiting is not None:
            return {"status": PENDING, "delegation_id": waiting.id, "due_said": say.by_day(paper.due_on(waiting))}
    raise NotFound("还没有这位的授权委托。", code="no_delegation")


class NoPrincipalPhone(AppError):
    status_code = 422
    code = "principal_phone_required"
    message = "需要本人的手机号来接收授权验证码。本人没有手机的，请到社区办理书面授权委托书。"


def helper_is_caller(actor: Actor, helper: HelperIn) -> str:
    """A helper consenting by code is the caller: their phone is the one the caller verified."""
    phone = checked_phone(helper.phone)
    if actor.kind == "citizen" and not actor.holds(phone):
        raise Forbidden("帮办人的手机号必须是您验证过的这个号码。", code="helper_phone_mismatch")
    return phone


SEEN_AS_HELPERS = "；注意：这个号码之前被人用来登录验证过（可能是帮办人登录用的），请核实是本人的手机"


class PrincipalPhoneIsHelpers(AppError):
    status_code = 409
    code = "principal_phone_is_helper"
    message = "授权验证码要发到本人的手机上，不能填您自己的号码（您登录用的，或这次用过的号码）。本人没有手机的，请到社区办理书面授权委托书。"


def consent_phone(session: Session, actor: Actor, principal: PrincipalIn,
                  own_phones: Sequence[str] = ()) -> tuple[Person | None, str]:
    """Where the principal's consent code goes: the phone on record, never one the helper names for a
    recorded person. A new person's code goes to the phone given, which must be neither the helper's verified
    phone nor one he used or called his own in this conversation (409: a grandson's own number taken as his
    grandmother's got her consent code on his phone)."""
    correct_own_name(session, actor, name=principal.name, id_number=principal.id_number)
    person = find_named(session, name=principal.name, id_number=principal.id_number, who="被帮办人的")
    if person is not None:
        phone = recorded_phone(person)
        if phone is None:
            raise NoPrincipalPhone()
        return person, phone
    if not principal.phone:
        raise NoPrincipalPhone()
    phone = checked_phone(principal.phone)
    if actor.holds(phone) or phone in {checked_phone(p) for p in own_phones}:
        raise PrincipalPhoneIsHelpers()
    return None, phone


def paper_district(session: Session, actor: Actor, principal: Person, consent: PaperConsent) -> str:
    """A paper form is verified in the principal's own district: where their applications are, or, for
    someone not known yet, the street they live in (given on the form)."""
    known = repository.person_districts(session, principal.id)
    if known:
        if actor.district_code not in known:
            raise Forbidden("书面授权委托书要由本人所在区县的工作人员核验。", code="other_district")
        return actor.district_code
    area = ensure_area(session, consent.area_code)
    if area is None or area.level != "street":
        raise AppError("请填写本人居住的街道（乡镇），书面授权由那里的工作人员核验。", code="area_required")
    if area.parent_code != actor.district_code:
        raise Forbidden("书面授权委托书要由本人所在区县的工作人员核验。", code="other_district")
    return actor.district_code


class DelegationInactive(AppError):
    code = "delegation_inactive"
    message = "这份授权已经失效了，请重新办理授权委托。"


def scope_code_purpose(d: Delegation, scope: str) -> str:
    """A code is good for one scope of one delegation (one_time_codes.purpose holds 16 characters)."""
    return SCOPE_PREFIX + hashlib.sha256(f"{d.id}:{scope}".encode()).hexdigest()[:12]


def scope_request(session: Session, actor: Actor, d: Delegation, scope: str) -> str:
    """The phone on record where the principal's code for adding `scope` goes. Only the helper asks, for an
    active delegation that lacks the scope; a principal without a phone gives a paper form instead."""
    if actor.kind != "citizen" or not holds_phone(d.helper, actor.phone_hash):
        raise Forbidden("只有这份授权里的帮办人本人可以申请增加授权。", code="not_helper")
    if not d.active_at(clock.now()):
        raise DelegationInactive()
    if scope in d.scope:
        raise AppError("这份授权里已经包括这一项了。", code="scope_present")
    phone = recorded_phone(d.principal)
    if phone is None:
        raise NoPrincipalPhone()
    return phone


def add_scope_by_code(session: Session, actor: Actor, d: Delegation, scope: str, code: str) -> None:
    """The helper submits the code the principal received: the principal agreed to this scope too."""
    phone = scope_request(session, actor, d, scope)
    check_code(session, phone, scope_code_purpose(d, scope), code, client=actor.client)
    d.scope = sorted({*d.scope, scope})


def add_scope_by_paper(session: Session, actor: Actor, d: Delegation, scope: str) -> None:
    """A caseworker of the principal's district has seen the principal's signed form."""
    if actor.kind != "staff" or actor.role not in ("caseworker", "reviewer") \
            or actor.district_code not in repository.person_districts(session, d.principal_person_id):
        raise Forbidden("书面授权要由本人所在区县的工作人员核验后录入。", code="staff_required")
    if not d.active_at(clock.now()):
        raise DelegationInactive()
    d.scope = sorted({*d.scope, scope})


def may_revoke(session: Session, actor: Actor, d: Delegation) -> bool:
    """The principal, the helper, or a caseworker of a district that knows the principal."""
    if actor.kind == "citizen":
        return holds_phone(d.principal, actor.phone_hash) or holds_phone(d.helper, actor.phone_hash)
    if actor.kind == "staff" and actor.role in ("caseworker", "reviewer"):
        return actor.district_code in repository.person_districts(session, d.principal_person_id)
    return False


def create_by_code(session: Session, actor: Actor, body: DelegationIn) -> Delegation:
    """The helper (the caller) and the code the principal received on their phone."""
    helper_phone = helper_is_caller(actor, body.helper)
    principal, principal_phone = consent_phone(session, actor, body.principal, body.helper.own_phones)
    check_code(session, principal_phone, "consent", body.consent.code, client=actor.client)
    evidence = "本人手机验证码确认"
    if principal is None:
        # The code was answered on this phone: it is the new principal's, proven.
        principal = find_or_register(session, name=body.principal.name, id_number=body.principal.id_number,
                                     who="被帮办人的")
        bind_phone(principal, principal_phone)
        if repository.signed_in_lately(session, get_vault().lookup_hash(principal_phone)):
            # First seen as someone's sign-in (a grandson logged in with her phone): the caseworker checks it is hers.
            evidence += SEEN_AS_HELPERS
    return _record(session, body, principal=principal, helper_phone=helper_phone, evidence=evidence,
                   verified_by=None, district=None)


def submitted_district(session: Session, principal: Person, consent: PaperConsent) -> str:
    """Where a helper's paper form is verified: the principal's own district — the one whose households name
    her, or for someone not known yet, the district of the street the form names."""
    known = repository.person_districts(session, principal.id)
    if consent.area_code:
        area = ensure_area(session, consent.area_code)
        if area is None or area.level != "street":
            raise AppError("请填写本人居住的街道（乡镇），书面授权由那里的工作人员核验。", code="area_required")
        if known and area.parent_code not in known:
            raise AppError("本人的申请在别的区县，请填写本人申请所在的街道（乡镇）。", code="other_district")
        return area.parent_code
    if len(known) != 1:
        raise AppError("请填写本人居住的街道（乡镇），书面授权由那里的工作人员核验。", code="area_required")
    return next(iter(known))


class TooManyPendingForms(AppError):
    status_code = 409
    code = "too_many_pending_forms"
    message = (f"您交的书面委托书已经有{MAX_PENDING_PAPER_FORMS}份在等工作人员核对了。请等核对好了（会发短信告诉您）再交新的；"
               "着急的话，可以带着委托书到街道（乡镇）社会救助窗口。")


def room_for_paper(session: Session, actor: Actor) -> None:
    """A helper may have MAX_PENDING_PAPER_FORMS forms waiting at once (409 beyond): one phone cannot flood a queue."""
    if repository.pending_paper_count(session, helper_phone_hash=actor.phone_hash or "") >= MAX_PENDING_PAPER_FORMS:
        raise TooManyPendingForms()


class AnotherHelpersForm(AppError):
    status_code = 422  # not a dead end: the helper may photograph a form that names him
    code = "form_photo_of_another_helper"

    def __init__(self, principal_name: str):
        super().__init__(f"这张委托书照片和另一位帮办人交过的一模一样。委托书上的受托人要写您自己：请{principal_name}另签一份"
                         "写您名字的委托书，再拍一张传上来。有疑问，回到对话里说“找工作人员”。")


def submit_paper(session: Session, actor: Actor, body: DelegationIn, form_photo: storage.Photo) -> Delegation:
    """A helper (the caller) hands in the photo of the principal's signed form: pending, no rights until a
    caseworker of the principal's district verifies it (delegations.paper). The principal's phone is not
    recorded from the helper's word. The photo (checked, not yet written) is written last, once every
    rule here has passed, under the helper's lock: forms waiting and bytes a day hold in parallel. A photo
    byte-identical to another helper's form (waiting or verified) is refused: that form names the other helper."""
    helper_phone = helper_is_caller(actor, body.helper)
    owner = storage.owner_of(actor)
    storage.serialise_owner(session, owner)
    room_for_paper(session, actor)
    if repository.same_photo_elsewhere(session, form_photo.name, helper_phone_hash=actor.phone_hash or "") is not None:
        raise AnotherHelpersForm(body.principal.name)
    principal = find_or_register(session, name=body.principal.name, id_number=body.principal.id_number,
                                 who="被帮办人的")
    district = submitted_district(session, principal, body.consent)
    delegation = _record(session, body, principal=principal, helper_phone=helper_phone,
                         evidence=f"书面授权委托书 {body.consent.form_reference}", verified_by=None, district=district,
                         status=PENDING)
    delegation.form_photo = form_photo.name
    storage.keep(session, [form_photo], owner=owner, purpose="paper_form")
    return delegation


def create_by_paper(session: Session, actor: Actor, body: DelegationIn) -> Delegation:
    """A paper form a caseworker of the principal's district has seen (entering it is verifying it)."""
    principal = find_or_register(session, name=body.principal.name, id_number=body.principal.id_number,
                                 who="被帮办人的")
    district = paper_district(session, actor, principal, body.consent)
    if principal.phone_hash is None and body.principal.phone:
        bind_phone(principal, body.principal.phone)  # the caseworker saw the person and the form
    return _record(session, body, principal=principal, helper_phone=checked_phone(body.helper.phone),
                   evidence=f"书面授权委托书 {body.consent.form_reference}", verified_by=actor.staff_id, district=district)


def _record(session: Session, body: DelegationIn, *, principal: Person, helper_phone: str, evidence: str,
            verified_by: int | None, district: str | None, status: str = VERIFIED) -> Delegation:
    helper = upsert_phone_holder(session, name=body.helper.name, phone=helper_phone)
    if helper.id == principal.id or holds_phone(principal, get_vault().lookup_hash(helper_phone)):
        raise AppError("本人办理不需要授权委托。", code="self_delegation")
    delegation = Delegation(
        principal_person_id=principal.id, helper_person_id=helper.id, helper_kind=body.helper.kind,
        helper_relation=body.helper.relation, scope=sorted(set(body.scope)), consent_method=body.consent.method,
        consent_evidence=evidence, verified_by_staff_id=verified_by, district_code=district, status=status,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=body.valid_days),
    )
    session.add(delegation)
    session.flush()
    return delegation
