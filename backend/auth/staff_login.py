"""Staff sign-in by password, and the lock-out after repeated wrong passwords.

MAX_FAILED_LOGINS wrong passwords in a row lock the account for LOCK_MINUTES. The attempt is counted
by one conditional UPDATE *before* the password is checked: parallel guesses wait on the row and then
find the count reached, so at most MAX_FAILED_LOGINS passwords are ever checked between two lock-outs.
The count stays although the login fails (the errors keep their changes); a success resets it.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.security import verify_password
from backend.core import clock
from backend.core.errors import AppError, NotFound, Unauthorized
from backend.staff.models import StaffUser

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


class BadCredentials(Unauthorized):
    code = "bad_credentials"
    message = "用户名或密码不对。"
    keep_changes = True  # the counted attempt must stay


class AccountLocked(AppError):
    status_code = 423
    code = "account_locked"
    keep_changes = True  # the lock itself is written by the failing request

    def __init__(self, seconds_left: int):
        minutes = max(1, math.ceil(seconds_left / 60))
        super().__init__(
            f"密码连续输错{MAX_FAILED_LOGINS}次，账号已暂时锁定{LOCK_MINUTES}分钟。请{minutes}分钟后再试，或联系管理员解锁。",
            details={"retry_after_seconds": seconds_left},
        )
        self.headers = {"Retry-After": str(seconds_left)}


def _claim_attempt(session: Session, staff_id: int, now: datetime) -> int | None:
    """Count one attempt unless the account is locked; the new count, or None when locked. An expired
    lock starts a fresh count."""
    expired = and_(StaffUser.locked_until.is_not(None), StaffUser.locked_until <= now)
    free = and_(StaffUser.locked_until.is_(None), StaffUser.failed_logins < MAX_FAILED_LOGINS)
    return session.scalar(
        update(StaffUser)
        .where(StaffUser.id == staff_id, or_(free, expired))
        .values(failed_logins=case((expired, 1), else_=StaffUser.failed_logins + 1),
                locked_until=case((expired, None), else_=StaffUser.locked_until))
        .returning(StaffUser.failed_logins)
        .execution_options(synchronize_session=False)
    )


def _seconds_left(session: Session, staff_id: int, now: datetime) -> int:
    until = session.scalar(select(StaffUser.locked_until).where(StaffUser.id == staff_id))
    if until is None:  # the last free attempt is being checked by a parallel request right now
        return LOCK_MINUTES * 60
    until = until if until.tzinfo else until.replace(tzinfo=now.tzinfo)  # SQLite returns naive UTC
    return max(1, math.ceil((until - now).total_seconds()))


def authenticate_staff(session: Session, username: str, password: str) -> StaffUser:
    now = clock.now_utc()
    staff = session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    if staff is None:
        verify_password(password, None)  # the same work as for a real account: no telling who exists
        raise BadCredentials()
    count = _claim_attempt(session, staff.id, now)
    if count is None:
        raise AccountLocked(_seconds_left(session, staff.id, now))
    if not verify_password(password, staff.password_hash) or not staff.active:
        if count >= MAX_FAILED_LOGINS:
            session.execute(update(StaffUser).where(StaffUser.id == staff.id)
                            .values(locked_until=now + timedelta(minutes=LOCK_MINUTES))
                            .execution_options(synchronize_session=False))
            audit(session, actor=f"staff:{staff.id}", channel="api", action="staff.locked",
                  entity_type="staff", entity_id=staff.id,
                  detail={"failed_logins": count, "minutes": LOCK_MINUTES})
            raise AccountLocked(LOCK_MINUTES * 60)
        raise BadCredentials()
    session.execute(update(StaffUser).where(StaffUser.id == staff.id)
                    .values(failed_logins=0, locked_until=None).execution_options(synchronize_session=False))
    return staff


def unlock_staff(session: Session, *, staff_id: int, by: str, reason: str) -> StaffUser:
    """An administrator lifts a lock-out before its time (the person phoned, their identity checked)."""
    staff = session.get(StaffUser, staff_id)
    if staff is None:
        raise NotFound("没有这个工作人员账号。", code="staff_not_found")
    staff.failed_logins, staff.locked_until = 0, None
    audit(session, actor=by, channel="api", action="staff.unlock", entity_type="staff", entity_id=staff.id,
          detail={"reason": reason})
    return staff
