"""The face page in headless Chromium against the running stack and the real face engine.

Chromium's fake camera shows a test pattern, not a face, so the frames (made from real photographs)
are handed to the page's upload step, as face.md allows; everything else is the page as people use it.
"""

import base64
import json
import re
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from backend.demo import demo_id
from backend.facecheck import ACTION_PROMPTS
from tests.backend import face_fixtures as ff
from tests.backend.world import STAFF_CONSENT

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PHONE = "13811112468"


def _call(stack, method: str, path: str, body=None, headers=None, form=None):  # noqa: ANN001, ANN202
    headers = dict(headers or {})
    data = None
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    req = urllib.request.Request(stack.base_url + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)


def _multipart(stack, path: str, token: str, image: bytes, fields: dict[str, str] | None = None) -> dict:
    boundary = "jiuzhu-boundary"
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode()
                    for k, v in (fields or {}).items())
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"ref.jpg\"\r\n"
             "Content-Type: image/jpeg\r\n\r\n").encode() + image + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(stack.base_url + path, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.load(resp)


def _otp_token(stack) -> str:
    mark = len(stack.lines)
    _call(stack, "POST", "/api/v1/auth/otp/request", {"phone": PHONE})
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for line in stack.lines[mark:]:
            m = re.search(r"138\*\*\*\*2468\].*?验证码是(\d{6})", line)
            if m:
                return _call(stack, "POST", "/api/v1/auth/otp/verify", {"phone": PHONE, "code": m.group(1)})["access_token"]
        time.sleep(0.3)
    raise AssertionError("no code arrived")


def _demo_password() -> str:
    for line in (ROOT / ".env").read_text(encoding="utf-8").splitlines():
        if line.startswith("DEMO_STAFF_PASSWORD="):
            return line.split("=", 1)[1].strip()
    raise AssertionError("make run writes DEMO_STAFF_PASSWORD into .env")


def test_a_person_certifies_by_face_on_the_page(stack, page) -> None:
    citizen = {"Authorization": f"Bearer {_otp_token(stack)}"}
    body = {"assistance_type": "低保", "area_code": "500103001", "channel": "web", "reason": "e2e",
            "members": [{"name": "欧巴马", "relation": "本人", "id_number": demo_id("500103", date(1961, 8, 4), 77), "phone": PHONE}]}
    app = _call(stack, "POST", "/api/v1/applications", body, {**citizen, "Idempotency-Key": "e2e-face-page-1"})
    staff = _call(stack, "POST", "/api/v1/auth/staff/login", form={"username": "yuzhong_caseworker", "password": _demo_password()})
    detail = _call(stack, "GET", f"/api/v1/applications/{app['number']}", headers={"Authorization": f"Bearer {staff['access_token']}"})
    assert detail["members"][0]["name"] == "欧巴马"
    # The reference first (a face link is only issued when one is on file): a caseworker enrols a
    # photograph different from the frames.
    signers = _call(stack, "GET", f"/api/v1/liveness/applications/{app['number']}/signatures", headers=citizen)["signers"]
    _multipart(stack, f"/api/v1/liveness/references/{signers[0]['person_id']}", staff["access_token"], ff.photo_bytes("obama2"),
               STAFF_CONSENT)
    link = _call(stack, "POST", "/api/v1/liveness/sessions", {"purpose": "certification", "application_number": app["number"]},
                 citizen)["link"]
    token = link.rsplit("/", 1)[1]

    page.goto(link.replace("http://127.0.0.1:8000", stack.base_url))
    page.wait_for_selector("#agree", state="visible")
    assert "不同意，请工作人员帮我办" in page.content()
    page.click("#agree")
    page.wait_for_selector("#start", state="visible")
    prompts = page.evaluate("fetch('/api/v1/liveness/sessions/' + %s).then(r => r.json()).then(b => b.prompts)" % json.dumps(token))
    actions = [next(a for a, p in ACTION_PROMPTS.items() if p == prompt) for prompt in prompts]
    assert len(actions) == 3

    frames = ff.FrameMaker("obama", seed=5).performing(actions)
    encoded = [base64.b64encode(f).decode() for f in frames]

    result = page.evaluate("""(frames) => window.jiuzhuUpload(frames.map(b64 => {
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        return new Blob([bytes], {type: 'image/jpeg'});
    }))""", encoded)
    assert result["passed"] is True, result
    page.wait_for_selector("#result.ok")
    assert "认证通过" in page.inner_text("#result")
