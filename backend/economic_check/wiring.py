"""The events the economic check reacts to (called once by backend.wiring.register_all)."""

from backend.authorizations.events import AuthorizationCompleted
from backend.core.events import subscribe
from backend.economic_check.service import on_authorization_completed


def register() -> None:
    subscribe(AuthorizationCompleted, on_authorization_completed)
