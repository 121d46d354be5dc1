#!/usr/bin/env python3
"""Count the turns a scripted patient applicant and a scripted helper need to file a 低保 application.

    python3 scripts/turns.py                       # starts its own stack (scripts/stack.py run) on spare ports
    make run | tee var/stack.log                   # or: a running stack, its output kept in a file,
    python3 scripts/turns.py --url http://127.0.0.1:8000 --log var/stack.log

A turn is one user message, from the first to the submission inclusive. Each scripted person answers
exactly what is asked, one answer per message, and never volunteers anything. The one-time codes are
read from the SMS console output (SMS_PROVIDER=console), as tests/e2e/test_proxy_filing.py does.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATIENT_LIMIT, ONE_AT_A_TIME_LIMIT, HELPER_LIMIT = 10, 12, 14  # issue #11, item 8; issue 20
STREET = "渝中区两路口街道"  # 500103004: not in the demo data, the gazetteer has it (the backend adds its row on first use)
OWN_PORTS = {"BACKEND_PORT": "18731", "ACTIONS_PORT": "15731", "RASA_PORT": "15732"}  # off the e2e's and make run's


@dataclass(frozen=True)
class Say:
    """One user message and a fragment the assistant's answer must contain. `code_for` names a phone
    whose newest one-time code is the message."""

    message: str
    expect: str
    code_for: str | None = None


def code(phone: str, expect: str) -> Say:
    return Say("", expect, code_for=phone)


PATIENT_PHONE = "13812345600"
PATIENT = [
    Say("我要申请低保", "给您自己申请"),
    Say("给自己", "身份证号码"),
    Say("刘桂芳 500103195005170216", "手机号"),
    Say(PATIENT_PHONE, "验证码"),
    code(PATIENT_PHONE, "街道"),
    Say(STREET, "收入"),
    Say("收入三百，存款没有", "其他人"),
    Say("没有了", "为什么申请"),
    Say("老伴去世了，我身体不好，没有收入", "请核对"),
    Say("对，提交", "申请已经提交"),
]

# Issue 20: someone who answers one thing a message and gives her ID number when asked name and ID together.
ONE_PHONE = "13812345601"
ONE_AT_A_TIME = [
    Say("我想申请低保", "给您自己申请"),
    Say("给自己", "身份证号码"),
    Say("500103195208180043", "名字"),
    Say("刘桂芳", "手机号"),
    Say(ONE_PHONE, "验证码"),
    code(ONE_PHONE, "街道"),
    Say(STREET, "收入"),
    Say("三百", "存款"),
    Say("没有", "其他人"),
    Say("没有了", "为什么申请"),
    Say("老伴去世了，我身体不好", "请核对"),
    Say("对，提交", "申请已经提交"),
]

HELPER_PHONE = "13987654321"
OLD_LADY_PHONE = "13812340000"
OLD_LADY_ID = "500103194603090887"
HELPER = [
    Say("我是网格员，帮我们社区的王婆婆申请低保", "怎么称呼"),
    Say("李红", "手机号"),
    Say(HELPER_PHONE, "验证码"),
    code(HELPER_PHONE, "身份证号码"),
    Say(f"王秀兰 {OLD_LADY_ID}", "手机号"),
    Say(OLD_LADY_PHONE, "授权验证码"),
    code(OLD_LADY_PHONE, "街道"),
    Say(STREET, "收入"),
    Say("三百，没有存款", "其他人"),
    Say("没有了", "为什么申请"),
    Say("老人一个人住，没有收入", "请核对"),
    Say("对，提交", "申请已经提交"),
]


def chat(base_url: str, sender: str, message: str) -> str:
    data = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{base_url}/api/v1/chat/messages", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        return "\n".join(m["text"] or "" for m in json.load(resp)["messages"])


def code_sent_to(lines: Callable[[], list[str]], phone: str, after: int, timeout: float = 20) -> str:
    """The one-time code the SMS console printed for `phone` after line `after`."""
    masked = re.escape(f"{phone[:3]}****{phone[-4:]}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in lines()[after:]:
            m = re.search(masked + r"\].*?验证码(?:是)?(\d{6})", line)
            if m:
                return m.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no code was sent to {phone}")


def run(script: list[Say], base_url: str, sender: str, lines: Callable[[], list[str]], transcript: list[str]) -> str:
    """Play `script`; every answer must contain its fragment. Returns the last answer."""
    mark = len(lines())
    reply = ""
    for step in script:
        message = code_sent_to(lines, step.code_for, mark) if step.code_for else step.message
        mark = len(lines())
        reply = chat(base_url, sender, message)
        transcript.append(f"用户：{message}")
        transcript.extend(f"助手：{r}" for r in reply.splitlines())
        if step.expect not in reply:
            raise AssertionError(f"expected “{step.expect}”\n" + "\n".join(transcript))
    return reply


def _own_stack() -> tuple[subprocess.Popen, list[str], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TRACKER_STORE_URL", "ENVIRONMENT",
                                                              "BACKEND_URL", "RASA_URL", "ACTION_SERVER_URL")}
    env.update(OWN_PORTS, JIUZHU_VAR_DIR=tempfile.mkdtemp(prefix="turns-"))
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "stack.py"), "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "JIUZHU STACK READY" in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(900):
        os.killpg(proc.pid, signal.SIGINT)
        raise SystemExit("the stack did not start:\n" + "".join(lines[-40:]))
    return proc, lines, f"http://127.0.0.1:{OWN_PORTS['BACKEND_PORT']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running stack's backend, e.g. http://127.0.0.1:8000")
    parser.add_argument("--log", type=Path, help="the running stack's output (for the SMS codes)")
    args = parser.parse_args()
    proc = None
    if args.url:
        if not args.log:
            parser.error("--url needs --log (the stack's output, where the SMS codes are printed)")
        base_url = args.url.rstrip("/")

        def lines() -> list[str]:
            return args.log.read_text(encoding="utf-8", errors="replace").splitlines()
    else:
        proc, own, base_url = _own_stack()

        def lines() -> list[str]:
            return list(own)
    stamp = f"{time.time():.0f}"
    try:
        results = []
        for label, script, limit in (("patient applicant", PATIENT, PATIENT_LIMIT),
                                     ("one-answer-at-a-time applicant", ONE_AT_A_TIME, ONE_AT_A_TIME_LIMIT),
                                     ("helper (grid worker)", HELPER, HELPER_LIMIT)):
            transcript: list[str] = []
            run(script, base_url, f"turns-{label.split()[0]}-{stamp}", lines, transcript)
            results.append((label, len(script), limit))
            print("\n".join(transcript) + "\n")
        print(f"Turns, {date.today():%Y-%m-%d}:")
        for label, turns, limit in results:
            print(f"  {label}: {turns} (limit {limit})")
        if any(turns > limit for _, turns, limit in results):
            raise SystemExit(1)
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(60)


if __name__ == "__main__":
    main()
