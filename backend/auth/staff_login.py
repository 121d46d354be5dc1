"""Staff sign-in: the password, the second factor, and what the owner is told — one sequence for the JSON
API (POST /api/v1/auth/staff/login) and the workbench (/staff/login).

1. `check_password`: an attempt is counted (backend/auth/login_counters.py: per account and address, and per
   account for addresses it never signed in from) *before* the password is checked, so parallel guesses
   check no more passwords than the count allows. A paused attempt checks a dummy hash instead: every failure
   (a wrong password, a name that does not exist, a paused address) costs the same work and gets the same
   answer, so nobody learns which accounts exist or that someone is paused. A right password (or code)
   gives its attempt back: only failures fill the counts.
2. `next_step`: "totp" when the account has a second factor, "enrol" when it must have one and has none
   (administrators outside development: nothing is open to them until they enrol), else None.
3. `check_code`: the second factor's code, counted like a password.
4. `signed_in`: the address's count is cleared and the address trusted; when the account saw a pause since
   the last sign-in, the owner is told ("您的账号在…有N次…") and that is audited. Every pause is audited when
   it happens.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth import login_counters, totp
from backend.auth.login_counters import LOCK_MINUTES, MAX_FAILED_LOGINS
from backend.auth.security import verify_password
from backend.auth.throttle import Client
from backend.core import say
from backend.core.errors import Forbidden, NotFound, Unauthorized
from backend.staff.models import StaffUser

__all__ = ["LOCK_MINUTES", "MAX_FAILED_LOGINS", "BadCredentials", "WrongCode", "CodeNeeded", "EnrolmentNeeded",
           "check_password", "next_step", "check_code", "signed_in", "unlock_staff"]

_PAUSE = f"连续输错{MAX_FAILED_LOGINS}次的话，请{LOCK_MINUTES}分钟后再试。"
NOTICE = "提醒：您的账号在{since}以后有{failures}次密码错误，出错的地址被暂停登录{lockouts}次。如果不是您本人操作，请告诉管理员。"


class BadCredentials(Unauthorized):
    """Every failed password: wrong, unknown name, inactive account or paused address — one answer."""

    code = "bad_credentials"
    message = f"用户名或密码不对。{_PAUSE}"
    keep_changes = True  # the counted attempt must stay


class WrongCode(Unauthorized):
    code = "totp_wrong"
    message = f"动态码不对或已经用过了（每个动态码只能用一次），请等验证器换成新的6位数字再输。{_PAUSE}"
    keep_changes = True


class CodeNeeded(Unauthorized):
    code = "totp_required"
    message = "请再输入验证器（身份验证器App）上的6位动态码。"
    keep_changes = True


class EnrolmentNeeded(Forbidden):
    code = "totp_enrolment_required"
    message = "管理员账号要先设置动态码才能使用。请在工作台（/staff/login）登录，按提示设置。"
    keep_changes = True


def _failed(session: Session, attempt: login_counters.Attempt, staff: StaffUser | None, channel: str) -> None:
    for scope in login_counters.failed(session, attempt):
        if staff is not None:  # a pause on a name nobody has is not worth an audit entry
            audit(session, actor=f"staff:{staff.id}", channel=channel, action="staff.locked", entity_type="staff",
                  entity_id=staff.id, detail={"scope": scope, "minutes": LOCK_MINUTES})


def check_password(session: Session, username: str, password: str, client: Client | None, *,
                   channel: str = "api") -> StaffUser:
    attempt = login_counters.claim(session, username, client)
    staff = session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    stored = staff.password_hash if staff is not None and attempt.allowed else None
    # Positional: the same call, the same argon2 work, whether the name exists and is paused or not.
    if not verify_password(password, stored) or staff is None or not staff.active:
        _failed(session, attempt, staff, channel)
        raise BadCredentials()
    login_counters.release(session, attempt)
    return staff


def next_step(staff: StaffUser) -> str | None:
    if totp.enabled(staff):
        return "totp"
    return "enrol" if totp.required(staff) else None


def check_code(session: Session, staff: StaffUser, code: str, client: Client | None, *,
               channel: str = "api") -> None:
    attempt = login_counters.claim(session, staff.username, client)
    if not attempt.allowed or not totp.check(session, staff, code):
        _failed(session, attempt, staff, channel)
        raise WrongCode()
    login_counters.release(session, attempt)


def signed_in(session: Session, staff: StaffUser, client: Client | None, *, channel: str,
              detail: dict | None = None) -> str | None:
    """The sign-in is complete: audit it; the notice for the owner, or None."""
    unseen = login_counters.succeeded(session, staff.username, client)
    audit(session, actor=f"staff:{staff.id}", channel=channel, action="staff.login", entity_type="staff",
          entity_id=staff.id, detail=detail or {})
    if not unseen.lockouts:
        return None
    audit(session, actor=f"staff:{staff.id}", channel=channel, action="staff.lockout_notice", entity_type="staff",
          entity_id=staff.id, detail={"failures": unseen.failures, "lockouts": unseen.lockouts})
    since = say.moment(unseen.since) if unseen.since else "上次登录"
    return NOTICE.format(since=since, failures=unseen.failures, lockouts=unseen.lockouts)


def unlock_staff(session: Session, *, staff_id: int, by: str, reason: str) -> StaffUser:
    """An administrator lifts every pause on an account before its time (the person phoned, identity checked)."""
    staff = session.get(StaffUser, staff_id)
    if staff is None:
        raise NotFound("没有这个工作人员账号。", code="staff_not_found")
    login_counters.forget(session, staff.username)
    audit(session, actor=by, channel="api", action="staff.unlock", entity_type="staff", entity_id=staff.id,
          detail={"reason": reason})
    return staff
