"""`python -m backend.audit.verify`: check the audit chain; exit 1 and name the first bad row if broken.

    python -m backend.audit.verify                                  # the chain alone
    python -m backend.audit.verify --export-head head.json          # check, then write {seq, hash, at}
    python -m backend.audit.verify --head head.json                 # check, and that head is still in it
    python -m backend.audit.verify --append-head var/audit-heads.jsonl   # check, then add the head as a line

Exit codes: 0 intact, 1 broken (the first edited or deleted row is named), 2 a head file is unreadable.

The HMAC key (`AUDIT_KEY`) stops someone who can only write the database; a head kept elsewhere stops
someone who also has the key, or who deletes the newest rows and fixes `audit_head`: a chain rebuilt
or cut short no longer holds the exported head at the same place with the same hash. `--head` takes a
JSON head or a JSON-lines file of heads (every line is checked; the earliest that no longer matches
bounds where the rewrite began), and can be given several times.

Recommended practice: once a day, check against every head kept so far and keep today's, on a
machine the database's administrators cannot write to (another host, write-once storage), e.g.

    # crontab on the application host; /mnt/audit-heads is mounted from the other machine
    HEADS=/mnt/audit-heads/heads.jsonl
    15 2 * * * cd /app && python -m backend.audit.verify --head $HEADS --append-head $HEADS || page-on-call

(the very first run has no heads yet: run it once with `--append-head` alone). A failed check appends
nothing, so the file only ever holds heads of an intact chain.
"""

import argparse
import json
import os
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from backend.audit.service import ChainHead, verify
from backend.core.db import get_sessionmaker


class HeadFileError(Exception):
    pass


def read_heads(path: Path) -> list[ChainHead]:
    """One JSON head, or one per line (what --append-head writes)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HeadFileError(f"读不到导出的链头文件 {path}：{exc.strerror}") from exc
    try:
        try:
            data = json.loads(text)
            items = data if isinstance(data, list) else [data]
        except json.JSONDecodeError:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        heads = [ChainHead.from_json(item) for item in items]
    except (ValueError, KeyError, TypeError) as exc:
        raise HeadFileError(f"导出的链头文件 {path} 格式不对（应为 {{seq, hash, at}} 的 JSON）") from exc
    if not heads:
        raise HeadFileError(f"导出的链头文件 {path} 是空的")
    return heads


def export_head(path: Path, head: ChainHead) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(head.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # never a half-written head


def append_head(path: Path, head: ChainHead) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(head.to_json(), ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def open_snapshot() -> Session:
    """A session that reads the whole chain from one snapshot, so entries appended while it walks
    cannot look like a cut tail. (SQLite: the engine's BEGIN IMMEDIATE already holds writers off.)"""
    session = get_sessionmaker()()
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return session


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.audit.verify", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--head", type=Path, action="append", default=[], metavar="FILE",
                        help="an exported head (JSON) or heads (JSON lines) that must still be in the chain")
    parser.add_argument("--export-head", type=Path, metavar="FILE",
                        help="after a successful check, write the head here")
    parser.add_argument("--append-head", type=Path, metavar="FILE",
                        help="after a successful check, append the head here (JSON lines)")
    args = parser.parse_args(argv)
    try:
        heads = [h for path in args.head for h in read_heads(path)]
    except HeadFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    with open_snapshot() as session:
        result = verify(session, heads=heads)
    if not result.ok:
        print(f"AUDIT LOG BROKEN at entry {result.first_bad_seq}: {result.problem}", file=sys.stderr)
        return 1
    print(f"audit log intact: {result.checked} entries verified"
          + (f", {len(heads)} exported head(s) still in the chain" if heads else ""))
    assert result.head is not None
    if args.export_head:
        export_head(args.export_head, result.head)
    if args.append_head:
        append_head(args.append_head, result.head)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
