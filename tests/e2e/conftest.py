"""End-to-end fixtures: the stack exactly as `make run` starts it, and Debian's headless Chromium.

The stack runs on its own ports and its own data folder, so it never touches a developer's running
stack or database. A missing Chromium is a failure, not a skip: `make test` installs it.
"""

import base64
import os
import queue
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from scripts.stack import read_dotenv
from tests.fakes.slow_proxy import SlowProxy
from tests.fakes.wechat_server import APP_ID, APP_SECRET, FakeWeChat

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
START_TIMEOUT_S = float(os.environ.get("E2E_START_TIMEOUT", "600"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `stops_stack` end the session's stack, so they run after every other test."""
    items.sort(key=lambda item: item.get_closest_marker("stops_stack") is not None)


class Stack:
    def __init__(self, proc: subprocess.Popen, base_url: str, env: dict[str, str], lines: list[str]):
        self.proc = proc
        self.base_url = base_url
        self.env = env
        self.lines = lines
        self.rasa_url = f"http://127.0.0.1:{env['RASA_PORT']}"
        self.wechat: FakeWeChat | None = None  # the fake of WeChat's API the backend talks to
        self.wechat_settings = {k: v for k, v in env.items() if k.startswith("WECHAT_")}
        self.actions_proxy: SlowProxy | None = None  # Rasa → this → the action server; can be made slow

    @property
    def rasa_token(self) -> str:
        return {**read_dotenv(), **self.env}["RASA_TOKEN"]


def free_port() -> str:
    """A port nobody listens on now: other stacks (a developer's, another test run) keep theirs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """The test's output folder for screenshots: tests/e2e/output/<test name>/ (git-ignored)."""
    path = ROOT / "tests" / "e2e" / "output" / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _wechat_templates(folder: Path) -> Path:
    """The shipped notice templates with an ID each, as an account that added them all would have."""
    kinds = yaml.safe_load((ROOT / "backend" / "wechat" / "data" / "notices.yaml").read_text(encoding="utf-8"))
    for kind, spec in kinds.items():
        spec["template_id"] = f"TEMPLATE_{kind}"
    path = folder / "wechat_notices.yaml"
    path.write_text(yaml.safe_dump(kinds, allow_unicode=True), encoding="utf-8")
    return path


# The one stack of this pytest session: tests/personas share this fixture (its conftest imports it), and
# whichever folder's tests ask first start it; the others get the same one.
_RUNNING: list[Stack] = []


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if _RUNNING:
        yield _RUNNING[0]
        return
    var = tmp_path_factory.mktemp("stack-var")
    ports = {"BACKEND_PORT": free_port(), "ACTIONS_PORT": free_port(), "RASA_PORT": free_port()}
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRACKER_STORE_URL", "ENVIRONMENT")}
    env.update(ports, JIUZHU_VAR_DIR=str(var))
    for key in ("BACKEND_URL", "RASA_URL", "ACTION_SERVER_URL"):
        env.pop(key, None)
    # A 公众号 configured against a local fake of WeChat's API, and Rasa reaching the action server
    # through a forwarder a test can slow down (what WeChat's 5-second rule is about).
    wechat = FakeWeChat().start()
    actions_proxy = SlowProxy(f"http://127.0.0.1:{ports['ACTIONS_PORT']}")
    env.update(WECHAT_TOKEN=secrets.token_hex(16), WECHAT_APP_ID=APP_ID, WECHAT_APP_SECRET=APP_SECRET,
               WECHAT_AES_KEY=base64.b64encode(secrets.token_bytes(32)).decode().rstrip("="),
               WECHAT_API_BASE=wechat.url, ACTION_SERVER_URL=f"{actions_proxy.url}/webhook",
               WECHAT_NOTICE_TEMPLATES=str(_wechat_templates(var)))
    proc = subprocess.Popen(
        [sys.executable if sys.version_info >= (3, 11) else "python3", str(ROOT / "scripts" / "stack.py"), "run"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines: list[str] = []
    ready: queue.Queue[bool] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "JIUZHU STACK READY" in line:
                ready.put(True)
        ready.put(False)

    threading.Thread(target=pump, daemon=True).start()
    try:
        ok = ready.get(timeout=START_TIMEOUT_S)
    except queue.Empty:
        ok = False
    if not ok:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(30)
        pytest.fail("the stack did not start:\n" + "".join(lines[-60:]))
    stack = Stack(proc, f"http://127.0.0.1:{ports['BACKEND_PORT']}", env, lines)
    stack.wechat, stack.actions_proxy = wechat, actions_proxy
    _RUNNING.append(stack)
    yield stack
    _RUNNING.clear()
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(60)
    actions_proxy.close()
    wechat.stop()


def _as_function(expression: str) -> str:
    """Playwright polls a bare expression given to `wait_for_function` through the page's own eval, which the
    pages' Content-Security-Policy forbids (script-src 'self', backend/core/security_headers.py); a function
    it sends through the DevTools protocol, which the policy does not govern."""
    text = expression.strip()
    if text.startswith(("function", "async ")) or re.match(r"^\(?[\w\s,]*\)?\s*=>", text):
        return expression
    return f"() => ({expression})"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian packages chromium and chromium-driver)")
    from playwright.sync_api import Page, sync_playwright

    wait_for_function = Page.wait_for_function
    with sync_playwright() as pw, pytest.MonkeyPatch.context() as patch:
        patch.setattr(Page, "wait_for_function",
                      lambda page, expression, *args, **kwargs: wait_for_function(page, _as_function(expression),
                                                                                  *args, **kwargs))
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    pg = context.new_page()
    yield pg
    context.close()
