"""The outbox (SMS, or WeChat for bound users): one row per notice, written in the same transaction as the event that causes it."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One notice per event and recipient, ever: retries of the cause cannot create a second one.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(32))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    recipient: Mapped[str] = mapped_column(String(8))  # person | helper
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    phone_cipher: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(Integer)
    essential: Mapped[bool] = mapped_column(Boolean, default=False)
    # pending → sending → sent → delivered | undelivered | failed ; opted_out never leaves
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    provider_sid: Mapped[str | None] = mapped_column(String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[Timestamp]
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The channel the notice goes (once sent: went) by: "sms", or "wechat" while a WeChat template message
    # is being tried (backend/notifications/dispatcher.py says when it falls back to "sms").
    channel: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    # The WeChat template message for this notice (JSON, backend/wechat/notices.py); None: SMS only.
    wechat_message: Mapped[str | None] = mapped_column(Text)


class SmsOptOut(Base):
    """A phone that said STOP/退订: no more non-essential messages."""

    __tablename__ = "sms_opt_outs"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    opted_out_at: Mapped[Timestamp]
    channel: Mapped[str] = mapped_column(String(16), default="sms")
