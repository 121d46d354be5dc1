"""Reference photos staff handle: upload (a staff-verified selfie or an ID card photo) and the review of ID
card photos a helper uploaded. One place for the rules the API (/api/v1/liveness/references…) and the
workbench pages (/staff/desk/references…) share: which persons a staff member may touch (a household or
paper delegation of their district), who may review (a caseworker not related to the person, and not
the one who uploaded it), the audit.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.core.db import release
from backend.core.errors import AppError, Conflict, Forbidden, NotFound
from backend.delegations.models import Delegation
from backend.delegations.repository import person_districts
from backend.delegations.schemas import HELPER_KIND_LABELS
from backend.facecheck import service
from backend.facecheck.challenge import FaceImageError
from backend.facecheck.geometry import FaceEngine
from backend.facecheck.models import FaceReference
from backend.people.models import Person
from backend.staff.models import StaffUser
from backend.staff.relations import refuse_related


def district_person(session: Session, actor: Actor, person_id: int) -> Person:
    """A person a household or paper delegation of the staff member's district names; 404 for everyone else."""
    person = session.get(Person, person_id)
    if person is None or actor.district_code not in person_districts(session, person.id):
        raise NotFound("没有找到这个人。本辖区申请里的家庭成员和义务人才能登记照片。", code="person_not_found")
    return person


@dataclass(frozen=True)
class ConsentInPerson:
    """The person's separate consent to keeping a reference (service.REFERENCE_CONSENT_VERSION, the text
    id_photo.consent_text() shows), given in front of the staff member: agreed, to which text, who was there."""

    agreed: bool
    text_version: str
    present: str


class ConsentMissing(AppError):
    status_code = 422
    code = "consent_required"
    message = "登记参考照片之前，要先向本人读明《人脸参考信息单独同意书》并征得本人同意，请勾选“本人已同意”。本人不同意的，可以协助签署或协助认证。"


def upload(session: Session, actor: Actor, engine: FaceEngine, person_id: int, raw: bytes, source: str,
           consent: ConsentInPerson) -> FaceReference:
    """The person's reference (the photo itself is never kept: only its encoding), after her separate consent
    to this text, recorded first (by whom, who was present) — as the chat's ID-photo flow does. Where a
    confirmed reference is on file, the new one waits for a second staff member (service.set_reference)."""
    require_staff(actor, "caseworker", "reviewer")
    person = district_person(session, actor, person_id)
    refuse_related(session, actor.staff_id, person.id)  # nobody registers the face of a relative (or her own)
    if not consent.agreed:
        raise ConsentMissing()
    if consent.text_version != service.REFERENCE_CONSENT_VERSION:
        raise AppError("同意书的版本已经更新，请刷新页面，把新的同意书读给本人听后再勾选。", code="consent_text_changed")
    service.record_person_consent(session, person_id=person.id, agreed=True, channel="staff", actor=actor.label,
                                  version=consent.text_version, staff_id=actor.staff_id, present=consent.present)
    release(session)
    try:
        encoding = engine.reference_encoding(raw)
    except FaceImageError as exc:
        raise AppError("这张照片里找不到一张清楚的人脸，请换一张。", code=str(exc.code)) from exc
    ref = service.set_reference(session, person=person, encoding=encoding, source=source, staff_id=actor.staff_id)
    audit(session, actor=actor.label, channel=actor.channel, action="face.set_reference", entity_type="person",
          entity_id=person.id, detail={"reference": ref.id, "source": source, "consent": consent.text_version})
    return ref


def pending_for(session: Session, actor: Actor) -> list[dict]:
    """ID card photos helpers uploaded for persons of my district, waiting for a caseworker."""
    require_staff(actor, "caseworker")
    out = []
    for ref in service.pending_references(session):
        if actor.district_code not in person_districts(session, ref.person_id):
            continue
        d = session.get(Delegation, ref.delegation_id) if ref.delegation_id else None
        by_staff = session.get(StaffUser, ref.verified_by_staff_id) if d is None and ref.verified_by_staff_id else None
        out.append({"reference_id": ref.id, "person_id": ref.person_id, "person_name": session.get(Person, ref.person_id).name,
                    "uploaded_at": ref.created_at, "delegation_id": ref.delegation_id,
                    "helper_name": d.helper.name if d else (by_staff.display_name if by_staff else None),
                    "helper_kind": HELPER_KIND_LABELS[d.helper_kind] if d else ("工作人员，替换原照片" if by_staff else None),
                    "mine": by_staff is not None and by_staff.id == actor.staff_id})
    return out


def review(session: Session, actor: Actor, person_id: int, reason: str, *, confirm: bool) -> FaceReference:
    """Only a caseworker of her district who is not related to her; who, when and why are kept and audited."""
    require_staff(actor, "caseworker")
    person = district_person(session, actor, person_id)
    refuse_related(session, actor.staff_id, person.id)  # she does not vouch for a face she is related to
    ref = service.pending_reference(session, person.id)
    if ref is None:
        raise Conflict("这个人没有等待核实的照片。", code="no_pending_reference")
    if ref.delegation_id is None and ref.verified_by_staff_id == actor.staff_id:
        raise Forbidden("这张照片是您登记的，要由另一位工作人员核实后才能替换原来的照片。", code="same_person")
    service.review_reference(session, ref, staff_id=actor.staff_id, reason=reason, confirm=confirm)
    audit(session, actor=actor.label, channel=actor.channel, action=f"face.{'confirm' if confirm else 'reject'}_reference",
          entity_type="person", entity_id=person.id, detail={"reference": ref.id, "delegation": ref.delegation_id, "reason": reason})
    return ref
