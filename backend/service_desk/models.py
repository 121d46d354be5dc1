"""Requests for a person: call-backs (转人工) and complaints, for the street office to handle."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class CallbackRequest(Base):
    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_cipher: Mapped[str | None] = mapped_column(String(255))
    topic: Mapped[str | None] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    created_at: Mapped[Timestamp]
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    application_number: Mapped[str | None] = mapped_column(String(20))
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_cipher: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[Timestamp]
