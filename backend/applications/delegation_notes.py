"""What a caseworker's review of a paper delegation leaves on the principal's cases: one timeline entry
on each of their applications in that district (who, when, verified or not, how she checked)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.models import Application, ApplicationEvent
from backend.core import clock
from backend.delegations.events import PaperDelegationReviewed

VERIFIED_ACTION = "verify_paper_delegation"  # labels: workflows.yaml action_labels
REJECTED_ACTION = "reject_paper_delegation"


def on_paper_delegation_reviewed(session: Session, event: PaperDelegationReviewed) -> None:
    cases = session.scalars(select(Application).where(Application.applicant_person_id == event.principal_person_id,
                                                      Application.district_code == event.district_code))
    now = clock.now()
    for app in cases:
        session.add(ApplicationEvent(
            application_id=app.id, at=now, on_date=now.astimezone(clock.CHINA).date(),
            action=VERIFIED_ACTION if event.verified else REJECTED_ACTION, from_status=app.status, to_status=app.status,
            actor=event.actor, channel=event.channel, note=event.note, data={"delegation_id": event.delegation_id},
        ))
    session.flush()
