"""Form validation and journeys, each against the fake backend with tracker snapshots built in code."""

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet

from actions import parsing
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm, ValidateEmergencyForm
from actions.requests import ActionRequestCallback
from actions.journeys import (
    ActionAfterVerify, ActionCancel, ActionPrecheck, ActionStartApplication,
    ActionStartVerifiedQuery, ActionSubmitApplication,
)

VALID_ID = "11010519491231002X"


def tracker(slots: dict | None = None, text: str = "", intent: str = "inform", entities: list | None = None,
            active_loop: str | None = None, sender: str = "web-test-1") -> Tracker:
    return Tracker(sender, slots or {}, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []},
                   [], False, None, {"name": active_loop} if active_loop else {}, "action_listen")


def responses(dispatcher) -> list:  # noqa: ANN001
    return [m.get("response") or m.get("text") for m in dispatcher.messages]


@pytest.mark.parametrize(("text", "value"), [("三口人", 3), ("就我一个", 1), ("我家4个人", 4)])
def test_household_size_is_read_from_plain_words(dispatcher, text, value) -> None:  # noqa: ANN001
    assert ValidateEligibilityForm().validate_household_size(text, dispatcher, tracker(), {}) == {"household_size": value}


@pytest.mark.parametrize(("text", "value"), [("一千二", 1200), ("每个月八百块", 800), ("莫得", 0), ("1.2万", 12000)])
def test_amounts(text, value) -> None:  # noqa: ANN001
    assert parsing.parse_amount(text) == value


@pytest.mark.asyncio
async def test_a_wrong_id_is_explained_by_the_backend(fake_backend, dispatcher) -> None:
    # Where to find the number is now the question's help wording after a second wrong answer
    # (tests/actions/test_retries.py), so the validator only says what is wrong.
    form = ValidateApplicationForm()
    first = await form.validate_applicant_id("110105194912310021", dispatcher, tracker(), {})
    assert first == {"applicant_id": None}
    assert "校验位" in dispatcher.messages[0]["text"]
    ok = await form.validate_applicant_id("11010519491231002x", dispatcher, tracker(), {})
    assert ok == {"applicant_id": VALID_ID}


@pytest.mark.asyncio
async def test_street_resolution_asks_when_ambiguous(fake_backend, dispatcher) -> None:
    # Deliberately changed: a district alone asks which street in it (tests/actions/test_wiring.py), and the
    # street's 户口 suggestion comes along.
    form = ValidateApplicationForm()
    assert await form.validate_street("渝中区七星岗街道", dispatcher, tracker(), {}) == {
        "street": "渝中区七星岗街道", "area_code": "500103001", "street_candidates": None, "hukou": "城镇户口"}
    assert (await form.validate_street("渝中区", dispatcher, tracker(), {}))["street"] is None
    assert responses(dispatcher)[-1] == "utter_street_in_area"
    assert await form.validate_street("火星", dispatcher, tracker(), {}) == {"street": None, "street_candidates": None}
    assert responses(dispatcher)[-1] == "utter_street_unknown"


@pytest.mark.asyncio
async def test_required_slots_follow_who_is_filing(dispatcher) -> None:
    form = ValidateApplicationForm()
    own = await form.required_slots([], dispatcher, tracker({"filing_for": "self"}), {})
    assert "helper_name" not in own and "verify_code" in own and "consent_code" not in own
    helper = await form.required_slots([], dispatcher, tracker({"filing_for": "other"}), {})
    assert helper[:6] == ["assistance_type", "filing_for", "helper_kind", "helper_name", "verify_phone", "verify_code"]
    assert "consent_code" in helper
    delegated = await form.required_slots([], dispatcher, tracker({"filing_for": "other", "citizen_token": "t", "delegation_id": 7.0}), {})
    assert "consent_code" not in delegated and "verify_code" not in delegated
    adding = await form.required_slots([], dispatcher, tracker({"filing_for": "self", "citizen_token": "t", "more_members": True}), {})
    assert adding[-6:] == ["member_name", "member_id", "member_relation", "member_income", "reason", "confirmed"]


@pytest.mark.asyncio
async def test_a_helper_gets_the_consent_code_sent_and_a_delegation_created(fake_backend, dispatcher) -> None:
    form = ValidateApplicationForm()
    slots = {"filing_for": "other", "citizen_token": "helper-token", "verified_phone": "13987654321", "helper_name": "李红",
             "helper_kind": "relative", "helper_relation": "女儿", "applicant_name": "张秀英", "applicant_id": VALID_ID}
    assert (await form.validate_applicant_phone("13812345678", dispatcher, tracker(slots), {}))["applicant_phone"] == "13812345678"
    sent = fake_backend.requests[-1]
    assert sent.url.path == "/api/v1/delegations/consent-code" and sent.headers["X-Citizen-Token"] == "helper-token"
    result = await form.validate_consent_code("验证码是123456", dispatcher, tracker({**slots, "applicant_phone": "13812345678"}), {})
    assert result == {"consent_code": "ok", "delegation_id": 7.0}
    body = fake_backend.body()
    assert body["consent"] == {"method": "otp", "code": "123456"} and body["helper"]["kind"] == "relative"


@pytest.mark.asyncio
async def test_a_helper_is_told_the_code_went_to_the_phone_on_record(fake_backend, dispatcher) -> None:
    from tests.actions.conftest import RECORDED_ID

    form = ValidateApplicationForm()
    slots = {"filing_for": "other", "citizen_token": "helper-token", "verified_phone": "13987654321", "helper_name": "李红",
             "helper_kind": "relative", "applicant_name": "张秀英", "applicant_id": RECORDED_ID}
    await form.validate_applicant_phone("13987654321", dispatcher, tracker(slots), {})
    assert any("138****0000" in (m.get("text") or "") for m in dispatcher.messages)


@pytest.mark.asyncio
async def test_own_phone_gets_a_code_and_a_wrong_code_is_said_plainly(fake_backend, dispatcher) -> None:
    form = ValidateApplicationForm()
    got = await form.validate_applicant_phone("138 1234 5678", dispatcher, tracker({"filing_for": "self"}), {})
    assert got == {"applicant_phone": "13812345678", "verify_phone": "13812345678", "verify_code": None, "citizen_token": None,
                   "phone_verified": False}
    wrong = await form.validate_verify_code("654321", dispatcher, tracker({"verify_phone": "13812345678"}), {})
    # Plainly, with the way to a new one (a tester did not know how to "重新获取").
    assert wrong == {"verify_code": None} and dispatcher.messages[-1]["response"] == "utter_code_wrong_or_old"
    right = await form.validate_verify_code("123456", dispatcher, tracker({"verify_phone": "13812345678"}), {})
    assert right == {"verify_code": "ok", "citizen_token": "citizen-token", "verified_phone": "13812345678", "phone_verified": True}


@pytest.mark.asyncio
async def test_members_are_collected_one_by_one(fake_backend, dispatcher) -> None:  # noqa: ANN001
    # Deliberately changed (issue 20): a member's income is checked with the backend (an outlier is asked again).
    form = ValidateApplicationForm()
    slots = {"members": [{"name": "王五", "relation": "配偶", "id_number": VALID_ID, "income": 0}], "member_name": "王小",
             "member_relation": "子女", "member_id": VALID_ID}
    result = await form.validate_member_income("八百", dispatcher, tracker(slots), {})
    assert [m["name"] for m in result["members"]] == ["王五", "王小"] and result["members"][1]["income"] == 800
    assert result["more_members"] is None and result["member_name"] is None


SUBMIT_SLOTS = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "applicant_name": "张秀英",
                "applicant_id": VALID_ID, "applicant_phone": "13812345678", "street": "渝中区七星岗街道", "area_code": "500103001",
                "monthly_income": 300.0, "savings": 2000.0, "members": [], "reason": "老伴去世", "confirmed": True,
                "submission_key": "web-test-1-abc"}


@pytest.mark.asyncio
async def test_submission_uses_the_idempotency_key_and_gives_the_number(fake_backend, dispatcher) -> None:
    events = await ActionSubmitApplication().run(dispatcher, tracker(SUBMIT_SLOTS), {})
    request = fake_backend.requests[-1]
    assert request.headers["Idempotency-Key"] == "web-test-1-abc" and request.headers["X-Citizen-Token"] == "citizen-token"
    body = fake_backend.body()
    assert body["members"][0]["id_number"] == VALID_ID and body["area_code"] == "500103001"
    assert dispatcher.messages[0]["response"] == "utter_submitted" and dispatcher.messages[0]["number"] == "JZ20261124000009"
    assert SlotSet("application_no", "JZ20261124000009") in events and SlotSet("applicant_id", None) in events


@pytest.mark.asyncio
async def test_backend_down_at_submission_keeps_everything(fake_backend, dispatcher) -> None:
    fake_backend.handler = lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r))
    events = await ActionSubmitApplication().run(dispatcher, tracker(SUBMIT_SLOTS), {})
    assert responses(dispatcher) == ["utter_backend_unavailable"]
    assert events == [SlotSet("confirmed", None), SlotSet("submission_key", "web-test-1-abc")]


@pytest.mark.asyncio
async def test_resume_keeps_what_was_filled(dispatcher) -> None:
    t = tracker({"applicant_name": "张秀英", "submission_key": "k"}, text="我要申请低保", intent="apply_assistance",
                entities=[{"entity": "assistance_type", "value": "低保"}])
    events = await ActionStartApplication().run(dispatcher, t, {})
    assert responses(dispatcher) == ["utter_resume_application"]
    assert events == [SlotSet("assistance_type", "低保"), SlotSet("form_retries", None), SlotSet("ask_style", None)]


@pytest.mark.asyncio
async def test_filing_for_someone_else_is_noticed(dispatcher) -> None:
    events = await ActionStartApplication().run(dispatcher, tracker(text="帮我妈申请低保", intent="apply_assistance"), {})
    assert SlotSet("filing_for", "other") in events


@pytest.mark.asyncio
async def test_cancel_leaves_the_form_and_keeps_answers(dispatcher) -> None:
    events = await ActionCancel().run(dispatcher, tracker({"applicant_name": "张秀英"}, active_loop="application_form"), {})
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("paused_form", "application_form")]
    assert responses(dispatcher) == ["utter_stopped"]


@pytest.mark.parametrize(("text", "expected"), [("取消申请", "utter_stop_maybe_withdraw"), ("撤销", "utter_stop_maybe_withdraw"),
                                              ("我不申请了", "utter_stop_maybe_withdraw"), ("算了", "utter_nothing_to_stop")])
@pytest.mark.asyncio
async def test_a_stop_naming_the_application_with_no_form_open_offers_the_withdrawal(dispatcher, text, expected) -> None:
    # "取消申请" read as stop after she handed it in: never "好的。还有别的要帮忙的吗？" and nothing done.
    events = await ActionCancel().run(dispatcher, tracker(text=text, intent="stop"), {})
    assert events == [] and responses(dispatcher) == [expected]


@pytest.mark.asyncio
async def test_progress_needs_a_verified_phone_first(dispatcher) -> None:
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker(intent="query_progress"), {})
    assert events == [SlotSet("after_verify", "progress"), SlotSet("verify_phone", None), SlotSet("verify_code", None)]
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker({"phone_verified": True}, intent="query_payment"), {})
    assert events == [SlotSet("after_verify", "payment")]


@pytest.mark.asyncio
async def test_progress_and_payment_answers(fake_backend, dispatcher) -> None:
    await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "progress"}), {})
    assert "已提交，等待受理" in dispatcher.messages[-1]["text"]
    await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "payment"}), {})
    assert dispatcher.messages[-1]["response"] == "utter_last_payment" and dispatcher.messages[-1]["amount"] == "470元"


@pytest.mark.asyncio
async def test_request_human_gives_the_street_office(fake_backend, dispatcher) -> None:
    await ActionRequestCallback().run(dispatcher, tracker({"area_code": "500103001", "verified_phone": "13812345678", "citizen_token": "t"},
                                                          text="转人工"), {})
    assert fake_backend.body()["area_code"] == "500103001"
    # Who calls, by when, on which phone (issue #20: never a call promised without a phone to call).
    said = dispatcher.messages[0]
    assert said["response"] == "utter_callback_booked" and said["due_day"] == "11月25日（星期三）" and said["phone_masked"] == "138****5678"
    assert dispatcher.messages[1]["response"] == "utter_callback_sms_sent"


@pytest.mark.asyncio
async def test_precheck_lists_what_may_apply_and_offers_to_apply(fake_backend, dispatcher) -> None:
    slots = {"household_size": 1.0, "monthly_income": 300.0, "savings": 0.0, "applicant_age": 72.0, "illness_or_disability": False,
             "region": "重庆"}
    events = await ActionPrecheck().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == ["utter_precheck_result", "utter_offer_apply_type"]  # the type it will file, by name
    assert fake_backend.body()["members"][0]["age"] == 72
    assert SlotSet("assistance_type", "低保") in events


@pytest.mark.asyncio
async def test_face_links_are_made_for_the_verified_person(fake_backend, dispatcher) -> None:
    fake_backend.handler = lambda r: (httpx.Response(201, json={"link": "http://127.0.0.1:8000/face/tok", "prompts": []})
                                      if r.url.path.endswith("/liveness/sessions") else fake_backend.route(r))
    events = await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "certification"}), {})
    assert dispatcher.messages[-1]["response"] == "utter_face_link_certification"
    assert dispatcher.messages[-1]["custom"] == {"link": "http://127.0.0.1:8000/face/tok"}
    assert fake_backend.body() == {"purpose": "certification", "application_number": "JZ20261124000009"}
    assert events == [SlotSet("application_no", "JZ20261124000009")]


@pytest.mark.asyncio
async def test_filled_slots_stay_valid_when_the_form_resumes(fake_backend, dispatcher) -> None:
    form = ValidateApplicationForm()
    assert form.validate_filing_for("other", dispatcher, tracker(), {}) == {"filing_for": "other"}
    assert form.validate_helper_kind("grid_worker", dispatcher, tracker(), {}) == {"helper_kind": "grid_worker"}
    assert await form.validate_verify_code("ok", dispatcher, tracker({"citizen_token": "t"}), {}) == {"verify_code": "ok"}
    assert await form.validate_consent_code("ok", dispatcher, tracker({"delegation_id": 7.0}), {}) == {"consent_code": "ok"}
    assert await form.validate_monthly_income(800.0, dispatcher, tracker(), {}) == {"monthly_income": 800.0}
    assert form.validate_hukou("不用问", dispatcher, tracker(), {}) == {"hukou": "不用问"}
    assert dispatcher.messages == []


@pytest.mark.asyncio
@pytest.mark.parametrize("sender", ["sms:+8613812345678", "web:" + "a" * 64])
async def test_a_submission_key_never_carries_the_conversation_id(dispatcher, sender) -> None:  # noqa: ANN001
    # An SMS conversation is the phone number; a web id may be 64 characters: neither belongs in the key.
    events = await ActionStartApplication().run(dispatcher, tracker(text="我要申请低保", intent="apply_assistance", sender=sender), {})
    (key,) = [e["value"] for e in events if e["name"] == "submission_key"]
    assert "13812345678" not in key and sender not in key and 8 <= len(key) <= 80


@pytest.mark.asyncio
async def test_domain_defaults_come_from_the_backend_offer_fetched_once(fake_backend, dispatcher) -> None:
    # No region named: the pre-check uses the backend's default region, not one written in the actions.
    slots = {"household_size": 1.0, "monthly_income": 300.0, "savings": 0.0, "applicant_age": 72.0, "illness_or_disability": False}
    await ActionPrecheck().run(dispatcher, tracker(slots), {})
    assert fake_backend.body()["region"] == "重庆"
    # 临时救助 filed in the chat: the subtype is the backend's default for it.
    await ActionSubmitApplication().run(dispatcher, tracker({**SUBMIT_SLOTS, "assistance_type": "临时救助"}), {})
    assert (fake_backend.body()["assistance_type"], fake_backend.body()["subtype"]) == ("临时救助", "支出型")
    assert fake_backend.paths().count("GET /api/v1/policy/offer") == 1  # kept for OFFER_TTL_SECONDS


@pytest.mark.asyncio
async def test_the_applicants_phone_is_read_one_way_in_every_form(fake_backend, dispatcher) -> None:
    for form in (ValidateApplicationForm(), ValidateEmergencyForm()):
        got = await form.validate_applicant_phone("138 1234 5678", dispatcher, tracker({"filing_for": "self"}), {})
        assert got["applicant_phone"] == "13812345678" and got["verify_phone"] == "13812345678"
        assert (await form.validate_applicant_phone("123", dispatcher, tracker({}), {})) == {"applicant_phone": None}
    assert fake_backend.paths().count("POST /api/v1/auth/otp/request") == 2
    assert responses(dispatcher).count("utter_phone_invalid") == 2


@pytest.mark.asyncio
async def test_she_said_for_herself_then_says_it_is_for_her_mother(fake_backend, dispatcher) -> None:
    """"给自己", then at her own name "哦不是，是帮我妈申请": the helper's questions come, nothing is a name."""
    form = ValidateApplicationForm()
    t = tracker({"filing_for": "self", "requested_slot": "applicant_name"}, text="哦不是，是帮我妈申请")
    slots = await form.validate_applicant_name("哦不是，是帮我妈申请", dispatcher, t, {})
    assert slots == {"filing_for": "other", "applicant_name": None, "helper_kind": "relative", "helper_relation": "子女"}
    assert responses(dispatcher) == ["utter_filing_for_other_now"]
    # A name is still a name, and once her phone is verified for herself the answer is not turned around.
    assert (await form.validate_applicant_name("邓秀芳", dispatcher, tracker({"filing_for": "self"}, text="邓秀芳"), {}))[
        "applicant_name"] == "邓秀芳"
    verified = tracker({"filing_for": "self", "citizen_token": "t"}, text="是帮我妈申请")
    assert (await form.validate_applicant_name("是帮我妈申请", dispatcher, verified, {})).get("filing_for") is None


@pytest.mark.asyncio
async def test_an_application_said_all_at_once_outside_a_form_starts_with_what_it_said(dispatcher) -> None:
    from rasa_sdk.events import FollowupAction, UserUtteranceReverted
    from actions.journeys import ActionLooseAnswer
    text = "我想给我自己申请低保我叫周美华身份证320402194707195452住在天宁区兰陵街道"
    events = await ActionLooseAnswer().run(dispatcher, tracker(text=text, entities=[{"entity": "assistance_type", "value": "低保"}]), {})
    assert events[-1] == FollowupAction("application_form")
    for slot, value in [("assistance_type", "低保"), ("filing_for", "self"), ("applicant_name", "周美华"),
                        ("applicant_id", "320402194707195452"), ("street", "天宁区兰陵街道")]:
        assert SlotSet(slot, value) in events
    events = await ActionLooseAnswer().run(dispatcher, tracker(text="三百块"), {})
    assert events == [UserUtteranceReverted()] and responses(dispatcher)[-1] == "utter_default"


@pytest.mark.parametrize(("text", "count"), [("一个", 1), ("1个人", 1), ("就一个", 1)])
def test_a_count_of_people_is_never_money(text, count) -> None:  # noqa: ANN001
    assert parsing.read_amount(text, per_month=True) is None
    assert parsing.parse_count(text) == count
