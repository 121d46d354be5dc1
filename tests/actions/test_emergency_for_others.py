"""A tester played 黄大姐, a neighbour in 重庆南岸区铜元局 reporting a kitchen gas fire for 刘婆婆 (80, alone, no phone,
nowhere to sleep tonight, no money), and then 刘婆婆's son in 广东. Five findings:

1. Reporting for someone else dead-ended: "刘婆婆" / "就写刘婆婆嘛" were "这个好像不是名字", "身份证不晓得 证件都烧了" got the
   same question again. Now what people call her is taken as that (a 称呼, marked as one), the ID may be unknown, the
   neighbour's phone is called, and the report is filed to the street with everything said.
2. The staff's record read "群众说的: /request_human". Now a payload is never what was said, and a call-back booked in the
   middle of the report carries the report: what happened, for whom, the needs heard, that a neighbour reported it.
3. "那她今晚睡哪点嘛 八十岁勒" after the report restarted its questions. Now it is answered and added to the report.
4. "我前头不是报了嘛 HD000001" / "咋个还没人来" inside the report were wrong names; "投诉" was a wrong phone number.
5. The son's "报上没得" started the questions without an answer; now he hears, in one sentence, why it cannot be told.
"""

import re

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.events import ActiveLoop as RasaActiveLoop
from rasa.shared.core.events import SlotSet as RasaSlotSet

from actions import emergency, emergency_booked, form_first
from actions.journeys import ActionStartVerifiedQuery
from tests.actions.answers_helpers import plain_tracker
from actions.emergency_readback import READ_BACK, ActionAskEmergencyConfirmed
from actions.emergency_report import ActionReadEmergency, ActionSubmitEmergency
from actions.forms import ValidateEmergencyForm
from actions.requests import ActionRequestCallback, ValidateCallbackForm
from tests.actions.test_emergency_findings import knows_tongyuanju, untold
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_policy_rules import LISTEN, _next, _user, rules  # noqa: F401  (the fixture)
from tests.actions.test_promises_and_codes import extracted, validate
from tests.actions.test_retries import turn

HER_PHONE_NONE = "13952718346 这是我勒电话 刘婆婆没得手机"
NEIGHBOUR_PHONE = "13952718346"
FIRE = {"emergency_what": "着火勒 咋个办"}
TONIGHT = "今晚没地方住的话：救助管理站可以先安排临时住处。晚上可以打110。"


def answers_tonight(fake_backend) -> None:  # noqa: ANN001
    """The fake backend's street search knows 铜元局, and its policy answer hears "睡哪点" as the real one does
    (backend/policy/data/urgent_needs.yaml: 今晚…睡哪)."""
    knows_tongyuanju(fake_backend)
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/policy/answer" and re.search(r"睡哪|住哪|没得地方", request.url.params.get("said") or ""):
            return httpx.Response(200, json={"answer": TONIGHT, "term": "急需", "needs_region": False, "region": None,
                                             "assistance_type": "临时救助", "aspect": "标准", "known_regions": []})
        return route(request)
    fake_backend.handler = handler


def sent(fake_backend, path: str) -> list[dict]:  # noqa: ANN001
    return [fake_backend.body(i) for i, r in enumerate(fake_backend.requests) if r.url.path == f"/api/v1{path}"]


async def neighbours_report(fake_backend) -> tuple[dict, list[list]]:  # noqa: ANN001
    """黄大姐's answers, one turn each, as the tester gave them: the slots after each, and what was said each time."""
    form, slots, said = ValidateEmergencyForm(), dict(FIRE), []
    for slot, text in (("applicant_name", "不是我 是隔壁刘婆婆屋头着火勒 帮她报"),
                       ("applicant_id", "她八十岁勒 一个人住 今晚没得地方住 又没钱"),
                       ("applicant_id", "身份证不晓得 她屋头烧完勒 证件都找不到"),
                       ("contact_phone", HER_PHONE_NONE), ("street", "铜元局")):
        assert slots.get("requested_slot", slot) == slot, (slot, text, said)
        slots, words = await turn(form, slot, text, slots, "emergency_form")
        said.append(words)
    return slots, said


# ---- 1. for someone else: what people call her, no ID, the neighbour's phone --------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "called"), [
    ("不是我 是隔壁刘婆婆屋头着火勒 帮她报", "隔壁刘婆婆"), ("刘婆婆", "刘婆婆"), ("就写刘婆婆嘛", "刘婆婆"),
    ("我只晓得她姓刘 大家都喊她刘婆婆 八十岁勒", "刘婆婆"), ("姓刘的婆婆", "姓刘的婆婆")])
async def test_what_people_call_her_is_taken_as_a_description_not_a_name(fake_backend, text, called) -> None:  # noqa: ANN001
    slots = {**FIRE, "emergency_for": "other"} if text != "不是我 是隔壁刘婆婆屋头着火勒 帮她报" else dict(FIRE)
    after, said = await turn(ValidateEmergencyForm(), "applicant_name", text, slots, "emergency_form")
    assert after["applicant_name"] == called and after["emergency_for"] == "other"
    assert after["emergency_about"]["called"] is True  # a 称呼, never the name on her ID
    assert said == ["utter_emergency_called"] and not after.get("form_retries")
    assert after["requested_slot"] == "applicant_id" and after["verify_code"] == emergency.UNCONFIRMED  # no code for her
    assert ("八十岁" in after["emergency_what"]) == ("八十岁" in text) and after["emergency_what"].startswith("着火勒")
    assert not fake_backend.answers()  # nothing looked up, no code sent


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["身份证不晓得 她屋头烧完勒 证件都找不到", "不晓得", "烧了", "没有"])
async def test_her_id_number_unknown_is_skipped_at_once_and_the_neighbours_phone_asked(fake_backend, text) -> None:  # noqa: ANN001
    slots = {**FIRE, "emergency_for": "other", "applicant_name": "刘婆婆", "emergency_about": {"called": True}}
    after, said = await turn(ValidateEmergencyForm(), "applicant_id", text, slots, "emergency_form")
    assert said == ["utter_emergency_no_id"] and after["applicant_id"] is None and not after.get("form_retries")
    assert after["requested_slot"] == "contact_phone" and after["emergency_about"]["id"]  # never asked again
    assert not fake_backend.answers()


@pytest.mark.asyncio
async def test_her_name_and_no_id_in_one_message(fake_backend) -> None:  # noqa: ANN001
    after, said = await turn(ValidateEmergencyForm(), "applicant_name", "刘婆婆 她身份证我不晓得",
                             {**FIRE, "emergency_for": "other"}, "emergency_form")
    assert said == ["utter_emergency_called", "utter_emergency_no_id"]
    assert after["applicant_name"] == "刘婆婆" and after["requested_slot"] == "contact_phone"


@pytest.mark.asyncio
async def test_the_neighbours_report_is_filed_to_the_street_with_everything_said(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    answers_tonight(fake_backend)
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0)
    slots, said = await neighbours_report(fake_backend)
    assert said[1][:2] == ["utter_emergency_noted", TONIGHT]  # where she sleeps tonight, answered at once
    assert slots["contact_phone"] == NEIGHBOUR_PHONE and slots["area_code"] == "500108001"
    assert slots["requested_slot"] == READ_BACK and not any("utter_name_unclear" in w for w in said)
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyConfirmed().run(dispatcher, tracker(slots), {})
    lines = dispatcher.messages[0]["lines"]
    assert "谁：隔壁刘婆婆（大家平时这么叫，不是身份证上的名字；您代报）" in lines and "打给您 139****8346" in lines
    slots, _ = await turn(ValidateEmergencyForm(), READ_BACK, "对", slots, "emergency_form")
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitEmergency().run(dispatcher, tracker(slots), {})
    assert "/api/v1/applications" not in [r.url.path for r in fake_backend.requests]  # no application in a 称呼's name
    [body] = sent(fake_backend, "/callbacks")  # what the backend received
    assert body["urgent"] is True and body["area_code"] == "500108001" and body["phone"] == NEIGHBOUR_PHONE
    topic = body["topic"]
    assert len(topic) <= 255 and topic.startswith("【急难·邻居代报，本人未确认")
    for fact in ("当事人隔壁刘婆婆（大家平时的叫法，不是身份证上的名字）", "没有身份证号", "本人没有手机", "报告人是当事人的邻居",
                 "八十岁", "一个人住", "没得地方住", "没钱", "急需", "着火", "屋头烧完"):
        assert fact in topic, fact
    assert responses(dispatcher)[0] == "utter_emergency_unconfirmed_filed"
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values["emergency_booked"]["phone"] == NEIGHBOUR_PHONE and values["emergency_filed"] is True
    assert values["applicant_name"] is None and values["emergency_about"] is None  # "刘婆婆" is nobody's name later


# ---- 2. what the staff read of a call-back -----------------------------------------------------------------------

def _after_callback_form(slots: dict, text: str) -> Tracker:
    """The tracker action_request_callback gets right after callback_form took the phone and the street."""
    return Tracker("t-1", slots, {"text": text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []}, [], False,
                   None, {}, "callback_form")


@pytest.mark.asyncio
async def test_a_button_payload_is_never_what_was_said(fake_backend) -> None:  # noqa: ANN001
    events = await ActionRequestCallback().run(CollectingDispatcher(), tracker(text="/request_human", intent="request_human"), {})
    assert SlotSet("callback_topic", None) in events and FollowupAction("callback_form") in events
    slots = {"contact_phone": NEIGHBOUR_PHONE, "street": "渝中区七星岗街道", "area_code": "500103001"}
    await ActionRequestCallback().run(CollectingDispatcher(), _after_callback_form(slots, "七星岗"), {})
    [body] = sent(fake_backend, "/callbacks")
    assert body["topic"] is None  # neither "/request_human" nor the street's answer "七星岗"


@pytest.mark.asyncio
async def test_a_call_back_asked_during_the_report_carries_the_report_and_ends_it(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0)
    reporting = {"emergency_what": "着火勒 咋个办；名字不晓得嘛 咋个办 她今晚没得地方睡 又没钱；八十岁勒 一个人住",
                 "emergency_for": "other", "applicant_name": "刘婆婆",
                 "emergency_about": {"called": True, "reporter": "邻居", "needs": "她今晚没得地方睡 又没钱"}}
    # "/request_human" at the name question: its phone and street asked first, the report waiting
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, tracker({**reporting, "requested_slot": "applicant_name"}, text="/request_human",
                                                                   intent="request_human", active_loop="emergency_form"), {})
    assert SlotSet("callback_topic", None) in events and SlotSet("paused_form", "emergency_form") in events
    slots = {**reporting, "paused_form": "emergency_form", "contact_phone": NEIGHBOUR_PHONE, "street": "南岸区铜元局街道",
             "area_code": "500108001"}
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, _after_callback_form(slots, "铜元局"), {})
    [body] = sent(fake_backend, "/callbacks")  # what the backend received
    assert body["urgent"] is True and body["phone"] == NEIGHBOUR_PHONE and "/request_human" not in body["topic"]
    for fact in ("刘婆婆", "叫法", "八十岁", "一个人住", "没得地方睡", "没钱", "急需", "报告人是当事人的邻居", "着火"):
        assert fact in body["topic"], fact
    said = responses(dispatcher)
    assert said[0] == "utter_callback_urgent_today" and "utter_emergency_in_callback" in said
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values["emergency_filed"] is True and values["emergency_booked"]["number"] == "HD000001"
    assert values["paused_form"] is None and values["emergency_what"] is None  # no questions to go back to


@pytest.mark.asyncio
async def test_a_call_back_asked_with_a_phone_known_ends_the_report_at_once(fake_backend) -> None:  # noqa: ANN001
    slots = {**FIRE, "contact_phone": NEIGHBOUR_PHONE, "verify_code": emergency.UNCONFIRMED, "street": "渝中区七星岗街道",
             "area_code": "500103001", "requested_slot": READ_BACK}
    events = await ActionRequestCallback().run(CollectingDispatcher(), tracker(slots, text="找工作人员", intent="request_human",
                                                                               active_loop="emergency_form"), {})
    assert ActiveLoop(None) in events and FollowupAction("action_listen") in events
    assert "着火勒" in sent(fake_backend, "/callbacks")[0]["topic"]


# ---- 3. after the report ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_where_she_sleeps_tonight_after_the_report_is_answered_and_added_not_asked_again(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    answers_tonight(fake_backend)
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0)
    slots, _ = await neighbours_report(fake_backend)
    slots, _ = await turn(ValidateEmergencyForm(), READ_BACK, "对", slots, "emergency_form")
    events = await ActionSubmitEmergency().run(CollectingDispatcher(), tracker(slots), {})
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    fake_backend.requests.clear()
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + 600)
    dispatcher = CollectingDispatcher()
    events = await ActionReadEmergency().run(dispatcher, tracker(slots, text="那她今晚睡哪点嘛 八十岁勒", intent="report_emergency"), {})
    assert events == [FollowupAction("action_listen")]  # never "别着急，问您几句…姓名和身份证号码"
    assert responses(dispatcher)[:2] == [TONIGHT, "utter_emergency_added_report"]
    [body] = sent(fake_backend, "/callbacks")  # added to the report's call-back (the backend keeps one per phone)
    assert body["phone"] == NEIGHBOUR_PHONE and "那她今晚睡哪点嘛 八十岁勒" in body["topic"] and body["urgent"] is True
    # "咋个还没人来" then: that report, never the questions
    dispatcher = CollectingDispatcher()
    events = await ActionReadEmergency().run(dispatcher, tracker(slots, text="咋个还没人来", intent="report_emergency"), {})
    assert untold(events) == [FollowupAction("action_listen")] and responses(dispatcher)[0] == "utter_emergency_just_filed"


@pytest.mark.asyncio
async def test_a_hurry_after_the_call_back_is_told_it_not_asked_the_phone_again(fake_backend) -> None:  # noqa: ANN001
    booked = {"reference": "HD000001", "caller": "南岸区铜元局街道", "due_day": "12月8日（星期二）", "promise": "12月8日（星期二）一上班",
              "phone_masked": "139****8346"}
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, tracker({"callback_booked": booked}, text="咋个还没人来",
                                                                   intent="request_human"), {})
    assert responses(dispatcher) == ["utter_callback_followup"] and FollowupAction("callback_form") not in events


# ---- 4. inside the report: an earlier report, a hurry, a complaint -------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "booked", "answer"), [
    ("我前头不是报了嘛 HD000001", True, "utter_callback_followup"), ("咋个还没人来", True, "utter_callback_followup"),
    ("我前头不是报了嘛", False, "utter_emergency_nothing_filed_here"), ("咋个还没人来", False, "utter_emergency_when")])
async def test_an_earlier_report_or_a_hurry_is_answered_then_the_question_again(fake_backend, text, booked, answer) -> None:  # noqa: ANN001
    slots = {**FIRE, **({"callback_booked": {"reference": "HD000001", "caller": "南岸区铜元局街道", "promise": "今天",
                                             "phone_masked": "139****8346"}} if booked else {})}
    after, said = await turn(ValidateEmergencyForm(), "applicant_name", text, slots, "emergency_form")
    assert said == [answer] and after["applicant_name"] is None and after["requested_slot"] == "applicant_name"
    assert not after.get("form_retries")  # not a wrong answer


@pytest.mark.asyncio
@pytest.mark.usefixtures("remote_actions_in_process")
async def test_a_hurry_read_as_asking_for_a_person_stays_in_the_report() -> None:
    for text in ("等好久勒 没得人来 也没人打电话", "咋个还没人来"):
        assert (await extracted(text, "request_human", "applicant_name", "emergency_form"))["applicant_name"] == text
    assert "applicant_name" not in await extracted("找工作人员", "request_human", "applicant_name", "emergency_form")


@pytest.mark.asyncio
@pytest.mark.parametrize(("form", "slot", "slots"), [
    (ValidateCallbackForm(), "contact_phone", {"callback_topic": "等好久勒 没得人来", "paused_form": "emergency_form"}),
    (ValidateEmergencyForm(), "applicant_name", FIRE)])
@pytest.mark.parametrize("text", ["投诉", "我要投诉 等了一晚上都没人打电话"])
async def test_complain_leaves_any_form_for_the_complaint(fake_backend, form, slot, slots, text) -> None:  # noqa: ANN001
    after, said = await turn(form, slot, text, slots, form.form_name())
    assert said == ["utter_complaint_pauses_form"]  # never "手机号好像不对" or "这个好像不是名字"
    assert after[slot] is None and after["requested_slot"] is None
    assert after["paused_form"] == ("emergency_form" if slots.get("paused_form") else form.form_name())
    assert after.get("complaint_text") == (None if text == "投诉" else text)
    events, _ = await validate(form, slot, text, slots, form.form_name(), "complain")
    assert ActionExecutionRejected(form.form_name()) in events and FollowupAction("complaint_form") in events
    assert not sent(fake_backend, "/callbacks")
    for intent in ("complain", "request_human", "stop", "inform"):  # whatever the NLU read, its validator hears it
        assert form_first.looks_like_answer(slot, text, intent, form.form_name())


def test_complaint_words_are_explicit_and_the_complaint_asks_and_listens_after_the_hand_over(rules) -> None:  # noqa: ANN001, F811
    assert all(form_first.complains(t) for t in ("投诉", "我要投诉", "我要举报 他们不管", "那我就投诉"))
    assert not any(form_first.complains(t) for t in ("社区的人老是不接电话", "刘婆婆", "不投诉", "隔壁举报过"))
    events = [LISTEN, _user("request_human", "找工作人员"), ActionExecuted("action_request_callback"), ActionExecuted("callback_form"),
              RasaActiveLoop("callback_form"), RasaSlotSet("requested_slot", "contact_phone"), LISTEN, _user("complain", "投诉"),
              RasaActiveLoop(None), RasaSlotSet("requested_slot", None), RasaSlotSet("paused_form", "callback_form"),
              ActionExecuted("complaint_form"), RasaActiveLoop("complaint_form"), RasaSlotSet("requested_slot", "complaint_text")]
    assert _next(rules, events) == "action_listen"
    events += [LISTEN, _user("inform", "等了一晚上都没人打电话")]
    assert _next(rules, events) == "complaint_form"


# ---- 5. the son: "报上没得" -----------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_whether_it_was_reported_is_answered_honestly_before_the_questions(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionReadEmergency().run(dispatcher, tracker(text="我妈屋头着火了 你们那边报上没得", intent="report_emergency"), {})
    assert responses(dispatcher) == ["utter_emergency_others_private"]
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values["emergency_for"] == "other" and values["emergency_about"] == {"reporter": "子女"}
    assert values["emergency_what"] == "我妈屋头着火了 你们那边报上没得"
    assert not fake_backend.answers()  # nothing looked up about anyone's report
    # said with his answers at the name question: the answers taken, the same sentence once
    slots = {**values, "requested_slot": "applicant_name"}
    after, said = await turn(ValidateEmergencyForm(), "applicant_name", "刘秀兰 11010519491231002X 我是她儿子 在广东打工 "
                             "隔壁黄大姐说帮她报了的", slots, "emergency_form")
    assert after["applicant_name"] == "刘秀兰" and after["applicant_id"] == "11010519491231002X"
    assert said == ["utter_emergency_others_private"] and after["emergency_about"]["told"] is True
    after, said = await turn(ValidateEmergencyForm(), "applicant_phone", "我妈没得手机 留我的 13760428815 隔壁说报了的", after,
                             "emergency_form")
    assert said == ["utter_emergency_unconfirmed"]  # not told twice


@pytest.mark.asyncio
async def test_the_sons_reference_to_the_neighbours_report_at_the_code_question(fake_backend) -> None:  # noqa: ANN001
    slots = {**FIRE, "emergency_for": "other", "applicant_name": "刘秀兰", "applicant_id": "500103193804150044",
             "applicant_phone": "13760428815", "verify_phone": "13760428815", "citizen_token": None}
    after, said = await turn(ValidateEmergencyForm(), "verify_code", "隔壁黄大姐前头报了的 编号HD000001 你们查一下嘛", slots,
                             "emergency_form")
    assert said == ["utter_emergency_others_private"] and after["requested_slot"] == "verify_code"
    assert not fake_backend.answers()  # no code checked: "验证码不对" was what he got


@pytest.mark.asyncio
async def test_his_phone_when_hers_does_not_exist(fake_backend) -> None:  # noqa: ANN001
    slots = {**FIRE, "emergency_for": "other", "applicant_name": "刘秀兰", "applicant_id": "500103193804150044"}
    after, said = await turn(ValidateEmergencyForm(), "applicant_phone", "我妈没得手机 留我的 13760428815", slots, "emergency_form")
    assert said == ["utter_emergency_unconfirmed"] and after["contact_phone"] == "13760428815"
    assert after["applicant_phone"] is None and after["verify_code"] == emergency.UNCONFIRMED
    assert after["emergency_about"]["her_phone"] == "没有手机" and after["requested_slot"] == "street"
    assert not fake_backend.answers()  # no code sent to him as if it were hers


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["到底报上没得", "我刚报的 好久有人去看我爸嘛"])
async def test_was_it_reported_after_his_report_is_answered_from_it(text: str) -> None:
    # Round 2: a son asked "到底报上没得" three minutes after filing; the phone was verified and he heard
    # "这个手机号下面还没有申请记录", three times.
    kept = {"at": emergency_booked.now() - 180, "number": "HD000001", "caller": "两路口街道", "due": "12月8日（星期二）一上班",
            "phone_masked": "139****1463"}
    dispatcher = CollectingDispatcher()
    events = await ActionStartVerifiedQuery().run(dispatcher, plain_tracker({emergency_booked.SLOT: kept}, text=text,
                                                                            intent="query_progress"), {})
    assert events == [UserUtteranceReverted()]
    # No phone kept to put a hurry on (and nobody asked who is at work): "我帮您催一次" is not promised (helper J, s9).
    assert [m.get("response") for m in dispatcher.messages][0] == "utter_emergency_just_filed_no_hurry"
    assert dispatcher.messages[0]["number"] == "HD000001"
