"""A fire victim's "两个都要 临时救助也要 低保也要" at the type question went on as 临时救助 with nothing said of 低保. Both can
be applied for (临时救助 one-off, 低保 monthly: two applications): said plainly, 临时救助 filed now, and 低保 offered once it
is filed (actions/first_answers.both_wanted, said_ahead.py, journeys.py)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm
from actions.journeys import ActionSubmitApplication
from tests.actions.answers_helpers import turn
from tests.actions.test_member_said_whole_s9_g2 import GRANDMA


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["两个都要 临时救助也要 低保也要", "低保和临时救助都要"])
async def test_both_types_are_said_and_the_first_is_filed_now(fake_backend, text: str) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", text, {"filing_for": "self"})
    assert slots["assistance_type"] == "临时救助" and slots["also_wanted"] == "低保"
    assert [m for m in messages if m.get("response") == "utter_both_types"] == [
        {**next(m for m in messages if m.get("response") == "utter_both_types"), "now": "临时救助", "later": "低保"}]


@pytest.mark.asyncio
async def test_one_type_chosen_is_not_both(fake_backend) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", "特困吧 不行的话就低保", {"filing_for": "self"})
    assert slots["assistance_type"] == "特困" and not slots.get("also_wanted")
    assert "utter_both_types" not in [m.get("response") for m in messages]


@pytest.mark.asyncio
async def test_the_other_type_is_offered_once_filed(fake_backend) -> None:  # noqa: ANN001
    slots = {**GRANDMA, "assistance_type": "临时救助", "also_wanted": "低保", "monthly_income": 0.0, "savings": 0.0,
             "reason": "房子烧了", "confirmed": True, "submission_key": "s10-both"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitApplication().run(dispatcher, Tracker("t", slots, {}, [], False, None, None, "action_listen"), {})
    offer = next(m for m in dispatcher.messages if m.get("response") == "utter_second_type_offer")
    assert offer["later"] == "低保" and offer["buttons"][0]["payload"] == '/apply_assistance{"assistance_type":"低保"}'
    assert {"event": "slot", "name": "also_wanted", "value": None} in [{k: e.get(k) for k in ("event", "name", "value")} for e in events]
