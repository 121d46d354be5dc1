"""Staff users: caseworkers of a street (乡镇/街道), reviewers of a county (县级), administrators."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # caseworker | reviewer | admin
    # The district (区县) this person works in: they see only its applications.
    district_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Timestamp]
    # Failed sign-ins are counted per address in staff_login_counters (backend/auth/login_counters.py).
    # Second factor (backend/auth/totp.py): the TOTP secret, encrypted with the personal-data key; enabled once
    # the person typed a first code from it; the last time step used, so a code never works twice.
    totp_secret_cipher: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class StaffRelation(Base):
    """A declared close relationship between a staff member and a person (conflict of interest)."""

    __tablename__ = "staff_relations"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
