"""Testers' findings on the 急难 report, call-backs, complaints and status questions (eighth session, helper C):

2. An urgent call-back asked at 22:00 ("屋头着火了 快点找人") was promised for the next morning and nothing else. Now it
   says honestly when the office calls, the duty mobile to call now where one is on file (else plainly none), 12345 to
   call now, and 119 for a fire.
1. A neighbour reported a fire for 刘婆婆 without her ID number; later "我找到他身份证了 500222194203060034" could not be
   added. Now it goes onto the report (the urgent call-back it went as), checked by its check digit, and she is told.
"""

import json

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency
from actions.emergency_report import ActionReadEmergency, ActionSubmitEmergency
from actions.fallback import ActionFallback
from actions.journeys import ActionLooseAnswer
from actions.requests import ActionRequestCallback
from tests.actions.test_callback_findings import said
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import VERIFIED, slot_values

STREET = {"area_code": "500103001", "street": "渝中区七星岗街道"}


def after_hours(fake_backend, *, duty_phone: str | None) -> None:  # noqa: ANN001
    """POST /callbacks as the backend answers it at 22:00: urgent, called back the next working day first thing."""
    route = fake_backend.route

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/v1/callbacks":
            return route(request)
        return httpx.Response(201, json={
            "id": 5, "reference": "HD000005", "office_name": "七星岗街道社会救助窗口", "office_phone": None,
            "office_hours": "工作日 9:00-17:30", "office_configured": True, "caller": "七星岗街道社会救助窗口",
            "duty_phone": duty_phone, "due_day": "12月8日（星期二）", "promise": "12月8日（星期二）一上班", "urgent": True,
            "due_today": False, "duty_told": duty_phone is not None, "sms_sent": True})
    fake_backend.handler = handler


async def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join([await said(m) if m.get("response") else m["text"] for m in dispatcher.messages])


# ---- 2. an urgent call-back after hours ---------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("duty_phone", ["13900104004", None])
async def test_a_fire_at_night_hears_when_the_office_calls_and_whom_to_call_now(fake_backend, duty_phone) -> None:  # noqa: ANN001
    after_hours(fake_backend, duty_phone=duty_phone)
    dispatcher = CollectingDispatcher()
    await ActionRequestCallback().run(dispatcher, tracker({**VERIFIED, **STREET}, text="屋头着火了 快点找人", intent="request_human"), {})
    text = await texts(dispatcher)
    assert "12月8日（星期二）一上班" in text and "下班" in text  # when, honestly
    assert "12345" in text and "119" in text
    if duty_phone:
        assert f"值班电话{duty_phone}" in text and "短信告诉值班" in text
    else:
        assert "值班电话我这里还没有登记" in text and "139" not in text  # never a number made up
        assert "尽快" not in text  # nobody is on duty to call soon
    assert "今天" not in text


@pytest.mark.asyncio
async def test_a_call_back_in_office_hours_is_told_as_before(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionRequestCallback().run(dispatcher, tracker({**VERIFIED, **STREET}, text="屋头着火了 快点找人", intent="request_human"), {})
    assert responses(dispatcher)[0] == "utter_callback_urgent_today" and "utter_after_hours_hotline" not in responses(dispatcher)


@pytest.mark.asyncio
async def test_a_report_for_someone_else_filed_at_night_never_says_someone_calls_soon(fake_backend) -> None:  # noqa: ANN001
    """The neighbour's report goes as an urgent call-back; at night "值班的同志会尽快打电话" was not true."""
    after_hours(fake_backend, duty_phone=None)
    slots = {"emergency_what": "隔壁刘婆婆屋头着火了", "contact_phone": "13952718346", "verify_code": emergency.UNCONFIRMED,
             "emergency_for": "other", "applicant_name": "刘婆婆", **STREET}
    dispatcher = CollectingDispatcher()
    await ActionSubmitEmergency().run(dispatcher, tracker(slots), {})
    text = await texts(dispatcher)
    assert "HD000005" in text and "12月8日（星期二）一上班" in text and "12345" in text and "119" in text
    assert "尽快" not in text


# ---- 1. the ID number found after the report ----------------------------------------------------------------------

FOUND_ID = "500222194203060034"
NEIGHBOUR = "13952718346"


def takes_found_ids(fake_backend) -> None:  # noqa: ANN001
    """POST /callbacks/{reference}/id-number as the backend answers it (its check digit: backend/core/idnumber.py)."""
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/id-number"):
            return route(request)
        number = json.loads(request.content)["id_number"]
        if number != FOUND_ID:
            return httpx.Response(422, json={"error": {"code": "invalid_id_number", "details": None,
                                                       "message": "身份证号码的最后一位（校验位）对不上，可能有一位输错了，请再核对一下。"}})
        return httpx.Response(200, json={"reference": request.url.path.split("/")[-2], "id_masked": "500222********0034"})
    fake_backend.handler = handler


async def reported_without_id(fake_backend) -> dict:  # noqa: ANN001
    """The neighbour's report for 刘婆婆, no ID number: filed as an urgent call-back; the slots after it."""
    slots = {"emergency_what": "隔壁刘婆婆屋头着火了", "contact_phone": NEIGHBOUR, "verify_code": emergency.UNCONFIRMED,
             "emergency_for": "other", "applicant_name": "刘婆婆", "emergency_about": {"called": True, "id": "烧了"}, **STREET}
    events = await ActionSubmitEmergency().run(CollectingDispatcher(), tracker(slots), {})
    return {**slots, **slot_values(events)}


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "intent"), [(ActionLooseAnswer, "inform"), (ActionFallback, "nlu_fallback"),
                                                (ActionReadEmergency, "report_emergency")])
async def test_an_id_number_found_after_the_report_is_put_on_it(fake_backend, action, intent) -> None:  # noqa: ANN001
    takes_found_ids(fake_backend)
    slots = await reported_without_id(fake_backend)
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, tracker(slots, text=f"我找到他身份证了 {FOUND_ID}", intent=intent), {})
    [sent] = [r for r in fake_backend.requests if r.url.path.endswith("/id-number")]
    assert sent.url.path == "/api/v1/callbacks/HD000001/id-number"
    assert json.loads(sent.content) == {"id_number": FOUND_ID, "phone": NEIGHBOUR}  # the reporter's phone: the backend checks it
    assert responses(dispatcher) == ["utter_emergency_id_added"]
    text = await texts(dispatcher)
    assert "500222********0034" in text and "HD000001" in text and FOUND_ID not in text


@pytest.mark.asyncio
async def test_a_found_id_number_with_a_wrong_check_digit_says_why_and_asks_again(fake_backend) -> None:  # noqa: ANN001
    takes_found_ids(fake_backend)
    slots = await reported_without_id(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionLooseAnswer().run(dispatcher, tracker(slots, text="身份证找到了 500222194203060035", intent="inform"), {})
    assert "校验位" in dispatcher.messages[0]["text"] and responses(dispatcher)[1:] == ["utter_emergency_id_again"]
