"""The events the drafts package reacts to (called once by backend.wiring.register_all)."""

from sqlalchemy.orm import Session

from backend.auth.actor import Actor
from backend.core.events import subscribe
from backend.delegations.events import PaperDelegationReviewed
from backend.delegations.models import Delegation
from backend.drafts.service import filed_by_another
from backend.notifications.service import notice_key, notify

VERIFIED = "paper_delegation_verified"


def tell_helper_verified(session: Session, event: PaperDelegationReviewed) -> None:
    """A caseworker verified the paper form a helper handed in: he is texted that he may act for the person now, and
    "继续" finishes his unfinished form — unless, meanwhile, someone else filed the person's case of that type
    (filed_by_another): then that is said, and how to follow it, instead. A tester's second grid worker was told
    "说继续就接着填" for a case another grid worker had filed; "继续" was only refused. (A rejection is texted by
    notifications.wiring.)"""
    if not event.verified:
        return
    d = session.get(Delegation, event.delegation_id)
    helper = Actor(kind="citizen", channel=event.channel, phone_hash=d.helper.phone_hash)
    filed = filed_by_another(session, helper, d.principal) is not None
    notify(session, event=VERIFIED, person=d.helper, key=notice_key(VERIFIED, event.delegation_id), include_helpers=False,
           context={"for_name": d.principal.name, "filed_by_other": filed, "may_query": "query" in d.scope})


def register() -> None:
    subscribe(PaperDelegationReviewed, tell_helper_verified)
