"""The form-first and resume rules, with Rasa's own RulePolicy trained on bot/data (the fixture of
test_policy_rules.py): "继续" after a pause goes back to the form and the next thing is that form, never the
core fallback; each interruption inside a form is answered and the form asks again."""

import pytest
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, ActiveLoop, SlotSet

from tests.actions.test_policy_rules import LISTEN, _next, _user, rules  # noqa: F401  (the fixture)


def _paused(form: str) -> list:
    return [LISTEN, _user("apply_assistance", "我要申请低保"), ActionExecuted("action_start_application"),
            ActionExecuted("application_form"), ActiveLoop("application_form"), SlotSet("requested_slot", "monthly_income"),
            LISTEN, _user("stop", "算了"), ActionExecuted("action_cancel"), ActiveLoop(None), SlotSet("requested_slot", None),
            SlotSet("paused_form", form), LISTEN]


def test_continue_goes_back_to_the_paused_application(rules) -> None:  # noqa: ANN001, F811
    events = [*_paused("application_form"), _user("resume", "那继续吧")]
    assert _next(rules, events) == "action_resume"
    events += [ActionExecuted("action_resume"), SlotSet("paused_form", None)]
    assert _next(rules, events) == "action_start_application"
    events += [ActionExecuted("action_start_application")]
    assert _next(rules, events) == "application_form"


def test_continue_with_nothing_paused_asks_what_to_do(rules) -> None:  # noqa: ANN001, F811
    events = [LISTEN, _user("resume", "继续")]
    assert _next(rules, events) == "action_resume"
    assert _next(rules, [*events, ActionExecuted("action_resume"), SlotSet("paused_form", None)]) == "action_listen"


def _rejected(form: str, intent: str, text: str) -> list:
    """The form asked, the message filled nothing (a clear interruption): the form rejected it, the rules decide."""
    return [LISTEN, ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", "monthly_income"), LISTEN,
            _user(intent, text), ActionExecutionRejected(form)]


@pytest.mark.parametrize(("form", "intent", "first", "then"), [
    ("application_form", "report_emergency", "utter_emergency_first", "action_read_emergency"),
    ("application_form", "apply_assistance", "action_start_application", "application_form"),
    ("application_form", "bot_challenge", "utter_iamabot", "application_form"),
    ("complaint_form", "ask_policy", "action_answer_policy", "complaint_form"),
    ("scope_form", "request_human", "action_request_callback", "scope_form"),
    ("eligibility_form", "apply_assistance", "action_start_application", "application_form"),
])
def test_an_interruption_in_a_form_is_answered_and_leads_on(rules, form: str, intent: str, first: str, then: str) -> None:  # noqa: ANN001, F811
    events = _rejected(form, intent, "…")
    assert _next(rules, events) == first
    assert _next(rules, [*events, ActionExecuted(first)]) == then


def test_an_emergency_in_the_application_keeps_what_was_said_then_continue_goes_back(rules) -> None:  # noqa: ANN001, F811
    events = _rejected("application_form", "report_emergency", "屋头着火了")
    events += [ActionExecuted("utter_emergency_first")]
    assert _next(rules, events) == "action_read_emergency"  # what was said is the description: not asked again
    events += [ActionExecuted("action_read_emergency"), SlotSet("paused_form", "application_form"),
               SlotSet("emergency_what", "屋头着火了")]
    assert _next(rules, events) == "emergency_form"
    events += [ActionExecuted("emergency_form"), ActiveLoop("emergency_form"), SlotSet("requested_slot", None),
               ActiveLoop(None), ActionExecuted("action_submit_emergency"), LISTEN, _user("resume", "继续")]
    assert _next(rules, events) == "action_resume"


def test_yes_to_the_offer_after_the_precheck_starts_the_application(rules) -> None:  # noqa: ANN001, F811
    """Seen by a tester: "对", "是", "要" to "要不要现在就帮您申请？" got the global fallback."""
    events = [LISTEN, _user("check_eligibility", "我能办低保不"), ActionExecuted("eligibility_form"), ActiveLoop("eligibility_form"),
              ActionExecuted("eligibility_form"), ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_precheck"),
              LISTEN, _user("affirm", "要")]
    assert _next(rules, events) == "action_start_application"
