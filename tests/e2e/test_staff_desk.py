"""服务台 in headless Chromium against the running stack: a complaint said in the chat, in the person's own words,
without a street, lands in the city queue; the admin takes it, answers it (the SMS goes out through the outbox and
the console prints it; the answered page shows the answer, who sent it and its SMS, and offers only 办结) and
closes it. Screenshots of the desk at 1280 and 390 px go to tests/e2e/output/<test>/, and one of the reference
photo page on a phone (the camera upload) for the demo caseworker.

The complaints are filed by chatting through the backend's chat relay → Rasa → the action server → the backend,
as a person does (scripts/turns.py's `run`); the one-time code is read from the SMS console output. The first
person verified her phone in the chat (asking about her application), so the complaint carries it and can be
answered by SMS; the second did not, so hers can only be answered another way.
"""

import re
import time

import pytest

from scripts.turns import Say, code, run
from tests.e2e.staff_signin import cjk_font, demo_password, sign_in, submit_sign_in

pytestmark = pytest.mark.e2e
PHONE = "13811114321"
COMPLAINT = "社区的电话我打了一个星期，一直没人接"
# Asking about her application first verifies her phone; then the complaint, in her own words.
VERIFIED_THEN_COMPLAINS = [
    Say("我想查一下我的申请进度", "手机号"),
    Say(PHONE, "验证码"),
    code(PHONE, "还没有申请记录"),
    # What went wrong is in her opening message: it is the complaint, filed at once (a tester's was dropped).
    Say(f"我要投诉，{COMPLAINT}", "已经记下来了"),
]
COMPLAINS_AT_ONCE = [
    Say("我要投诉", "遇到了什么问题"),  # only the wish to complain: what went wrong is asked
    Say("上周去街道办事，窗口没人", "手机号"),  # no verified phone: a way to answer her is asked (issue #20)
    Say("不留", "没法答复您"),
]


def _complain_in_chat(stack, script: list[Say], sender: str) -> str:  # noqa: ANN001
    """Chat `script` through the running stack; the complaint's reference (TS…) the bot gave."""
    transcript: list[str] = []
    done = run(script, stack.base_url, sender, lambda: stack.lines, transcript)
    found = re.search(r"TS\d{6}", done)
    assert found, "\n".join(transcript)
    return found.group(0)


def _sms_printed(stack, text: str, after: int, timeout: float = 30) -> str:  # noqa: ANN001
    masked = f"{PHONE[:3]}****{PHONE[-4:]}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in stack.lines[after:]:
            if masked in line and text in line:
                return line
        time.sleep(0.3)
    raise AssertionError(f"no SMS with {text!r} was printed for {masked}")


def _sms_shown(page, status: str, timeout: float = 20) -> str:  # noqa: ANN001
    """The answered request's 已发出的答复 section once it shows the SMS `status` (the worker records it)."""
    section = page.locator('section[aria-labelledby="answered"]')
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.reload()
        if section.count() and status in section.inner_text():
            return section.inner_text()
        time.sleep(0.5)
    raise AssertionError(f"the answer's SMS never showed {status!r}: {page.inner_text('main')}")


def test_a_complaint_from_the_chat_is_answered_by_sms_and_closed(stack, browser, output_dir) -> None:  # noqa: ANN001
    cjk_font()
    password = demo_password(stack, "admin")
    reference = _complain_in_chat(stack, VERIFIED_THEN_COMPLAINS, "e2e-desk-complaint-01")
    other = _complain_in_chat(stack, COMPLAINS_AT_ONCE, "e2e-desk-complaint-02")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, stack.base_url, "admin", password, "/staff/desk")
    rows = page.locator("table.cases tbody tr")
    assert rows.count() == 2
    assert "市级队列" in rows.nth(0).inner_text() and "新收到" in rows.nth(0).inner_text()
    page.screenshot(path=str(output_dir / "desk-1280.png"), full_page=True)
    # By keyboard: the reference link, then the buttons.
    page.get_by_role("link", name=reference).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/staff/desk/complaint/\d+$"))
    assert COMPLAINT in page.inner_text("main") and "市级队列" in page.inner_text("main")
    assert "138****4321" in page.inner_text("main") and PHONE not in page.content()
    page.click("#take")
    page.wait_for_url(re.compile(r".*done=taken$"))
    assert "办理中" in page.inner_text("main") and "系统管理员" in page.inner_text("main")
    answer = "您好，已请渝中区七星岗街道下周二上午入户调查，工作人员会先打电话给您。"
    mark = len(stack.lines)
    page.fill("#answer-text", answer)
    page.click("#send-answer")
    page.wait_for_url(re.compile(r".*done=answered$"))
    assert "答复已通过短信发出" in page.inner_text("main") and "已答复" in page.inner_text("main")
    printed = _sms_printed(stack, answer, mark)
    assert reference in printed
    # Answered: the answer as sent, who sent it and where its SMS is; no second answer, only 办结.
    sent = _sms_shown(page, "短信已发出")
    assert answer in sent and "系统管理员" in sent
    assert page.locator("#answer-text").count() == 0 and page.locator("#take").count() == 0
    assert page.locator("#close").count() == 1
    page.screenshot(path=str(output_dir / "desk-item-1280.png"), full_page=True)
    page.click("#close")
    page.wait_for_url(re.compile(r".*done=closed$"))
    assert "已办结" in page.inner_text("main") and "只能查看" in page.inner_text("main")
    assert page.locator("main form").count() == 0
    page.goto(f"{stack.base_url}/staff/desk")
    assert page.locator("table.cases tbody tr").count() == 1 and other in page.inner_text("table.cases")
    context.close()
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    sign_in(page, stack.base_url, "admin", password, "/staff/desk")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(output_dir / "desk-390.png"), full_page=True)
    page.goto(f"{stack.base_url}/staff/desk?status=closed")
    assert reference in page.inner_text("main")
    page.screenshot(path=str(output_dir / "desk-closed-390.png"), full_page=True)
    phone.close()
    # A caseworker on her phone: the reference photo of a person of one of her cases, taken with the camera.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(f"{stack.base_url}/staff/login")
    submit_sign_in(page, stack.base_url, "yuzhong_caseworker", password, "/staff/")
    number = re.search(r"JZ\d{14}", page.inner_text("table.cases")).group(0)
    page.goto(f"{stack.base_url}/staff/desk/references")
    page.fill("#number", number)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*number=JZ.*"))
    assert page.locator("input[type=file][capture=user]").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(output_dir / "references-390.png"), full_page=True)
    phone.close()
