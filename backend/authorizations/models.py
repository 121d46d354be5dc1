"""Signatures of the 家庭经济状况核对授权书."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp


class AuthorizationSignature(Base):
    """A household member's or obligor's signature of the 家庭经济状况核对授权书."""

    __tablename__ = "authorization_signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    document_version: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    liveness_session_id: Mapped[int | None] = mapped_column(ForeignKey("liveness_sessions.id"))
    method: Mapped[str] = mapped_column(String(16))  # face | staff_assisted
    signed_at: Mapped[Timestamp]
