"""Session 9 tester (邓秀兰, 88, alone in 渝中 两路口, 重庆话): the type she chose is never changed without a word. When the
pre-check finds 特困 pays more than 低保, that is said once, plainly, with two buttons that each carry their type, and the
type she asked for stays until she picks (a tester who pressed 申请低保 was read back 申请类型：特困 with no word why)."""

import re

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency_next import ActionOutOfScope
from actions.fallback import ActionFallback
from actions.form_first import is_resume, rests
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.notes import illness_note
from actions.journeys import ActionAskConfirmed, ActionLooseAnswer, ActionStartApplication
from actions.policy import ActionAnswerPolicy
from actions.precheck import ActionPrecheck
from tests.actions.answers_helpers import DOMAIN_DICT, HER_ID, install, plain_tracker, said, turn, wording
from tests.actions.test_precheck_asides_s9_m import HEARD_SO_FAR, precheck_turn, with_rules
from tests.actions.test_retries import answer

HEARD = {"household_size": 1.0, "monthly_income": 0.0, "income_excluded": "城乡居民基础养老金", "savings": 3000.0,
         "applicant_age": 88.0, "illness_or_disability": False, "has_supporter": False, "region": "重庆", "hukou": "城镇户口"}
BOTH = {"standard": "770.00", "results": [
    {"assistance_type": "低保", "eligible": True, "monthly_amount": "770",
     "reason": "家庭1人，月人均收入0元，低于重庆市城市低保标准770元；按差额每人770元，全家每月770元。"},
    {"assistance_type": "特困", "eligible": True, "monthly_amount": "1001",
     "reason": "申请人88岁，已满60周岁，无劳动能力、无生活来源、无有能力的义务人，可按特困供养标准每月1001元。"}]}


def both_met(fake) -> None:  # noqa: ANN001
    install(fake)
    inner = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/eligibility/precheck"):
            return httpx.Response(200, json=BOTH)
        return inner(request)

    fake.handler = handler


@pytest.mark.asyncio
@pytest.mark.parametrize("asked", ["低保", None])
async def test_tekun_paying_more_is_said_once_and_she_picks(fake_backend, asked) -> None:  # noqa: ANN001
    both_met(fake_backend)
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, plain_tracker({**HEARD, "assistance_type": asked}), {})
    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_offer_which_type"
    text = await wording("utter_offer_which_type", {}, tekun=offer["tekun"], dibao=offer["dibao"])
    assert text == "按您的情况，特困每月1001元，比低保770元多；一般两样只能吃一样。您要申请哪个？"
    assert [b["title"] for b in offer["buttons"]] == ["申请特困", "申请低保"]
    # Never 特困 put in her place: the type she asked for stays; with none asked, none is chosen for her.
    typed = [e["value"] for e in events if e.get("name") == "assistance_type"]
    assert "特困" not in typed and (typed == [] if asked else typed == [None])


@pytest.mark.asyncio
async def test_the_button_she_pressed_is_the_type_filed(fake_backend) -> None:  # noqa: ANN001
    both_met(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionPrecheck().run(dispatcher, plain_tracker(HEARD), {})
    pressed = next(b for b in dispatcher.messages[-1]["buttons"] if b["title"] == "申请低保")["payload"]
    assert pressed == '/apply_assistance{"assistance_type":"低保"}'
    # Rasa reads that payload as the intent with the entity: the application starts as 低保, said nowhere else.
    tracker = Tracker("web-g8", {**HEARD, "assistance_type": "特困", "precheck_heard": {"household_size": 1}},
                      {"text": pressed, "intent": {"name": "apply_assistance", "confidence": 1.0},
                       "entities": [{"entity": "assistance_type", "value": "低保"}]}, [], False, None, {}, "action_listen")
    events = await ActionStartApplication().run(CollectingDispatcher(), tracker, {})
    assert [e["value"] for e in events if e.get("name") == "assistance_type"] == ["低保"]


# 4. "我以后咋个查嘛": how to follow the application, never "这个我帮不上忙…12345".

@pytest.mark.asyncio
@pytest.mark.parametrize("action", [ActionOutOfScope(), ActionFallback()])
@pytest.mark.parametrize("text", ["我以后咋个查嘛", "以后怎么查进度", "交了在哪里查结果"])
async def test_how_to_check_is_answered(fake_backend, action, text: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, plain_tracker({}, text, "out_of_scope"), {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_how_to_check"]
    wording_ = await wording("utter_how_to_check", {})
    assert "办到哪一步了" in wording_ and "短信" in wording_ and "窗口" in wording_


# 5. "我一个月就一百五十多块" with no form open: the pre-check offered, the figure carried into it.

@pytest.mark.asyncio
@pytest.mark.parametrize("action", [ActionLooseAnswer(), ActionFallback()])
async def test_an_income_said_alone_offers_the_precheck_with_it(fake_backend, action) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, plain_tracker({}, "我一个月就一百五十多块", "inform"), {})
    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_offer_precheck_income"
    assert await wording("utter_offer_precheck_income", {}, income=offer["income"]) == \
        "您一个月150多元，记下了。要不要我帮您测一测能不能吃低保？"
    assert [b["payload"] for b in offer["buttons"]] == ["/check_eligibility", "/deny"]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["monthly_income"] == 150 and slots["amounts_said"] == {"monthly_income": "150多"}
    # The pre-check's form then does not ask the income again (Rasa skips a filled slot).
    assert "monthly_income" in DOMAIN_DICT["forms"]["eligibility_form"]["required_slots"]


# 3. A question at the read-back is answered (the visit's time limits, before filing), then ONE short line — never
# "没太明白", never the whole read-back again.

VISIT = "按规定，申请交上去以后，街道（乡镇）3个工作日内受理；受理以后3个工作日内开始入户调查，工作人员会上门看看家里的实际情况。"
READY = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "邓秀兰", "applicant_id": HER_ID,
         "citizen_token": "citizen-token", "verified_phone": "13812345678", "applicant_phone": "13812345678",
         "street": "渝中区两路口街道", "area_code": "500103004", "hukou": "城镇户口", "monthly_income": 0.0, "savings": 3000.0,
         "more_members": False, "reason": "一个人住 年纪大了"}


def visits_answered(fake) -> None:  # noqa: ANN001
    """As the backend (backend/policy/visits.py): when the visit comes, asked in words, is answered from the time limits."""
    inner = fake.handler if hasattr(fake, "handler") else fake.route

    def handler(request: httpx.Request) -> httpx.Response:
        said = request.url.params.get("said") or ""
        if request.url.path.endswith("/policy/answer") and re.search(r"好久|啥子时候|什么时候", said) \
                and re.search(r"有人来|上门", said):
            return httpx.Response(200, json={"answer": VISIT, "term": "入户调查时间", "needs_region": False, "region": None})
        return inner(request)

    fake.handler = handler


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["好久有人来我屋头看嘛", "啥子时候有人上门来看嘛 我腿不好走不动"])
async def test_a_visit_question_at_the_readback_is_answered_then_one_short_line(fake_backend, text: str) -> None:  # noqa: ANN001
    visits_answered(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, READY)
    assert VISIT in said(messages) and "utter_not_understood" not in said(messages)
    assert after.get("confirmed") is None and after["readback_short"] is True
    assert ("utter_visit_comes_to_her" in said(messages)) == ("走不动" in text)
    # Asked again in one line with its buttons, never the whole read-back; the next time, the whole one again.
    dispatcher = CollectingDispatcher()
    events = await ActionAskConfirmed().run(dispatcher, plain_tracker(after), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_readback_short"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]][:2] == ["对，提交", "有地方要改"]
    assert await wording("utter_readback_short", {}) == "上面的信息对的话，点“对，提交”；哪一项不对，点它后面的“改”。"
    assert {e["name"]: e["value"] for e in events}["readback_short"] is None


@pytest.mark.asyncio
async def test_the_visit_question_read_as_a_policy_question_at_the_readback_gets_the_short_line(fake_backend) -> None:  # noqa: ANN001
    visits_answered(fake_backend)
    text = "啥子时候有人上门来看嘛 我腿不好走不动"
    tracker = Tracker("web-g8", {**READY, "requested_slot": "confirmed"},
                      {"text": text, "intent": {"name": "ask_policy", "confidence": 1.0}, "entities": []}, [], False, None,
                      {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"] == VISIT
    assert {e["name"]: e["value"] for e in events}["readback_short"] is True


@pytest.mark.asyncio
async def test_how_to_check_at_the_readback_is_answered(fake_backend) -> None:  # noqa: ANN001
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "我以后咋个查嘛", READY)
    assert said(messages) == ["utter_how_to_check"] and after["readback_short"] is True and after.get("confirmed") is None


# 2. Everything said about her health is kept as said, said back, read back, filed, and "写上没得" is answered from it.

@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "response", "back"), [
    ("腿不好 要拄拐 还有高血压", "utter_illness_chronic_noted", "腿不好，要拄拐；高血压"),
    ("腿不好 要拄拐", "utter_health_noted", "腿不好，要拄拐")])
async def test_the_leg_and_the_crutch_are_kept_with_the_illness(fake_backend, text: str, response: str, back: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    after, messages, _ = await precheck_turn("illness_or_disability", text, {**HEARD_SO_FAR, "applicant_age": 88.0}, "inform")
    assert after["illness_or_disability"] is False and after["illness_said"] == text
    assert messages == [response]
    dispatcher = CollectingDispatcher()
    await ValidateEligibilityForm().run(dispatcher, answer("illness_or_disability", text, {**HEARD_SO_FAR,
                                        "requested_slot": "illness_or_disability"}, "eligibility_form"), DOMAIN_DICT)
    assert back in (dispatcher.messages[0].get("illness"), dispatcher.messages[0].get("said"))  # never only "高血压"
    assert (await wording(response, {}, illness=back, said=back)).startswith(f"记下了：{back}。")


@pytest.mark.asyncio
async def test_her_health_is_read_back_and_filed_as_said(fake_backend) -> None:  # noqa: ANN001
    slots = {**READY, "precheck_heard": {"household_size": 1, "illness_said": "腿不好 要拄拐 还有高血压"}}
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(slots), {})
    assert "身体情况：腿不好，要拄拐；高血压" in dispatcher.messages[0]["lines"].split("\n")
    assert "（测算时说的身体情况：腿不好，要拄拐；高血压，" in illness_note("腿不好 要拄拐 还有高血压")


@pytest.mark.asyncio
async def test_written_down_asked_at_the_readback_is_answered_from_the_record(fake_backend) -> None:  # noqa: ANN001
    slots = {**READY, "precheck_heard": {"household_size": 1, "illness_said": "腿不好 要拄拐 还有高血压"}}
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "我腿不好 高血压 写上没得", slots)
    assert said(messages) == ["utter_health_recorded"] and after["readback_short"] is True and after.get("confirmed") is None
    assert await wording("utter_health_recorded", {}, said="腿不好，要拄拐；高血压") == \
        "写上了：身体情况“腿不好，要拄拐；高血压”，工作人员会看到，会核实。"
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "我腿不好 高血压 写上没得", READY)
    assert said(messages) == ["utter_health_not_recorded"]


# 6. "我歇一哈" at the 户口 question is a pause (every answer kept; "继续嘛" resumes), never "不知道户口".

@pytest.mark.asyncio
@pytest.mark.parametrize(("form", "action", "slots"), [
    ("application_form", ValidateApplicationForm(), {k: v for k, v in READY.items() if k not in ("hukou", "monthly_income", "savings",
                                                                                                   "more_members", "reason")}),
    ("eligibility_form", ValidateEligibilityForm(), {**HEARD_SO_FAR, "illness_or_disability": False, "has_supporter": False,
                                                     "region": "重庆"})])
@pytest.mark.parametrize("text", ["我歇一哈", "让我歇口气", "累了 先休息一下"])
async def test_a_rest_at_the_hukou_question_pauses_the_form(fake_backend, form: str, action, slots: dict, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, answer("hukou", text, {**slots, "requested_slot": "hukou"}, form), DOMAIN_DICT)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_rest"]
    assert {"event": "followup", "name": "action_pause_form"} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert all(e.get("value") is None for e in events if e.get("name") == "hukou")  # nothing read as her 户口
    assert not any(e.get("name") in slots and e.get("value") is None for e in events)  # every answer kept
    assert "继续" in await wording("utter_rest", {})


def test_resume_words_still_resume_and_answers_are_no_rest() -> None:
    assert is_resume("继续嘛") and not rests("城镇户口") and not rests("我歇台子住") and rests("我歇一哈")


@pytest.mark.asyncio
async def test_the_type_she_wants_said_at_the_readback_is_the_type(fake_backend) -> None:  # noqa: ANN001
    text = "我要吃低保 咋个写的特困哦"
    tracker = Tracker("web-g8", {**READY, "assistance_type": "特困", "requested_slot": "confirmed"},
                      {"text": text, "intent": {"name": "ask_policy", "confidence": 1.0},
                       "entities": [{"entity": "assistance_type", "value": "特困"}]}, [], False, None,
                      {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_corrected"]  # said, never 特困's definition
    assert {e["name"]: e["value"] for e in events}["assistance_type"] == "低保"
    after, _ = await turn(ValidateApplicationForm(), "confirmed", text, {**READY, "assistance_type": "特困"})
    assert after["assistance_type"] == "低保" and after.get("confirmed") is None
