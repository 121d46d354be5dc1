"""A grid worker files for an old lady through the running stack, by chat, and the backend has it.

Real HTTP all the way: the backend's chat relay → Rasa → the action server → the backend; the one-time
codes are read from the SMS worker's console output (the embedded SMS provider prints them).
"""

import json
import re
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from backend.demo import demo_id

pytestmark = pytest.mark.e2e
HELPER_PHONE = "13987654321"
APPLICANT_PHONE = "13812340000"
APPLICANT_ID = demo_id("500103", date(1946, 3, 9), 88)  # a valid number: 500103194603090887
WRONG_ID = APPLICANT_ID[:-1] + "0"


def _say(stack, sender: str, message: str, transcript: list[str]) -> str:
    data = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{stack.base_url}/api/v1/chat/messages", data=data,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as resp:
        replies = [m["text"] or "" for m in json.load(resp)["messages"]]
    transcript.append(f"用户：{message}")
    transcript.extend(f"助手：{r}" for r in replies)
    return "\n".join(replies)


def _code_sent_to(stack, phone: str, after: int) -> str:
    masked = re.escape(f"{phone[:3]}****{phone[-4:]}")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for line in stack.lines[after:]:
            m = re.search(masked + r"\].*?验证码(?:是)?(\d{6})", line)
            if m:
                return m.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no code was sent to {phone}")


def test_a_grid_worker_files_for_an_old_lady(stack) -> None:
    sender = "e2e-proxy-filing-01"
    t: list[str] = []

    def step(message: str, expect: str) -> str:
        reply = _say(stack, sender, message, t)
        assert expect in reply, "\n".join(t)
        return reply

    step("我是网格员，帮我们社区的王婆婆申请低保", "什么人")  # → 您是申请人的什么人？
    step("网格员", "怎么称呼")
    step("李红", "手机号")
    mark = len(stack.lines)
    step(HELPER_PHONE, "验证码")
    step(_code_sent_to(stack, HELPER_PHONE, mark), "叫什么名字")
    step("王秀兰", "身份证号码")
    step(WRONG_ID, "校验位")  # a wrong check digit is explained, nothing is lost
    step(APPLICANT_ID, "手机号")
    mark = len(stack.lines)
    step(APPLICANT_PHONE, "授权验证码")
    step(_code_sent_to(stack, APPLICANT_PHONE, mark), "街道")
    step("渝中区七星岗街道", "收入")
    step("三百", "存款")
    step("没有", "其他人")
    step("没有了", "为什么申请")
    summary = step("老人一个人住，没有收入", "请核对")
    assert "王秀兰" in summary and "李红（网格员）代办" in summary and "500103********0887" in summary
    done = step("对，提交", "申请已经提交")
    number = re.search(r"JZ\d{14}", done).group(0)

    db = Path(stack.env["JIUZHU_VAR_DIR"]) / "jiuzhu.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT a.status, a.channel, a.delegation_id, d.helper_kind, d.consent_method, p.name FROM applications a "
            "JOIN delegations d ON d.id = a.delegation_id JOIN persons p ON p.id = a.applicant_person_id WHERE a.number = :n"
        ), {"n": number}).one()
        notices = conn.execute(text("SELECT recipient FROM notices WHERE event = 'application_received' AND application_id = "
                                    "(SELECT id FROM applications WHERE number = :n) ORDER BY recipient"), {"n": number}).scalars().all()
    engine.dispose()
    assert (row.status, row.channel, row.helper_kind, row.consent_method, row.name) == ("submitted", "chat", "grid_worker", "otp", "王秀兰")
    # The applicant and the helper both hear that it was received (the helper's copy names her).
    assert notices == ["helper", "person"]
