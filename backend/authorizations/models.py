"""Signatures of the 家庭经济状况核对授权书."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String
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
    # 工作人员协助签署 on the case page (assisted.witnessed_sign): who saw the person sign, how, on which day,
    # and the scan of the signed paper in the documents store (its file name), when one was taken.
    witnessed_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    witnessed_how: Mapped[str | None] = mapped_column(String(16))  # home_visit | window
    witnessed_on: Mapped[date | None] = mapped_column(Date)
    paper_scan: Mapped[str | None] = mapped_column(String(80))
