"""The events the notifications package reacts to (called once by backend.wiring.register_all)."""

from sqlalchemy.orm import Session

from backend.auth.events import CodeIssued
from backend.core.events import subscribe
from backend.notifications.service import notify_phone


def send_code(session: Session, event: CodeIssued) -> None:
    notify_phone(session, event=event.event, phone=event.phone,
                 text_context={"code": event.code, "minutes": event.minutes, **event.context}, key=event.key)


def register() -> None:
    subscribe(CodeIssued, send_code)
