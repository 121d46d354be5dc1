"""Session 9 (helper M): what testers found in the pre-check ("帮我测一测") and the application form.

1. "赡养费算不算收入" or "有女儿能不能吃低保" asked in the middle of the pre-check was taken as the answer or ignored: it is
   answered (whether an income counts: the backend's rules) and the same question is asked again, nothing lost.
2. The 查进度 button (or "查进度") inside the pre-check was taken as an answer: the pre-check waits with every answer kept,
   progress is answered (or its phone asked for), and "继续" is offered.
3. "啥子哦" / "啥意思" / "听不懂" got the question again word for word: it gets the question's simpler wording, with an
   example (one per question, bot/domain.yml `ask_style: simple`), and never the same words twice in a row.
4. 高血压 said to "家里有没有人有重病或者残疾" was counted (and filed) as 重病: a common chronic illness is recorded as said,
   not counted, and noted for the caseworker; 中风, 癌症 … count (the backend's rules.yaml `illness`).
5. "那我再帮另外一个办 陈秀英 5001… 1380…" after a filing was not understood: the second person starts with her name, ID
   number and phone taken from the message.
"""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.form_first import looks_like_answer
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionLooseAnswer, ActionStartApplication, ActionSubmitApplication
from actions.precheck import ActionPrecheck
from actions.precheck_progress import ActionProgressAside
from tests.actions.answers_helpers import DOMAIN, DOMAIN_DICT, install, wording
from tests.actions.test_after_filing_s8 import HIM, run
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_form_first import FILLED
from tests.actions.test_promises_and_codes import slot_values
from tests.actions.test_retries import answer

ELIGIBILITY = "eligibility_form"
# Answers the pre-check already has when its later questions are asked.
HEARD_SO_FAR = {"household_size": 1.0, "monthly_income": 300.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 78.0}
# What the backend's rules say (tests/backend/test_precheck_findings_s9_m.py checks the real ones).
SERIOUS = ("中风", "癌", "尿毒症", "瘫", "残疾")
CHRONIC = ("高血压", "糖尿病", "关节炎")
SUPPORT_COUNTS = "赡养费要算进家庭收入。不算收入的有：优抚金、计划生育奖励…；最后以工作人员核实为准。"


def with_rules(fake) -> None:  # noqa: ANN001
    """The shared fake, and the backend's illness lists and its answer on 赡养费 (a kind its rules now know)."""
    install(fake)
    route = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        path, said = request.url.path.removeprefix("/api/v1"), request.url.params.get("said") or ""
        if path == "/eligibility/illness":
            return httpx.Response(200, json={"serious": [w for w in SERIOUS if w in said], "chronic": [w for w in CHRONIC if w in said]})
        if path == "/policy/answer" and "赡养费" in said:
            return httpx.Response(200, json={"assistance_type": "低保", "aspect": "标准", "known_regions": ["重庆"], "place": None,
                                             "offer_precheck": False, "answer": SUPPORT_COUNTS, "needs_region": False,
                                             "region": None, "term": "收入种类"})
        return route(request)

    fake.handler = handler


async def precheck_turn(slot: str, text: str, slots: dict | None = None, intent: str = "inform") -> tuple[dict, list, list]:
    """One message to the pre-check's question `slot`: the slots after it, what was said, the events."""
    slots = {**(slots or {}), "requested_slot": slot}
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, answer(slot, text, slots, ELIGIBILITY, intent), DOMAIN_DICT)
    return {**slots, **slot_values(events)}, responses(dispatcher), events


# ---- 1. a question in the middle of the pre-check -----------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["household_size", "savings", "income_excluded", "illness_or_disability", "has_supporter", "hukou"])
async def test_whether_support_from_children_counts_is_answered_and_the_question_asked_again(fake_backend, slot: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    before = {k: v for k, v in HEARD_SO_FAR.items() if k != slot}
    after, said, _ = await precheck_turn(slot, "赡养费算不算收入", before)
    assert said == [SUPPORT_COUNTS]
    assert after[slot] is None and not after.get("form_retries")  # asked again, no wrong answer counted
    assert {k: after[k] for k in before} == before  # nothing lost


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["household_size", "illness_or_disability", "has_supporter", "applicant_age"])
@pytest.mark.parametrize("text", ["有女儿能不能吃低保", "我有个儿子 还能不能办低保", "有儿女的可以申请低保不"])
async def test_whether_children_stand_in_the_way_is_answered_never_taken_as_a_yes(fake_backend, slot: str, text: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    before = {k: v for k, v in HEARD_SO_FAR.items() if k != slot}
    after, said, _ = await precheck_turn(slot, text, before)
    assert said == ["utter_precheck_family_asked"]
    assert after[slot] is None and not after.get("form_retries") and {k: after[k] for k in before} == before
    # Read as a policy question, it still reaches the pre-check's question first (never the 低保 standard instead).
    assert looks_like_answer(slot, text, "ask_policy", ELIGIBILITY)


@pytest.mark.asyncio
async def test_an_answer_is_still_an_answer(fake_backend) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    after, _, _ = await precheck_turn("has_supporter", "有个儿子 他每个月给我钱", {**HEARD_SO_FAR, "illness_or_disability": False})
    assert after["has_supporter"] is True
    after, _, _ = await precheck_turn("household_size", "就我一个", {})
    assert after["household_size"] == 1


# ---- 2. 查进度 in the middle of the pre-check ---------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent"), [("/query_progress", "query_progress"), ("查进度", "query_progress"),
                                              ("我那个低保申请批了没", "inform")])
async def test_progress_asked_in_the_precheck_pauses_it_with_every_answer_kept(fake_backend, text: str, intent: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    before = {k: v for k, v in HEARD_SO_FAR.items() if k != "savings"}
    after, said, events = await precheck_turn("savings", text, before, intent)
    assert said == ["utter_precheck_paused_for_progress"]
    assert after["savings"] is None and after["paused_form"] == ELIGIBILITY
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)  # the form waits
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_progress_aside"]
    assert not any(e.get("name") in before for e in events if e.get("event") == "slot")  # no answer touched


@pytest.mark.asyncio
async def test_progress_is_answered_then_the_precheck_offered_again(fake_backend) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    verified = {**HEARD_SO_FAR, "paused_form": ELIGIBILITY, "citizen_token": "t", "verified_phone": "13812345678",
                "phone_verified": True}
    dispatcher = CollectingDispatcher()
    events = await ActionProgressAside().run(dispatcher, tracker(verified, "/query_progress", "query_progress"), {})
    said = responses(dispatcher)
    assert said[0].startswith("您的低保申请（JZ20261124000009）") and said[-1] == "utter_precheck_go_on"
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_listen"]
    # Without a verified phone: its code first (then the rule "phone verified" answers, and offers the pre-check again).
    dispatcher = CollectingDispatcher()
    events = await ActionProgressAside().run(dispatcher, tracker({**HEARD_SO_FAR, "paused_form": ELIGIBILITY}, "查进度",
                                                                 "query_progress"), {})
    assert [e["name"] for e in events if e.get("event") == "followup"] == ["verify_form"]
    assert slot_values(events)["after_verify"] == "progress"


# ---- 3. "啥子哦" gets simpler words ---------------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["啥子哦", "啥意思", "听不懂", "你说啥", "啥？"])
@pytest.mark.parametrize(("slot", "form"), [("household_size", ELIGIBILITY), ("has_supporter", ELIGIBILITY),
                                            ("illness_or_disability", ELIGIBILITY), ("street", "application_form"),
                                            ("reason", "application_form")])
async def test_what_was_that_gets_the_question_in_simpler_words(fake_backend, text: str, slot: str, form: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    validator = ValidateEligibilityForm() if form == ELIGIBILITY else ValidateApplicationForm()
    slots = {**({} if form == ELIGIBILITY else {**FILLED, slot: None}), "requested_slot": slot}
    dispatcher = CollectingDispatcher()
    events = await validator.run(dispatcher, answer(slot, text, slots, form), DOMAIN_DICT)
    after = {**slots, **slot_values(events)}
    assert after[slot] is None and not after.get("form_retries") and after["ask_style"] == "simple"
    plain, simpler = await wording(f"utter_ask_{slot}", {}), await wording(f"utter_ask_{slot}", {"ask_style": "simple"})
    assert simpler != plain and simpler.startswith("就是问") and "比如" in simpler
    # Not understood again: the other wording, never the same words twice in a row.
    events = await validator.run(CollectingDispatcher(), answer(slot, "听不懂", {**slots, "ask_style": "simple"}, form),
                                 DOMAIN_DICT)
    assert slot_values(events)["ask_style"] == "help"


def test_every_question_of_the_precheck_and_the_application_has_one_simpler_wording() -> None:
    responses_ = DOMAIN.as_dict()["responses"]
    for form in (ELIGIBILITY, "application_form"):
        for slot in DOMAIN.as_dict()["forms"][form]["required_slots"]:
            if slot == "confirmed":
                continue  # the read-back (action_ask_confirmed) is its own
            variations = responses_.get(f"utter_ask_{form}_{slot}") or responses_[f"utter_ask_{slot}"]
            simple = [v for v in variations if {"type": "slot", "name": "ask_style", "value": "simple"} in (v.get("condition") or [])]
            assert len(simple) == 1 and "比如" in simple[0]["text"], (form, slot)


# ---- 4. 高血压 is not 重病 -----------------------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent"), [("有高血压", "affirm"), ("糖尿病 别的没有", "inform"), ("有，高血压和糖尿病", "affirm")])
async def test_a_common_chronic_illness_is_recorded_not_counted(fake_backend, text: str, intent: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    after, said, _ = await precheck_turn("illness_or_disability", text, HEARD_SO_FAR, intent)
    assert after["illness_or_disability"] is False and after["illness_said"] == text
    assert said == ["utter_illness_chronic_noted"]
    noted = await wording("utter_illness_chronic_noted", {}, illness="高血压")
    assert "不算重病" in noted and "工作人员" in noted


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["老伴中风了", "有高血压 老伴还中风了", "她癌症", "有残疾证"])
async def test_a_serious_illness_counts(fake_backend, text: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    after, _, _ = await precheck_turn("illness_or_disability", text, HEARD_SO_FAR, "affirm")
    assert after["illness_or_disability"] is True and not after.get("illness_said")


@pytest.mark.asyncio
async def test_the_chronic_illness_said_goes_to_the_caseworker_never_as_serious(fake_backend) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    slots = {**HEARD_SO_FAR, "illness_or_disability": False, "illness_said": "有高血压", "has_supporter": False, "hukou": "城镇户口"}
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, tracker(slots, "没有"), {})
    body = json.loads(next(r for r in fake_backend.requests if r.url.path.endswith("/eligibility/precheck")).content)
    assert body["members"][0]["labour_ability"] == "full"  # not 重病: no 特困 on 高血压 alone
    heard = slot_values(events)["precheck_heard"]
    assert heard["illness_said"] == "有高血压" and slot_values(events)["illness_said"] is None
    filing = {**FILLED, "confirmed": True, "submission_key": "chronic-1", "precheck_heard": heard}
    await ActionSubmitApplication().run(CollectingDispatcher(), tracker(filing), {})
    filed = fake_backend.submitted["chronic-1"]
    assert "有高血压" in filed["reason"] and "没有按重病算" in filed["reason"]
    assert not filed["members"][0].get("serious_illness")


# ---- 5. the next person with every detail in one message ----------------------------------------------------------

SECOND = "那我再帮另外一个办 陈秀英 500103193804150044 13800001111"


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "intent"), [(ActionStartApplication, "apply_assistance"), (ActionLooseAnswer, "inform")])
async def test_a_second_person_with_her_details_in_one_message_starts_with_them(fake_backend, action: type, intent: str) -> None:  # noqa: ANN001
    install(fake_backend)
    after, said, _ = await run(ActionSubmitApplication(), HIM)
    second, said, events = await run(action(), after, SECOND, intent)
    assert said == ["utter_next_person"]
    assert (second["filing_for"], second["applicant_name"], second["applicant_id"], second["applicant_phone"]) == (
        "other", "陈秀英", "500103193804150044", "13800001111")
    assert second["helper_name"] == "张伟"  # who the helper is stays
    if action is ActionLooseAnswer:
        assert [e["name"] for e in events if e.get("event") == "followup"] == ["application_form"]

    # As the form opens, each is read by its own question's validator: name and ID kept, her consent code to her phone.
    opening = [{"event": "action", "name": "application_form"},
               *({"event": "slot", "name": k, "value": second[k]} for k in ("applicant_name", "applicant_id", "applicant_phone"))]
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, Tracker(
        "t", second, {"text": SECOND, "intent": {"name": intent, "confidence": 1.0}, "entities": []}, opening, False, None,
        {"name": "application_form"}, "action_listen"), DOMAIN_DICT)
    opened = {**second, **slot_values(events)}
    assert (opened["applicant_name"], opened["applicant_id"], opened["applicant_phone"]) == (
        "陈秀英", "500103193804150044", "13800001111")
    [sent] = [r for r in fake_backend.requests if r.url.path == "/api/v1/delegations/consent-code"]
    assert json.loads(sent.content)["principal"] == {"name": "陈秀英", "id_number": "500103193804150044", "phone": "13800001111"}
