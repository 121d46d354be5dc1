"""WeChat conversations (sender `wechat:<openid>`): a verified code binds the OpenID, and a bound user is
not asked for a code again; everywhere else nothing changes. Against the fake backend."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.forms import ValidateApplicationForm, ValidateEmergencyForm
from actions.journeys import ActionStartVerifiedQuery

OPENID = "oWx1234567890abcdefghijklmno"
PHONE = "13812345678"
BOUND_REPLY = "已把这个微信和手机138****5678绑定。以后在微信里不用再收验证码，通知也会发到微信；回复“解绑”可以解除。"
SESSION_REPLY = "已通过绑定的微信确认是您（138****5678），不用再收验证码。"


def tracker(slots: dict | None = None, sender: str = f"wechat:{OPENID}", intent: str = "inform") -> Tracker:
    return Tracker(sender, slots or {}, {"text": "", "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                   [], False, None, {}, "action_listen")


@pytest.fixture
def wechat_backend(fake_backend):  # noqa: ANN001, ANN201
    """The fake backend with the WeChat endpoints: OpenID bound to `bound` (a phone) or to nothing."""
    fake_backend.bound = None

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        body = json.loads(request.content or b"{}")
        if path == "/wechat/bindings":
            assert request.headers["X-Citizen-Token"] == "citizen-token"
            if fake_backend.bound not in (None, body["phone"]):
                return httpx.Response(409, json={"error": {"code": "wechat_bound_elsewhere", "details": None,
                                                           "message": "这个微信已经绑定了手机139****0000。要换成别的手机号，请先回复“解绑”，再重新验证。"}})
            fake_backend.bound = body["phone"]
            return httpx.Response(201, json={"reply": BOUND_REPLY})
        if path == "/wechat/session":
            if fake_backend.bound is None or body.get("phone") not in (None, fake_backend.bound):
                return httpx.Response(404, json={"error": {"code": "wechat_not_bound", "message": "没有绑定。", "details": None}})
            return httpx.Response(200, json={"citizen_token": "wechat-token", "phone": "138****5678", "reply": SESSION_REPLY})
        return fake_backend.route(request)

    fake_backend.handler = handler
    return fake_backend


def _texts(dispatcher) -> list:  # noqa: ANN001
    return [m.get("text") or m.get("response") for m in dispatcher.messages]


@pytest.mark.asyncio
async def test_a_verified_code_in_wechat_binds_the_openid_and_says_so(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    form = ValidateApplicationForm()
    got = await form.validate_verify_code("123456", dispatcher, tracker({"verify_phone": PHONE}), {})
    assert got == {"verify_code": "ok", "citizen_token": "citizen-token", "verified_phone": PHONE, "phone_verified": True}
    bind = next(r for r in wechat_backend.requests if r.url.path == "/api/v1/wechat/bindings")
    assert json.loads(bind.content) == {"openid": OPENID, "phone": PHONE} and bind.headers["X-Channel"] == "wechat"
    assert _texts(dispatcher) == [BOUND_REPLY]


@pytest.mark.asyncio
async def test_outside_wechat_nothing_is_bound(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    got = await ValidateApplicationForm().validate_verify_code("123456", dispatcher, tracker({"verify_phone": PHONE}, sender="sms:+8613812345678"), {})
    assert got["verify_code"] == "ok"
    assert not any("/wechat/" in r.url.path for r in wechat_backend.requests) and dispatcher.messages == []
    got = await ValidateApplicationForm().validate_applicant_phone(PHONE, dispatcher, tracker({"filing_for": "self"}, sender="web-1"), {})
    assert got["verify_code"] is None and not any("/wechat/" in r.url.path for r in wechat_backend.requests)


@pytest.mark.asyncio
async def test_a_binding_refused_is_explained_and_the_form_goes_on(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    wechat_backend.bound = "13900000000"
    got = await ValidateApplicationForm().validate_verify_code("123456", dispatcher, tracker({"verify_phone": PHONE}), {})
    assert got["verify_code"] == "ok" and got["citizen_token"] == "citizen-token"
    assert "解绑" in _texts(dispatcher)[-1]


@pytest.mark.asyncio
async def test_backend_down_while_binding_does_not_stop_the_form(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    wechat_backend.handler = lambda r: (httpx.Response(503, json={"error": {"code": "wechat_not_configured", "message": "-", "details": None}})
                                        if "/wechat/" in r.url.path else wechat_backend.route(r))
    got = await ValidateApplicationForm().validate_verify_code("123456", dispatcher, tracker({"verify_phone": PHONE}), {})
    assert got["verify_code"] == "ok" and dispatcher.messages == []


@pytest.mark.asyncio
async def test_a_bound_user_is_not_sent_a_code_for_her_own_phone(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    wechat_backend.bound = PHONE
    got = await ValidateApplicationForm().validate_applicant_phone(PHONE, dispatcher, tracker({"filing_for": "self"}), {})
    assert got == {"applicant_phone": PHONE, "verify_phone": PHONE, "citizen_token": "wechat-token", "verified_phone": PHONE,
                   "phone_verified": True, "verify_code": "ok"}
    assert "POST /api/v1/auth/otp/request" not in wechat_backend.paths() and _texts(dispatcher) == [SESSION_REPLY]
    # The emergency form and the helper's own phone likewise.
    emergency = await ValidateEmergencyForm().validate_applicant_phone(PHONE, dispatcher, tracker(), {})
    assert emergency["citizen_token"] == "wechat-token"
    helper = await ValidateApplicationForm().validate_verify_phone(PHONE, dispatcher, tracker({"filing_for": "other"}), {})
    assert helper["citizen_token"] == "wechat-token" and helper["verify_code"] == "ok"
    assert "POST /api/v1/auth/otp/request" not in wechat_backend.paths()
    # The form then needs no code.
    slots = {"assistance_type": "低保", "filing_for": "self", **got}
    required = await ValidateApplicationForm().required_slots([], dispatcher, tracker(slots), {})
    assert "verify_code" not in required


@pytest.mark.asyncio
async def test_another_phone_than_the_bound_one_gets_a_code(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    wechat_backend.bound = "13900000000"
    got = await ValidateApplicationForm().validate_applicant_phone(PHONE, dispatcher, tracker({"filing_for": "self"}), {})
    assert got["verify_code"] is None and got["citizen_token"] is None
    assert "POST /api/v1/auth/otp/request" in wechat_backend.paths()


@pytest.mark.asyncio
async def test_a_bound_user_asking_for_progress_is_not_asked_for_a_phone(wechat_backend, dispatcher) -> None:  # noqa: ANN001
    wechat_backend.bound = PHONE
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker(intent="query_progress"), {})
    slots = {e["name"]: e["value"] for e in events}
    assert slots == {"after_verify": "progress", "verify_phone": "138****5678", "citizen_token": "wechat-token",
                     "verified_phone": "138****5678", "phone_verified": True, "verify_code": "ok"}
    # The verify form, re-checking its filled slots, keeps them.
    form = ValidateApplicationForm()
    assert await form.validate_verify_phone("138****5678", dispatcher, tracker(slots), {}) == {"verify_phone": "138****5678"}
    assert (await form.validate_verify_code("ok", dispatcher, tracker(slots), {}))["verify_code"] == "ok"
    # Not bound: asked as before.
    wechat_backend.bound = None
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker(intent="query_progress"), {})
    assert events == [SlotSet("after_verify", "progress"), SlotSet("verify_phone", None), SlotSet("verify_code", None)]
