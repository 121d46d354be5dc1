"""Issue #11 items 2 and 3: no form loops on an answer it cannot use, natural answers to either/or
questions, nothing asked twice, nothing silently overwritten. The validation actions run whole (`run`),
as the action server runs them, against the real domain and the fake backend."""

from pathlib import Path

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions import parsing
from actions.forms import ValidateApplicationForm, ValidateComplaintForm, ValidateEmergencyForm, ValidateVerifyForm
from actions.journeys import ActionStartApplication, ActionSubmitApplication

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "bot" / "domain.yml"))
DOMAIN_DICT = DOMAIN.as_dict()
VALID_ID = "11010519491231002X"


def answer(slot: str, text: str, slots: dict | None = None, form: str = "application_form", intent: str = "inform") -> Tracker:
    """The tracker a validation action gets when the user answered `text` to the question for `slot`."""
    events = [{"event": "action", "name": form}, {"event": "slot", "name": slot, "value": text}]
    return Tracker("t-1", {**(slots or {}), "requested_slot": slot, slot: text},
                   {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}, events, False, None,
                   {"name": form}, "action_listen")


async def turn(action, slot: str, text: str, slots: dict, form: str = "application_form") -> tuple[dict, list]:  # noqa: ANN001
    """One answer through the whole validation action: the slots after it, and what was said."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, answer(slot, text, slots, form), DOMAIN_DICT)
    after = dict(slots)
    after.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return after, [m.get("response") or m.get("text") for m in dispatcher.messages]


async def wording(response: str, slots: dict) -> str:
    """What Rasa would say for `response` with these slots (the conditional variations)."""
    tracker = DialogueStateTracker.from_events("t-1", [SlotSet(k, v) for k, v in slots.items()], slots=DOMAIN.slots)
    message = await TemplatedNaturalLanguageGenerator(DOMAIN.responses).generate(response, tracker, "rest")
    return message["text"]


@pytest.mark.asyncio
async def test_yes_to_an_either_or_question_is_rephrased_with_buttons_then_a_person_is_offered() -> None:
    form = ValidateApplicationForm()
    slots = {"assistance_type": "低保"}
    slots, said = await turn(form, "filing_for", "是的", slots)
    assert slots["filing_for"] is None and said == ["utter_either_or"] and slots["ask_style"] == "help"
    assert "给我自己" in await wording("utter_ask_filing_for", slots)  # the question asked next is the rephrased one
    slots, said = await turn(form, "filing_for", "对", slots)
    assert slots["form_retries"] == {"filing_for": 2}
    slots, said = await turn(form, "filing_for", "是", slots)
    assert said[-1] == "utter_retry_offer" and slots["ask_style"] is None  # a person, or a pause; the plain question
    slots, said = await turn(form, "filing_for", "给我自己", slots)
    assert slots["filing_for"] == "self" and slots["form_retries"] is None and said == []


@pytest.mark.asyncio
async def test_the_same_question_is_never_asked_three_times_in_a_row() -> None:
    form = ValidateApplicationForm()
    slots = {"assistance_type": "低保", "filing_for": "other"}
    asked = [await wording("utter_ask_helper_name", slots)]
    offers = []
    for _ in range(5):
        slots, said = await turn(form, "helper_name", "？？", slots)
        assert slots["helper_name"] is None
        asked.append(await wording("utter_ask_helper_name", slots))
        offers.append("utter_retry_offer" in said)
    assert all(not (a == b == c) for a, b, c in zip(asked, asked[1:], asked[2:])), asked
    assert offers == [False, False, True, True, True]


@pytest.mark.asyncio
async def test_the_first_unusable_answer_says_it_was_not_understood() -> None:
    # ("啥子哦" asks what the question means: its simpler wording, tests/actions/test_precheck_asides_s9_m.py.)
    slots, said = await turn(ValidateApplicationForm(), "more_members", "这个嘛", {"assistance_type": "低保"})
    assert said == ["utter_not_understood"] and slots["form_retries"] == {"more_members": 1}


@pytest.mark.asyncio
async def test_a_skippable_question_can_be_skipped_and_the_caseworker_is_told(fake_backend) -> None:
    form = ValidateApplicationForm()
    slots, said = await turn(form, "monthly_income", "跳过", {"assistance_type": "低保"})
    assert slots["monthly_income"] == 0.0 and slots["skipped_slots"] == ["monthly_income"] and said == ["utter_skipped"]
    slots, said = await turn(form, "street", "不知道", {"assistance_type": "低保"})
    assert slots["street"] is None and "utter_skipped" not in said  # the street cannot be skipped
    submit = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "t", "applicant_name": "张秀英", "applicant_id": VALID_ID,
              "applicant_phone": "13812345678", "area_code": "500103001", "monthly_income": 0.0, "savings": 0.0, "members": [],
              "reason": "老伴去世", "confirmed": True, "submission_key": "k", "skipped_slots": ["monthly_income"]}
    await ActionSubmitApplication().run(CollectingDispatcher(), Tracker("t-1", submit, {}, [], False, None, {}, "action_listen"), {})
    assert fake_backend.body()["reason"] == "老伴去世（在线未答：月收入，请工作人员核实）"


@pytest.mark.asyncio
async def test_every_form_uses_the_same_mechanism() -> None:
    _, said = await turn(ValidateComplaintForm(), "complaint_text", "嗯", {}, form="complaint_form")
    assert said == ["utter_not_understood"]
    slots, said = await turn(ValidateEmergencyForm(), "emergency_what", "跳过", {}, form="emergency_form")
    assert slots["emergency_what"].startswith("未说明") and said == ["utter_skipped"]


def test_natural_answers_to_for_whom() -> None:
    answers = {t: parsing.parse_filing_for(t) for t in ("给我自己", "我自己", "自己的", "是我本人", "本人", "帮我申请", "帮我妈", "帮我奶奶",
                                                         "给我爸申请", "替邻居", "我是网格员", "是的", "对")}
    assert answers == {"给我自己": "self", "我自己": "self", "自己的": "self", "是我本人": "self", "本人": "self", "帮我申请": "self",
                       "帮我妈": "other", "帮我奶奶": "other", "给我爸申请": "other", "替邻居": "other", "我是网格员": "other",
                       "是的": None, "对": None}


@pytest.mark.asyncio
async def test_for_my_grandmother_also_says_who_the_helper_is() -> None:
    slots, _ = await turn(ValidateApplicationForm(), "filing_for", "帮我奶奶", {"assistance_type": "低保"})
    # 我奶奶: the applicant is the helper's grandmother, so the helper is the applicant's grandchild.
    assert (slots["filing_for"], slots["helper_kind"], slots["helper_relation"]) == ("other", "relative", "孙子女")
    assert slots["requested_slot"] == "helper_name"


@pytest.mark.asyncio
async def test_yes_is_not_a_helper_kind_and_a_grandson_is_a_relative() -> None:
    slots, said = await turn(ValidateApplicationForm(), "helper_kind", "是的", {"assistance_type": "低保", "filing_for": "other"})
    assert slots["helper_kind"] is None and said == ["utter_either_or"]
    slots, _ = await turn(ValidateApplicationForm(), "helper_kind", "我是她孙子", slots)
    assert (slots["helper_kind"], slots["helper_relation"]) == ("relative", "孙子女")


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "said", "asked"), [
    ("我想帮我奶奶申请低保", {"filing_for": "other", "helper_kind": "relative", "helper_relation": "孙子女"}, "helper_name"),
    ("我是网格员，帮我们社区的王婆婆申请低保", {"filing_for": "other", "helper_kind": "grid_worker"}, "helper_name"),
    ("帮我奶奶张秀英申请低保", {"filing_for": "other", "helper_kind": "relative", "helper_relation": "孙子女", "applicant_name": "张秀英"},
     "helper_name"),
    ("我想给自己申请低保", {"filing_for": "self"}, "applicant_name"),
    ("我要申请低保", {}, "filing_for"),
])
async def test_the_first_message_fills_the_form(text, said, asked) -> None:  # noqa: ANN001
    t = Tracker("t-1", {}, {"text": text, "intent": {"name": "apply_assistance"}, "entities": []}, [], False, None, {}, "action_listen")
    events = await ActionStartApplication().run(CollectingDispatcher(), t, {})
    filled = {e["name"]: e["value"] for e in events if e["value"] is not None and e["name"] not in ("submission_key",)}
    assert filled == said
    slots = {"assistance_type": "低保", **filled}
    first = await ValidateApplicationForm().next_requested_slot(CollectingDispatcher(), Tracker("t-1", slots, {}, [], False, None, {}, "x"),
                                                               DOMAIN_DICT)
    assert first["value"] == asked


@pytest.mark.asyncio
async def test_name_and_id_in_one_answer(fake_backend) -> None:
    slots, _ = await turn(ValidateApplicationForm(), "applicant_name", "张秀英，11010519491231002x", {"assistance_type": "低保", "filing_for": "self"})
    assert (slots["applicant_name"], slots["applicant_id"], slots["requested_slot"]) == ("张秀英", VALID_ID, "applicant_phone")


@pytest.mark.asyncio
async def test_income_and_savings_in_one_answer_and_the_savings_alone_when_missing() -> None:
    base = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "t", "applicant_name": "张秀英", "applicant_id": VALID_ID,
            "applicant_phone": "13812345678", "street": "渝中区七星岗街道", "hukou": "城镇户口"}
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "收入三百，存款没有", base)
    assert (slots["monthly_income"], slots["savings"], slots["requested_slot"]) == (300.0, 0.0, "more_members")
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "一个月三百", base)
    assert (slots["monthly_income"], slots.get("savings"), slots["requested_slot"]) == (300.0, None, "savings")
    slots, _ = await turn(ValidateApplicationForm(), "savings", "没有存款，没有车，住的是公租房", slots)
    assert slots["savings"] == 0.0 and slots["assistance_type"] == "低保"


@pytest.mark.asyncio
async def test_an_answer_naming_another_type_does_not_change_the_application() -> None:
    """The entity mapping itself (Rasa's action_extract_slots): inside the form the type is only taken when asked."""
    tracker = DialogueStateTracker.from_events("t-1", [
        ActiveLoop("application_form"), SlotSet("assistance_type", "低保"), SlotSet("requested_slot", "savings"),
        UserUttered("没有存款，没有车，住的是公租房", {"name": "inform", "confidence": 1.0},
                    [{"entity": "assistance_type", "value": "住房救助", "start": 12, "end": 15}]),
    ], slots=DOMAIN.slots)
    events = await ActionExtractSlots(None).run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses),
                                                tracker, DOMAIN)
    assert "assistance_type" not in [e.key for e in events if isinstance(e, SlotSet)]
    assert SlotSet("savings", "没有存款，没有车，住的是公租房") in events
    outside = DialogueStateTracker.from_events("t-2", [UserUttered("我想申请低保", {"name": "apply_assistance", "confidence": 1.0},
                                                                   [{"entity": "assistance_type", "value": "低保"}])], slots=DOMAIN.slots)
    events = await ActionExtractSlots(None).run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses),
                                                outside, DOMAIN)
    assert SlotSet("assistance_type", "低保") in events


@pytest.mark.asyncio
async def test_yes_is_not_a_relation() -> None:
    slots, said = await turn(ValidateApplicationForm(), "member_relation", "是的", {"assistance_type": "低保", "more_members": True})
    assert slots["member_relation"] is None and said == ["utter_relation_unclear"]
    assert [parsing.parse_relation(t) for t in ("儿子", "老伴", "外孙女", "儿媳妇")] == ["子女", "配偶", "孙子女", "儿媳"]


@pytest.mark.asyncio
async def test_the_applicant_is_never_a_member_and_no_one_is_added_twice(fake_backend) -> None:
    base = {"assistance_type": "低保", "applicant_id": VALID_ID, "more_members": True, "members": []}
    slots, said = await turn(ValidateApplicationForm(), "member_name", f"王五 {VALID_ID}", base)
    assert slots["member_id"] is None and "utter_member_is_applicant" in said
    twice = {**base, "applicant_id": "440524188001010014", "members": [{"name": "王五", "id_number": VALID_ID, "relation": "配偶"}],
             "member_name": "王六"}
    slots, said = await turn(ValidateApplicationForm(), "member_id", VALID_ID, twice)
    assert slots["member_id"] is None and "utter_member_duplicate" in said


def test_the_action_server_registers_every_form_validation() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert {"validate_application_form", "validate_emergency_form", "validate_complaint_form", "validate_verify_form"} <= set(executor.actions)


@pytest.mark.asyncio
async def test_no_one_more_after_all_leaves_the_member_questions() -> None:
    base = {"assistance_type": "低保", "applicant_id": VALID_ID, "more_members": True, "members": [], "street": "x", "hukou": "不用问", "monthly_income": 0.0,
            "savings": 0.0, "filing_for": "self", "citizen_token": "t", "applicant_name": "张秀英", "applicant_phone": "13812345678"}
    slots, _ = await turn(ValidateApplicationForm(), "member_name", "没有了", base)
    assert slots["more_members"] is False and slots["requested_slot"] == "reason"


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent"), [
    ("社区的电话我打了一个星期，一直没人接", "complain"),
    ("我上个月交的材料，到现在没人联系我", "query_progress"),
    ("这个月的钱少了两百，问了没人管", "query_payment"),
])
async def test_the_complaint_is_taken_as_said_even_when_it_sounds_like_a_complaint(text: str, intent: str) -> None:
    """Asked “遇到了什么问题？”, a person describes the problem — which the NLU often reads as a complaint or a
    progress or payment question, the intents the slot's from_text mapping leaves out. That answer is the
    complaint, not a reason to ask again (what the e2e test's chat showed)."""
    tracker = answer("complaint_text", text, form="complaint_form", intent=intent)
    assert intent not in DOMAIN.slots[[s.name for s in DOMAIN.slots].index("complaint_text")].mappings[0]["not_intent"]
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, tracker, DOMAIN_DICT)
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}.get("complaint_text") == text
    assert dispatcher.messages == []
    # Only the wish to complain, said again, is not the complaint: the question is asked again.
    for bare in ("我要投诉", "投诉！", "我想反映一下"):
        events = await ValidateComplaintForm().run(CollectingDispatcher(), answer("complaint_text", bare, form="complaint_form", intent="complain"),
                                                   DOMAIN_DICT)
        assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}.get("complaint_text") is None, bare



@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["我想查一下我的申请进度", "我的低保申请到哪一步了"])
async def test_a_form_opened_with_its_slots_cleared_says_nothing_about_them(said: str) -> None:
    """Asking for progress clears the phone and the code, then opens the verification form: the cleared
    slots are no answers, so the form's first turn must not call them wrong (it said "手机号好像不对" and
    "验证码不对" before even asking for the phone)."""
    events = [{"event": "user", "text": said}, {"event": "action", "name": "action_query_progress"},
              {"event": "slot", "name": "verify_phone", "value": None},
              {"event": "slot", "name": "verify_code", "value": None}]
    tracker = Tracker("t-1", {"requested_slot": None, "verify_phone": None, "verify_code": None, "after_verify": "progress"},
                      {"text": said, "intent": {"name": "query_progress", "confidence": 1.0}, "entities": []}, events,
                      False, None, {"name": "verify_form"}, "action_query_progress")
    dispatcher = CollectingDispatcher()
    result = await ValidateVerifyForm().run(dispatcher, tracker, DOMAIN_DICT)
    assert [m.get("response") or m.get("text") for m in dispatcher.messages] == []
    assert {e["name"]: e["value"] for e in result if e.get("event") == "slot"}.get("verify_phone") is None


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["她没得手机", "不晓得她电话", "老人家没有手机的"])
async def test_a_helper_whose_principal_has_no_phone_is_shown_the_paper_way(said: str, fake_backend) -> None:  # noqa: ANN001
    """An old lady without a mobile phone cannot get the consent code: the helper hears how to go on (her
    signed 授权委托书's photo at the end), not "手机号好像不对", and it is not counted as a failure."""
    slots = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "grid_worker", "helper_name": "李红",
             "citizen_token": "t", "verified_phone": "13987654321", "applicant_name": "王秀英",
             "applicant_id": "500103194603090887"}
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, answer("applicant_phone", said, slots), DOMAIN_DICT)
    after = {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    said_back = [m.get("response") or m.get("text") for m in dispatcher.messages]
    assert said_back == ["utter_principal_no_phone"]
    # A tester's grid worker was asked for the phone again and again, then could not finish online: the form goes
    # on to the next question, and the paper form comes at the end (tests/actions/test_drafts.py).
    assert after["principal_no_phone"] is True and after["requested_slot"] == "street"
    assert after["applicant_name"] == "王秀英" and after["applicant_id"] == "500103194603090887"
    assert after["applicant_phone"] is None and not (after.get("form_retries") or {}).get("applicant_phone")
    assert "授权委托书" in await wording("utter_principal_no_phone", after) and "王秀英" in await wording(
        "utter_principal_no_phone", after)


@pytest.mark.asyncio
@pytest.mark.parametrize(("said", "income"), [("退休金一千出头 存款不清楚 应该没多少", 1000.0), ("不知道 几千吧", 5000.0)])
async def test_a_figure_said_with_not_sure_is_kept_never_skipped(fake_backend, said, income) -> None:  # noqa: ANN001
    """A grandson's "退休金一千出头 存款不清楚" was skipped whole: the read-back said 月收入0元 and asked him to promise it."""
    slots = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "王秀英", "citizen_token": "t",
             "verified_phone": "13812345678", "phone_verified": True, "street": "两路口街道", "area_code": "500103004",
             "hukou": "城镇户口"}
    after, said_back = await turn(ValidateApplicationForm(), "monthly_income", said, slots)
    assert "utter_skipped" not in said_back
    assert after.get("monthly_income") == income or (after.get("amount_to_confirm") or {}).get("value") == income, (after, said_back)
    assert "monthly_income" not in (after.get("skipped_slots") or [])


@pytest.mark.asyncio
async def test_savings_not_known_is_skipped_even_with_the_income_figure_in_it(fake_backend) -> None:  # noqa: ANN001
    """"一百五 存款不晓得" at the savings question was saved as 150元 savings."""
    slots = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "王秀英", "citizen_token": "t",
             "verified_phone": "13812345678", "phone_verified": True, "street": "两路口街道", "area_code": "500103004",
             "hukou": "城镇户口", "monthly_income": 150.0}
    after, said_back = await turn(ValidateApplicationForm(), "savings", "一百五 存款不晓得", slots)
    assert "utter_skipped" in said_back and after["savings"] == 0.0 and "savings" in after["skipped_slots"]
    from actions.journeys import readback_lines  # noqa: PLC0415
    from tests.actions.test_forms_and_journeys import tracker  # noqa: PLC0415
    assert dict(readback_lines(tracker(after)))["存款"] == "没说（工作人员会核实）"  # never "0元" under the promise


@pytest.mark.asyncio
async def test_what_went_wrong_in_the_opening_message_is_the_complaint() -> None:
    """"我要投诉 街道那个工作人员 拖起不办 …": the opening message already says what went wrong (and about whom);
    a tester's was dropped and the form asked "遇到了什么问题？" as if nothing had been said."""
    said = "投诉 街道那个工作人员 拖起不办 我奶奶申请低保好几个星期了都没人来家里看"

    def opening(text: str) -> Tracker:  # the validation the form runs as it activates: nothing asked yet
        return Tracker("t-1", {"requested_slot": None}, {"text": text, "intent": {"name": "complain", "confidence": 1.0},
                                                          "entities": []}, [], False, None, {}, "action_listen")

    events = await ValidateComplaintForm().run(CollectingDispatcher(), opening(said), DOMAIN_DICT)
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}.get("complaint_text") == said
    events = await ValidateComplaintForm().run(CollectingDispatcher(), opening("我要投诉"), DOMAIN_DICT)
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}.get("complaint_text") is None
