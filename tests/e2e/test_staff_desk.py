"""服务台 in headless Chromium against the running stack: a complaint from the chat, filed without a street, lands
in the city queue; the admin takes it, answers it (the SMS goes out through the outbox and the console
prints it) and closes it. Screenshots of the desk at 1280 and 390 px go to tests/e2e/output/<test>/, and
one of the reference photo page on a phone (the camera upload) for the demo caseworker.

The complaint is filed through the API the chat's action uses (actions/backend_client.py: POST
/api/v1/complaints with the service token for a person who verified their phone in the chat), not by driving
the Rasa bot: the complaint form files without a phone unless the person verified one first.
"""

import re
import time

import pytest

from scripts.stack import read_dotenv
from scripts.turns import code_sent_to
from tests.e2e.test_face_page import _call
from tests.e2e.test_staff_queue import _cjk_font, _demo_password

pytestmark = pytest.mark.e2e
PHONE = "13811114321"


def _file_from_chat(stack, text: str) -> str:  # noqa: ANN001
    """What action_file_complaint sends for a person who verified their phone in the chat and named no street
    (the verified phone goes with it, as for a call-back)."""
    mark = len(stack.lines)
    _call(stack, "POST", "/api/v1/auth/otp/request", {"phone": PHONE})
    token = _call(stack, "POST", "/api/v1/auth/otp/verify", {"phone": PHONE, "code": code_sent_to(lambda: stack.lines, PHONE, mark)})
    service_token = {**read_dotenv(), **stack.env}["SERVICE_TOKEN"]
    filed = _call(stack, "POST", "/api/v1/complaints", {"text": text, "application_number": None, "area_code": None, "phone": PHONE},
                  {"Authorization": f"Bearer {service_token}", "X-Citizen-Token": token["access_token"], "X-Channel": "chat"})
    return filed["reference"]


def _sign_in(page, stack, password: str) -> None:  # noqa: ANN001
    page.goto(f"{stack.base_url}/staff/desk")
    page.fill("#username", "admin")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{stack.base_url}/staff/desk")


def _sms_printed(stack, text: str, after: int, timeout: float = 30) -> str:  # noqa: ANN001
    masked = f"{PHONE[:3]}****{PHONE[-4:]}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in stack.lines[after:]:
            if masked in line and text in line:
                return line
        time.sleep(0.3)
    raise AssertionError(f"no SMS with {text!r} was printed for {masked}")


def test_a_complaint_from_the_chat_is_answered_by_sms_and_closed(stack, browser, output_dir) -> None:  # noqa: ANN001
    _cjk_font()
    password = _demo_password(stack, "admin")
    reference = _file_from_chat(stack, "我在对话里说过好几次了，入户调查一直没人来")
    other = _file_from_chat(stack, "想问一下临时救助要多久")
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, stack, password)
    rows = page.locator("table.cases tbody tr")
    assert rows.count() == 2
    assert "市级队列" in rows.nth(0).inner_text() and "新收到" in rows.nth(0).inner_text()
    page.screenshot(path=str(output_dir / "desk-1280.png"), full_page=True)
    # By keyboard: the reference link, then the buttons.
    page.get_by_role("link", name=reference).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/staff/desk/complaint/\d+$"))
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
    page.screenshot(path=str(output_dir / "desk-item-1280.png"), full_page=True)
    page.click("#close")
    page.wait_for_url(re.compile(r".*done=closed$"))
    assert "已办结" in page.inner_text("main") and page.locator("#send-answer").count() == 0
    page.goto(f"{stack.base_url}/staff/desk")
    assert page.locator("table.cases tbody tr").count() == 1 and other in page.inner_text("table.cases")
    context.close()
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    _sign_in(page, stack, password)
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
    page.fill("#username", "yuzhong_caseworker")
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{stack.base_url}/staff/")
    number = re.search(r"JZ\d{14}", page.inner_text("table.cases")).group(0)
    page.goto(f"{stack.base_url}/staff/desk/references")
    page.fill("#number", number)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*number=JZ.*"))
    assert page.locator("input[type=file][capture=user]").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(output_dir / "references-390.png"), full_page=True)
    phone.close()
