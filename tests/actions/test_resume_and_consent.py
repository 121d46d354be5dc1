"""A grandson helping his grandmother: "继续" after "取消" in any form goes back to it (it got the core fallback
after a stopped call-back or code question), resuming never sends her a second consent code while the first still
stands, and words without a code are never called a wrong code."""

import re
import time
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet as Set
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm
from actions.journeys import ActionAfterVerify, ActionCancel
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import extracted
from tests.actions.test_policy_rules import LISTEN, _next, _user, rules  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
STOPPABLE = ["application_form", "eligibility_form", "emergency_form", "complaint_form", "verify_form", "callback_form",
             "withdraw_form", "correction_form", "scope_form"]


@pytest.mark.parametrize("form", STOPPABLE)
@pytest.mark.parametrize(("intent", "text"), [("resume", "继续"), ("resume", "/resume")])
def test_continue_after_a_stop_goes_back_to_that_form(rules, form: str, intent: str, text: str) -> None:  # noqa: ANN001, F811
    events = [LISTEN, _user("apply_assistance", "帮我奶奶申请低保"), ActionExecuted(form), ActiveLoop(form),
              SlotSet("requested_slot", "x"), LISTEN, _user("stop", "取消"), ActionExecuted("action_cancel"), ActiveLoop(None),
              SlotSet("requested_slot", None), SlotSet("paused_form", form), LISTEN, _user(intent, text)]
    assert _next(rules, events) == "action_resume"
    events += [ActionExecuted("action_resume"), SlotSet("paused_form", None)]
    assert _next(rules, events) in (form, "action_start_application")


def test_every_form_a_stop_can_leave_is_a_value_of_paused_form() -> None:
    domain = yaml.safe_load((ROOT / "bot/domain.yml").read_text(encoding="utf-8"))
    assert set(domain["forms"]) <= set(domain["slots"]["paused_form"]["values"])


def _examples(intent: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "nlu-data").glob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if item.get("intent") == intent:
                found |= {line.strip()[2:].strip() for line in str(item.get("examples", "")).splitlines() if line.strip()}
    return found


def test_what_the_stop_and_resume_replies_tell_her_to_say_is_understood() -> None:
    """Every "说“继续”" / "说“算了”" / "说“先放一放”" / "说“找工作人员”" the bot says is a training example of its intent
    (the rules above then take it from any stopped form)."""
    domain = yaml.safe_load((ROOT / "bot/domain.yml").read_text(encoding="utf-8"))
    said = {m for variants in domain["responses"].values() for v in variants
            for m in re.findall(r"说[“‘']([^”’']{1,12})[”’']", v.get("text") or "")}
    for phrase, intent in [("继续", "resume"), ("算了", "stop"), ("先放一放", "stop"), ("找工作人员", "request_human"),
                           ("转人工", "request_human")]:
        assert phrase in said and phrase in _examples(intent), phrase


@pytest.mark.asyncio
async def test_a_stopped_call_back_question_keeps_the_application_it_interrupted(dispatcher) -> None:  # noqa: ANN001
    t = tracker({"paused_form": "application_form", "applicant_name": "张秀英"}, text="取消", intent="stop", active_loop="callback_form")
    events = await ActionCancel().run(dispatcher, t, {})
    assert Set("paused_form", "application_form") in events and responses(dispatcher) == ["utter_stopped"]


GRANDMA = {"filing_for": "other", "helper_name": "王小明", "citizen_token": "t", "verified_phone": "13812345678",
           "applicant_name": "张秀英", "applicant_id": "11010519491231002X", "applicant_phone": "13900001111"}


def _resuming(sent_ago: float, text: str = "继续", requested: str | None = None) -> Tracker:
    """The form opens again: her phone, taken `sent_ago` seconds ago, is checked again with the other filled slots."""
    slots = {**GRANDMA, "requested_slot": requested, "consent_sent": f"13900001111|{time.time() - sent_ago:.0f}"}
    return Tracker("web-test-1", slots, {"text": text, "intent": {"name": "resume"}, "entities": []},
                   [], False, None, {"name": "application_form"}, "action_listen")


def _sent(fake) -> int:  # noqa: ANN001
    return sum(r.url.path.endswith("/delegations/consent-code") for r in fake.requests)


@pytest.mark.asyncio
async def test_resuming_does_not_send_grandma_a_second_code_while_the_first_stands(fake_backend, dispatcher) -> None:  # noqa: ANN001
    form = ValidateApplicationForm()
    assert await form.validate_applicant_phone("13900001111", dispatcher, _resuming(60), {}) == {"applicant_phone": "13900001111"}
    assert _sent(fake_backend) == 0 and dispatcher.messages == []
    # An hour later the old code is gone anyway: a new one is sent, and when it went is kept for the next resume.
    slots = await form.validate_applicant_phone("13900001111", dispatcher, _resuming(3600), {})
    assert _sent(fake_backend) == 1
    phone, _, at = slots["consent_sent"].partition("|")
    assert phone == "13900001111" and abs(float(at) - time.time()) < 60


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["继续", "等下我打电话问她", "我问下她", "等她回我"])
async def test_no_code_typed_is_never_called_a_wrong_code(fake_backend, dispatcher, said: str) -> None:  # noqa: ANN001
    slots = await ValidateApplicationForm().validate_consent_code(said, dispatcher, _resuming(60, said, "consent_code"), {})
    assert slots["consent_code"] is None and "delegation_id" not in slots
    assert responses(dispatcher) == ["utter_consent_code_wait"] and _sent(fake_backend) == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(("own", "note"), [(False, False), (True, True)])
async def test_the_relatives_note_only_when_no_relatives_case_was_shown(fake_backend, own: bool, note: bool) -> None:  # noqa: ANN001
    fake_backend.mine = [{"number": "JZ20261124000009", "own": own}]
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "relative"}), {})
    assert responses(dispatcher)[0].startswith("您的低保申请")
    assert ("utter_relative_what_you_see" in responses(dispatcher)) is note


@pytest.mark.asyncio
@pytest.mark.usefixtures("remote_actions_in_process")
@pytest.mark.parametrize("said", ["等下我打电话问她", "我问下她", "等她回我"])
async def test_phoning_her_for_the_code_is_a_wait_not_a_call_back(fake_backend, said: str) -> None:  # noqa: ANN001
    """Read as request_human, it booked a call-back and her code was then read as a street: it is the code question's
    own message now, and its validator says to send the code when he has it (above), booking nothing."""
    assert (await extracted(said, "request_human", "consent_code", "application_form")).get("consent_code") == said
    assert not any(r.url.path.endswith("/callbacks") for r in fake_backend.requests)
    assert "consent_code" not in await extracted("找工作人员", "request_human", "consent_code", "application_form")
