"""Session 10, 陈玉兰: "我养老金一千一 能不能吃低保" started the pre-check and was then asked "全家一个月大概有多少收入？"; "我刚才说了噻
养老金" got "这个数我没听明白". The income said in the first message fills that question (actions/precheck_first.py)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateEligibilityForm
from tests.actions.answers_helpers import DOMAIN_DICT


def first_turn(text: str, slots: dict | None = None, requested: str | None = None) -> Tracker:
    slots = {"requested_slot": requested, **(slots or {})}
    return Tracker("web-test-1", slots, {"text": text, "intent": {"name": "check_eligibility", "confidence": 1.0}, "entities": []},
                   [], False, None, {"name": "eligibility_form"}, "action_listen")


async def run(tracker: Tracker) -> tuple[dict, list]:
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN_DICT)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


@pytest.mark.asyncio
async def test_the_income_in_the_first_message_fills_the_income_question(fake_backend) -> None:  # noqa: ANN001
    slots, messages = await run(first_turn("我养老金一千一 能不能吃低保"))
    assert slots["monthly_income"] == 1100.0
    assert "utter_number_unclear" not in [m.get("response") for m in messages]


@pytest.mark.asyncio
async def test_i_already_said_it_quotes_what_was_said(fake_backend) -> None:  # noqa: ANN001
    slots, _ = await run(first_turn("我养老金 能不能吃低保"))
    kept = slots["precheck_first_said"]
    assert "养老金" in kept and slots.get("monthly_income") is None
    tracker = first_turn("我刚才说了噻 养老金", {"household_size": 1.0, "precheck_first_said": kept, "monthly_income": "我刚才说了噻 养老金"},
                         "monthly_income")
    tracker.latest_message["intent"]["name"] = "inform"
    slots, messages = await run(tracker)
    said = [m.get("response") for m in messages]
    assert "utter_number_unclear" not in said and "utter_income_said_before" in said
    assert next(m for m in messages if m.get("response") == "utter_income_said_before")["said"] == kept
