"""The append-only, hash-chained audit log.

Each entry's hash (an HMAC keyed with `AUDIT_KEY`, see `backend.audit.service`) covers its content
and the previous entry's hash, so editing or deleting any row breaks the chain from that row on.
`audit_head` holds the last sequence number and hash; updating it first in every append serialises
writers, so the chain never forks.
"""

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import UtcDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))  # staff:3, citizen:12, service:actions, system
    channel: Mapped[str] = mapped_column(String(16))  # api, chat, sms, counter, system
    action: Mapped[str] = mapped_column(String(48))  # e.g. application.accept, person.read_identity
    entity_type: Mapped[str] = mapped_column(String(32), index=True)
    entity_id: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
