"""Eighth session, what testers found around one application's end (helper A).

1. A 网格员 filed for 王德贵 (no phone): his 委托书 photo was uploaded and verified before she confirmed the read-back.
   The submission then ran a second time by a FollowupAction; after it the rules had no next step, the core fallback
   said "没太听懂" right after "已经交上去了" and took the confirming turn back — the form open again with every answer,
   so "名字写错了，是王德贵" landed on that copy instead of the filed case (and, reaching the case, was asked again
   though it said the right name). Here the turn runs as Rasa runs it (the
   actions in process, Rasa's RulePolicy trained on bot/data choosing what comes next, the fallback doing what Rasa's
   does).
2. One application per chat: a 网格员 who filed for 周明富 and said "还有一个人要申请" for his wife got the first one's
   form back (or was asked who she is again); her consent code, on the phone the couple share, was never sent. The
   second starts from clean answers, keeps who the helper is, and files only the second person's.
3. "那申请嘛" right after a pre-check's result, read as a progress query, asked the phone and its code for a progress
   query and then said there was no application: the thread lost at the phone check. It starts the application, with
   what the pre-check heard, and goes on through her phone's code to the next question.
"""

import json
import time

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import requests
from actions.forms import ValidateApplicationForm
from actions.journeys import (ActionAfterVerify, ActionLooseAnswer, ActionStartApplication, ActionStartVerifiedQuery,
                              ActionSubmitApplication)
from actions.requests import ActionStartChange
from tests.actions.answers_helpers import HER_ID, turn
from tests.actions.test_answers_precheck_carry import precheck
from tests.actions.test_drafts import no_phone_filled
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import VALID_ID, VERIFIED, slot_values, validate
from tests.actions.test_retries import DOMAIN_DICT
from tests.actions.test_policy_rules import FALLBACK, LISTEN, _next, _user, rules  # noqa: F401  (the fixture)

ACTIONS = {"action_submit_application": ActionSubmitApplication()}
VERIFIED_PAPER = {"status": "verified", "delegation_id": 31, "method": "paper"}


async def confirmed_as_rasa(rules, slots: dict) -> tuple[DialogueStateTracker, list[str]]:  # noqa: ANN001, F811
    """"对" to the read-back, as Rasa runs it: the form ends, the rules run the submission, a FollowupAction runs the
    action it names, then the rules choose again; the core fallback says 没太听懂 and reverts the turn (Rasa's
    ActionDefaultFallback). The tracker after the turn, and what the bot said."""
    policy, domain = rules
    events: list[Event] = [SlotSet(k, v) for k, v in slots.items() if k != "confirmed"]
    events += [ActionExecuted("application_form"), ActiveLoop("application_form"), SlotSet("requested_slot", "confirmed"),
               LISTEN, _user("affirm", "对，提交"), SlotSet("confirmed", True), ActionExecuted("application_form"),
               ActiveLoop(None), SlotSet("requested_slot", None)]
    said: list[str] = []
    name = _next(rules, events)
    for _ in range(5):
        if name == "action_listen":
            break
        if name == FALLBACK:
            said.append("utter_default")
            events += [ActionExecuted(FALLBACK), UserUtteranceReverted()]
            break
        t = DialogueStateTracker.from_events("web:wgy", events, slots=domain.slots)
        dispatcher = CollectingDispatcher()
        out = await ACTIONS[name].run(dispatcher, Tracker.from_dict(t.current_state(EventVerbosity.ALL)), {})
        said += [m.get("response") or m.get("text") for m in dispatcher.messages]
        events += [ActionExecuted(name), *(Event.from_parameters(e) for e in out)]
        name = next((e["name"] for e in out if e.get("event") == "followup"), None) or _next(rules, events)
    return DialogueStateTracker.from_events("web:wgy", events, slots=domain.slots), said


@pytest.mark.asyncio
async def test_a_paper_form_verified_before_the_yes_is_filed_once_and_nothing_of_it_stays_open(fake_backend, rules) -> None:  # noqa: ANN001, F811
    fake_backend.held = VERIFIED_PAPER
    after, said = await confirmed_as_rasa(rules, no_phone_filled(applicant_name="王得贵"))
    assert said.count("utter_submitted") == 1 and "utter_default" not in said  # no "没太听懂" after the filing
    assert [p for p in fake_backend.paths() if p == "POST /api/v1/applications"] == ["POST /api/v1/applications"]
    # Closed: no form open or paused, none of its answers left for "继续" to read back or a correction to land on.
    assert after.active_loop_name is None and after.get_slot("paused_form") is None
    assert all(after.get_slot(k) is None for k in ("applicant_name", "applicant_id", "street", "delegation_id", "confirmed"))
    assert after.get_slot("application_no") == "JZ20261124000009"

    # "名字写错了，是王德贵" now goes to the case filed: a change request (verified phone: action_after_verify next).
    slots = {k: v for k, v in after.current_slot_values().items() if v is not None}
    correcting = tracker(slots, text="名字写错了，是王德贵", intent="correct_application")
    assert not requests.drafting(correcting, "名字写错了，是王德贵")
    events = await ActionStartChange().run(CollectingDispatcher(), correcting, {})
    assert slot_values(events)["after_verify"] == "correct"
    assert not any(e.get("event") == "followup" for e in events)  # not the application form again
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**slots, **slot_values(events)}), {})
    [step] = [r for r in fake_backend.requests if r.url.path.endswith("/actions/request_change")]
    assert "王德贵" in json.loads(step.content)["note"]  # what is right was said: filed at once, not asked again
    assert responses(dispatcher) == ["utter_correction_name_filed"] and dispatcher.messages[0]["right"] == "王德贵"


SHARED_PHONE = "13900001111"  # the old couple's one phone
HELPER = {**VERIFIED, "filing_for": "other", "helper_kind": "grid_worker", "helper_name": "张伟"}
HIM = {**HELPER, "assistance_type": "低保", "applicant_name": "周明富", "applicant_id": VALID_ID, "applicant_phone": SHARED_PHONE,
       "consent_code": "ok", "delegation_id": 7.0, "consent_sent": f"{SHARED_PHONE}|{time.time():.0f}", "held_for": VALID_ID,
       "street": "两路口街道", "area_code": "500103004", "hukou": "城镇户口", "monthly_income": 300.0, "savings": 0.0,
       "more_members": False, "reason": "一个人住，眼睛看不见", "confirmed": True, "submission_key": "chat-first",
       "precheck_heard": {"household_size": 1, "monthly_income": 300.0}, "income_words": "养老金300"}
HER = {"applicant_name": "李桂兰", "applicant_id": "500103194403150021", "applicant_phone": SHARED_PHONE}


async def run(action, slots: dict, text: str = "", intent: str = "inform", kind: str | None = None) -> tuple[dict, list, list]:  # noqa: ANN001
    """The slots after the action, what it said, and its events (`kind`: the type the NLU found in the message)."""
    dispatcher = CollectingDispatcher()
    entities = [{"entity": "assistance_type", "value": kind}] if kind else []
    events = await action.run(dispatcher, tracker(slots, text=text, intent=intent, entities=entities), {})
    return {**slots, **slot_values(events)}, responses(dispatcher), events


@pytest.mark.asyncio
async def test_a_second_person_after_a_filing_starts_clean_keeps_the_helper_and_gets_her_own_code(fake_backend) -> None:  # noqa: ANN001
    after, said, _ = await run(ActionSubmitApplication(), HIM)
    assert said == ["utter_submitted"]
    assert (after["helper_kind"], after["helper_name"], after["citizen_token"]) == ("grid_worker", "张伟", VERIFIED["citizen_token"])
    assert all(after[k] is None for k in ("applicant_name", "applicant_id", "applicant_phone", "delegation_id", "consent_code",
                                            "consent_sent", "reason", "monthly_income", "precheck_heard", "income_words", "filing_for"))

    second, said, _ = await run(ActionStartApplication(), after, "还有一个人要申请", "apply_assistance")
    assert said == ["utter_next_person"]  # never "上次的申请还没填完"
    assert second["filing_for"] == "other" and second["submission_key"] not in (None, "chat-first")
    needed = await ValidateApplicationForm().required_slots([], CollectingDispatcher(), tracker(second), DOMAIN_DICT)
    missing = [k for k in needed if second.get(k) is None]
    assert missing[:2] == ["assistance_type", "applicant_name"]  # not who the helper is, not for whom: said already

    # Her own consent code goes to the phone she shares with him (the one sent for him was used).
    second.update({"assistance_type": "低保", "applicant_name": HER["applicant_name"], "applicant_id": HER["applicant_id"]})
    events, words = await validate(ValidateApplicationForm(), "applicant_phone", SHARED_PHONE, second, "application_form")
    [sent] = [r for r in fake_backend.requests if r.url.path == "/api/v1/delegations/consent-code"]
    assert json.loads(sent.content)["principal"] == {"name": "李桂兰", "id_number": HER["applicant_id"], "phone": SHARED_PHONE}

    second.update({**slot_values(events), "consent_code": "ok", "delegation_id": 8.0, "street": "两路口街道", "area_code": "500103004",
                   "monthly_income": 0.0, "savings": 0.0, "more_members": False, "reason": "老伴眼睛看不见", "confirmed": True})
    await run(ActionSubmitApplication(), second)
    first, filed = [json.loads(r.content) for r in fake_backend.requests if r.url.path == "/api/v1/applications"]
    [her] = filed["members"]
    assert (her["name"], her["id_number"], filed["reason"], filed["helper_name"]) == ("李桂兰", HER["applicant_id"], "老伴眼睛看不见", "张伟")
    assert first["members"][0]["name"] == "周明富" and not any(i["monthly_amount"] for i in her["incomes"])


@pytest.mark.asyncio
async def test_another_person_while_the_first_waits_for_her_paper_form_keeps_the_first_as_a_draft(fake_backend) -> None:  # noqa: ANN001
    waiting = {**HIM, "delegation_id": None, "consent_code": None, "principal_no_phone": True, "confirmed": None,
               "paused_form": "application_form", "draft_id": 7.0}
    second, said, _ = await run(ActionStartApplication(), waiting, "再帮另一个人申请低保", "apply_assistance", "低保")
    [put] = [r for r in fake_backend.requests if r.method == "PUT"]
    assert json.loads(put.content)["answers"]["applicant_name"] == "周明富"  # his form is kept: "继续" finds it
    assert said == ["utter_draft_kept", "utter_next_person"]
    assert second["paused_form"] is None and second["applicant_name"] is None and second["principal_no_phone"] is None
    assert (second["filing_for"], second["helper_name"], second["assistance_type"]) == ("other", "张伟", "低保")
    # The same person again is no other person: her form goes on ("再帮周明富申请" is his).
    _, said, _ = await run(ActionStartApplication(), waiting, "还有一个周明富的要申请", "apply_assistance")
    assert said == ["utter_resume_application"]


@pytest.mark.asyncio
async def test_another_person_read_as_an_answer_starts_the_application_and_is_for_someone_else(fake_backend) -> None:  # noqa: ANN001
    after = {**HELPER, "application_no": "JZ20261124000009"}
    slots, said, events = await run(ActionLooseAnswer(), after, "还有一个人要申请")
    assert "utter_default" not in said and {"event": "followup", "timestamp": None, "name": "application_form"} in events
    assert slots["filing_for"] == "other"
    events, _ = await validate(ValidateApplicationForm(), "filing_for", "帮另一个人", {"assistance_type": "低保"}, "application_form")
    assert slot_values(events)["filing_for"] == "other"  # "另一个人" is someone else, never "个人" (herself)


@pytest.mark.asyncio
async def test_lets_apply_after_a_precheck_read_as_progress_goes_on_through_the_phone_check(fake_backend) -> None:  # noqa: ANN001
    heard = await precheck(fake_backend)  # 3 people, 一百多块, 没得存款, 农村的; the offer: 低保
    slots, said, events = await run(ActionStartVerifiedQuery(), heard, "那申请嘛", "query_progress")
    assert {"event": "followup", "timestamp": None, "name": "application_form"} in events and "utter_relative_progress_first" not in said
    assert slots.get("after_verify") is None and "verify_phone" not in slot_values(events)  # no progress query's phone check
    assert (slots["assistance_type"], slots["monthly_income"], slots["savings"], slots["hukou"]) == ("低保", 100, 0, "农村户口")
    form = ValidateApplicationForm()
    slots, _ = await turn(form, "filing_for", "我自己", slots)
    slots, _ = await turn(form, "applicant_name", f"张秀英 {HER_ID}", slots)
    assert slots["requested_slot"] == "applicant_phone"
    slots, _ = await turn(form, "applicant_phone", "13812345678", slots)
    assert slots["requested_slot"] == "verify_code"
    slots, _ = await turn(form, "verify_code", "123456", slots)
    assert slots["phone_verified"] is True and slots["requested_slot"] == "street"  # the thread goes on, nothing heard asked
    slots, _ = await turn(form, "street", "渝中区七星岗街道", slots)
    assert slots["hukou"] == "农村户口" and slots["requested_slot"] == "member_name"  # 3 people: the others are asked for


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent"), [("那申请嘛", "inform"), ("那就帮我申请吧", "inform")])
async def test_lets_apply_after_a_precheck_read_as_an_answer_starts_the_application(fake_backend, text, intent) -> None:  # noqa: ANN001
    heard = await precheck(fake_backend)
    slots, said, events = await run(ActionLooseAnswer(), heard, text, intent)
    assert "utter_default" not in said and {"event": "followup", "timestamp": None, "name": "application_form"} in events
    assert slots["monthly_income"] == 100


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我那申请呢", "查一下申请嘛", "申请办到哪一步了", "我还能申请啥子"])
async def test_a_question_about_a_case_after_a_precheck_is_still_a_progress_query(fake_backend, text) -> None:  # noqa: ANN001
    heard = await precheck(fake_backend)
    slots, _, events = await run(ActionStartVerifiedQuery(), heard, text, "query_progress")
    assert slots["after_verify"] == "progress" and not any(e.get("event") == "followup" for e in events)
