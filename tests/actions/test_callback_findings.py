"""Testers' findings about call-backs, the paper 委托书 and helpers, in the chat: a call-back right after a filing asks
nothing again (the case's street, the verified phone); its promise is said in the backend's one wording everywhere;
an emergency said at a call-back's question starts the 急难 report; "委托书要怎么传" is answered; a helper hears when
someone else is already on her principal's application; a helper's corrected name goes with the filing."""

import json

import httpx
import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.events import ActionExecutionRejected, FollowupAction, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback
from actions.forms import ValidateApplicationForm
from actions.journeys import ActionStartVerifiedQuery, ActionSubmitApplication
from actions.policy import ActionAnswerPolicy
from actions.requests import ActionRequestCallback, ValidateCallbackForm
from tests.actions.test_forms_and_journeys import SUBMIT_SLOTS, responses, tracker
from tests.actions.test_policy_rules import LISTEN, _next, _user, rules  # noqa: F401  (the fixture)
from tests.actions.test_promises_and_codes import NUMBER, VALID_ID, VERIFIED, extracted, slot_values, validate
from tests.actions.test_retries import DOMAIN, DOMAIN_DICT, answer

HELPER = {"filing_for": "other", "helper_kind": "relative", "helper_relation": "女儿", "helper_name": "李红",
          "assistance_type": "低保", **VERIFIED}


async def said(message: dict) -> str:
    """What Rasa says for one dispatched message (its response rendered with the values it was given)."""
    values = {k: v for k, v in message.items() if k not in ("response", "text", "buttons", "elements", "custom", "template",
                                                            "image", "attachment")}
    t = DialogueStateTracker.from_events("t-1", [], slots=DOMAIN.slots)
    return (await TemplatedNaturalLanguageGenerator(DOMAIN.responses).generate(message["response"], t, "rest", **values))["text"]


def paths(fake_backend, path: str) -> list[dict]:  # noqa: ANN001
    return [json.loads(r.content) for r in fake_backend.requests if r.url.path == f"/api/v1{path}" and r.content]


# ---- 1. a call-back right after the filing: its street and the verified phone, only confirmed ---------------------

@pytest.mark.asyncio
async def test_a_call_back_right_after_filing_asks_no_street_again(fake_backend) -> None:  # noqa: ANN001
    """"喊个人打电话给我嘛" just after "已提交" was asked the street the application had just given."""
    fake_backend.mine = [{"number": NUMBER, "area_code": "500103001", "assistance_type": "低保"}]
    slots = {**SUBMIT_SLOTS, **VERIFIED}
    events = await ActionSubmitApplication().run(CollectingDispatcher(), tracker(slots), {})
    after = {**slots, **slot_values(events)}
    assert after["area_code"] is None and after["street"] is None and after["application_no"] == NUMBER  # reset at filing
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, tracker(after, text="喊个人打电话给我嘛", intent="request_human"), {})
    assert FollowupAction("callback_form") not in events  # nothing asked: no street, no phone
    [booked] = paths(fake_backend, "/callbacks")
    assert booked["area_code"] == "500103001" and booked["phone"] == VERIFIED["verified_phone"] and NUMBER in booked["topic"]
    assert responses(dispatcher)[0] == "utter_callback_booked_as_filed"
    text = await said(dispatcher.messages[0])
    assert NUMBER in text and "138****5678" in text and "七星岗街道" in text and "11月25日（星期三）下班前" in text


@pytest.mark.asyncio
async def test_without_a_filed_case_the_street_is_still_asked(fake_backend) -> None:  # noqa: ANN001
    events = await ActionRequestCallback().run(CollectingDispatcher(), tracker(VERIFIED, text="找工作人员", intent="request_human"), {})
    assert FollowupAction("callback_form") in events and paths(fake_backend, "/callbacks") == []


# ---- 2. the promise, in one wording -------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_the_booking_and_the_follow_up_say_the_same_promise(fake_backend) -> None:  # noqa: ANN001
    """"12月8日前" in one sentence and "12月8日一上班" in the next, about one call-back."""
    route = fake_backend.route

    def after_hours(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/v1/callbacks":
            return route(request)
        return httpx.Response(201, json={"id": 3, "reference": "HD000003", "office_name": "七星岗街道社会救助窗口", "office_phone": None,
                                         "office_hours": "工作日 9:00-17:30", "office_configured": True, "caller": "七星岗街道社会救助窗口",
                                         "due_day": "12月8日（星期二）", "promise": "12月8日（星期二）一上班", "urgent": True,
                                         "due_today": False, "duty_told": False, "sms_sent": True})
    fake_backend.handler = after_hours
    dispatcher = CollectingDispatcher()
    slots = {**VERIFIED, "area_code": "500103001", "street": "渝中区七星岗街道"}
    events = await ActionRequestCallback().run(dispatcher, tracker(slots, text="屋头断顿了 马上要人来", intent="request_human"), {})
    assert responses(dispatcher)[0] == "utter_callback_urgent_later"
    first = await said(dispatcher.messages[0])
    again = CollectingDispatcher()
    fallback.say_callback_again(again, slot_values(events)["callback_booked"], "好久打嘛")
    second = await said(again.messages[0])
    assert "12月8日（星期二）一上班" in first and "12月8日（星期二）一上班" in second
    assert "12月8日（星期二）前" not in second


def test_no_call_back_sentence_words_the_day_itself() -> None:
    for name, variations in DOMAIN.responses.items():
        if name.startswith("utter_callback_"):
            assert all("{due_day}" not in v.get("text", "") for v in variations), name


# ---- 3. an emergency at the call-back's question ----------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.usefixtures("remote_actions_in_process")
@pytest.mark.parametrize("intent", ["request_human", "inform", "nlu_fallback"])
async def test_a_fire_said_for_the_phone_is_taken_by_the_form_unless_it_leaves(intent: str) -> None:
    # Rasa hands the text to the call-back's validator (from_text, or action_read_answer for request_human):
    # the validator is what must hear the emergency.
    assert (await extracted("屋头着火了", intent, "contact_phone", "callback_form"))["contact_phone"] == "屋头着火了"


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "intent"), [("contact_phone", "inform"), ("contact_phone", "request_human"),
                                              ("street", "nlu_fallback")])
async def test_an_emergency_at_a_call_back_question_starts_the_emergency_report(slot: str, intent: str, fake_backend) -> None:  # noqa: ANN001
    """After "找工作人员", "屋头着火了" to the phone question was answered "手机号好像不对"."""
    slots = {"callback_topic": "找工作人员", "paused_form": "application_form"}
    events, words = await validate(ValidateCallbackForm(), slot, "屋头着火了", slots, "callback_form", intent)
    values = slot_values(events)
    assert words == ["utter_emergency_first"]  # never "手机号好像不对", never the street asked again
    assert ActionExecutionRejected("callback_form") in events and FollowupAction("emergency_form") in events
    assert values["emergency_what"] == "屋头着火了" and values["requested_slot"] is None and values["callback_topic"] is None
    assert values["paused_form"] == "application_form"  # the form the call-back interrupted still waits for "继续"
    assert paths(fake_backend, "/callbacks") == []


@pytest.mark.asyncio
async def test_an_emergency_already_reported_goes_to_that_case(fake_backend) -> None:  # noqa: ANN001
    slots = {**VERIFIED, "emergency_filed": True, "application_no": NUMBER}
    events, words = await validate(ValidateCallbackForm(), "street", "老伴晕倒了", slots, "callback_form")
    assert FollowupAction("action_read_emergency") in events and words == []


@pytest.mark.asyncio
async def test_a_phone_is_still_a_phone(fake_backend) -> None:  # noqa: ANN001
    events, words = await validate(ValidateCallbackForm(), "contact_phone", "13912345678", {}, "callback_form")
    assert slot_values(events)["contact_phone"] == "13912345678" and "utter_emergency_first" not in words


# ---- 5. "委托书要怎么传" ------------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_how_to_hand_in_the_paper_form_is_answered_not_the_materials_list(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, tracker({"policy_aspect": "材料"}, text="委托书要怎么传", intent="ask_policy"), {})
    assert responses(dispatcher) == ["utter_paper_form_how"] and paths(fake_backend, "/policy/answer") == []
    assert "一般要身份证" not in await said(dispatcher.messages[0])


@pytest.mark.asyncio
async def test_read_as_signing_it_is_answered_too_and_no_face_link_is_started(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker(text="委托书咋个传给你们", intent="sign_authorization"), {})
    assert responses(dispatcher) == ["utter_paper_form_how"] and events == [UserUtteranceReverted()]


@pytest.mark.asyncio
async def test_a_helper_waiting_for_the_paper_form_gets_its_link(fake_backend) -> None:  # noqa: ANN001
    slots = {**HELPER, "applicant_name": "周明富", "applicant_id": VALID_ID, "principal_no_phone": True, "street": "渝中区七星岗街道",
             "area_code": "500103001", "paused_form": "application_form"}
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, tracker(slots, text="委托书拍了要怎么传嘛", intent="ask_policy"), {})
    assert responses(dispatcher) == ["utter_paper_form_upload"]
    assert dispatcher.messages[0]["custom"] == {"upload": "/api/v1/delegations/paper-link/sealed"}
    [asked] = paths(fake_backend, "/delegations/paper-link")
    assert asked["principal"]["name"] == "周明富" and asked["consent"]["area_code"] == "500103001"
    by_sms = CollectingDispatcher()
    await ActionAnswerPolicy().run(by_sms, tracker(slots, text="委托书咋个交", intent="ask_policy", sender="sms:+8613812345678"), {})
    assert responses(by_sms) == ["utter_paper_form_window"]


# ---- 6. someone else already on her application --------------------------------------------------------------------

@pytest.mark.asyncio
async def test_a_helper_hears_of_another_helpers_draft_and_is_offered_a_person(fake_backend) -> None:  # noqa: ANN001
    told = "周明富的申请，另一位帮办人（手机139****2222）那边已经有一份没填完的。要核实的话，说“找工作人员”。"
    route = fake_backend.route
    fake_backend.handler = lambda r: httpx.Response(200, json={"others": "draft", "said": told, "phone_masked": "139****2222"}) \
        if r.url.path == "/api/v1/drafts/application/others" else route(r)
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, answer("applicant_name", f"周明富 {VALID_ID}", HELPER), DOMAIN_DICT)
    [message] = [m for m in dispatcher.messages if m.get("text") == told]
    assert message["buttons"] == [{"title": "找工作人员", "payload": "/request_human"}]
    [asked] = paths(fake_backend, "/drafts/application/others")
    assert asked == {"applicant_name": "周明富", "applicant_id": VALID_ID}
    assert slot_values(events)["requested_slot"] == "applicant_phone"  # the form goes on


@pytest.mark.asyncio
async def test_nobody_else_says_nothing_and_is_asked_once(fake_backend) -> None:  # noqa: ANN001
    route = fake_backend.route
    fake_backend.handler = lambda r: httpx.Response(200, json={"others": None, "said": None, "phone_masked": None}) \
        if r.url.path == "/api/v1/drafts/application/others" else route(r)
    events, words = await validate(ValidateApplicationForm(), "applicant_name", f"周明富 {VALID_ID}", HELPER, "application_form")
    await validate(ValidateApplicationForm(), "applicant_phone", "13800001111", {**HELPER, **slot_values(events)}, "application_form")
    assert len(paths(fake_backend, "/drafts/application/others")) == 1 and not any("帮办人" in str(w) for w in words)


# ---- 7. a helper's corrected name ----------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_a_helpers_corrected_name_goes_with_the_filing(fake_backend) -> None:  # noqa: ANN001
    """"改代办人 我叫李红" after her principal's code was answered (the delegation says 李虹): the name was never sent again."""
    slots = {**SUBMIT_SLOTS, **HELPER, "helper_name": "李红", "delegation_id": 7.0, "consent_code": "ok", "applicant_phone": None}
    await ActionSubmitApplication().run(CollectingDispatcher(), tracker(slots), {})
    [filed] = paths(fake_backend, "/applications")
    assert filed["helper_name"] == "李红"
    await ActionSubmitApplication().run(CollectingDispatcher(), tracker({**SUBMIT_SLOTS, "submission_key": "k-2"}), {})
    assert "helper_name" not in paths(fake_backend, "/applications")[-1]  # filing for herself: no helper


def test_after_the_hand_over_the_emergency_report_asks_and_listens(rules) -> None:  # noqa: ANN001, F811
    """The call-back's validator hands over (FollowupAction emergency_form): the rules then go on with that form."""
    events = [LISTEN, _user("request_human", "找工作人员"), ActionExecuted("action_request_callback"), ActionExecuted("callback_form"),
              ActiveLoop("callback_form"), SlotSet("requested_slot", "contact_phone"), LISTEN, _user("inform", "屋头着火了"),
              ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("emergency_what", "屋头着火了"),
              ActionExecuted("emergency_form"), ActiveLoop("emergency_form"), SlotSet("requested_slot", "applicant_name")]
    assert _next(rules, events) == "action_listen"
    events += [LISTEN, _user("inform", "王秀英")]
    assert _next(rules, events) == "emergency_form"
