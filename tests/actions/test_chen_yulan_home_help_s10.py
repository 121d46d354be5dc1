"""Session 10: 陈玉兰 (81, alone) asked "你们可不可以来屋头帮我弄" and was booked an urgent call-back ("按急事登记了…排在最前面"),
then saw a 急难报告 she never made on her progress. The question is answered (yes, the street's staff come to the home for
those who cannot go out), and she chooses: a normal call-back to arrange the visit, or applying here now."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import home_help
from actions.policy import ActionAnswerPolicy
from actions.requests import ActionRequestCallback
from tests.actions.test_callback_findings import paths
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import VERIFIED, slot_values
from tests.actions.test_retries import DOMAIN

ASKED = "你们可不可以来屋头帮我弄"
PLACED = {**VERIFIED, "area_code": "500103001", "street": "七星岗街道"}


@pytest.mark.parametrize("text", [ASKED, "能不能上门帮我办", "我走不动 你们可以到我屋头来不嘛"])
def test_whether_staff_come_to_the_home_is_a_question(text: str) -> None:
    assert home_help.asks(text)


@pytest.mark.parametrize("text", ["好久来屋头看嘛", "马上来屋头 急得很", "找工作人员", "/request_human"])
def test_when_or_in_a_hurry_is_not_that_question(text: str) -> None:
    assert not home_help.asks(text)


@pytest.mark.asyncio
@pytest.mark.parametrize("slots", [PLACED, {**PLACED, "paused_form": "emergency_form"}])
async def test_read_as_asking_for_a_person_it_is_answered_never_booked(fake_backend, slots: dict) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, tracker(slots, text=ASKED, intent="request_human"), {})
    assert responses(dispatcher) == ["utter_home_help"]
    assert paths(fake_backend, "/callbacks") == []  # nothing booked, nothing urgent
    assert slot_values(events)["callback_topic"].endswith(ASKED)
    buttons = [b["payload"] for b in DOMAIN.responses["utter_home_help"][0]["buttons"]]
    assert buttons == ["/request_human", "/apply_assistance"]


@pytest.mark.asyncio
async def test_read_as_a_policy_question_it_is_the_same_answer(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, tracker(PLACED, text=ASKED, intent="ask_policy"), {})
    assert responses(dispatcher) == ["utter_home_help"]


@pytest.mark.asyncio
async def test_the_visit_asked_for_after_it_is_a_normal_call_back_with_her_words(fake_backend) -> None:  # noqa: ANN001
    events = await ActionRequestCallback().run(CollectingDispatcher(), tracker(PLACED, text=ASKED, intent="request_human"), {})
    after = {**PLACED, **slot_values(events)}
    await ActionRequestCallback().run(CollectingDispatcher(), tracker(after, text="/request_human", intent="request_human"), {})
    [booked] = paths(fake_backend, "/callbacks")
    assert booked["urgent"] is False and "上门" in booked["topic"] and ASKED in booked["topic"]
