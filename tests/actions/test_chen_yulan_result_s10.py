"""Session 10, 陈玉兰 (81, alone, pension 1100, 重庆话). The pre-check's result said only "【低保边缘】…低于低保边缘收入线1155元…",
never plainly that 1100 is above the 低保 standard 770; then "啥子叫边缘哦 那我吃得到低保不" started the questionnaire again and
"那就是说低保吃不到哇" got the standard's general text. Now 低保's plain line comes first (the backend's, `plain`), then what
低保边缘 means; she is still offered to file and a person; questions about the result are answered from it (precheck_result)."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateEligibilityForm
from actions.policy import ActionAnswerPolicy
from actions.precheck import ActionPrecheck
from tests.actions.answers_helpers import DOMAIN_DICT, plain_tracker

HEARD = {"household_size": 1.0, "monthly_income": 1100.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 81.0,
         "illness_or_disability": False, "has_supporter": True, "hukou": "城镇户口", "region": "重庆"}
DIBAO_LINE = "按您说的，每月1100元，比低保标准770元高，低保一般批不下来。"


async def result() -> tuple[list, dict]:
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, plain_tracker(HEARD), {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.asyncio
async def test_the_result_says_plainly_first_that_dibao_is_unlikely(fake_backend) -> None:  # noqa: ANN001
    messages, slots = await result()
    assert messages[0]["text"] == DIBAO_LINE
    assert "低保边缘" in messages[1]["text"] and "不发低保金" in messages[1]["text"]
    assert messages[-1]["response"] == "utter_offer_apply_anyway"  # she may still apply, or ask a person
    assert [b["title"] for b in messages[-1]["buttons"]] == ["申请低保", "找工作人员", "先不用"]
    assert slots["precheck_result"]["低保"] == {"eligible": False, "said": DIBAO_LINE}


def asking(text: str, slots: dict, intent: str, loop: str | None = None) -> Tracker:
    return Tracker("web-test-1", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}, [], False, None,
                   {"name": loop} if loop else {}, "action_listen")


@pytest.mark.asyncio
async def test_whether_she_gets_dibao_read_as_a_new_precheck_is_answered_from_the_result(fake_backend) -> None:  # noqa: ANN001
    _, kept = await result()
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, asking("啥子叫边缘哦 那我吃得到低保不", kept, "check_eligibility",
                                                                   "eligibility_form"), DOMAIN_DICT)
    texts = [m.get("text") for m in dispatcher.messages]
    assert texts[0] == DIBAO_LINE and "不发低保金" in texts[1]
    assert dispatcher.messages[-1]["response"] == "utter_offer_apply_anyway"
    assert not any(m.get("response") == "utter_ask_household_size" for m in dispatcher.messages)
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["那就是说低保吃不到哇", "吃得到低保不", "那就是低保吃不到哇"])
async def test_dibao_asked_as_a_policy_question_is_answered_from_the_result(fake_backend, text: str) -> None:  # noqa: ANN001
    _, kept = await result()
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, asking(text, kept, "ask_policy"), {})
    assert dispatcher.messages[0]["text"] == DIBAO_LINE
    assert not [r for r in fake_backend.requests if "/policy/answer" in r.url.path]  # not the standard's general text


@pytest.mark.asyncio
async def test_what_bianyuan_means_is_answered_from_the_result(fake_backend) -> None:  # noqa: ANN001
    _, kept = await result()
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, asking("啥子叫边缘", kept, "ask_policy"), {})
    assert "不发低保金" in dispatcher.messages[0]["text"]


@pytest.mark.asyncio
async def test_new_figures_are_a_new_question(fake_backend) -> None:  # noqa: ANN001
    _, kept = await result()
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, asking("我养老金其实只有五百 能不能吃低保", kept, "ask_policy"), {})
    assert DIBAO_LINE not in [m.get("text") for m in dispatcher.messages]
