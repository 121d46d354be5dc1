"""The events the notifications package reacts to (called once by backend.wiring.register_all)."""

from sqlalchemy.orm import Session

from backend.auth.events import CodeIssued
from backend.core.events import subscribe
from backend.delegations.events import PaperDelegationReviewed
from backend.notifications.service import notice_key, notify, notify_phone
from backend.people.models import Person


def send_code(session: Session, event: CodeIssued) -> None:
    notify_phone(session, event=event.event, phone=event.phone,
                 text_context={"code": event.code, "minutes": event.minutes, **event.context}, key=event.key)


def tell_helper(session: Session, event: PaperDelegationReviewed) -> None:
    """The helper who handed in a paper form learns by SMS that it was not verified, and why. (Verified: texted by
    drafts.wiring, which knows whether his unfinished form can still be filed.)"""
    if event.verified:
        return
    helper, principal = session.get(Person, event.helper_person_id), session.get(Person, event.principal_person_id)
    kind = "paper_delegation_rejected"
    notify(session, event=kind, person=helper, context={"for_name": principal.name, "reason": event.note},
           key=notice_key(kind, event.delegation_id), include_helpers=False)


def register() -> None:
    subscribe(CodeIssued, send_code)
    subscribe(PaperDelegationReviewed, tell_helper)
