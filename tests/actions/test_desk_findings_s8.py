"""Testers' findings on the 急难 report, call-backs, complaints and status questions (eighth session, helper C):

2. An urgent call-back asked at 22:00 ("屋头着火了 快点找人") was promised for the next morning and nothing else. Now it
   says honestly when the office calls, the duty mobile to call now where one is on file (else plainly none), 12345 to
   call now, and 119 for a fire.
3. "投诉是找哪个" / "投诉找哪个部门" filed a complaint. Now where and how to complain is answered (this chat, the office and
   its number where on file, its 监督电话 where the data has one, 12345) and a complaint offered; only what went wrong
   is filed.
4. "入户核查啥时候来" went unanswered; "好久有人去" / "啥时候有人来屋头看" were greetings (NLU: nlu-data/followups_s8_c.yml).
   Now her case's answer comes from its status and its step's deadline (the backend's progress), and the time limits
   after filing from the procedure's data (the backend's answer from the words) while her phone is still to be checked
   or when she has no case.
1. A neighbour reported a fire for 刘婆婆 without her ID number; later "我找到他身份证了 500222194203060034" could not be
   added. Now it goes onto the report (the urgent call-back it went as), checked by its check digit, and she is told.
"""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import complaints, emergency
from actions.complaints import ValidateComplaintForm
from actions.emergency_report import ActionReadEmergency, ActionSubmitEmergency
from actions.fallback import ActionFallback
from actions.journeys import ActionAfterVerify, ActionLooseAnswer, ActionStartVerifiedQuery
from actions.requests import ActionRequestCallback
from tests.actions.test_callback_findings import said
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import VERIFIED, slot_values
from tests.actions.test_retries import DOMAIN_DICT, answer

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


# ---- 3. where to complain, asked -----------------------------------------------------------------------------------

def opening(text: str, slots: dict | None = None) -> Tracker:
    """The validation complaint_form runs as "complain" opens it: nothing asked yet."""
    return Tracker("t-1", {"requested_slot": None, **(slots or {})}, {"text": text, "intent": {"name": "complain", "confidence": 1.0},
                                                                        "entities": []}, [], False, None, {}, "action_listen")


def kept(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["投诉是找哪个", "投诉找哪个部门", "投诉电话是多少", "我想问一下 在哪里投诉", "能不能投诉他们"])
async def test_where_to_complain_is_answered_and_nothing_is_filed(fake_backend, said: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, opening(said, VERIFIED), DOMAIN_DICT)
    assert kept(events).get("complaint_text") is None  # the form asks what went wrong: the complaint offered
    assert responses(dispatcher) == ["utter_complaint_where", "utter_complaint_where_any_office", "utter_complaint_where_hotline"]
    text = await texts(dispatcher)
    assert "12345" in text and "算了" in text and "监督电话" not in text  # none in the office data
    assert not [r for r in fake_backend.requests if r.url.path.endswith("/complaints")]


@pytest.mark.asyncio
async def test_her_streets_office_and_its_supervision_phone_where_the_data_has_them(fake_backend) -> None:  # noqa: ANN001
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        response = route(request)
        if request.url.path.endswith("/areas/search"):
            return httpx.Response(200, json=[{**a, "supervision_phone": "023-63890000"} for a in response.json()])
        return response
    fake_backend.handler = handler
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(dispatcher, opening("投诉找哪个部门", {**VERIFIED, **STREET}), DOMAIN_DICT)
    assert responses(dispatcher) == ["utter_complaint_where", "utter_complaint_where_office_phone",
                                     "utter_complaint_supervision_phone", "utter_complaint_where_hotline"]
    text = await texts(dispatcher)
    assert "七星岗街道社会救助窗口的电话023-00103001" in text and "监督电话是023-63890000" in text


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["投诉街道那个人怎么不办事", "我要投诉 申请交上去一个月了没人来", "举报有人吃拿卡要"])
async def test_what_went_wrong_is_still_the_complaint(said: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, opening(said), DOMAIN_DICT)
    assert kept(events).get("complaint_text") == said and dispatcher.messages == []


@pytest.mark.asyncio
async def test_after_the_answer_what_went_wrong_is_taken(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, answer("complaint_text", "投诉是找哪个", VERIFIED, "complaint_form", "complain"),
                                               DOMAIN_DICT)
    assert kept(events).get("complaint_text") is None and "utter_not_understood" not in responses(dispatcher)  # not a wrong answer
    said = "社区的人说要给好处费才帮我报"
    events = await ValidateComplaintForm().run(CollectingDispatcher(), answer("complaint_text", said, VERIFIED, "complaint_form"), DOMAIN_DICT)
    assert kept(events).get("complaint_text") == said


def test_where_questions_and_complaints_are_told_apart() -> None:
    assert complaints.asks_where("投诉是找哪个？") and complaints.asks_where("怎么投诉")
    assert not complaints.asks_where("投诉！") and not complaints.asks_where("我要投诉")  # the bare wish: asked what went wrong
    assert not complaints.asks_where("投诉 街道那个工作人员 拖起不办 我奶奶申请低保好几个星期了都没人来家里看")


# ---- 4. when the home visit comes ---------------------------------------------------------------------------------

GENERAL = "按规定，申请交上去以后，街道（乡镇）3个工作日内受理；受理以后3个工作日内开始入户调查，工作人员会上门看看家里的实际情况。"
HERS = "您的低保申请（JZ20261124000009）已经受理了，按规定最迟11月27日（星期五）前开始入户调查，工作人员会上门。"


def knows_visits(fake_backend) -> None:  # noqa: ANN001
    """The backend's answers: the time limits for a question about the visit's time (backend/policy/visits.py), and
    the case's own in its progress (ProgressOut.visit)."""
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        said = request.url.params.get("said") or ""
        if request.url.path.endswith("/policy/answer") and ("啥时候" in said or "好久" in said):
            return httpx.Response(200, json={"answer": GENERAL, "term": "入户调查时间", "needs_region": False, "region": None,
                                             "assistance_type": "低保", "aspect": "标准", "known_regions": []})
        response = route(request)
        if request.url.path.endswith("/progress"):
            return httpx.Response(200, json={**response.json(), "visit": HERS})
        return response
    fake_backend.handler = handler


async def asked_about_the_visit(slots: dict, text: str) -> tuple[dict, list, CollectingDispatcher]:
    """The rule's two actions for query_progress with her phone verified: the start, then the answer."""
    dispatcher = CollectingDispatcher()
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker(slots, text=text, intent="query_progress"), {})
    after = {**slots, **slot_values(events)}
    if after.get("phone_verified") and UserUtteranceReverted() not in events:  # reverted: the rule ends there
        events += await ActionAfterVerify().run(dispatcher, tracker(after, text=text, intent="query_progress"), {})
    return {**after, **slot_values(events)}, events, dispatcher


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["入户核查啥时候来", "好久有人去", "啥时候有人来屋头看"])
async def test_her_cases_visit_is_said_from_its_status(fake_backend, text: str) -> None:  # noqa: ANN001
    knows_visits(fake_backend)
    _, _, dispatcher = await asked_about_the_visit(VERIFIED, text)
    assert [m.get("text") for m in dispatcher.messages] == [HERS]  # not the whole progress, not "没太听懂"


@pytest.mark.asyncio
async def test_before_her_phone_is_checked_the_time_limits_are_said_then_her_case(fake_backend) -> None:  # noqa: ANN001
    knows_visits(fake_backend)
    slots, _, dispatcher = await asked_about_the_visit({"phone_verified": False}, "入户核查啥时候来")
    assert [m.get("text") or m.get("response") for m in dispatcher.messages] == [GENERAL, "utter_visit_case_after_phone"]
    assert slots["after_verify"] == "visit"
    # After the code (its message says nothing of the visit): her case's, and the time limits not again.
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**slots, **VERIFIED}, text="123456", intent="inform"), {})
    assert [m.get("text") for m in dispatcher.messages] == [HERS]


@pytest.mark.asyncio
async def test_with_no_case_what_happens_after_filing_is_said(fake_backend) -> None:  # noqa: ANN001
    knows_visits(fake_backend)
    fake_backend.mine = []
    _, _, dispatcher = await asked_about_the_visit(VERIFIED, "入户核查啥时候来")
    assert [m.get("text") or m.get("response") for m in dispatcher.messages] == [GENERAL, "utter_no_applications"]


@pytest.mark.asyncio
async def test_after_a_report_when_someone_comes_is_that_reports(fake_backend) -> None:  # noqa: ANN001
    knows_visits(fake_backend)
    slots = await reported_without_id(fake_backend)
    _, _, dispatcher = await asked_about_the_visit({**slots, "phone_verified": False}, "好久有人去")
    assert responses(dispatcher)[0] == "utter_emergency_just_filed"  # the report filed here, never the procedure
