"""bot/speedups.py: the start-up patches of Rasa 3.6.21 are what `rasa run` loads, they do what they
say, they keep Rasa's behaviour, and they refuse another Rasa version.

Also the configuration half of issue 12: selective domain, and only the form validators get the domain."""

import ast
import asyncio
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
import rasa
import yaml
from aiohttp import web
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa.utils.endpoints import EndpointConfig

from bot import speedups

ROOT = Path(__file__).resolve().parents[2]


def test_rasa_is_the_version_the_patches_were_written_for() -> None:
    """Fails when Rasa moves: read the patched functions of the new version, then change PINNED."""
    assert rasa.__version__ == speedups.PINNED == "3.6.21"
    pinned = [line for line in (ROOT / "bot/requirements.txt").read_text().splitlines() if line.startswith("rasa[")]
    assert pinned == [f"rasa[jieba]=={speedups.PINNED}"]


def test_importing_our_channels_installs_the_patches_in_a_fresh_interpreter() -> None:
    """`rasa run` imports bot.channels for credentials.yml; that import alone must install them."""
    code = (
        "import bot.channels.web_relay, bot.speedups as s;"
        "from rasa.core.actions.action import RemoteAction; from rasa.utils.endpoints import EndpointConfig;"
        "assert RemoteAction._validate_action_result is s._validate_action_result;"
        "assert EndpointConfig.session is s._shared_session;"
        "from rasa.core.processor import MessageProcessor;"
        "assert MessageProcessor.handle_message is s._gated_handle_message;"
        "assert EndpointConfig.request is s._request_aside;"
        "print(','.join(s.active()))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "validator_built_once,shared_http_session,sqlite_wal,turn_gate,this_turn_only"
    credentials = yaml.safe_load((ROOT / "bot/credentials.yml").read_text())
    assert all(name.startswith("bot.channels.") for name in credentials)


def test_another_rasa_version_is_refused_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa, "__version__", "3.6.22")
    with pytest.raises(speedups.VersionMismatch, match="3.6.21"):
        speedups.apply()


def test_the_response_validator_is_built_once_and_judges_as_rasa_does() -> None:
    speedups.apply()
    action = RemoteAction("action_answer_policy", None)
    good = {"events": [{"event": "slot", "name": "region", "value": "重庆"}], "responses": [{"text": "好的"}]}
    assert action._validate_action_result(good) is True
    built = speedups._validator
    assert built is not None
    for bad in ({"events": [{"event": "slot"}]}, {"events": "not a list"}, {"responses": ["text"]}):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)
    assert speedups._validator is built
    # The same verdicts as jsonschema.validate, which unpatched Rasa calls.
    validate(good, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError):
        validate({"events": [{"event": "slot"}]}, RemoteAction.action_response_format_spec())


def test_action_calls_reuse_one_connection() -> None:
    """Rasa 3.6.21 opens a new ClientSession, so a new TCP connection, per action call; patched: one."""
    speedups.apply()
    peers: list[int] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": []})

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
            for _ in range(3):
                assert await endpoint.request(json={"next_action": "x"}, method="post") == {"events": [], "responses": []}
            assert speedups.open_sessions() >= 1
            await speedups.close_sessions()
            assert speedups.open_sessions() == 0
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    assert len(peers) == 3
    assert len(set(peers)) == 1


def test_a_session_closed_by_someone_else_is_replaced() -> None:
    speedups.apply()

    async def scenario() -> tuple[aiohttp.ClientSession, aiohttp.ClientSession]:
        endpoint = EndpointConfig("http://127.0.0.1:9/webhook")
        async with endpoint.session() as first:
            pass
        assert not first.closed  # lent, not closed by `async with`
        await first.close()
        async with endpoint.session() as second:
            pass
        await speedups.close_sessions()
        return first, second

    first, second = asyncio.run(scenario())
    assert first is not second and second.closed


def test_the_sqlite_tracker_store_writes_ahead_without_a_full_sync_per_turn(tmp_path: Path) -> None:
    speedups.apply()
    store = SQLTrackerStore(Domain.empty(), host=f"sqlite:///{tmp_path / 'tracker.db'}", db="rasa")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL (FULL is 2)


def test_an_action_call_carries_this_turn_not_the_history() -> None:
    speedups.apply()
    domain = Domain.load(str(ROOT / "bot/domain.yml"))
    tracker = DialogueStateTracker("web:abcdef12", domain.slots)
    for text, intent in (("你好", "greet"), ("重庆低保标准是多少", "ask_policy")):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(text, {"name": intent, "confidence": 0.99}))
    tracker.update(SlotSet("region", "重庆"))
    body = RemoteAction("action_answer_policy", None)._action_call_format(tracker, domain)
    sent = body["tracker"]
    assert [e["event"] for e in sent["events"]] == ["user", "slot"]
    assert sent["events"][0]["text"] == "重庆低保标准是多少"
    assert sent["latest_message"]["text"] == "重庆低保标准是多少" and sent["slots"]["region"] == "重庆"
    # rasa_sdk reads what it needs from it: the slots a form must validate are the turn's newest events.
    sdk = Tracker.from_dict(sent)
    assert sdk.slots_to_validate() == {"region": "重庆"} and sdk.get_slot("region") == "重庆"


HISTORY_READERS = {"events", "applied_events", "get_last_event_for", "events_after_latest_restart",
                   "idx_after_latest_restart", "last_executed_action_has"}


def test_no_action_reads_the_conversation_history() -> None:
    """The action server gets the current turn's events only (this_turn_only): an action that needs
    something from earlier keeps it in a slot."""
    for path in sorted((ROOT / "actions").glob("*.py")):
        tree = ast.parse(path.read_text())
        reads = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in HISTORY_READERS
                 and isinstance(n.value, ast.Name) and n.value.id == "tracker"]
        assert not reads, f"{path.name} reads tracker.{reads[0]}"


# ---------------------------------------------------------------- the turn gate

def _compute(ms: float) -> None:
    """A turn's synchronous work (NLU, policies): it holds the event loop, as Rasa's does."""
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        pass


async def _turn(gate: speedups.TurnGate, log: list[str], name: str, away: float = 0.0) -> None:
    async with gate.turn():
        _compute(5 if away else 15)
        log.append(f"{name} computed")
        if away:
            async with speedups.step_aside():
                await asyncio.sleep(away)  # the action server and the backend
            _compute(5)
            log.append(f"{name} resumed")


def _race(gate: speedups.TurnGate, away: float, others: str) -> list[str]:
    """Turn A calls its action server; turns of other conversations arrive meanwhile."""
    log: list[str] = []

    async def scenario() -> None:
        a = asyncio.ensure_future(_turn(gate, log, "A", away))
        await asyncio.sleep(0)
        await asyncio.gather(a, *(_turn(gate, log, n) for n in others))
        assert gate.passed == 1 + len(others) and not gate._busy and not gate._new and not gate._away

    asyncio.run(scenario())
    return log


def test_a_quick_action_call_finishes_its_turn_before_new_turns_start() -> None:
    """Without the gate the action turn (A) resumes after every turn that arrived meanwhile (B–E):
    under load it queued twice. With it, A's 20 ms call keeps new turns waiting and A goes on."""
    log = _race(speedups.TurnGate(lend_after=0.5), 0.02, "BCDE")
    assert log == ["A computed", "A resumed", "B computed", "C computed", "D computed", "E computed"]


def test_a_slow_action_call_lends_its_place_and_comes_back_first() -> None:
    """A 300 ms call does not hold up everybody: after lend_after the others go. A 60 ms call is back
    ahead of the turns still waiting — after the few loop iterations its wake-up takes, not at the end."""
    log = _race(speedups.TurnGate(lend_after=0.03), 0.3, "BCD")
    assert log == ["A computed", "B computed", "C computed", "D computed", "A resumed"]
    others = "BCDEFGHIJKLM"  # 12 turns of 15 ms: 180 ms of work queued behind A's 60 ms call
    log = _race(speedups.TurnGate(lend_after=0.03), 0.06, others)
    assert log[1] == "B computed"
    assert log.index("A resumed") <= len(log) - 4, log


def test_a_cancelled_turn_gives_the_gate_back() -> None:
    async def scenario() -> None:
        gate = speedups.TurnGate()

        async def stuck() -> None:
            async with gate.turn():
                async with speedups.step_aside():
                    await asyncio.sleep(10)

        async def plain(done: list[str]) -> None:
            async with gate.turn():
                done.append("ok")

        task = asyncio.ensure_future(stuck())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        done: list[str] = []
        await asyncio.wait_for(plain(done), timeout=1)
        assert done == ["ok"] and not gate._busy

    asyncio.run(scenario())


def test_stepping_aside_outside_a_turn_does_nothing() -> None:
    async def scenario() -> None:
        async with speedups.step_aside():
            await asyncio.sleep(0)
        assert not speedups.gate()._busy

    asyncio.run(scenario())


# ---------------------------------------------------------------- selective domain (configuration)

def _actions_in_domain() -> dict[str, dict]:
    listed = yaml.safe_load((ROOT / "bot/domain.yml").read_text())["actions"]
    out: dict[str, dict] = {}
    for item in listed:
        if isinstance(item, dict):
            (name, options), = item.items()
            out[name] = options or {}
        else:
            out[item] = {}
    return out


def _action_classes() -> dict[str, tuple[str, ast.ClassDef]]:
    """Action name -> (file, class) for every class in actions/ that returns a name literal."""
    found = {}
    for path in sorted((ROOT / "actions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == "name":
                    returned = [r.value.value for r in ast.walk(fn) if isinstance(r, ast.Return)
                                and isinstance(r.value, ast.Constant)]
                    if returned:
                        found[returned[0]] = (path.name, node)
    return found


def test_the_domain_goes_only_to_the_actions_that_read_it() -> None:
    endpoints = yaml.safe_load((ROOT / "bot/endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["enable_selective_domain"] is True
    listed = _actions_in_domain()
    classes = _action_classes()
    assert set(listed) <= set(classes), set(listed) - set(classes)
    for name, (file, cls) in classes.items():
        bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in cls.bases}
        validator = any("FormValidationAction" in b for b in bases) or name.startswith("validate_")
        wants = bool(listed.get(name, {}).get("send_domain"))
        if validator:
            # rasa_sdk's FormValidationAction reads the form's required slots from the domain.
            assert wants, f"{name} ({file}) is a form validator: it needs send_domain: true"
            continue
        assert not wants, f"{name} ({file}) does not need the domain"
        reads = [n for n in ast.walk(cls) if isinstance(n, ast.Name) and n.id == "domain" and isinstance(n.ctx, ast.Load)]
        assert not reads, f"{name} ({file}) reads `domain`, which selective domain does not send it"
