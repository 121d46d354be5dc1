"""工作人员协助的待遇资格认证: a caseworker or reviewer checked at home or at the window that the person is alive
and still eligible, with the reason. One place for the API (POST …/certifications/staff-assisted) and the workbench."""

from sqlalchemy.orm import Session

from backend.applications.access import view_basis
from backend.applications.service import get_by_number
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.certification.models import CertificationSchedule
from backend.certification.service import certified, schedule_for
from backend.core import clock
from backend.core.errors import NotFound
from backend.staff.relations import refuse_related_to_case


def staff_assisted_certification(session: Session, actor: Actor, number: str, person_id: int, note: str) -> CertificationSchedule:
    require_staff(actor, "caseworker", "reviewer")
    app = get_by_number(session, number)
    view_basis(session, actor, app)
    # Vouching that a relative is alive and still eligible is exactly what a relative must not do.
    refuse_related_to_case(session, actor.staff_id, app)
    schedule = schedule_for(session, app, clock.today())
    if person_id != schedule.person_id:
        raise NotFound("这个人不是这件救助的认证对象。", code="person_not_found")
    certified(session, schedule, clock.today(), "staff_assisted")
    audit(session, actor=actor.label, channel=actor.channel, action="certification.staff_assisted",
          entity_type="application", entity_id=app.number, detail={"person": person_id, "note": note})
    return schedule
