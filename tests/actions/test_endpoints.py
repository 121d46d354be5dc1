"""bot/endpoints.yml builds the embedded stores by default and the production ones from the environment.

The production half talks to the PostgreSQL and Redis this project's machines run; with CI=true it is
mandatory, elsewhere it runs when TEST_POSTGRES_URL / TEST_REDIS_URL are given.
"""

import asyncio
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = str(ROOT / "bot" / "endpoints.yml")
CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    base = {
        "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
        "TRACKER_STORE_DB": "rasa",
        "LOCK_STORE_URL": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_LOCK_DB": "1",
        "LOCK_STORE_TYPE": "in_memory",
        "TRACKER_STORE_URL": "sqlite:///:memory:",
    }
    for k, v in {**base, **values}.items():
        monkeypatch.setenv(k, v)


DOMAIN = Domain.load(str(ROOT / "bot" / "domain.yml"))


def _store() -> TrackerStore:
    return TrackerStore.create(read_endpoint_config(ENDPOINTS, "tracker_store"), domain=DOMAIN)


def _roundtrip(store: TrackerStore, sender: str) -> DialogueStateTracker:
    domain = DOMAIN
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(UserUttered("重庆低保标准是多少", {"name": "ask_policy", "confidence": 1.0}))
    tracker.update(SlotSet("region", "重庆"))
    asyncio.run(store.save(tracker))
    return asyncio.run(store.retrieve(sender))


def test_embedded_default_keeps_conversations_in_a_sqlite_file(monkeypatch, tmp_path) -> None:
    db = tmp_path / "tracker.db"
    _env(monkeypatch, TRACKER_STORE_URL=f"sqlite:///{db}")
    store = _store()
    assert isinstance(store, SQLTrackerStore)
    _roundtrip(store, "web-a")
    # A new store on the same file (a restart) still knows the conversation.
    again = _store()
    assert asyncio.run(again.retrieve("web-a")).get_slot("region") == "重庆"
    assert db.exists()
    lock = LockStore.create(read_endpoint_config(ENDPOINTS, "lock_store"))
    assert isinstance(lock, InMemoryLockStore)


def _need(url: str | None, what: str) -> str:
    if url:
        return url
    if CI:
        pytest.fail(f"CI=true requires {what}")
    pytest.skip(f"set {what} to test the production stores")


def test_postgresql_tracker_store(monkeypatch) -> None:
    url = sa.engine.make_url(_need(POSTGRES_URL, "TEST_POSTGRES_URL")).set(drivername="postgresql")
    _env(monkeypatch, TRACKER_STORE_URL=url.render_as_string(hide_password=False))
    store = _store()
    assert isinstance(store, SQLTrackerStore) and store.engine.dialect.name == "postgresql"
    sender = f"web-{uuid.uuid4().hex}"
    assert _roundtrip(store, sender).get_slot("region") == "重庆"
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": sender})


def test_redis_lock_store_serialises_one_conversation(monkeypatch) -> None:
    url = sa.engine.make_url(_need(REDIS_URL, "TEST_REDIS_URL").replace("redis://", "redis+x://"))
    _env(monkeypatch, LOCK_STORE_TYPE="redis", LOCK_STORE_URL=url.host, REDIS_PORT=str(url.port or 6379))
    lock_store = LockStore.create(read_endpoint_config(ENDPOINTS, "lock_store"))
    assert isinstance(lock_store, RedisLockStore)
    sender = f"web-{uuid.uuid4().hex}"
    first = lock_store.issue_ticket(sender)
    second = lock_store.issue_ticket(sender)
    # Another replica, with its own connection, sees the same lock in Redis.
    other_replica = LockStore.create(read_endpoint_config(ENDPOINTS, "lock_store"))
    lock = other_replica.get_or_create_lock(sender)
    assert lock.is_locked(first) is False
    assert lock.is_locked(second) is True  # the second turn must wait its turn
    lock_store.finish_serving(sender, first)
    assert other_replica.get_or_create_lock(sender).is_locked(second) is False
    lock_store.finish_serving(sender, second)
