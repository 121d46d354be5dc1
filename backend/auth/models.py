"""One-time codes sent by SMS to identify applicants and helpers, and to record consent; staff browser sessions;
the counts of failed staff sign-ins."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class OneTimeCode(Base):
    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # login | consent
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffWebSession(Base):
    """A signed-in browser of the staff workbench (backend/auth/web_sessions.py).

    Only a hash of the cookie's token is kept: a copy of this table signs nobody in. A session ends at
    sign-out (revoked_at), after IDLE_MINUTES without a request, or at expires_at, whichever comes first."""

    __tablename__ = "staff_web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffLoginCounter(Base):
    """Failed staff sign-ins (backend/auth/login_counters.py): one row per typed account name and address, and
    one per account name for every address together (client_key "*").

    Both keys are keyed hashes: a name that exists is counted exactly like one that does not, and neither the
    names people typed nor their addresses are kept in clear."""

    __tablename__ = "staff_login_counters"
    __table_args__ = (UniqueConstraint("account_key", "client_key", name="uq_staff_login_counters_account_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(32))
    client_key: Mapped[str] = mapped_column(String(32))
    # Attempts counted (before each check) since the last success, or since a quiet spell; at the limit: locked.
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # An address row: when the account last signed in from this address (it is then trusted a while).
    last_success_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The account row: failures and lock-outs since the owner last signed in, told at her next sign-in.
    unseen_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unseen_lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unseen_since: Mapped[datetime | None] = mapped_column(UtcDateTime())
