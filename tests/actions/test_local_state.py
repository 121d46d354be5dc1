"""bot/local_state.py: what the Rasa workers of one machine share without Redis — conversation locks
and SMS menus — and that `make run` starts two workers on it."""

import asyncio
import importlib.util
import threading
from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.utils import number_of_sanic_workers
from rasa.utils.endpoints import read_endpoint_config

from bot.channels.sms_menus import MenuMemory
from bot.local_state import SQLiteLockStore, SQLiteMenus

ROOT = Path(__file__).resolve().parents[2]


def _stack_module():
    spec = importlib.util.spec_from_file_location("stack", ROOT / "scripts" / "stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_starts_two_workers_on_the_shared_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("SANIC_WORKERS", "LOCK_STORE_TYPE", "LOCK_STORE_URL", "SMS_MENU_DB"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("JIUZHU_VAR_DIR", str(tmp_path))
    env = _stack_module().stack_env()
    assert env["SANIC_WORKERS"] == "2"
    assert env["LOCK_STORE_TYPE"] == "bot.local_state.SQLiteLockStore"
    assert env["LOCK_STORE_URL"] == env["SMS_MENU_DB"] == str(tmp_path / "rasa_state.db")
    # Rasa builds that store from endpoints.yml with these values, and accepts several workers with it.
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    endpoint = read_endpoint_config(str(ROOT / "bot" / "endpoints.yml"), "lock_store")
    store = LockStore.create(endpoint)
    assert isinstance(store, SQLiteLockStore)
    assert number_of_sanic_workers(endpoint) == 2
    # Asked for Redis, the lock store's URL is the Redis host.
    monkeypatch.setenv("LOCK_STORE_TYPE", "redis")
    monkeypatch.delenv("LOCK_STORE_URL")
    assert _stack_module().stack_env()["LOCK_STORE_URL"] == "127.0.0.1"


def test_two_workers_serve_one_conversation_in_turn(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    worker_a, worker_b = SQLiteLockStore(path=path), SQLiteLockStore(path=path)
    first = worker_a.issue_ticket("web:abc12345")
    second = worker_b.issue_ticket("web:abc12345")
    assert worker_b.get_lock("web:abc12345").is_locked(first) is False
    assert worker_a.get_lock("web:abc12345").is_locked(second) is True
    worker_a.cleanup("web:abc12345", first)
    assert worker_b.get_lock("web:abc12345").is_locked(second) is False
    worker_b.cleanup("web:abc12345", second)
    assert worker_a.get_lock("web:abc12345") is None


def test_tickets_are_unique_when_workers_ask_at_once(tmp_path: Path) -> None:
    """Rasa's base issue_ticket reads, adds and writes back; here it is one transaction."""
    path = str(tmp_path / "state.db")
    stores = [SQLiteLockStore(path=path) for _ in range(4)]
    tickets: list[int] = []
    mutex = threading.Lock()

    def ask(store: SQLiteLockStore) -> None:
        for _ in range(25):
            ticket = store.issue_ticket("web:samechat1")
            with mutex:
                tickets.append(ticket)

    threads = [threading.Thread(target=ask, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(tickets) == list(range(100))


def test_rasa_lock_keeps_turns_of_one_conversation_in_order(tmp_path: Path) -> None:
    path = str(tmp_path / "state.db")
    worker_a, worker_b = SQLiteLockStore(path=path), SQLiteLockStore(path=path)
    order: list[str] = []

    async def turn(store: SQLiteLockStore, name: str, hold: float) -> None:
        async with store.lock("web:orderchat", wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def scenario() -> None:
        first = asyncio.ensure_future(turn(worker_a, "A", 0.1))
        await asyncio.sleep(0.01)
        await asyncio.gather(first, turn(worker_b, "B", 0))

    asyncio.run(scenario())
    assert order == ["A in", "A out", "B in", "B out"]


def test_a_menu_sent_by_one_worker_is_answered_on_the_other(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    now = [1000.0]
    sent_by = MenuMemory(clock=lambda: now[0], store=SQLiteMenus(path, 1800))
    answered_by = MenuMemory(clock=lambda: now[0], store=SQLiteMenus(path, 1800))
    sent_by.remember("sms:+8613800001111", [{"title": "低保", "payload": "/apply{\"t\":\"低保\"}"}, {"title": "特困", "payload": "/b"}])
    assert answered_by.resolve("sms:+8613800001111", "5") == "5"  # out of range: as typed, menu kept
    assert answered_by.resolve("sms:+8613800001111", "第一个") == "/apply{\"t\":\"低保\"}"
    assert sent_by.resolve("sms:+8613800001111", "1") == "1"  # a menu answers once
    sent_by.remember("sms:+8613800001111", [{"title": "是", "payload": "/affirm"}])
    now[0] += 1801
    assert answered_by.resolve("sms:+8613800001111", "1") == "1"  # too old


def test_the_channel_shares_menus_when_told_where(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SMS_MENU_DB", str(tmp_path / "state.db"))
    assert isinstance(MenuMemory.from_env().store, SQLiteMenus)
    monkeypatch.delenv("SMS_MENU_DB")
    assert not isinstance(MenuMemory.from_env().store, SQLiteMenus)
