"""Append to and verify the hash-chained audit log."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(prev_hash: str, seq: int, at: datetime, actor: str, channel: str, action: str,
            entity_type: str, entity_id: str, detail: dict[str, Any]) -> str:
    body = json.dumps(
        [prev_hash, seq, at.astimezone(UTC).isoformat(timespec="microseconds"), actor, channel, action,
         entity_type, entity_id, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(session: Session, *, actor: str, channel: str, action: str, entity_type: str, entity_id: str | int,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction. Never put ID or phone numbers in `detail`."""
    # Taking the head row first (UPDATE) serialises appenders on both SQLite and PostgreSQL.
    bumped = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if bumped.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, last_hash=GENESIS))
        session.flush()
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    session.refresh(head)
    at = datetime.now(UTC)
    detail = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    entry = AuditEntry(
        seq=head.seq, at=at, actor=actor, channel=channel, action=action, entity_type=entity_type,
        entity_id=str(entity_id), detail=detail, prev_hash=head.last_hash,
    )
    entry.hash = _digest(head.last_hash, head.seq, at, actor, channel, action, entity_type, str(entity_id), detail)
    head.last_hash = entry.hash
    session.add(entry)
    session.flush()
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str | None = None
    first_bad_seq: int | None = None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain: each row's hash, each link to the previous row, no gaps, and the head at the end."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            if row.seq != expected_seq:
                return VerifyResult(False, checked, f"第{expected_seq}条记录缺失（可能被删除）", expected_seq)
            if row.prev_hash != prev_hash:
                return VerifyResult(False, checked, f"第{row.seq}条记录与前一条的链接不符（前面的记录被改动或删除）", row.seq)
            at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
            if _digest(row.prev_hash, row.seq, at, row.actor, row.channel, row.action, row.entity_type,
                       row.entity_id, row.detail) != row.hash:
                return VerifyResult(False, checked, f"第{row.seq}条记录的内容被改动过", row.seq)
            prev_hash, expected_seq, checked, last_seq = row.hash, row.seq + 1, checked + 1, row.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != prev_hash):
        return VerifyResult(False, checked, f"日志末尾的记录被删除了（应有{head.seq}条，只找到{checked}条）", checked + 1)
    return VerifyResult(True, checked)
