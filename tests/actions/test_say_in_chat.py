"""The chat says dates and amounts the way the backend words them (backend/core/say.py): no ISO date,
no "470.0", progress as steps (shorter by SMS)."""

import re

import pytest
from rasa_sdk import Tracker

from actions import parsing
from actions.journeys import ActionAfterVerify, ActionSubmitApplication

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def tracker(slots: dict, channel: str = "rest") -> Tracker:
    events = [{"event": "user", "text": "进度", "input_channel": channel, "parse_data": {"intent": {"name": "inform"}}}]
    return Tracker("sms:+8613800001111" if channel == "twilio" else "web:abc", slots,
                   {"text": "进度", "intent": {"name": "inform", "confidence": 1.0}, "entities": []}, events, False, None, {},
                   "action_listen")


def _said(dispatcher) -> str:  # noqa: ANN001
    return " ".join(str(v) for m in dispatcher.messages for v in m.values() if isinstance(v, str))


@pytest.mark.asyncio
async def test_progress_comes_as_steps_in_the_chat_and_shorter_by_sms(fake_backend, dispatcher) -> None:  # noqa: ANN001
    await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "progress"}), {})
    text = dispatcher.messages[-1]["text"]
    assert "✓ 11月24日 提交申请" in text and "下一步：受理" in text
    await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "progress"}, "twilio"), {})
    assert dispatcher.messages[-1]["text"].startswith("您的低保申请") and "✓" not in dispatcher.messages[-1]["text"]


@pytest.mark.asyncio
async def test_payment_and_submission_dates_and_amounts_are_said_not_printed(fake_backend, dispatcher) -> None:  # noqa: ANN001
    await ActionAfterVerify().run(dispatcher, tracker({"citizen_token": "t", "after_verify": "payment"}), {})
    last = dispatcher.messages[-1]
    assert (last["month"], last["amount"], last["paid_on"]) == ("2026年12月", "470元", "12月10日（星期四）")
    slots = {"confirmed": True, "citizen_token": "t", "applicant_name": "张秀英", "applicant_id": "11010519491231002X",
             "applicant_phone": "13800001111", "monthly_income": 300.0, "savings": 0.0, "area_code": "500103001",
             "submission_key": "chat-1"}
    await ActionSubmitApplication().run(dispatcher, tracker(slots), {})
    assert dispatcher.messages[-1]["due"] == "11月27日（星期五）"
    assert not ISO.search(_said(dispatcher))


@pytest.mark.parametrize(("value", "shown"), [(800.0, "800"), (1200.5, "1200.5"), (None, "0")])
def test_an_answer_is_read_back_as_typed_not_as_a_float(value, shown: str) -> None:  # noqa: ANN001
    assert parsing.as_typed(value) == shown
