"""Browser sessions of the staff workbench (/staff/): open at sign-in, check on each page, revoke at sign-out.

The cookie carries a random token; the table keeps only its SHA-256, so reading the table signs nobody
in. A session ends at sign-out, after IDLE_MINUTES without a request, or ABSOLUTE_HOURS after sign-in,
whichever comes first — all decided here, on the server, so a stolen cookie dies with the session.
Ended sessions are kept PURGE_AFTER_DAYS (who was signed in when, for a look back), then `purge_ended`
deletes them: the worker process runs it every PURGE_EVERY (backend/notifications/worker.py).

CSRF: every form carries a synchronizer token derived from the session's own token (HMAC with the
secret key), so it is bound to that session, needs no storage, and is compared in constant time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from backend.auth.models import StaffWebSession
from backend.core import clock
from backend.core.settings import get_settings
from backend.staff.models import StaffUser

COOKIE_NAME = "jiuzhu_staff"
IDLE_MINUTES = 30
ABSOLUTE_HOURS = 10  # one working day at most; then sign in again
# last_seen_at is written at most this often: not one UPDATE (and SQLite write lock) per page.
TOUCH_SECONDS = 60
PURGE_AFTER_DAYS = 30  # an ended session (signed out, or past its end) is deleted this many days later
PURGE_EVERY = timedelta(hours=1)  # how often the worker process looks


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, staff: StaffUser) -> str:
    """A new session for `staff`; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = clock.now_utc()
    session.add(StaffWebSession(token_hash=_hash(token), staff_id=staff.id, last_seen_at=now,
                                expires_at=now + timedelta(hours=ABSOLUTE_HOURS)))
    session.flush()
    return token


def staff_for(session: Session, token: str | None) -> StaffUser | None:
    """The active staff member this cookie token signs in, or None (unknown, revoked, idle, expired, inactive)."""
    if not token:
        return None
    now = clock.now_utc()
    row = session.scalars(select(StaffWebSession).where(StaffWebSession.token_hash == _hash(token))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at > timedelta(minutes=IDLE_MINUTES):
        return None
    staff = session.get(StaffUser, row.staff_id)
    if staff is None or not staff.active:
        return None
    if (now - row.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        row.last_seen_at = now
    return staff


def revoke(session: Session, token: str | None) -> int | None:
    """End the session of this token (sign-out); the staff id it belonged to, or None."""
    if not token:
        return None
    row = session.scalars(select(StaffWebSession).where(StaffWebSession.token_hash == _hash(token),
                                                         StaffWebSession.revoked_at.is_(None))).first()
    if row is None:
        return None
    row.revoked_at = clock.now_utc()
    return row.staff_id


def revoke_all(session: Session, staff_id: int) -> None:
    """End every open session of one staff member (account disabled, password changed)."""
    session.execute(update(StaffWebSession)
                    .where(StaffWebSession.staff_id == staff_id, StaffWebSession.revoked_at.is_(None))
                    .values(revoked_at=clock.now_utc()).execution_options(synchronize_session=False))


def purge_ended(session: Session, *, now: datetime) -> int:
    """Delete the sessions that ended more than PURGE_AFTER_DAYS before `now`; how many. A session ended
    at sign-out or at expires_at, whichever came first (revoke_all also marks long-expired ones)."""
    cutoff = now - timedelta(days=PURGE_AFTER_DAYS)
    result = session.execute(delete(StaffWebSession)
                             .where(or_(StaffWebSession.revoked_at < cutoff, StaffWebSession.expires_at < cutoff))
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _derived(label: str, token: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{label}\0{token}".encode(), hashlib.sha256).hexdigest()


def csrf_token(token: str) -> str:
    """The form token of the session whose cookie token is `token`."""
    return _derived("staff-csrf", token)


def draft_scope(staff_id: int) -> str:
    """The name under which the browser keeps this staff member's drafts (home visit notes and photos): shown to
    the page's scripts, so derived under its own label from the account, never from the session's cookie. The
    account, not the session: a visit that outlasts the 30 idle minutes keeps its notes when she signs in again;
    another account on the same phone never reads them (its pages delete them), and signing out clears them."""
    return _derived("staff-drafts", f"staff:{staff_id}")[:32]


def csrf_ok(token: str | None, submitted: str | None) -> bool:
    if not token or not submitted:
        return False
    return hmac.compare_digest(csrf_token(token).encode(), submitted.encode())
