"""One-time codes by SMS: who holds this phone? Also used to record a principal's consent to a helper."""

import hmac
import secrets
from datetime import timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from backend.auth import throttle
from backend.auth.events import CodeIssued
from backend.auth.models import OneTimeCode
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.core.events import publish, subscribers

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = throttle.CODES_PER_PHONE_PER_HOUR
# Purposes: login and phone_change are asked by the phone's holder; consent and scope by a helper. A scope
# code's purpose is this and a hash of its delegation and scope (delegations.service.scope_code_purpose): one
# purpose, "scope", for a phone's hourly count.
SCOPE_PREFIX = "sc:"
# Namespace of this module's PostgreSQL advisory locks (the first key of pg_advisory_xact_lock(int, int)).
_ADVISORY_NAMESPACE = 0x4F5450  # "OTP"


class TooManyCodes(AppError):
    status_code = 429
    code = "too_many_codes"
    message = "验证码发送太频繁了，请一小时后再试，或联系街道（乡镇）社会救助窗口。"


class WrongCode(AppError):
    status_code = 400
    code = "wrong_code"
    message = "验证码不对或已过期，请重新获取。"
    keep_changes = True  # the failed attempt must count even though the request fails


class CodeUsedUp(WrongCode):
    """The code had its MAX_ATTEMPTS tries: said plainly, with the way on, instead of "wrong" forever."""

    code = "code_used_up"
    message = f"这个验证码已经输错{MAX_ATTEMPTS}次，作废了。说“重发”，我再给您发一个新的。"


def _code_hash(phone: str, code: str) -> str:
    return get_vault().lookup_hash(f"otp:{phone}:{code}")


def _serialise_per_phone(session: Session, phone_hash: str) -> None:
    """Hold this phone's lock until the transaction ends, so the hourly count below sees every code a
    parallel request for the same phone has sent. Done in the database, not by the rate limiter: the
    limiter's memory storage is per process and it lets requests through when Redis is down, while
    this count must hold with several backend processes and no Redis at all.

    PostgreSQL: a transaction-scoped advisory lock on the phone (READ COMMITTED re-reads the count once
    the lock is ours). SQLite: every write transaction already starts with BEGIN IMMEDIATE (core/db.py),
    which holds the database's single write lock from the first statement, so the count is exact."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"),
                        {"ns": _ADVISORY_NAMESPACE, "key": int(phone_hash[:8], 16) - 2**31})


def send_code(session: Session, phone: str, purpose: str, event: str, **context: object) -> None:
    vault = get_vault()
    phone_hash = vault.lookup_hash(phone)
    _serialise_per_phone(session, phone_hash)
    now = clock.now_utc()
    # Counted per phone and purpose: a grandson resending her consent code must not lock her out of her own
    # sign-in (and the other way round), nor someone's phone-change codes.
    same_purpose = (OneTimeCode.purpose.startswith(SCOPE_PREFIX) if purpose.startswith(SCOPE_PREFIX)
                    else OneTimeCode.purpose == purpose)
    recent = session.scalar(
        select(func.count()).select_from(OneTimeCode).where(
            OneTimeCode.phone_hash == phone_hash, OneTimeCode.created_at > now - timedelta(hours=1), same_purpose,
        )
    )
    if recent >= MAX_CODES_PER_HOUR:
        raise TooManyCodes()
    code = f"{secrets.randbelow(1_000_000):06d}"
    otp = OneTimeCode(
        phone_hash=phone_hash, purpose=purpose, code_hash=_code_hash(phone, code),
        created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    session.add(otp)
    session.flush()
    if not subscribers(CodeIssued):  # a code nobody texts would fail silently: wiring missing
        raise RuntimeError("no subscriber sends one-time codes: call backend.wiring.register_all() at start-up")
    publish(session, CodeIssued(phone=phone, event=event, code=code, minutes=CODE_MINUTES, key=f"otp:{otp.id}",
                                context=dict(context)))


def check_code(session: Session, phone: str, purpose: str, code: str, *,
               client: throttle.Client | None = None) -> None:
    """Consume the newest live code for this phone and purpose, or raise WrongCode.

    Safe under parallel requests: the attempt is counted by one conditional UPDATE before the code is
    compared, so however many guesses arrive at once, at most MAX_ATTEMPTS are ever compared (the row
    lock makes the others wait and then find the limit reached), and a right code is consumed once.
    The counted attempt stays although the request fails (WrongCode.keep_changes)."""
    throttle.code_check(client, phone)
    phone_hash = get_vault().lookup_hash(phone)
    now = clock.now_utc()
    otp_id = session.scalar(
        select(OneTimeCode.id).where(
            OneTimeCode.phone_hash == phone_hash, OneTimeCode.purpose == purpose, OneTimeCode.used_at.is_(None)
        ).order_by(OneTimeCode.id.desc()).limit(1)
    )
    if otp_id is None:
        raise WrongCode()
    # synchronize_session=False: the statement's own conditions decide; a copy of the row this session
    # may hold (the request that sent the code, in tests) must not be consulted or refreshed.
    counted = session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == otp_id, OneTimeCode.attempts < MAX_ATTEMPTS, OneTimeCode.used_at.is_(None),
               OneTimeCode.expires_at > now)
        .values(attempts=OneTimeCode.attempts + 1)
        .returning(OneTimeCode.code_hash, OneTimeCode.attempts)
        .execution_options(synchronize_session=False)
    ).first()
    if counted is None:
        attempts = session.scalar(select(OneTimeCode.attempts).where(OneTimeCode.id == otp_id, OneTimeCode.expires_at > now))
        raise CodeUsedUp() if attempts is not None and attempts >= MAX_ATTEMPTS else WrongCode()
    if not hmac.compare_digest(counted.code_hash, _code_hash(phone, code.strip())):
        raise CodeUsedUp() if counted.attempts >= MAX_ATTEMPTS else WrongCode()
    used = session.execute(
        update(OneTimeCode).where(OneTimeCode.id == otp_id, OneTimeCode.used_at.is_(None)).values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise WrongCode()
