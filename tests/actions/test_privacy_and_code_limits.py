"""A grid worker's findings. Her people's data: "委托书照片哪些人看得到" got the documents to bring, "照片你们存好久" a
call-back she never asked for. Such questions are answered from the backend (backend/policy/data/privacy.yaml) at
any point — before a call-back, inside a form (then the question comes again, not counted as a wrong answer) —
and never book a call-back. Codes: the helper's own ceiling for codes to other people's phones is said as the
backend says it, not "这个手机号…验证码太多了" (she thought her own phone was blocked)."""

import re

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import codes
from actions.backend_client import BackendError
from actions.fallback import ActionFallback
from actions.form_first import ActionReadAnswer
from actions.forms import ValidateApplicationForm, ValidateComplaintForm
from actions.requests import ActionRequestCallback
from tests.actions.conftest import OFFER
from tests.actions.test_forms_and_journeys import responses, tracker

# As GET /policy/offer's privacy_cue and GET /policy/answer answer them (tests/backend/test_policy_privacy.py checks
# the backend's side: the real pattern and texts).
CUE = r"(?s)^(?=.*(?:照片|信息|委托书)).*(?:存好久|看得到)|泄露"
KEPT = "身份证照片：只用来取出人脸的比对特征，照片本身不留。"
SEES = "您交的材料和照片，只有经办这件申请的街道（乡镇）和区县民政的工作人员能看。"
VERIFIED = {"citizen_token": "tok", "verified_phone": "13912345678", "phone_verified": True, "street": "七星岗街道",
            "area_code": "500103001"}


@pytest.fixture
def privacy_backend(fake_backend):  # noqa: ANN001, ANN201
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/policy/offer":
            return httpx.Response(200, json={**OFFER, "privacy_cue": CUE})
        said = re.sub(r"\s+", "", request.url.params.get("said", ""))
        if path == "/policy/answer" and re.search(CUE, said):
            return httpx.Response(200, json={"answer": KEPT if "存" in said else SEES, "term": "个人信息", "needs_region": False,
                                             "assistance_type": "低保", "aspect": "标准", "known_regions": [], "place": None,
                                             "offer_precheck": False, "region": None})
        return route(request)

    fake_backend.handler = handler
    return fake_backend


def _booked(fake) -> bool:  # noqa: ANN001
    return any(r.method == "POST" and r.url.path == "/api/v1/callbacks" for r in fake.requests)


@pytest.mark.asyncio
async def test_how_long_photos_are_kept_is_answered_and_books_no_call_back(privacy_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, tracker(VERIFIED, text="照片你们存好久", intent="request_human"), {})
    assert responses(dispatcher) == [KEPT] and events == []
    assert not _booked(privacy_backend)


@pytest.mark.asyncio
async def test_asking_for_a_person_still_books_the_call_back(privacy_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionRequestCallback().run(dispatcher, tracker(VERIFIED, text="我要找工作人员", intent="request_human"), {})
    assert _booked(privacy_backend) and KEPT not in responses(dispatcher)


@pytest.mark.asyncio
async def test_outside_a_form_the_fallback_answers_it_too(privacy_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(text="委托书照片哪些人看得到", intent="nlu_fallback"), {})
    assert responses(dispatcher) == [SEES]


def _in_form(slot: str, text: str, intent: str, form: str = "application_form", **slots: object) -> Tracker:
    values = {"assistance_type": "低保", "filing_for": "helper", "helper_kind": "grid_worker", **slots,
              "requested_slot": slot, slot: text}
    return Tracker("t", values, {"text": text, "intent": {"name": intent}, "entities": []},
                   [{"event": "action", "name": form}, {"event": "slot", "name": slot, "value": text}],
                   False, None, {"name": form}, "action_listen")


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["request_human", "ask_policy", "stop"])
async def test_inside_a_form_the_question_is_read_as_what_it_asks(privacy_backend, intent: str) -> None:  # noqa: ANN001
    """Read as a person or a policy question, it would leave the form for a call-back or the materials list: it
    goes to the form's validation instead, which answers it."""
    t = _in_form("applicant_name", "委托书照片哪些人看得到", intent)
    assert await ActionReadAnswer().run(CollectingDispatcher(), t, {}) == [
        {"event": "slot", "timestamp": None, "name": "applicant_name", "value": "委托书照片哪些人看得到"}]


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text"), [("applicant_name", "委托书照片哪些人看得到"), ("monthly_income", "照片你们存好久"),
                                            ("applicant_phone", "她的信息会不会泄露")])
async def test_inside_a_form_it_is_answered_and_the_question_comes_again(privacy_backend, slot: str, text: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, _in_form(slot, text, "inform", applicant_name="周桂英"
                                                                      if slot != "applicant_name" else None), {})
    assert responses(dispatcher) == [KEPT if "存" in text else SEES]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get(slot, "missing") is None  # asked again
    assert not slots.get("form_retries") and slots.get("ask_style") is None  # not a wrong answer
    assert not _booked(privacy_backend)


@pytest.mark.asyncio
async def test_a_complaint_that_her_data_leaked_is_the_complaint(privacy_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    text = "你们把我的信息泄露了，天天有人打电话推销"
    events = await ValidateComplaintForm().run(dispatcher, _in_form("complaint_text", text, "complain", "complaint_form"), {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots.get("complaint_text") == text and SEES not in responses(dispatcher)


# Codes ------------------------------------------------------------------------------------------------

async def _refused(details: dict) -> None:
    raise BackendError(429, "too_many_requests", "您这一小时帮人发的授权验证码已经有20条了，请一小时后再帮下一位办。", details)


@pytest.mark.asyncio
async def test_the_helpers_own_ceiling_is_said_as_hers_not_her_phones(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    ok, paused = await codes.sent(dispatcher, _refused({"retry_after_seconds": 3000, "limit": "requester"}))
    assert not ok and paused == {codes.PAUSE: True}
    assert responses(dispatcher) == ["您这一小时帮人发的授权验证码已经有20条了，请一小时后再帮下一位办。"]


@pytest.mark.asyncio
async def test_a_phones_own_limit_is_still_said_as_the_phones(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    ok, paused = await codes.sent(dispatcher, _refused({"retry_after_seconds": 3000, "limit": "phone"}))
    assert not ok and paused == {codes.PAUSE: True} and responses(dispatcher) == ["utter_code_requests_locked"]
