"""Append to and verify the audit log, chained with HMAC-SHA256.

Each entry's `hash` is an HMAC over its content and the previous entry's `hash`, keyed with
`AUDIT_KEY`, which lives outside the database: whoever can write the tables but does not hold the key
cannot rebuild a chain that verifies. Against someone who holds both, the chain's head (`ChainHead`),
exported regularly to storage they cannot reach, pins what the chain was: a rebuilt or truncated
chain no longer contains it (see `backend.audit.verify`).
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry, AuditHead
from backend.core import clock
from backend.core.settings import get_settings

GENESIS = "0" * 64


def _audit_key() -> bytes:
    return get_settings().audit_key.encode()


def _digest(key: bytes, prev_hash: str, seq: int, at: datetime, actor: str, channel: str, action: str,
            entity_type: str, entity_id: str, detail: dict[str, Any]) -> str:
    body = json.dumps(
        [prev_hash, seq, at.astimezone(UTC).isoformat(timespec="microseconds"), actor, channel, action,
         entity_type, entity_id, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def _row_digest(key: bytes, row: AuditEntry) -> str:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    return _digest(key, row.prev_hash, row.seq, at, row.actor, row.channel, row.action, row.entity_type,
                   row.entity_id, row.detail)


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
    at = clock.now_utc()
    detail = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    entry = AuditEntry(
        seq=head.seq, at=at, actor=actor, channel=channel, action=action, entity_type=entity_type,
        entity_id=str(entity_id), detail=detail, prev_hash=head.last_hash,
    )
    entry.hash = _digest(_audit_key(), head.last_hash, head.seq, at, actor, channel, action, entity_type,
                         str(entity_id), detail)
    head.last_hash = entry.hash
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainHead:
    """The last entry of the chain as exported for safekeeping outside the database."""

    seq: int
    hash: str
    at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        at = self.at.astimezone(UTC).isoformat() if self.at else None
        return {"seq": self.seq, "hash": self.hash, "at": at}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ChainHead":
        at = data.get("at")
        return cls(seq=int(data["seq"]), hash=str(data["hash"]),
                   at=datetime.fromisoformat(at) if at else None)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str | None = None
    first_bad_seq: int | None = None
    # The last entry verified: what to export when the chain is intact.
    head: ChainHead | None = None


def entries_for(session: Session, *, entity_type: str, entity_id: str | int) -> list[AuditEntry]:
    """One entity's audit trail, in chain order."""
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.seq)
    ))


def verify(session: Session, *, heads: Iterable[ChainHead] = (), key: bytes | None = None,
           batch: int = 5000) -> VerifyResult:
    """Walk the chain: each row's HMAC, each link to the previous row, no gaps, the head row at the end,
    and each exported head (`heads`) still in the chain, at the same place with the same hash."""
    key = _audit_key() if key is None else key
    pin_at: dict[int, set[str]] = {}
    for h in heads:
        if h.seq > 0:  # an exported empty chain pins nothing
            pin_at.setdefault(h.seq, set()).add(h.hash)
    last_pin = max(pin_at, default=0)
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq, last_good_pin, last_at = 0, 0, None
    while True:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for i, row in enumerate(rows):
            if row.seq != expected_seq:
                return VerifyResult(False, checked, f"第{expected_seq}条记录缺失（可能被删除）", expected_seq)
            if row.prev_hash != prev_hash:
                return VerifyResult(False, checked, f"第{row.seq}条记录与前一条的链接不符（前面的记录被改动或删除）", row.seq)
            if _row_digest(key, row) != row.hash:
                # An edited row breaks only its own HMAC; a chain rewritten without the key (or checked
                # with the wrong one) breaks every row from there on.
                following = rows[i + 1] if i + 1 < len(rows) else None
                if following is not None and _row_digest(key, following) != following.hash:
                    return VerifyResult(
                        False, checked,
                        f"从第{row.seq}条起的记录都不是用审计密钥写的（记录被删除或改动后重建了链，或 AUDIT_KEY 不对）", row.seq,
                    )
                return VerifyResult(False, checked, f"第{row.seq}条记录的内容被改动过", row.seq)
            pinned = pin_at.get(row.seq)
            if pinned is not None:
                if pinned != {row.hash}:
                    first = last_good_pin + 1
                    where = f"第{row.seq}条" if first == row.seq else f"第{first}条到第{row.seq}条之间的"
                    return VerifyResult(
                        False, checked,
                        f"第{row.seq}条记录与导出的链头不符：{where}记录被改动或删除后，整条链被重建过", first,
                    )
                last_good_pin = row.seq
            prev_hash, expected_seq, checked, last_seq = row.hash, row.seq + 1, checked + 1, row.seq
            last_at = row.at
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != prev_hash):
        return VerifyResult(False, checked, f"日志末尾的记录被删除了（应有{head.seq}条，只找到{checked}条）", checked + 1)
    if last_pin > checked:
        return VerifyResult(
            False, checked,
            f"第{checked + 1}条及之后的记录被删除了（导出的链头是第{last_pin}条，现在只有{checked}条）", checked + 1,
        )
    if last_at is not None and last_at.tzinfo is None:
        last_at = last_at.replace(tzinfo=UTC)
    return VerifyResult(True, checked, head=ChainHead(seq=checked, hash=prev_hash, at=last_at))
