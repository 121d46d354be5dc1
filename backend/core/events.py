"""In-process domain events: one package says what happened, the packages that care react.

An event is a frozen dataclass named in the past tense (FaceCheckPassed, AuthorizationCompleted); it is
defined by the package that publishes it, in that package's `events` module. Another package reacts by
subscribing a handler for the event's type; the publisher never imports its subscribers, so the
dependency points from the reacting package to the publishing one and never back.

    subscribe(FaceCheckPassed, on_face_check_passed)   # in the reacting package's register()
    publish(session, FaceCheckPassed(...))              # in the publishing service

Delivery is synchronous, in the publisher's transaction, in the order of subscription: a handler's
writes commit or roll back with the change that caused them, and an exception in a handler fails the
publisher's request (nothing is half-done). Handlers must not commit.

Registration happens once, explicitly, in backend.wiring.register_all() — called by the app factory and
by every command-line entry point — never as a side effect of importing a module. Registering the same
handler twice is a no-op, so calling register_all() again (each test app does) is harmless.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

E = TypeVar("E")
Handler = Callable[[Session, Any], None]

_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[Session, E], None]) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(session: Session, event: object) -> None:
    for handler in list(_handlers.get(type(event), ())):
        handler(session, event)


def subscribers(event_type: type) -> list[Handler]:
    """The handlers of one event type, in order (for tests and for reading the wiring)."""
    return list(_handlers.get(event_type, ()))
