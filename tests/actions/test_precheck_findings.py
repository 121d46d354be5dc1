"""Found by testers who used the chat as real people, in the pre-check (资格预判) and the application's read-back:
a question asked back at the illness question, "没有" to 城镇还是农村, "城镇户口" after the result, a bare name to
给自己还是帮别人, family members' incomes missing from the read-back, and "两个人加起来的嘛" at the income question.
The validation actions run whole, as the action server runs them, against the real domain and the fake backend."""

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback
from actions.form_first import looks_like_answer
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionAskConfirmed, ActionLooseAnswer, ActionSubmitApplication
from actions.precheck import ActionPrecheck
from tests.actions.answers_helpers import DOMAIN, DOMAIN_DICT, HER_ID, HIS_ID, install, plain_tracker, said, turn, wording

ELIGIBILITY = "eligibility_form"
BEFORE_ILLNESS = {"household_size": 1.0, "monthly_income": 300.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 68.0,
                  "region": "重庆", "hukou": None}
HEARD = {**BEFORE_ILLNESS, "illness_or_disability": False, "hukou": "农村户口"}


def answered(slot: str, value: object, text: str, slots: dict, form: str, intent: str = "inform") -> Tracker:
    """The tracker after `text` was said to the question for `slot`, the slot's mapping having filled it with `value`."""
    return Tracker("t-1", {**slots, "requested_slot": slot, slot: value}, {"text": text, "intent": {"name": intent, "confidence": 1.0},
                   "entities": []}, [{"event": "action", "name": form}, {"event": "slot", "name": slot, "value": value}], False, None,
                   {"name": form}, "action_listen")


async def run_form(action, tracker: Tracker, slots: dict) -> tuple[dict, list]:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN_DICT)
    return {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}, dispatcher.messages


async def spoken(message: dict, slots: dict) -> str:
    """The text Rasa says for a response the action sent, with its values."""
    values = {k: v for k, v in message.items() if k not in ("response", "text", "buttons", "elements", "custom", "template", "image",
                                                             "attachment", "json_message")}
    return await wording(message["response"], slots, **values)


# 1. "有残疾没有" at the illness question: a question back, explained, and the question again.

@pytest.mark.asyncio
@pytest.mark.parametrize(("value", "intent"), [("有残疾没有", "inform"), (False, "deny"), (True, "affirm")])
async def test_a_question_back_at_the_illness_question_is_explained_and_asked_again(fake_backend, value, intent) -> None:  # noqa: ANN001
    """The slot's intent mappings make "有残疾没有" a yes or a no before its validator sees it: the words decide."""
    tracker = answered("illness_or_disability", value, "有残疾没有", BEFORE_ILLNESS, ELIGIBILITY, intent)
    after, messages = await run_form(ValidateEligibilityForm(), tracker, BEFORE_ILLNESS)
    assert after["illness_or_disability"] is None and after["requested_slot"] == "illness_or_disability"
    assert said(messages) == ["utter_illness_what_counts"]  # not "没太明白", not counted as a wrong answer
    assert not after.get("form_retries")
    text = await spoken(messages[0], after)
    assert "残疾证" in text and "大病" in text


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "value"), [("没有", False), ("有", True), ("有残疾证", True), ("没什么病", False),
                                             ("我老伴有残疾", True)])
async def test_the_illness_answers_still_answer(fake_backend, text: str, value: bool) -> None:  # noqa: ANN001
    after, messages = await run_form(ValidateEligibilityForm(), answered("illness_or_disability", text, text, BEFORE_ILLNESS, ELIGIBILITY),
                                     BEFORE_ILLNESS)
    assert after["illness_or_disability"] is value and "utter_illness_what_counts" not in said(messages)


def test_a_question_back_read_as_a_policy_question_stays_with_the_form() -> None:
    assert looks_like_answer("illness_or_disability", "残疾算不算？", "ask_policy", ELIGIBILITY)
    assert looks_like_answer("monthly_income", "每月收入是两个人加起来的嘛", "ask_policy", ELIGIBILITY)
    assert not looks_like_answer("monthly_income", "低保标准是多少", "ask_policy", ELIGIBILITY)


# 2. "没有" / "不晓得" to 城镇还是农村: never 城镇; asked again kindly with the two buttons.

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["没有", "不晓得", "不晓得是城镇还是农村", "搞不清楚", "不是城镇户口"])
async def test_no_hukou_said_is_never_taken_for_urban(fake_backend, text: str) -> None:  # noqa: ANN001
    slots = {**HEARD, "hukou": None}
    after, messages = await run_form(ValidateEligibilityForm(), answered("hukou", text, text, slots, ELIGIBILITY), slots)
    assert after["hukou"] is None and after["requested_slot"] == "hukou"
    assert said(messages) == ["utter_hukou_not_guessed"] and after["ask_style"] == "help"
    assert "不乱猜" in await spoken(messages[0], after)
    again = DOMAIN.responses["utter_ask_hukou"][1]
    assert again["condition"][0]["value"] == "help" and [b["payload"] for b in again["buttons"]] == ["城镇户口", "农村户口"]


@pytest.mark.asyncio
async def test_the_hukou_said_reaches_the_backend_as_said(fake_backend) -> None:  # noqa: ANN001
    slots = {**HEARD, "hukou": None}
    after, _ = await run_form(ValidateEligibilityForm(), answered("hukou", "农村的", "农村的", slots, ELIGIBILITY), slots)
    assert after["hukou"] == "农村户口"
    await ActionPrecheck().run(CollectingDispatcher(), plain_tracker(after), {})
    assert fake_backend.body()["hukou"] == "rural"


@pytest.mark.asyncio
async def test_no_hukou_said_in_the_application_is_asked_again_the_same_way(fake_backend) -> None:  # noqa: ANN001
    slots = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "张秀英", "applicant_id": HER_ID,
             "citizen_token": "citizen-token", "verified_phone": "13812345678", "applicant_phone": "13812345678", "street": "城关镇"}
    after, messages = await turn(ValidateApplicationForm(), "hukou", "没有", slots)
    assert after["hukou"] is None and said(messages) == ["utter_hukou_not_guessed"]


# 3. "城镇户口" after the result: the pre-check again with it, never the global fallback.

async def precheck_done(fake) -> dict:  # noqa: ANN001
    install(fake)
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, plain_tracker(HEARD), {})
    assert fake.body()["hukou"] == "rural"
    return {"precheck_heard": next(e["value"] for e in events if e["name"] == "precheck_heard"), "region": "重庆"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "text", "intent"), [(ActionLooseAnswer(), "城镇户口", "inform"),
                                                        (ActionFallback(), "不对，是城镇户口", "nlu_fallback")])
async def test_hukou_said_after_the_result_corrects_it(fake_backend, action, text: str, intent: str) -> None:  # noqa: ANN001
    slots = await precheck_done(fake_backend)
    fake_backend.requests.clear()
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, plain_tracker(slots, text, intent), {})
    body = fake_backend.body()
    assert body["hukou"] == "urban"
    assert body["members"][0]["incomes"] == [{"kind": "收入", "monthly_amount": 300.0}] and body["members"][0]["age"] == 68
    responses = said(dispatcher.messages)
    assert responses[0] == "utter_corrected" and "utter_default" not in responses and "utter_precheck_result" in responses
    assert await spoken(dispatcher.messages[0], {}) == "好的，户口改过来了。"
    heard = next(e["value"] for e in events if e["name"] == "precheck_heard")
    assert heard["hukou"] == "urban" and heard["monthly_income"] == 300.0  # what an application then carries


@pytest.mark.asyncio
async def test_the_same_hukou_again_says_the_result_stands(fake_backend) -> None:  # noqa: ANN001
    slots = await precheck_done(fake_backend)
    fake_backend.requests.clear()
    dispatcher = CollectingDispatcher()
    assert await ActionLooseAnswer().run(dispatcher, plain_tracker(slots, "农村户口"), {}) == []
    assert said(dispatcher.messages) == ["utter_precheck_hukou_same"] and not fake_backend.answers()
    assert await spoken(dispatcher.messages[0], {}) == "刚才就是按农村户口算的，结果还是上面说的那样。"


# 4. A bare name to 给自己还是帮别人: kept for the name question, one short confirming question.

START = {"assistance_type": "低保"}


@pytest.mark.asyncio
async def test_a_bare_name_for_whom_is_kept_and_confirmed(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "filing_for", "王秀英", START)
    assert slots["applicant_name"] == "王秀英" and slots["filing_for"] is None and slots["requested_slot"] == "filing_for"
    assert "utter_not_understood" not in said(messages) and not slots.get("form_retries")
    question = await wording("utter_ask_filing_for", slots)
    assert question == "是给王秀英本人申请吗？"
    slots, _ = await turn(ValidateApplicationForm(), "filing_for", "是的", slots)
    assert slots["filing_for"] == "self" and slots["applicant_name"] == "王秀英"
    assert slots["requested_slot"] == "applicant_id"  # her name is not asked again


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "filing_for", "name"), [("帮王秀英申请", "other", "王秀英"),  # the second button
                                                          ("给我自己", "self", "王秀英"),   # the first button
                                                          ("帮她", "other", "王秀英"),
                                                          ("帮别人", "other", None),         # not for her: her name not kept
                                                          ("不是", None, None)])              # the plain question again
async def test_the_confirming_question_answers(fake_backend, text: str, filing_for, name) -> None:  # noqa: ANN001
    slots = {**START, "applicant_name": "王秀英"}
    after, messages = await turn(ValidateApplicationForm(), "filing_for", text, slots)
    assert (after["filing_for"], after["applicant_name"]) == (filing_for, name)
    assert "utter_not_understood" not in said(messages)
    if filing_for is None:
        assert await wording("utter_ask_filing_for", after) == "是给您自己申请，还是帮别人申请？"


@pytest.mark.asyncio
async def test_the_confirming_question_has_its_buttons() -> None:
    tracker = DialogueStateTracker.from_events("t-1", [SlotSet("applicant_name", "王秀英")], slots=DOMAIN.slots)
    message = await TemplatedNaturalLanguageGenerator(DOMAIN.responses).generate("utter_ask_filing_for", tracker, "rest")
    assert [(b["title"], b["payload"]) for b in message["buttons"]] == [("是，我就是王秀英", "给我自己"), ("我是帮王秀英申请", "帮王秀英申请")]


# 5. The read-back shows each family member's income on its own line, next to the applicant's.

FILLED = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "verified_phone": "13812345678",
          "applicant_name": "张秀英", "applicant_id": HER_ID, "applicant_phone": "13812345678", "street": "渝中区七星岗街道",
          "area_code": "500103001", "hukou": "城镇户口", "monthly_income": 1200.0, "savings": 0.0, "more_members": False,
          "reason": "老伴走了，我身体不好",
          "members": [{"name": "李建国", "relation": "配偶", "id_number": HIS_ID, "income": 800.0},
                      {"name": "李小红", "relation": "子女", "id_number": "11010519491231002X", "income": 350.0, "income_said": "三四百"}]}


@pytest.mark.asyncio
async def test_each_members_income_is_read_back_on_its_own_line(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(FILLED), {})
    text = await spoken(dispatcher.messages[0], FILLED)
    # The household's 1200 and, in it, hers: what is left after the members' (tests/actions/test_income_once.py).
    assert ("每月收入：全家一共1200元，其中张秀英自己约50元\n李建国每月收入：800元\n李小红每月收入：约三四百元（大概数，请工作人员核实）\n"
            "存款：0元") in text
    assert "家庭成员：李建国（配偶）、李小红（子女）\n" in text  # the rough figure is noted on her own line, once
    assert {"title": "改李建国每月收入", "payload": "改李建国每月收入"} in dispatcher.messages[0]["buttons"]
    # What is read back is what is filed.
    await ActionSubmitApplication().run(CollectingDispatcher(), plain_tracker({**FILLED, "confirmed": True, "submission_key": "m-1"}), {})
    members = fake_backend.submitted["m-1"]["members"]
    assert [m["incomes"][0]["monthly_amount"] for m in members] == [50.0, 800.0, 350.0]


@pytest.mark.asyncio
async def test_a_members_income_button_asks_only_her_income_again(fake_backend) -> None:  # noqa: ANN001
    text = "改李建国每月收入"
    after, messages = await run_form(ValidateApplicationForm(), answered("confirmed", text, text, FILLED, "application_form"), FILLED)
    assert after["members"] == FILLED["members"][1:] and after["monthly_income"] == 1200.0
    assert (after["member_name"], after["member_id"], after["member_relation"]) == ("李建国", HIS_ID, "配偶")
    assert after["requested_slot"] == "member_income"


# 6. "每月收入是两个人加起来的嘛" at the income question: answered in one sentence, then the question again.

@pytest.mark.asyncio
@pytest.mark.parametrize(("form", "action", "slots"), [
    (ELIGIBILITY, ValidateEligibilityForm(), {"household_size": 2.0}),
    ("application_form", ValidateApplicationForm(), {**{k: v for k, v in FILLED.items() if k not in (
        "monthly_income", "savings", "more_members", "reason", "members")}}),
])
async def test_whose_income_is_answered_and_asked_again(fake_backend, form: str, action, slots: dict) -> None:  # noqa: ANN001
    install(fake_backend)
    text = "每月收入是两个人加起来的嘛"
    after, messages = await run_form(action, answered("monthly_income", text, text, slots, form, "ask_policy"), slots)
    assert after["monthly_income"] is None and after["requested_slot"] == "monthly_income" and not after.get("form_retries")
    # (in the application "两个人" also says there is someone else at home: noted ahead, asked as usual)
    assert said(messages)[0] == "utter_income_is_household" and "utter_not_understood" not in said(messages)
    assert "全家一起生活的人" in await spoken(messages[0], after)
    # The figure then said is the household's, and is what the pre-check sends.
    after, _ = await run_form(action, answered("monthly_income", "两个人加起来一千二", "两个人加起来一千二", after, form), after)
    assert after["monthly_income"] == 1200.0
