"""State the Rasa workers of one machine share, in one SQLite file, so `make run` can run two workers
(SANIC_WORKERS=2) with no Redis: the conversation locks, the last numbered menu of each SMS or WeChat
conversation (bot/channels/sms_menus.py), and the WeChat messages already taken (bot/channels/wechat_once.py).

Compose and any deployment over several machines use Redis for the locks instead (LOCK_STORE_TYPE=redis).

The lock store keeps Rasa's ticket locks (rasa.core.lock_store.TicketLock, as JSON), like Rasa's Redis
store, but each read-modify-write is one SQLite transaction (BEGIN IMMEDIATE), so two workers can never
hand out the same ticket. Registered in bot/endpoints.yml with
`type: bot.local_state.SQLiteLockStore` and `url:` the file's path.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional, Text

from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, TicketLock
from rasa.utils.endpoints import EndpointConfig

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sms_menus (conversation_id TEXT PRIMARY KEY, payloads TEXT NOT NULL, sent_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sms_menus_sent_at ON sms_menus (sent_at)",
    "CREATE TABLE IF NOT EXISTS wechat_seen (message_key TEXT PRIMARY KEY, seen_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS wechat_seen_seen_at ON wechat_seen (seen_at)",
)


class LocalState:
    """One connection per process to the shared file; calls are short and serialised by a thread lock."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=5.0, isolation_level=None, check_same_thread=False)
        self._mutex = threading.Lock()
        with self._mutex:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            for statement in SCHEMA:
                self._db.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: other processes wait (up to 5 s) until it commits."""
        with self._mutex:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def read(self, sql: str, args: tuple) -> Optional[tuple]:
        with self._mutex:
            return self._db.execute(sql, args).fetchone()


class SQLiteLockStore(LockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, path: Optional[str] = None):
        target = path or (endpoint_config.url if endpoint_config else None)
        if not target:
            raise LockError("SQLiteLockStore needs the file's path as `url` in endpoints.yml")
        self.state = LocalState(target)

    @staticmethod
    def _load(db: sqlite3.Connection, conversation_id: Text) -> Optional[TicketLock]:
        row = db.execute("SELECT data FROM locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def _store(db: sqlite3.Connection, lock: TicketLock) -> None:
        db.execute("INSERT INTO locks (conversation_id, data) VALUES (?, ?) "
                   "ON CONFLICT (conversation_id) DO UPDATE SET data = excluded.data", (lock.conversation_id, lock.dumps()))

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        row = self.state.read("SELECT data FROM locks WHERE conversation_id = ?", (conversation_id,))
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: Text) -> None:
        with self.state.transaction() as db:
            db.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self.state.transaction() as db:
            self._store(db, lock)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self.state.transaction() as db:
                lock = self._load(db, conversation_id) or self.create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self._store(db, lock)
                return ticket
        except sqlite3.Error as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: Text) -> None:
        with self.state.transaction() as db:
            lock = self._load(db, conversation_id)
            if lock:
                lock.remove_expired_tickets()
                self._store(db, lock)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give the ticket back, and drop the lock when nobody else waits — in one transaction."""
        with self.state.transaction() as db:
            lock = self._load(db, conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self._store(db, lock)
            else:
                db.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))


class SQLiteMenus:
    """Where MenuMemory keeps menus when the workers share them: one row per conversation."""

    def __init__(self, path: str | Path, max_age: float):
        self.state = LocalState(path)
        self.max_age = max_age

    def get(self, conversation: str) -> Optional[tuple[list[str], float]]:
        row = self.state.read("SELECT payloads, sent_at FROM sms_menus WHERE conversation_id = ?", (conversation,))
        return (json.loads(row[0]), row[1]) if row else None

    def put(self, conversation: str, payloads: list[str], sent_at: float) -> None:
        with self.state.transaction() as db:
            db.execute("DELETE FROM sms_menus WHERE sent_at < ?", (sent_at - self.max_age,))
            db.execute("INSERT INTO sms_menus (conversation_id, payloads, sent_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (conversation_id) DO UPDATE SET payloads = excluded.payloads, sent_at = excluded.sent_at",
                       (conversation, json.dumps(payloads, ensure_ascii=False), sent_at))

    def delete(self, conversation: str) -> None:
        with self.state.transaction() as db:
            db.execute("DELETE FROM sms_menus WHERE conversation_id = ?", (conversation,))


class SQLiteSeen:
    """Where the WeChat channel marks the messages it has taken, so a retry another worker receives is known."""

    def __init__(self, path: str | Path, max_age: float):
        self.state = LocalState(path)
        self.max_age = max_age

    def claim(self, key: str, now: float) -> bool:
        """True for the first claim of `key` within `max_age`; False for every later one."""
        with self.state.transaction() as db:
            db.execute("DELETE FROM wechat_seen WHERE seen_at < ?", (now - self.max_age,))
            return db.execute("INSERT OR IGNORE INTO wechat_seen (message_key, seen_at) VALUES (?, ?)", (key, now)).rowcount == 1
