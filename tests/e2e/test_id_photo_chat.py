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
from tests.e2e.test_face_page import _call
from tests.e2e.test_proxy_filing import _code_sent_to

pytestmark = pytest.mark.e2e
PHONE = "13811113690"


def _citizen(stack) -> dict[str, str]:  # noqa: ANN001
    mark = len(stack.lines)
    _call(stack, "POST", "/api/v1/auth/otp/request", {"phone": PHONE})
    token = _call(stack, "POST", "/api/v1/auth/otp/verify", {"phone": PHONE, "code": _code_sent_to(stack, PHONE, mark)})
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
    _say(page, _code_sent_to(stack, PHONE, mark))
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
