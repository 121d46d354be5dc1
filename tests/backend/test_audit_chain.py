"""An insider cannot rewrite the audit log: the chain is keyed, and an exported head pins it.

The edited-row and deleted-row cases are in test_submission_and_audit.py; these are the attacks of
someone who can write the tables and recomputes the chain afterwards.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC

import pytest
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from backend.audit import service
from backend.audit import verify as verify_cli
from backend.audit.models import AuditEntry, AuditHead
from backend.audit.service import GENESIS, ChainHead, record, verify
from backend.core.settings import get_settings


def _chain(session: Session, n: int) -> list[AuditEntry]:
    return [
        record(session, actor=f"staff:{i}", channel="api", action="application.read",
               entity_type="application", entity_id=i, detail={"i": i})
        for i in range(n)
    ]


def _plain_sha256(prev_hash, seq, at, actor, channel, action,  # noqa: ANN001
                  entity_type, entity_id, detail) -> str:  # noqa: ANN001
    """The chain as it was before it was keyed: anyone could recompute it."""
    body = json.dumps(
        [prev_hash, seq, at.astimezone(UTC).isoformat(timespec="microseconds"), actor, channel, action,
         entity_type, entity_id, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _rebuild_without(session: Session, drop_seq: int, digest: Callable[..., str], extra: int = 0) -> None:
    """What an insider does: delete a row, renumber the rest, recompute every hash and the head row
    (and, optionally, append `extra` made-up rows so the count looks right again)."""
    session.flush()
    session.expire_all()
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    rows = [r for r in rows if r.seq != drop_seq]
    rows += rows[-1:] * extra
    session.execute(delete(AuditEntry))
    prev, values = GENESIS, []
    for seq, r in enumerate(rows, start=1):
        at = r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)
        h = digest(prev, seq, at, r.actor, r.channel, r.action, r.entity_type, r.entity_id, r.detail)
        values.append(dict(seq=seq, at=at, actor=r.actor, channel=r.channel, action=r.action,
                           entity_type=r.entity_type, entity_id=r.entity_id, detail=r.detail,
                           prev_hash=prev, hash=h))
        prev = h
    session.execute(insert(AuditEntry), values)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=len(values), last_hash=prev))
    session.expire_all()


def _with_key(key: bytes) -> Callable[..., str]:
    return lambda *fields: service._digest(key, *fields)


def test_a_chain_rebuilt_with_plain_sha256_after_a_deletion_is_caught(session: Session) -> None:
    first = _chain(session, 5)[0].seq
    _rebuild_without(session, drop_seq=first + 2, digest=_plain_sha256)
    result = verify(session)
    assert not result.ok
    assert result.first_bad_seq == 1 and "审计密钥" in result.problem


def test_cutting_the_tail_and_fixing_the_head_row_is_caught_by_the_exported_head(session: Session) -> None:
    _chain(session, 6)
    exported = verify(session).head
    assert exported is not None and exported.seq >= 6
    keep = exported.seq - 2
    session.execute(delete(AuditEntry).where(AuditEntry.seq > keep))
    last = session.get(AuditEntry, keep)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=keep, last_hash=last.hash))
    session.expire_all()
    # The database alone no longer shows it: that is why the head is kept elsewhere.
    assert verify(session).ok
    result = verify(session, heads=[exported])
    assert not result.ok and result.first_bad_seq == keep + 1
    assert f"第{keep + 1}条及之后的记录被删除了" in result.problem


def test_a_chain_rebuilt_with_the_key_no_longer_holds_the_exported_head(session: Session) -> None:
    first = _chain(session, 3)[0].seq
    earlier = verify(session).head
    _chain(session, 3)
    exported = verify(session).head
    # Someone with the key and the database deletes a row, rebuilds and pads the chain to its old length.
    key = get_settings().audit_key.encode()
    _rebuild_without(session, drop_seq=first + 4, digest=_with_key(key), extra=1)
    assert verify(session).ok
    result = verify(session, heads=[earlier, exported])
    assert not result.ok
    # The earlier head still matches, so the rewrite began after it.
    assert result.first_bad_seq == earlier.seq + 1
    assert f"第{earlier.seq + 1}条到第{exported.seq}条之间" in result.problem


def test_a_chain_written_with_another_key_fails(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    other = "another-audit-key-0123456789abcdef0123"
    monkeypatch.setattr(get_settings(), "audit_key", other)
    first = _chain(session, 3)[0].seq
    monkeypatch.undo()
    result = verify(session)
    assert not result.ok and result.first_bad_seq == first and "审计密钥" in result.problem
    assert verify(session, key=other.encode()).ok == (first == 1)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = verify_cli.main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_the_cli_exports_a_head_and_checks_it(session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI reads the test's own (uncommitted) transaction instead of opening the configured database.
    monkeypatch.setattr(verify_cli, "open_snapshot",
                        lambda: Session(bind=session.connection(), join_transaction_mode="create_savepoint"))
    _chain(session, 4)
    head_file, heads_log = tmp_path / "head.json", tmp_path / "var" / "audit-heads.jsonl"

    code, out = _run(["--export-head", str(head_file), "--append-head", str(heads_log)], capsys)
    assert code == 0, out
    exported = json.loads(head_file.read_text(encoding="utf-8"))
    assert set(exported) == {"seq", "hash", "at"} and exported["seq"] >= 4 and len(exported["hash"]) == 64
    assert ChainHead.from_json(exported) == verify(session).head

    _chain(session, 1)
    code, out = _run(["--head", str(head_file), "--append-head", str(heads_log)], capsys)
    assert code == 0 and "still in the chain" in out
    appended = [json.loads(line)["seq"] for line in heads_log.read_text().splitlines()]
    assert appended == [exported["seq"], exported["seq"] + 1]

    # Cut the tail back before the exported head and fix the head row: the database alone looks fine.
    keep = exported["seq"] - 1
    session.execute(delete(AuditEntry).where(AuditEntry.seq > keep))
    session.execute(update(AuditHead).where(AuditHead.id == 1)
                    .values(seq=keep, last_hash=session.get(AuditEntry, keep).hash))
    session.expire_all()
    assert _run([], capsys)[0] == 0
    for pinned in (head_file, heads_log):
        code, out = _run(["--head", str(pinned), "--append-head", str(heads_log)], capsys)
        assert code == 1 and f"第{keep + 1}条及之后的记录被删除了" in out
    # A failed check certifies nothing.
    assert len(heads_log.read_text().splitlines()) == 2

    code, out = _run(["--head", str(tmp_path / "missing.json")], capsys)
    assert code == 2 and "读不到导出的链头文件" in out
