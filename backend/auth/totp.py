"""The staff second factor: six-digit codes from an authenticator app (TOTP, RFC 6238, with pyotp).

- Enrolment: `begin` makes a secret (kept until confirmed, so a reload shows the same one) and gives it as
  text, as an otpauth:// link and as a QR code (SVG); `confirm` enables it once the person types a first code.
- The secret is encrypted at rest with the personal-data key (backend/core/crypto.py); it is shown only while
  enrolling.
- Each code works once: the time step of the last accepted code is kept, and a code is accepted only for a
  later step, by one conditional UPDATE (two parallel requests with the same code: one wins).
- Required for administrators outside development (`required`); optional for everyone else. The test suite
  (ENVIRONMENT=test) is treated like development; its own tests set production.
- How many codes may be tried is the sign-in's count (backend/auth/login_counters.py), not this module's.
"""

from dataclasses import dataclass

import pyotp
import segno
from markupsafe import Markup
from pyotp.utils import strings_equal
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.errors import Conflict, NotFound
from backend.core.settings import get_settings
from backend.staff.models import StaffUser

ISSUER = "救助 Jiuzhu"
VALID_WINDOW = 1  # one 30-second step either side: phone clocks drift
REQUIRED_FOR = ("admin",)
OPTIONAL_IN = ("development", "test")  # `make run`, the e2e tests and the test suite
NOT_CONFIRMED = "这个动态码不对。请看一下手机时间是否准确，再输入验证器上现在显示的6位数字。"


@dataclass(frozen=True)
class Enrolment:
    secret: str  # for typing into the app by hand, in groups of four
    uri: str  # otpauth://totp/…
    qr_svg: Markup


def enabled(staff: StaffUser) -> bool:
    return staff.totp_enabled_at is not None


def required(staff: StaffUser) -> bool:
    return staff.role in REQUIRED_FOR and get_settings().environment not in OPTIONAL_IN


def _secret(staff: StaffUser) -> str | None:
    return get_vault().decrypt(staff.totp_secret_cipher) if staff.totp_secret_cipher else None


def begin(session: Session, staff: StaffUser) -> Enrolment:
    """The secret to enrol (a new one, or the one not yet confirmed)."""
    if enabled(staff):
        raise Conflict("动态码已经设置好了。换手机的话，请联系管理员先重置。", code="totp_already_enabled")
    secret = _secret(staff)
    if secret is None:
        secret = pyotp.random_base32()
        staff.totp_secret_cipher = get_vault().encrypt(secret)
        session.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=staff.username, issuer_name=ISSUER)
    # segno writes only its own <svg>/<path> markup from the URI's bits: nothing typed by anyone reaches it as text.
    svg = Markup(segno.make(uri, error="m").svg_inline(scale=5, title="动态码设置二维码"))
    return Enrolment(secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), uri=uri, qr_svg=svg)


def _use_code(session: Session, staff: StaffUser, code: str) -> bool:
    """The step this code belongs to, if it is right and later than the last one used; marked used."""
    secret = _secret(staff)
    code = "".join(code.split())
    if secret is None or len(code) != 6 or not code.isdigit():
        return False
    totp, now = pyotp.TOTP(secret), clock.now_utc()
    current = totp.timecode(now)
    step = next((s for s in range(current - VALID_WINDOW, current + VALID_WINDOW + 1)
                 if strings_equal(code, totp.generate_otp(s))), None)
    if step is None:
        return False
    used = session.execute(
        update(StaffUser).where(StaffUser.id == staff.id,
                                or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return used.rowcount == 1


def confirm(session: Session, staff: StaffUser, code: str, *, channel: str) -> bool:
    """Enable the enrolment with its first code; False when the code is not right."""
    if enabled(staff) or not _use_code(session, staff, code):
        return False
    session.execute(update(StaffUser).where(StaffUser.id == staff.id, StaffUser.totp_enabled_at.is_(None))
                    .values(totp_enabled_at=clock.now_utc()).execution_options(synchronize_session=False))
    session.refresh(staff)
    audit(session, actor=f"staff:{staff.id}", channel=channel, action="staff.totp_enrolled", entity_type="staff",
          entity_id=staff.id, detail={})
    return True


def check(session: Session, staff: StaffUser, code: str) -> bool:
    """A sign-in's code: right, for this enabled secret, and not used before."""
    return enabled(staff) and _use_code(session, staff, code)


def reset(session: Session, *, staff_id: int, by: str, reason: str) -> StaffUser:
    """An administrator removes someone's second factor (a lost phone); they enrol again at next sign-in."""
    staff = session.get(StaffUser, staff_id)
    if staff is None:
        raise NotFound("没有这个工作人员账号。", code="staff_not_found")
    staff.totp_secret_cipher, staff.totp_enabled_at, staff.totp_last_step = None, None, None
    audit(session, actor=by, channel="api", action="staff.totp_reset", entity_type="staff", entity_id=staff.id,
          detail={"reason": reason})
    return staff
