"""Request throttling for signing in: how often a phone, a network address, a chat conversation or a
staff account may ask for a code, try a code, or try a password.

The limiter slows guessing and SMS flooding down before they reach the database. It is not the last
line: the attempts on each code and the codes per phone and hour (backend/auth/otp.py) and the staff
sign-in counts (backend/auth/login_counters.py) are counted in the database and hold even when the limiter's
storage is lost or unreachable.

Storage: RATE_LIMIT_STORAGE_URL, `memory://` (embedded default: counts live in this process) or
`redis://host:6379/2` so that every backend process shares the same counts.

Calls from the action server (Bearer SERVICE_TOKEN) all come from its one address, for every chat
user at once; throttling them by address would lock everybody out because of one person. They are
counted per phone and per conversation (`X-Conversation-Id`), never by address.

A phone's allowance is per destination and per purpose (a sign-in, a phone change, a consent, a scope): codes
of one kind never use up another's. Codes a helper has sent to other people's phones (consent, a scope) count
against each of those phones and against the helper herself (the requester: her verified phone), with a
ceiling of their own, never against her chat's or her own sign-in codes: a grid worker filing for several old
people in an hour still confirms her own number.
"""

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from backend.auth.security import is_service_token
from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.core.settings import get_settings

log = logging.getLogger(__name__)

CONVERSATION_HEADER = "X-Conversation-Id"

# The database enforces this one too (otp.send_code), so it holds with any limiter storage.
CODES_PER_PHONE_PER_HOUR = 5
# A grid worker files for several old people in an hour: one consent code each to their phones, a resend or two.
CONSENT_CODES_PER_REQUESTER_PER_HOUR = 20

# Every number in one place. Moving windows: a slot frees exactly one window after it was used.
LIMITS: dict[str, RateLimitItem] = {
    # SMS codes cost money and land on someone's phone.
    "code_request:phone": parse(f"{CODES_PER_PHONE_PER_HOUR}/hour"),
    # Higher: a family, a community office or a mobile carrier's NAT share one address.
    "code_request:ip": parse("30/hour"),
    "code_request:conversation": parse("10/hour"),
    # A helper's requests for codes to someone else's phone (her consent, a scope): per destination phone and
    # purpose, apart from its holder's own sign-in; per requester (the verified helper, whatever the chat) with a
    # higher ceiling; per address for direct API callers (a community office's several helpers share one).
    # Never the conversation's or the address's code_request allowance: her own sign-in stays free.
    "consent_request:ip": parse("60/hour"),
    "consent_request:requester": parse(f"{CONSENT_CODES_PER_REQUESTER_PER_HOUR}/hour"),
    "consent_request:phone": parse(f"{CODES_PER_PHONE_PER_HOUR}/hour"),
    # Guessing a six-digit code: each code also allows only otp.MAX_ATTEMPTS tries.
    "code_check:phone": parse("10/15 minutes"),
    "code_check:ip": parse("50/15 minutes"),
    "code_check:conversation": parse("10/15 minutes"),
    # Passwords: per account *and address*, never per account alone (then anyone could keep an account's
    # owner out); the database's counts (login_counters) hold guessing at one account from many addresses.
    # The address limit stops trying one password on many accounts. A street office signs in from one
    # address, hence the room.
    # Every attempt, successes too, per address and account: guesses are bounded by login_counters (5 wrong);
    # this only stops hammering, and a day of sign-ins on a shared office network (or the e2e suite) fits.
    "staff_login:account": parse("30/15 minutes"),
    "staff_login:ip": parse("60/15 minutes"),
    # Anonymous look-ups of a street by what a person typed: room for someone typing letter by letter,
    # not for a script walking the gazetteer.
    "area_search:ip": parse("60/minute"),
    "area_search:conversation": parse("60/minute"),
}

_SEE_A_PERSON = "着急的话，可以到街道（乡镇）社会救助窗口，请工作人员当面帮您办理。"
MESSAGES = {
    "code_request": "验证码发送太频繁了，请{when}再试。" + _SEE_A_PERSON,
    "consent_request": "给本人手机发的验证码太频繁了，请{when}再试。" + _SEE_A_PERSON,
    # Said instead of the action's message when this limit is the one reached.
    "consent_request:requester": f"您这一小时帮人发的授权验证码已经有{CONSENT_CODES_PER_REQUESTER_PER_HOUR}条了，"
                                 "请{when}再帮下一位办。" + _SEE_A_PERSON,
    "code_check": "验证码试的次数太多了，为了保护您的信息，请{when}再试。" + _SEE_A_PERSON,
    "staff_login": "登录尝试太频繁了，请{when}再试，或联系管理员。",
    "area_search": "查得太快了，请{when}再查。",
}


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"
    message = "请求太频繁了，请稍后再试。" + _SEE_A_PERSON

    def __init__(self, action: str, retry_after: int, limit: str | None = None):
        # `limit`: which count was full (phone, requester, conversation, ip), so the chat says whose it was.
        message = MESSAGES.get(f"{action}:{limit}", MESSAGES[action])
        super().__init__(message.format(when=_when(retry_after)),
                         details={"retry_after_seconds": retry_after, "limit": limit})
        self.headers = {"Retry-After": str(retry_after)}


def _when(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"{minutes}分钟后"
    hours = math.ceil(minutes / 60)
    return "一小时后" if hours == 1 else f"{hours}小时后"


@dataclass(frozen=True)
class Client:
    """Where a request comes from, as far as throttling is concerned: an address, or for calls through
    the action server the conversation (or neither: then only the per-phone and per-account limits apply)."""

    ip: str | None = None
    conversation: str | None = None


def client_of(request: Request) -> Client:
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer " and is_service_token(authorization[7:].strip()):
        conversation_id = request.headers.get(CONVERSATION_HEADER)
        if not conversation_id:
            return Client()
        # Hashed: for the SMS channel the conversation id is the sender's phone number.
        return Client(conversation=get_vault().lookup_hash(f"conversation:{conversation_id[:200]}")[:32])
    return Client(ip=request.client.host if request.client else None)


ClientDep = Annotated[Client, Depends(client_of)]


@lru_cache
def _limiter_for(url: str) -> MovingWindowRateLimiter:
    # Short timeouts: a slow Redis must not hold up signing in (see _enforce for what happens then).
    options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if url.startswith("redis") else {}
    return MovingWindowRateLimiter(storage_from_string(url, wrap_exceptions=True, **options))


def _limiter() -> MovingWindowRateLimiter:
    return _limiter_for(get_settings().rate_limit_storage_url)


def _enforce(action: str, keys: list[tuple[str, str | None]]) -> None:
    """Take one slot from each named limit in order; refuse at the first one that is full. Rejected
    requests use no slot of that limit or the ones after it: address and conversation go first, so a
    flood from one address does not also use up the phone's own allowance."""
    limiter = _limiter()
    for name, key in keys:
        if not key:
            continue
        item = LIMITS[f"{action}:{name}"]
        try:
            if limiter.hit(item, action, name, key):
                continue
            # The library counts on its own clock (time.time), so the wait is measured on it too.
            reset = limiter.get_window_stats(item, action, name, key).reset_time
        except StorageError as exc:
            # Fail open: an unreachable Redis must not stop people from reaching help. The database
            # counts (attempts per code, codes per hour, staff lock-out) still hold.
            log.warning("rate limit storage unavailable, not throttling: %s",
                        type(exc.storage_error).__name__)
            return
        raise TooManyRequests(action, max(1, math.ceil(reset - time.time())), name)


def _origin(client: Client | None) -> list[tuple[str, str | None]]:
    client = client or Client()
    return [("ip", client.ip), ("conversation", client.conversation)]


def _phone_key(phone: str, purpose: str | None = None) -> str:
    # Never a phone number in clear in the limiter's storage.
    key = get_vault().lookup_hash(phone)[:32]
    return f"{key}:{purpose}" if purpose else key


def code_request(client: Client | None, phone: str, purpose: str = "login") -> None:
    """Before sending a one-time code to `phone` for its holder herself (`purpose`: login, phone_change)."""
    _enforce("code_request", _origin(client) + [("phone", _phone_key(phone, purpose))])


def consent_request(client: Client | None, requester: str, phone: str, purpose: str) -> None:
    """Before a helper (`requester`: her verified phone's hash) has a code sent to someone else's phone
    (`purpose`: consent, scope). Counted per destination phone and purpose, so her resends never lock its
    holder out of her own sign-in, and per requester with a higher ceiling, so the codes she sends to several
    people's phones never take her own sign-in's or her chat's (code_request's) allowance."""
    _enforce("consent_request", [("ip", (client or Client()).ip), ("requester", requester[:32]),
                                 ("phone", _phone_key(phone, purpose))])


def code_check(client: Client | None, phone: str) -> None:
    """Before checking a code for `phone`; `client` is None where the caller has no request at hand."""
    _enforce("code_check", _origin(client) + [("phone", _phone_key(phone))])


def staff_login(client: Client | None, username: str) -> None:
    # Staff sign in from their own browsers, never through the action server: the address is the origin.
    ip = (client or Client()).ip
    _enforce("staff_login", [("ip", ip), ("account", f"{ip or '-'}|{username.strip().lower()[:64]}")])


def area_search(client: Client | None) -> None:
    """Before looking up the streets a person may have meant (anonymous): per address or conversation."""
    _enforce("area_search", _origin(client))


def reset() -> None:
    """Forget every count (tests: the memory storage outlives a test)."""
    _limiter().storage.reset()
