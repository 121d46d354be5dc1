"""One-time codes by SMS: who holds this phone? Also used to record a principal's consent to a helper."""

import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.models import OneTimeCode
from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.notifications.service import notify_phone

CODE_MINUTES = 5
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5


class TooManyCodes(AppError):
    status_code = 429
    code = "too_many_codes"
    message = "验证码发送太频繁了，请一小时后再试，或联系街道（乡镇）社会救助窗口。"


class WrongCode(AppError):
    status_code = 400
    code = "wrong_code"
    message = "验证码不对或已过期，请重新获取。"
    keep_changes = True  # the failed attempt must count even though the request fails


def _code_hash(phone: str, code: str) -> str:
    return get_vault().lookup_hash(f"otp:{phone}:{code}")


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def send_code(session: Session, phone: str, purpose: str, event: str, **context: object) -> None:
    vault = get_vault()
    phone_hash = vault.lookup_hash(phone)
    now = datetime.now(UTC)
    recent = session.scalar(
        select(func.count()).select_from(OneTimeCode).where(
            OneTimeCode.phone_hash == phone_hash, OneTimeCode.created_at > now - timedelta(hours=1)
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
    notify_phone(session, event=event, phone=phone, text_context={"code": code, "minutes": CODE_MINUTES, **context},
                 key=f"otp:{otp.id}")


def check_code(session: Session, phone: str, purpose: str, code: str) -> None:
    """Consume the newest live code for this phone and purpose, or raise WrongCode."""
    phone_hash = get_vault().lookup_hash(phone)
    now = datetime.now(UTC)
    otp = session.scalars(
        select(OneTimeCode).where(
            OneTimeCode.phone_hash == phone_hash, OneTimeCode.purpose == purpose, OneTimeCode.used_at.is_(None)
        ).order_by(OneTimeCode.id.desc()).limit(1)
    ).first()
    if otp is None or _utc(otp.expires_at) < now or otp.attempts >= MAX_ATTEMPTS:
        raise WrongCode()
    otp.attempts += 1
    if not hmac.compare_digest(otp.code_hash, _code_hash(phone, code.strip())):
        session.flush()
        raise WrongCode()
    otp.used_at = now
    session.flush()
