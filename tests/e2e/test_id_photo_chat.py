"""上传身份证照片 in the web chat, in headless Chromium against the running stack and the real face engine.

A person asks to certify by face before any reference photo is on file: the chat asks for the ID card
photo (an upload card behind its own consent), never the camera steps; the photo (a card composed from a
public photograph, never committed) becomes the reference, and the same request goes on to the face link.
"""

import json
import urllib.request
from datetime import date

import pytest

from backend.demo import demo_id
from tests.backend.test_facecheck_id_photo import id_card
from tests.backend.world import STAFF_CONSENT
from tests.e2e.test_face_page import _call, _demo_password, _multipart
from scripts.turns import chat, code_sent_to

pytestmark = pytest.mark.e2e
PHONE = "13811113690"
GRANNY_PHONE, GRID_WORKER_PHONE = "13811113701", "13987653702"


def _citizen(stack, phone: str = PHONE) -> dict[str, str]:  # noqa: ANN001
    mark = len(stack.lines)
    _call(stack, "POST", "/api/v1/auth/otp/request", {"phone": phone})
    token = _call(stack, "POST", "/api/v1/auth/otp/verify", {"phone": phone, "code": code_sent_to(lambda: stack.lines, phone, mark)})
    return {"Authorization": f"Bearer {token['access_token']}"}


def _reply_count(page) -> int:  # noqa: ANN001
    return page.evaluate("document.querySelectorAll('#log .msg.bot').length")


def _say(page, text: str) -> None:  # noqa: ANN001
    before = _reply_count(page)
    page.fill("#text", text)
    page.click("#send")
    page.wait_for_function(f"document.querySelectorAll('#log .msg.bot').length > {before}", timeout=60000)


def test_no_reference_asks_for_the_id_card_photo_then_the_face_link(stack, page) -> None:
    citizen = _citizen(stack)
    body = {"assistance_type": "低保", "area_code": "500103001", "channel": "web", "reason": "e2e",
            "members": [{"name": "欧巴马", "relation": "本人", "id_number": demo_id("500103", date(1961, 8, 4), 93), "phone": PHONE}]}
    app = _call(stack, "POST", "/api/v1/applications", body, {**citizen, "Idempotency-Key": "e2e-id-photo-1"})
    try:
        _call(stack, "POST", "/api/v1/liveness/sessions", {"purpose": "certification", "application_number": app["number"]}, citizen)
        raise AssertionError("a face link was issued although no reference is on file")
    except urllib.error.HTTPError as exc:
        assert exc.code == 409 and json.load(exc)["error"]["code"] == "no_reference"

    page.goto(stack.base_url + "/")
    _say(page, "我要做生存认证")
    mark = len(stack.lines)
    _say(page, PHONE)
    _say(page, code_sent_to(lambda: stack.lines, PHONE, mark))
    page.wait_for_selector(".idphoto .agree", state="visible", timeout=30000)
    assert page.locator("#log a[href*='/face/']").count() == 0  # no camera steps before a reference
    page.wait_for_function("document.querySelector('.idphoto .consent').textContent.includes('单独同意书')")
    page.click(".idphoto .agree")
    shoot = page.locator(".idphoto input[type=file]")
    assert shoot.get_attribute("accept") == "image/*" and shoot.get_attribute("capture") == "environment"
    page.set_input_files(".idphoto input[type=file]",
                         files=[{"name": "card.jpg", "mimeType": "image/jpeg", "buffer": id_card("obama2", blur=4)}])
    page.wait_for_selector(".idphoto .status.bad", timeout=30000)
    assert "模糊" in page.inner_text(".idphoto .status")  # said plainly; the button stays
    page.set_input_files(".idphoto input[type=file]", files=[{"name": "card.jpg", "mimeType": "image/jpeg", "buffer": id_card("obama2")}])
    page.wait_for_selector(".idphoto .status.ok", timeout=30000)
    # The page says the request again, and now the face link comes.
    page.wait_for_selector("#log a[href*='/face/']", timeout=60000)


def test_a_grid_worker_gets_certify_added_by_the_grannys_code_then_the_guardian_link(stack) -> None:
    granny = _citizen(stack, GRANNY_PHONE)
    grid = _citizen(stack, GRID_WORKER_PHONE)
    person = {"name": "李婆婆", "relation": "本人", "id_number": demo_id("500103", date(1944, 2, 3), 95), "phone": GRANNY_PHONE}
    app = _call(stack, "POST", "/api/v1/applications", {"assistance_type": "低保", "area_code": "500103001", "channel": "web",
                                                        "reason": "e2e", "members": [person]},
                {**granny, "Idempotency-Key": "e2e-id-photo-2"})
    staff = _call(stack, "POST", "/api/v1/auth/staff/login", form={"username": "yuzhong_caseworker", "password": _demo_password()})
    signers = _call(stack, "GET", f"/api/v1/liveness/applications/{app['number']}/signatures", headers=granny)["signers"]
    _multipart(stack, f"/api/v1/liveness/references/{signers[0]['person_id']}", staff["access_token"], id_card("obama2"),
               STAFF_CONSENT)
    principal = {k: person[k] for k in ("name", "id_number", "phone")}
    helper = {"name": "赵网格", "phone": GRID_WORKER_PHONE, "kind": "grid_worker", "relation": "网格员"}
    mark = len(stack.lines)
    _call(stack, "POST", "/api/v1/delegations/consent-code", {"principal": principal, "helper": helper}, grid)
    _call(stack, "POST", "/api/v1/delegations", {"principal": principal, "helper": helper, "scope": ["apply", "query", "notices"],
                                                 "consent": {"method": "otp", "code": code_sent_to(lambda: stack.lines, GRANNY_PHONE, mark)}}, grid)

    sender, t = "e2e-id-photo-scope-01", []

    def step(message: str, expect: str) -> str:
        reply = chat(stack.base_url, sender, message)
        t.extend([f"用户：{message}", f"助手：{reply}"])
        assert expect in reply, "\n".join(t)
        return reply

    step("我帮李婆婆做生存认证", "手机号")
    mark = len(stack.lines)
    step(GRID_WORKER_PHONE, "验证码")
    step(code_sent_to(lambda: stack.lines, GRID_WORKER_PHONE, mark), "给本人的手机发一个验证码")
    mark = len(stack.lines)
    step("/certify_liveness", "138****3701")  # the button "好，给本人发验证码"
    code = code_sent_to(lambda: stack.lines, GRANNY_PHONE, mark)
    assert "6位验证码" in "\n".join(t[-3:])
    done = step(code, "眨眨眼")
    assert "/face/" in done and "代为刷脸做待遇资格认证" in done
