"""One-time codes sent by SMS to identify applicants and helpers, and to record consent; staff browser sessions."""

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
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
