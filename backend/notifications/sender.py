"""How a text reaches a phone: one small interface, a console provider for development.

The SMS issue adds the transactional outbox and the Twilio provider behind this same interface.
"""

import logging
import sys
from typing import Protocol

from backend.core.idnumber import mask_phone

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSms:
    """Development default: the message is printed for the developer and kept in memory for tests.

    The number is masked in what is printed; the message text is shown because a developer needs the
    one-time code to sign in.
    """

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        print(f"[短信 → {mask_phone(phone)}] {text}", file=sys.stderr, flush=True)


_sender: SmsSender | None = None


def get_sms_sender() -> SmsSender:
    global _sender
    if _sender is None:
        _sender = ConsoleSms()
    return _sender


def set_sms_sender(sender: SmsSender | None) -> None:
    global _sender
    _sender = sender
