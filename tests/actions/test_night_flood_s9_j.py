"""A daughter in 成都 reports her father's flood in 綦江 at 00:57 (ninth session, helper J), the chat's side:

1. After filing she was told "…最迟今天" and "过了30分钟还没接到电话，再跟我说，我帮您催一次" — at one in the morning. Now
   whether anyone is at work is the backend's answer (GET /on-duty): at night she hears when the office opens, the duty
   mobile where one is on file (else plainly none), 12345 to call herself and 119/120/110; "帮您催一次" only while the
   office is at work and a hurry can be put on the report — and a hurry later is put on it (the call-back it went as).
2. "今天晚上有人管没得" / "晚上有没有人" went unanswered: now answered from the same facts, nothing booked.
4. "你们咋个还没人打电话来 我要投诉" went to the 7-day queue, unlinked: the report filed here is named, the backend links it
   and answers it as urgently; at night she hears when and what to call now.
5. 119 was said for a fire only: a flood, a collapse, someone trapped hear 119 too.
"""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked
from actions.fallback import ActionFallback
from actions.journeys import ActionStartVerifiedQuery
from actions.requests import ActionFileComplaint, ActionRequestCallback
from tests.actions.test_desk_findings_s8 import texts
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import NUMBER
from tests.actions.test_retries import DOMAIN

PHONE = "13900012411"
STREET = {"area_code": "500103001", "street": "渝中区七星岗街道"}
NIGHT_PROMISE = "11月24日（星期二）上午9:00一上班"  # the fake backend's next opening (tests/actions/conftest.py)


def reported(*, application: str | None = None, at: float = 1_000_000.0) -> dict:
    """The slots after her report: as the urgent call-back HD000001 to her phone, or as her 急难 application."""
    kept = emergency_booked.booked(number=application or "HD000001", application=application, caller="七星岗街道社会救助窗口",
                                   due="11月27日（星期五）下班前" if application else "今天", phone_masked="139****2411",
                                   office={"area_code": "500103001"}, phone=None if application else PHONE)
    return {**STREET, "emergency_filed": True, emergency_booked.SLOT: {**kept["value"], "at": at},
            **({"citizen_token": "t", "verified_phone": PHONE, "application_no": application} if application else {})}


def posted(fake_backend, path: str) -> list[dict]:  # noqa: ANN001
    return [fake_backend.body(i) for i, r in enumerate(fake_backend.requests) if r.method == "POST" and r.url.path == path]


@pytest.fixture
def night(fake_backend, monkeypatch):  # noqa: ANN001, ANN201
    fake_backend.night = True
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + 40)
    return fake_backend


# ---- 1. "好久来人" at night ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("application", [None, NUMBER])
async def test_at_night_right_after_filing_nothing_is_promised_that_nobody_keeps(night, application) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(reported(application=application), text="好久来人", intent="nlu_fallback"), {})
    said = responses(dispatcher)
    assert said[:4] == ["utter_emergency_filed_night", "utter_after_hours_no_duty_phone", "utter_after_hours_hotline",
                        "utter_emergency_danger"]
    assert dispatcher.messages[0]["promise"] == NIGHT_PROMISE  # when the office opens, from its hours
    text = await texts(dispatcher)
    assert "催" not in text and "尽快" not in text and "最迟今天" not in text and "12345" in text and "119" in text
    assert not posted(night, "/api/v1/callbacks") and not [r for r in night.requests if "/actions/" in r.url.path]


@pytest.mark.asyncio
async def test_at_night_the_duty_mobile_on_file_is_given(night) -> None:  # noqa: ANN001
    night.duty_phone = "13900104004"
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(reported(), text="好久来人", intent="nlu_fallback"), {})
    assert "utter_after_hours_duty_phone" in responses(dispatcher) and "值班电话13900104004" in await texts(dispatcher)


@pytest.mark.asyncio
async def test_at_night_a_later_hurry_is_noted_for_the_morning_never_said_as_urged(night, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + 3600)
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(reported(), text="好久打电话来嘛 等不起了", intent="nlu_fallback"), {})
    [hurry] = posted(night, "/api/v1/callbacks")
    assert hurry["phone"] == PHONE and hurry["urgent"] and emergency_booked.HURRY_NOTE in hurry["topic"]
    assert responses(dispatcher)[0] == "utter_emergency_noted_night" and "又催" not in await texts(dispatcher)


@pytest.mark.asyncio
async def test_in_office_hours_the_hurry_is_offered_only_when_it_can_be_recorded(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + 40)
    slots = reported()
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(slots, text="好久来人", intent="nlu_fallback"), {})
    assert responses(dispatcher)[0] == "utter_emergency_just_filed"  # a phone to put the hurry on
    slots[emergency_booked.SLOT] = {**slots[emergency_booked.SLOT], "phone": None}  # nothing to put it on
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(slots, text="好久来人", intent="nlu_fallback"), {})
    assert responses(dispatcher)[0] == "utter_emergency_just_filed_no_hurry"
    assert "催" not in DOMAIN.responses["utter_emergency_just_filed_no_hurry"][0]["text"]


# ---- 2. "今天晚上有人管没得" ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent", "action"), [
    ("今天晚上有人管没得", "request_human", ActionRequestCallback), ("晚上有没有人", "nlu_fallback", ActionFallback),
    ("今天晚上有人管没得", "query_progress", ActionStartVerifiedQuery)])
async def test_whether_anyone_is_at_work_tonight_is_answered_and_nothing_is_booked(night, text, intent, action) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await action().run(dispatcher, tracker(dict(STREET), text=text, intent=intent), {})
    assert responses(dispatcher)[:3] == ["utter_on_duty_closed", "utter_after_hours_no_duty_phone", "utter_after_hours_hotline"]
    assert dispatcher.messages[0]["promise"] == NIGHT_PROMISE
    assert not posted(night, "/api/v1/callbacks")


@pytest.mark.asyncio
async def test_in_office_hours_it_says_someone_is_there(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(dict(STREET), text="现在有人上班没", intent="nlu_fallback"), {})
    assert responses(dispatcher) == ["utter_on_duty_open"] and dispatcher.messages[0]["office_hours"] == "工作日 9:00-17:30"


@pytest.mark.asyncio
async def test_after_her_report_it_is_that_report_as_it_stands(night) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionRequestCallback().run(dispatcher, tracker(reported(), text="晚上有没有人嘛", intent="request_human"), {})
    assert responses(dispatcher)[0] == "utter_emergency_filed_night" and not posted(night, "/api/v1/callbacks")


def test_a_request_for_a_person_is_not_a_question_about_who_is_at_work() -> None:
    assert emergency_booked.asks_on_duty("半夜有没得人值班") and emergency_booked.asks_on_duty("周末有人管不")
    assert not emergency_booked.asks_on_duty("现在有没有人 我要找工作人员")
    assert not emergency_booked.asks_on_duty("你们咋个还没人打电话来")


# ---- 4. her complaint about the report ---------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_a_complaint_about_the_report_names_it_and_at_night_says_when_and_what_to_call(night) -> None:  # noqa: ANN001
    slots = {**reported(), "complaint_text": "你们咋个还没人打电话来 我要投诉", "contact_phone": PHONE, "area_code": None}
    dispatcher = CollectingDispatcher()
    events = await ActionFileComplaint().run(dispatcher, tracker(slots), {})
    [body] = posted(night, "/api/v1/complaints")
    assert body["related"] == "HD000001" and body["area_code"] == "500103001"  # the report's, for its queue
    assert responses(dispatcher)[:3] == ["utter_complaint_filed_urgent_later", "utter_after_hours_no_duty_phone",
                                         "utter_after_hours_hotline"]
    text = await texts(dispatcher)
    assert "HD000001" in text and NIGHT_PROMISE in text and "12月1日" not in text
    assert {"reference": "TS000012", "phone": PHONE} in next(e["value"] for e in events if e.get("name") == "complaints_filed")


@pytest.mark.asyncio
async def test_a_complaint_about_the_report_in_office_hours_is_handled_today(fake_backend) -> None:  # noqa: ANN001
    slots = {**reported(), "complaint_text": "还没人打电话来", "contact_phone": PHONE}
    dispatcher = CollectingDispatcher()
    await ActionFileComplaint().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == ["utter_complaint_filed_urgent"]


# ---- 5. 119 for a flood, a collapse, someone trapped --------------------------------------------------------------------

@pytest.mark.parametrize("what", ["我爸屋头遭水淹了", "房子垮了", "有人被困在里面出不来", "山上滑坡把屋埋了"])
def test_a_flood_a_collapse_or_someone_trapped_hears_119(what) -> None:  # noqa: ANN001
    advice = emergency_booked.emergency_advice(what)
    assert "utter_emergency_rescue" in advice
    assert "119" in DOMAIN.responses["utter_emergency_rescue"][0]["text"]


def test_a_fire_with_someone_trapped_hears_119_once() -> None:
    assert emergency_booked.emergency_advice("屋头着火了 有人被困") == ["utter_emergency_fire"]
    assert emergency_booked.emergency_advice("生活困难") == ["utter_emergency_danger"]  # 困难 is nobody trapped
