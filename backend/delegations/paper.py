"""Paper delegations handed in by helpers (帮办代办): the queue a caseworker verifies, and the review.

A grid worker, volunteer or relative photographs the principal's signed 授权委托书 and submits it
(delegations.service.submit_paper): the delegation is pending and gives no rights. A caseworker of the
principal's district looks at the photo and verifies it (with how she checked) or rejects it (with the
reason the helper is told; the rejected photo is then deleted from storage). She does not review a form
where she, or someone she declared a relation with, is the helper or the principal (conflict of
interest). Another district's forms answer 404.
The API (/api/v1/delegations/pending…) and the desk page (/staff/desk/delegations) both call these.
"""

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.core import clock
from backend.core.errors import AppError, Conflict, Forbidden, NotFound
from backend.core.events import publish
from backend.core.workdays import get_calendar
from backend.delegations import repository
from backend.delegations.events import PaperDelegationReviewed
from backend.delegations.models import PENDING, REJECTED, VERIFIED, Delegation
from backend.delegations.schemas import HELPER_KIND_LABELS, REJECT_REASON_MAX
from backend.documents.storage import discard, read_photo
from backend.people.service import recorded_phone
from backend.staff.relations import related

VERIFY_WORKDAYS = 3  # a submitted form is looked at within three working days


def due_on(d: Delegation) -> date:
    return get_calendar().add_workdays(d.created_at.astimezone(clock.CHINA).date(), VERIFY_WORKDAYS)


def _pending(actor: Actor) -> Select:
    query = select(Delegation).where(Delegation.status == PENDING, Delegation.consent_method == "paper",
                                     Delegation.revoked_at.is_(None))
    return query if actor.role == "admin" else query.where(Delegation.district_code == actor.district_code)


def pending_count(session: Session, actor: Actor) -> int:
    return session.scalar(select(func.count()).select_from(_pending(actor).subquery())) or 0


def pending(session: Session, actor: Actor, *, offset: int = 0, limit: int = 20) -> list[Delegation]:
    """Forms waiting in my district (admin: all), the one waiting longest first; the read is audited."""
    require_staff(actor, "caseworker", "reviewer", "admin")
    rows = list(session.scalars(_pending(actor).order_by(Delegation.created_at, Delegation.id).offset(offset).limit(limit)))
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.pending_list", entity_type="delegation_list",
          entity_id=actor.district_code or "-", detail={"ids": [d.id for d in rows]})
    return rows


def _of_my_district(session: Session, actor: Actor, delegation_id: int) -> Delegation:
    d = session.get(Delegation, delegation_id)
    if d is None or d.consent_method != "paper" or d.form_photo is None \
            or (actor.role != "admin" and d.district_code != actor.district_code):
        raise NotFound("没有找到这份书面授权委托书。", code="delegation_not_found")
    return d


def form_photo(session: Session, actor: Actor, delegation_id: int) -> tuple[bytes, str]:
    """The photo of the signed form (decrypted) and its type, for staff of its district; each look is audited."""
    require_staff(actor, "caseworker", "reviewer", "admin")
    d = _of_my_district(session, actor, delegation_id)
    if d.status == REJECTED:
        raise NotFound("这份委托书已经退回了，照片也已经删除。", code="form_photo_deleted")
    found = read_photo(d.form_photo)
    if found is None:
        raise NotFound("委托书照片找不到了，请联系帮办人重新提交。", code="form_photo_missing")
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.view_form", entity_type="delegation",
          entity_id=d.id, detail={"file": d.form_photo})
    return found


STANDING = {PENDING: "等待核验", VERIFIED: "已核验，正在生效"}
METHODS = {"paper": "书面委托书", "otp": "本人手机验证码授权"}


def beside(session: Session, d: Delegation) -> list[dict[str, object]]:
    """What the caseworker must see beside a form before she verifies it (repository.beside): the same principal's
    delegation to another helper, waiting or in force, and which helper; another helper's form with this very photo
    (byte-identical: that form, and so this photo, names the other helper)."""
    return [{"id": o.id, "helper": o.helper.name, "kind": HELPER_KIND_LABELS.get(o.helper_kind, o.helper_kind),
             "method": METHODS.get(o.consent_method, o.consent_method), "standing": STANDING[o.status],
             "same_principal": o.principal_person_id == d.principal_person_id, "principal": o.principal.name,
             "same_photo": bool(d.form_photo) and o.form_photo == d.form_photo} for o in repository.beside(session, d)]


def helper_phone(session: Session, actor: Actor, delegation_id: int, reason: str) -> str | None:
    """The helper's whole phone number, for a caseworker of the form's district who arranges the home visit with
    him; read with a reason, in the audit chain (as identity.reveal for a person on file)."""
    require_staff(actor, "caseworker", "reviewer")
    d = _of_my_district(session, actor, delegation_id)
    audit(session, actor=actor.label, channel=actor.channel, action="delegation.read_helper_phone",
          entity_type="delegation", entity_id=d.id, detail={"reason": reason, "person": d.helper_person_id})
    return recorded_phone(d.helper)


def review(session: Session, actor: Actor, delegation_id: int, note: str, *, verify: bool) -> Delegation:
    """Verify (from now on it gives its rights, for the days it was given for) or reject, with the note."""
    require_staff(actor, "caseworker", "reviewer")
    if not verify and len(note) > REJECT_REASON_MAX:
        raise AppError(f"不通过的原因会用短信告诉帮办人，请写在{REJECT_REASON_MAX}个字以内。", code="reason_too_long")
    d = _of_my_district(session, actor, delegation_id)
    if related(session, actor.staff_id, d.helper_person_id, d.principal_person_id):
        raise Forbidden("您和帮办人或委托人有关系（或就是帮办人），请由其他工作人员核验。", code="conflict_of_interest")
    if d.status != PENDING or d.revoked_at is not None:
        raise Conflict("这份委托书已经核验过了，可能已经有人处理了。", code="delegation_reviewed")
    now = clock.now()
    if verify:
        d.expires_at = now + (d.expires_at - d.created_at)  # the validity it was given for starts now
    d.status, d.verified_by_staff_id, d.reviewed_at, d.review_note = (VERIFIED if verify else REJECTED), actor.staff_id, now, note
    session.flush()
    if not verify and not repository.form_photo_wanted(session, d.form_photo, besides=d.id):
        discard(session, d.form_photo, purpose="paper_form")  # a rejected photo is not kept (the note says why)
    audit(session, actor=actor.label, channel=actor.channel,
          action=f"delegation.{'verify' if verify else 'reject'}_paper", entity_type="delegation", entity_id=d.id,
          detail={"note": note})
    publish(session, PaperDelegationReviewed(
        delegation_id=d.id, principal_person_id=d.principal_person_id, helper_person_id=d.helper_person_id,
        district_code=d.district_code, verified=verify, note=note, actor=actor.label, channel=actor.channel))
    return d
