"""SMS providers behind one interface: Twilio (the real one) and a console outbox (the embedded default)."""

import logging
import secrets
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from backend.core.idnumber import mask_phone
from backend.core.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class ProviderError(Exception):
    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class SmsProvider(Protocol):
    def send(self, to: str, body: str, *, status_callback: str | None = None) -> SendResult: ...

    def find_sent(self, to: str, body: str, since: datetime) -> SendResult | None:
        """A message with this exact text sent to this number since then, if the provider has one."""


@dataclass
class ConsoleProvider:
    """Prints each SMS (number masked) and remembers it: development and tests, no account anywhere."""

    sent: list[tuple[str, str]] = field(default_factory=list)
    quiet: bool = False

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> SendResult:
        self.sent.append((to, body))
        if not self.quiet:
            print(f"[短信 → {mask_phone(to.removeprefix('+86'))}] {body}", file=sys.stderr, flush=True)
        return SendResult(sid=f"CONSOLE{secrets.token_hex(8)}", status="sent")

    def find_sent(self, to: str, body: str, since: datetime) -> SendResult | None:
        return SendResult("CONSOLE-found", "sent") if (to, body) in self.sent else None


# Twilio error codes that will not get better by retrying (bad number, blocked, unsubscribed …).
PERMANENT_TWILIO_CODES = {21211, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006}


class TwilioProvider:
    def __init__(self, account_sid: str, auth_token: str, from_number: str, api_base: str | None = None):
        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=10))
        if api_base:
            self._client.api.base_url = api_base.rstrip("/")
        self._from = from_number

    def send(self, to: str, body: str, *, status_callback: str | None = None) -> SendResult:
        kwargs = {"to": to, "from_": self._from, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self._client.messages.create(**kwargs)
        except TwilioRestException as exc:
            permanent = exc.status in (400, 404) or exc.code in PERMANENT_TWILIO_CODES
            if exc.status == 429 or exc.status >= 500:
                permanent = False
            raise ProviderError(f"twilio {exc.status}/{exc.code}", permanent=permanent) from exc
        except TwilioException as exc:  # connection problems: the result is unknown, never permanent
            raise ProviderError(f"twilio unreachable: {type(exc).__name__}", permanent=False) from exc
        except OSError as exc:
            raise ProviderError(f"twilio unreachable: {type(exc).__name__}", permanent=False) from exc
        return SendResult(sid=message.sid, status=message.status or "queued")

    def find_sent(self, to: str, body: str, since: datetime) -> SendResult | None:
        day = (since.astimezone(UTC) - timedelta(days=1)).date()
        for message in self._client.messages.list(to=to, from_=self._from, date_sent_after=datetime(day.year, day.month, day.day), limit=200):
            if message.body == body:
                return SendResult(sid=message.sid, status=message.status or "sent")
        return None


_provider: SmsProvider | None = None


def build_provider(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "twilio":
        return TwilioProvider(settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_from_number,
                              settings.twilio_api_base)
    return ConsoleProvider()


def get_provider() -> SmsProvider:
    global _provider
    if _provider is None:
        _provider = build_provider(get_settings())
    return _provider


def set_provider(provider: SmsProvider | None) -> None:
    global _provider
    _provider = provider
