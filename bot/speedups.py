"""Start-up patches that make a custom-action turn cost what its work costs — for Rasa 3.6.21 only.

Two costs of calling the action server cannot be reached by configuration in Rasa 3.6.21:

1. Response validation. `RemoteAction._validate_action_result` calls `jsonschema.validate`, which
   checks the schema and builds a new validator for the full event schema on every call (about 15 ms
   of CPU here). We build the validator once and report the same error (jsonschema's `best_match`,
   with Rasa's own explanation appended) when a response is invalid.
2. One HTTP session per call. `EndpointConfig.request` opens a new `aiohttp.ClientSession` for every
   request, so every action call pays a new TCP connection. We lend one session per event loop and
   endpoint settings (headers, auth) instead, with keep-alive shorter than the action server's
   (Sanic closes idle connections after 5 s; we stop reusing them after 4 s).

3. The SQLite tracker store of the embedded default commits every turn with a full fsync in the
   rollback journal, while Rasa's SQL tracker store runs synchronously on the event loop: every
   conversation waits for the disk. We switch SQLite connections of this process to WAL with
   synchronous=NORMAL (durable when a process crashes; the last turns may be lost if the machine loses
   power). SQLAlchemy offers no URL setting for PRAGMAs; PostgreSQL (compose) is not touched.

4. Fairness between conversations. Rasa handles every turn on one event loop, and a turn computes
   (NLU, policies, tracker store) without yielding — except while it waits for the action server. In
   that wait other turns start, and the action turn resumes only after all of them: under load it
   queued twice and took 2–3× a plain turn. A turn gate (`TurnGate`) lets one turn compute at a time
   per process, first come first served. A turn that waits for HTTP (any `EndpointConfig.request`, our
   SMS sends) steps aside: for its first 50 ms no new turn starts (an action call takes a few ms here,
   and the other core runs the action server meanwhile); after that the next turns use the wait, and
   the returning turn goes before the new turns still waiting (once its wake-up has run: a few loop
   iterations, each one turn long).
   Only waits for other services step aside, never a wait for another turn, so it cannot deadlock:
   the conversation lock is taken before the gate (Agent.handle_message), the gate inside it.

5. The whole tracker with every action call. Rasa sends every event of the conversation (70 KB after
   40 turns), which both sides encode, parse and rebuild. The action server gets the events of the
   current turn only — from the latest user message on — with the slots, the latest message, the active
   form and the latest action as before: everything rasa_sdk's forms and our actions read (a test checks
   that no action in actions/ reads the event history).

`apply()` is idempotent. It refuses to run on any other Rasa version than PINNED, loudly: a new Rasa
may have moved or fixed what is patched here, and a silent mismatch would be worse than none.
Read the patched functions again before changing PINNED.

Loaded by `bot/channels/__init__.py`, so every `rasa run` with our credentials.yml (make run,
compose, a plain `rasa run`) has it; the REST channel's health route (`GET /webhooks/rest/`) lists
what is active, and tests check it.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import weakref
from collections import deque
from contextlib import asynccontextmanager
from typing import AsyncIterator
from typing import Any

import aiohttp
import rasa
from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.processor import MessageProcessor
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine

PINNED = "3.6.21"
# Sanic's KEEP_ALIVE_TIMEOUT is 5 s: never reuse a connection the server may be closing.
KEEPALIVE_SECONDS = 4.0
# How long a turn waiting for the action server keeps new turns from starting (TurnGate).
LEND_AFTER_SECONDS = 0.05

_active: list[str] = []
_validator: Any = None
# event loop -> {endpoint settings -> session}; a loop that is gone takes its sessions with it.
_sessions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, aiohttp.ClientSession]]" = (
    weakref.WeakKeyDictionary()
)


class VersionMismatch(RuntimeError):
    pass


def _response_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


class _Lent:
    """`async with endpoint.session() as s:` without closing the shared session at the end."""

    def __init__(self, session: aiohttp.ClientSession):
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: object) -> bool:
        return False


def _settings_key(endpoint: EndpointConfig) -> str:
    return repr((sorted((endpoint.headers or {}).items()), sorted((endpoint.basic_auth or {}).items())))


def _shared_session(self: EndpointConfig) -> _Lent:
    loop = asyncio.get_running_loop()
    per_loop = _sessions.setdefault(loop, {})
    key = _settings_key(self)
    session = per_loop.get(key)
    if session is None or session.closed:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        session = aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        per_loop[key] = session
    return _Lent(session)


async def close_sessions() -> None:
    """Close the sessions of the running loop (the server's stop listener calls this)."""
    loop = asyncio.get_running_loop()
    for session in _sessions.pop(loop, {}).values():
        await session.close()


def open_sessions() -> int:
    """How many shared sessions are open (tests)."""
    return sum(1 for per_loop in _sessions.values() for s in per_loop.values() if not s.closed)


class TurnGate:
    """One computing turn at a time on this event loop.

    New turns start in arrival order, and not while a turn is away waiting for another service —
    for up to `lend_after` seconds: a quick action call (a few ms) comes back to an idle loop and goes
    on at once, a slow one lends the gate to the next turns meanwhile and comes back before any new one.
    """

    def __init__(self, lend_after: float = LEND_AFTER_SECONDS) -> None:
        self.lend_after = lend_after
        self._busy = False
        self._returning: deque[asyncio.Future] = deque()
        self._new: deque[asyncio.Future] = deque()
        self._away: dict[object, float] = {}  # a turn that stepped aside -> when its place is lent
        self._timer: asyncio.TimerHandle | None = None
        self.passed = 0  # turns that went through (tests)

    def _lent(self, now: float) -> bool:
        return all(deadline <= now for deadline in self._away.values())

    def _dispatch(self) -> None:
        """Give a free gate to the next turn: a returning one, else the first new one if nobody is away."""
        if self._busy:
            return
        for queue in (self._returning, self._new):
            if queue is self._new:
                loop = asyncio.get_running_loop()
                if not self._lent(loop.time()):
                    if self._timer is None and self._new:
                        self._timer = loop.call_at(min(self._away.values()), self._on_timer)
                    return
            while queue:
                ticket = queue.popleft()
                if not ticket.done():
                    self._busy = True
                    ticket.set_result(None)
                    return

    def _on_timer(self) -> None:
        self._timer = None
        self._dispatch()

    async def _acquire(self, returning: bool) -> None:
        queue = self._returning if returning else self._new
        if not self._busy and not queue and (returning or self._lent(asyncio.get_running_loop().time())):
            self._busy = True
            return
        ticket = asyncio.get_running_loop().create_future()
        queue.append(ticket)
        self._dispatch()
        try:
            await ticket  # handed over by _dispatch, with _busy already set
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():
                self._release()  # handed over just as we were cancelled: pass it on
            elif ticket in queue:
                queue.remove(ticket)
            raise

    def _release(self) -> None:
        self._busy = False
        self._dispatch()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if _in_turn.get():  # nested: already inside this turn
            yield
            return
        await self._acquire(returning=False)
        token = _in_turn.set(self)
        try:
            yield
        finally:
            _in_turn.reset(token)
            self._release()
            self.passed += 1

    @asynccontextmanager
    async def aside(self) -> AsyncIterator[None]:
        me = object()
        self._away[me] = asyncio.get_running_loop().time() + self.lend_after
        self._release()
        token = _in_turn.set(None)
        try:
            yield
        finally:
            _in_turn.reset(token)
            del self._away[me]
            await _shielded_acquire(self)


async def _shielded_acquire(gate: TurnGate) -> None:
    """Come back to the gate first; a cancelled turn still takes it, so its `finally` can give it back."""
    task = asyncio.ensure_future(gate._acquire(returning=True))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


_in_turn: contextvars.ContextVar[TurnGate | None] = contextvars.ContextVar("jiuzhu_turn", default=None)
_gates: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, TurnGate]" = weakref.WeakKeyDictionary()


def gate() -> TurnGate:
    """This event loop's gate."""
    loop = asyncio.get_running_loop()
    found = _gates.get(loop)
    if found is None:
        found = _gates[loop] = TurnGate()
    return found


@asynccontextmanager
async def step_aside() -> AsyncIterator[None]:
    """Wait for another service without holding up other conversations (no-op outside a turn)."""
    holder = _in_turn.get()
    if holder is None:
        yield
        return
    async with holder.aside():
        yield


_original_handle_message = MessageProcessor.handle_message
_original_request = EndpointConfig.request


async def _gated_handle_message(self: MessageProcessor, message: Any) -> Any:
    async with gate().turn():
        return await _original_handle_message(self, message)


async def _request_aside(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
    async with step_aside():
        return await _original_request(self, *args, **kwargs)


_original_call_format = RemoteAction._action_call_format


def _call_format_this_turn(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    body = _original_call_format(self, tracker, domain)
    events = body["tracker"]["events"]
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "user":
            body["tracker"]["events"] = events[i:]
            break
    return body


def _sqlite_wal(dbapi_connection: Any, connection_record: Any) -> None:
    """Once per engine: WAL is a property of the file, kept by every later connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL").close()


def _sqlite_sync(dbapi_connection: Any, connection_record: Any) -> None:
    """Every connection (Rasa's SQLite engine opens one per session): no fsync per commit in WAL."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=NORMAL").close()


def apply() -> tuple[str, ...]:
    """Install the patches (once); the names of what is active."""
    if rasa.__version__ != PINNED:
        raise VersionMismatch(
            f"bot/speedups.py patches Rasa {PINNED} but Rasa {rasa.__version__} is installed: read "
            "rasa/core/actions/action.py (RemoteAction) and rasa/utils/endpoints.py (EndpointConfig) of the "
            "new version, adapt or drop the patches, then change PINNED."
        )
    if not _active:
        RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
        EndpointConfig.session = _shared_session  # type: ignore[method-assign,assignment]
        event.listen(Engine, "first_connect", _sqlite_wal)
        event.listen(Engine, "connect", _sqlite_sync)
        MessageProcessor.handle_message = _gated_handle_message  # type: ignore[method-assign]
        EndpointConfig.request = _request_aside  # type: ignore[method-assign]
        RemoteAction._action_call_format = _call_format_this_turn  # type: ignore[method-assign]
        _active.extend(["validator_built_once", "shared_http_session", "sqlite_wal", "turn_gate", "this_turn_only"])
    return tuple(_active)


def active() -> tuple[str, ...]:
    return tuple(_active)


__all__ = ["PINNED", "TurnGate", "VersionMismatch", "ValidationError", "apply", "active", "close_sessions", "gate",
           "open_sessions", "step_aside"]
