"""Face links in the chat (actions/face.py): no reference → the ID card photo (web) or the staff path
(SMS), never a face link; a helper without the scope → a code to the principal, then the link."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from actions.face import ValidateScopeForm
from actions.journeys import ActionAfterVerify

NUMBER = "JZ20261124000009"


def tracker(slots: dict | None = None, sender: str = "web-test-1") -> Tracker:
    return Tracker(sender, {"citizen_token": "t", "application_no": NUMBER, **(slots or {})},
                   {"text": "", "intent": {"name": "certify_liveness", "confidence": 1.0}, "entities": []},
                   [], False, None, {}, "action_listen")


def _error(status: int, code: str, message: str, details: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message, "details": details}})


NO_REFERENCE = _error(409, "no_reference", "还没有登记本人的照片，暂时不能刷脸。",
                      {"ways": ["id_card_photo", "staff_visit", "street_window"]})
NO_SCOPE = _error(403, "no_delegation", "您的授权里不包括代为刷脸，需要申请人另外授权。", {"delegation_id": 7, "missing_scope": "certify"})


def _with(fake_backend, answers: dict[str, httpx.Response]) -> None:  # noqa: ANN001
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        return answers[path] if path in answers else fake_backend.route(request)
    fake_backend.handler = handler


def _paths(fake_backend) -> list[str]:  # noqa: ANN001
    return [r.url.path.removeprefix("/api/v1") for r in fake_backend.answers()]


@pytest.mark.asyncio
async def test_no_reference_on_the_web_asks_for_the_id_card_photo_not_the_camera(fake_backend, dispatcher) -> None:
    _with(fake_backend, {"/liveness/sessions": NO_REFERENCE,
                         "/liveness/id-photo": httpx.Response(201, json={"upload_url": "/api/v1/liveness/id-photo/up", "expires_at": "x"})})
    events = await ActionAfterVerify().run(dispatcher, tracker({"after_verify": "certification"}), {})
    said = [m.get("response") for m in dispatcher.messages]
    assert said == ["utter_id_photo_ask"]
    assert dispatcher.messages[0]["custom"] == {"upload": "/api/v1/liveness/id-photo/up", "then": "/certify_liveness"}
    assert json.loads(fake_backend.answers()[-1].content) == {"purpose": "certification", "application_number": NUMBER}
    assert fake_backend.answers()[-1].headers["X-Citizen-Token"] == "t"
    assert events == [SlotSet("application_no", NUMBER)]


@pytest.mark.asyncio
async def test_no_reference_on_sms_offers_the_staff_path(fake_backend, dispatcher) -> None:
    _with(fake_backend, {"/liveness/sessions": NO_REFERENCE})
    await ActionAfterVerify().run(dispatcher, tracker({"after_verify": "authorization"}, sender="sms:+8613812345678"), {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_no_reference_staff"]
    assert "/liveness/id-photo" not in _paths(fake_backend)  # no upload link for a phone that cannot show a page


@pytest.mark.asyncio
async def test_when_the_photo_link_is_refused_the_staff_path_follows(fake_backend, dispatcher) -> None:
    _with(fake_backend, {"/liveness/sessions": NO_REFERENCE,
                         "/liveness/id-photo": _error(403, "not_acting_for", "只能给自己，或者授权您帮办的人登记照片。")})
    await ActionAfterVerify().run(dispatcher, tracker({"after_verify": "certification"}), {})
    assert [m.get("response") or m.get("text") for m in dispatcher.messages] == [
        "只能给自己，或者授权您帮办的人登记照片。", "utter_no_reference_staff"]


@pytest.mark.asyncio
async def test_a_helper_without_certify_is_offered_a_code_then_it_is_sent(fake_backend, dispatcher) -> None:
    _with(fake_backend, {"/liveness/sessions": NO_SCOPE,
                         "/delegations/7/scope-code": httpx.Response(200, json={"message": "已发", "phone_masked": "138****1111"})})
    events = await ActionAfterVerify().run(dispatcher, tracker({"after_verify": "certification"}), {})
    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_scope_offer" and offer["again"] == "/certify_liveness"
    assert "/delegations/7/scope-code" not in _paths(fake_backend)  # asked first, nothing sent yet
    offered = next(e for e in events if e["name"] == "scope_offered")["value"]
    assert offered == {"delegation_id": 7, "scope": "certify"}
    # The helper accepts (the button says the same request again): the code goes to the principal.
    events = await ActionAfterVerify().run(dispatcher, tracker({"after_verify": "certification", "scope_offered": offered}), {})
    assert dispatcher.messages[-1]["response"] == "utter_scope_code_sent" and dispatcher.messages[-1]["phone_masked"] == "138****1111"
    assert json.loads(fake_backend.answers()[-1].content) == {"scope": "certify"}
    assert FollowupAction("scope_form") in events


@pytest.mark.asyncio
async def test_the_principals_code_adds_the_scope(fake_backend, dispatcher) -> None:
    _with(fake_backend, {"/delegations/7/scopes": httpx.Response(200, json={"id": 7, "scope": ["certify", "query"]})})
    form = ValidateScopeForm()
    slots = {"scope_offered": {"delegation_id": 7, "scope": "certify"}}
    assert await form.validate_scope_code("12a", dispatcher, tracker(slots), {}) == {"scope_code": None}
    assert fake_backend.answers() == []
    assert await form.validate_scope_code("验证码 246810", dispatcher, tracker(slots), {}) == {"scope_code": "ok", "scope_offered": None}
    assert json.loads(fake_backend.answers()[-1].content) == {"scope": "certify", "consent": {"method": "otp", "code": "246810"}}
    assert dispatcher.messages[-1]["response"] == "utter_scope_added"


@pytest.mark.asyncio
async def test_a_wrong_code_is_said_and_asked_again(fake_backend, dispatcher) -> None:
    _with(fake_backend, {"/delegations/7/scopes": _error(400, "wrong_code", "验证码不对或已过期，请重新获取。")})
    result = await ValidateScopeForm().validate_scope_code("111111", dispatcher, tracker({"scope_offered": {"delegation_id": 7, "scope": "certify"}}), {})
    # Said with the way to a new one ("重发"), not "请重新获取" (a tester did not know how): deliberately changed.
    assert result == {"scope_code": None} and dispatcher.messages[-1]["response"] == "utter_code_wrong_or_old"
