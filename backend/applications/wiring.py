"""The events the applications package reacts to (called once by backend.wiring.register_all)."""

from backend.applications.delegation_notes import on_paper_delegation_reviewed
from backend.core.events import subscribe
from backend.delegations.events import PaperDelegationReviewed


def register() -> None:
    subscribe(PaperDelegationReviewed, on_paper_delegation_reviewed)
