"""工作人员协助签署: a caseworker or reviewer witnesses a person's signature of the 核对授权书 (no face check),
with the reason. One place for the API (POST …/signatures/staff-assisted) and the workbench."""

from sqlalchemy.orm import Session

from backend.applications.access import view_basis
from backend.applications.service import get_by_number
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.authorizations import service
from backend.people.models import Person
from backend.staff.relations import refuse_related_to_case


def staff_assisted_sign(session: Session, actor: Actor, number: str, person_id: int, note: str) -> Person:
    require_staff(actor, "caseworker", "reviewer")
    app = get_by_number(session, number)
    view_basis(session, actor, app)
    refuse_related_to_case(session, actor.staff_id, app)
    person = service.person_for(session, app, person_id)
    service.sign(session, app.id, person.id, channel="counter", session_id=None, method="staff_assisted")
    audit(session, actor=actor.label, channel=actor.channel, action="authorization.staff_assisted_sign",
          entity_type="application", entity_id=app.number, detail={"person": person.id, "note": note})
    return person
