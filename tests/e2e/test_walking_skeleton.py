"""The walking skeleton in a real browser: page → backend → Rasa → action server → backend → data file."""

import json
import os
import signal
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _bot_texts(page) -> list[str]:
    return page.locator(".msg.bot").all_inner_texts()


def _say(page, text: str, expect_count: int) -> str:
    page.fill("#text", text)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('.msg.bot').length >= {expect_count}", timeout=60_000)
    return _bot_texts(page)[expect_count - 1]


def test_greeting_and_chongqing_standard_in_the_browser(stack, page) -> None:
    page.goto(stack.base_url + "/")
    assert page.locator(".msg.bot").count() == 1  # the page's own welcome
    greeting = _say(page, "你好", 2)
    assert "救助助手" in greeting and "您好" in greeting

    answer = _say(page, "重庆低保标准是多少", 3)
    assert "770元" in answer and "630元" in answer
    assert "2025年7月1日" in answer and "渝民规〔2025〕6号" in answer


def test_the_conversation_survives_a_page_reload(stack, page) -> None:
    page.goto(stack.base_url + "/")
    first = _say(page, "武汉特困标准是多少", 2)
    sender = page.evaluate("localStorage.getItem('jiuzhu-sender')")
    page.reload()
    # The page shows the conversation so far again (the welcome, then what was said).
    page.wait_for_function("document.querySelectorAll('.msg.bot').length >= 2")
    assert _bot_texts(page)[1] == first
    # Same sender, remembered region: the follow-up needs no place name.
    assert page.evaluate("localStorage.getItem('jiuzhu-sender')") == sender
    answer = _say(page, "低保标准是多少", 3)
    assert "武汉市" in answer and "910元" in answer


def _rasa_token() -> str:
    if os.environ.get("RASA_TOKEN"):
        return os.environ["RASA_TOKEN"]
    for line in (ROOT / ".env").read_text(encoding="utf-8").splitlines():
        if line.startswith("RASA_TOKEN="):
            return line.split("=", 1)[1].strip()
    raise AssertionError("make run should have generated RASA_TOKEN into .env")


def test_rasa_http_api_refuses_requests_without_the_token(stack) -> None:
    rasa = f"http://127.0.0.1:{stack.env['RASA_PORT']}"
    for path in ("/status", "/conversations/web-x/tracker"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(rasa + path, timeout=10)
        assert refused.value.code == 401
    with urllib.request.urlopen(f"{rasa}/status?token={_rasa_token()}", timeout=10) as ok:
        assert json.load(ok)["model_file"].startswith("jiuzhu-")


def test_every_rasa_worker_runs_the_speed_patches(stack) -> None:
    """`make run` starts two Rasa workers (SANIC_WORKERS=2, bot/local_state.py's lock store), and each
    has bot/speedups.py installed: the patches load with our channels, not by luck of the command line."""
    rasa = f"http://127.0.0.1:{stack.env['RASA_PORT']}"
    workers: dict[int, list[str]] = {}
    for _ in range(60):  # a new connection each time; the kernel spreads them over the workers
        with urllib.request.urlopen(f"{rasa}/webhooks/rest/speedups", timeout=10) as resp:
            body = json.load(resp)
        assert body["rasa"] == body["pinned"] == "3.6.21"
        workers[body["worker"]] = body["active"]
        if len(workers) == 2:
            break
    assert len(workers) == 2
    for active in workers.values():
        assert active == ["validator_built_once", "shared_http_session", "sqlite_wal", "turn_gate", "this_turn_only"]


@pytest.mark.stops_stack
def test_ctrl_c_stops_every_service(stack) -> None:
    # Last in this module: it ends the session's stack and checks nothing is left listening.
    os.killpg(stack.proc.pid, signal.SIGINT)
    assert stack.proc.wait(60) == 0
    for port in (stack.env["BACKEND_PORT"], stack.env["ACTIONS_PORT"], stack.env["RASA_PORT"]):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3)
