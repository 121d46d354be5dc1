"""Session 10: 陈玉兰 (81, alone, 重庆话) in the pre-check, and at the 急难 report she never meant to make.

1. "儿子在广东 一分钱都不拿回来" to "有没有儿女…有能力照顾您" (read by the NLU as report_emergency) started the 急难 report:
   it is the pre-check's answer (no support comes), never an emergency unless it names a real danger.
2. Inside the 急难 report, "我又莫得啥子危险 119做啥子", "不是急事 我是问低保", "啥子急难报告哦 我没得急事", "不要不要 我不报"
   were "这个好像不是名字" or her name: the report stops, nothing filed, and she goes back to what she was doing.
"""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.form_first import looks_like_answer
from actions.forms import ValidateEmergencyForm
from tests.actions.test_precheck_asides_s9_m import ELIGIBILITY, HEARD_SO_FAR, precheck_turn, with_rules
from tests.actions.test_retries import DOMAIN_DICT, answer

EMERGENCY = "emergency_form"
SON_GIVES_NOTHING = "儿子在广东 一分钱都不拿回来"
AT_SUPPORTER = {**HEARD_SO_FAR, "applicant_age": 81.0, "illness_or_disability": False}
DENIALS = ["我又莫得啥子危险 119做啥子", "不是急事 我是问低保", "啥子急难报告哦 我没得急事", "不要不要 我不报"]


# ---- 1. the pre-check's answer ------------------------------------------------------------------------------------

def test_a_son_who_gives_nothing_is_the_supporter_answer_never_an_emergency() -> None:
    assert looks_like_answer("has_supporter", SON_GIVES_NOTHING, "report_emergency", ELIGIBILITY)


@pytest.mark.parametrize("text", ["屋头着火了", "我摔倒了 起不来", "今晚莫得地方住", "老伴在医院抢救"])
def test_a_real_danger_still_leaves_the_precheck_for_the_report(text: str) -> None:
    assert not looks_like_answer("has_supporter", text, "report_emergency", ELIGIBILITY)


@pytest.mark.asyncio
async def test_a_son_who_gives_nothing_counts_as_no_support_said_so(fake_backend) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    after, said, _ = await precheck_turn("has_supporter", SON_GIVES_NOTHING, AT_SUPPORTER, intent="report_emergency")
    assert after["has_supporter"] is False
    assert said == ["utter_supporter_gives_nothing"]


@pytest.mark.asyncio
async def test_a_son_with_money_who_gives_nothing_is_still_asked_what_counts(fake_backend) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    after, said, _ = await precheck_turn("has_supporter", "他有钱 就是一分钱都不给", AT_SUPPORTER)
    assert after["has_supporter"] is None and said == ["utter_supporter_unwilling"]


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["report_emergency", "deny"])
async def test_no_emergency_at_a_precheck_question_is_no_answer_to_it(fake_backend, intent: str) -> None:  # noqa: ANN001
    with_rules(fake_backend)
    text = "啥子急难报告哦 我没得急事"
    assert looks_like_answer("has_supporter", text, "report_emergency", ELIGIBILITY)
    after, said, _ = await precheck_turn("has_supporter", text, AT_SUPPORTER, intent=intent)
    assert after["has_supporter"] is None and said == ["utter_not_urgent_precheck"]  # never the "没有" of the question
    assert {k: after[k] for k in AT_SUPPORTER} == AT_SUPPORTER and not after.get("form_retries")


# ---- 2. no emergency inside the report ----------------------------------------------------------------------------

async def report_turn(text: str, slots: dict, intent: str = "inform") -> tuple[list, list]:
    dispatcher = CollectingDispatcher()
    slots = {"emergency_what": SON_GIVES_NOTHING, **slots}
    events = await ValidateEmergencyForm().run(dispatcher, answer("applicant_name", text, slots, EMERGENCY, intent), DOMAIN_DICT)
    return events, [m.get("response") or m.get("text") for m in dispatcher.messages]


def slot_events(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("text", DENIALS)
@pytest.mark.parametrize("intent", ["report_emergency", "stop", "ask_policy", "inform"])
def test_a_denial_reaches_the_reports_validator_whatever_the_nlu_read(text: str, intent: str) -> None:
    assert looks_like_answer("applicant_name", text, intent, EMERGENCY)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", DENIALS)
async def test_a_denial_leaves_the_report_and_goes_back_to_the_precheck(fake_backend, text: str) -> None:  # noqa: ANN001
    events, said = await report_turn(text, {"paused_form": ELIGIBILITY, **AT_SUPPORTER})
    assert said == ["utter_not_urgent_back"]
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert events[-1] == {"event": "followup", "name": ELIGIBILITY, "timestamp": None}
    slots = slot_events(events)
    assert slots["paused_form"] is None and slots["emergency_what"] is None and slots.get("applicant_name") is None
    assert all(k not in slots for k in AT_SUPPORTER)  # every pre-check answer kept


@pytest.mark.asyncio
async def test_a_denial_with_a_question_and_nothing_paused_answers_the_question(fake_backend) -> None:  # noqa: ANN001
    events, said = await report_turn("不是急事 我是问低保", {})
    assert said == ["utter_not_urgent"] and events[-1]["name"] == "action_answer_policy"
    events, said = await report_turn("不要不要 我不报", {})
    assert said == ["utter_not_urgent", "utter_not_urgent_what_now"] and events[-1]["name"] == "action_listen"
    assert slot_events(events).get("applicant_name") is None


@pytest.mark.asyncio
async def test_a_fire_put_out_is_still_reported(fake_backend) -> None:  # noqa: ANN001
    events, said = await report_turn("火灭了 莫得危险了", {"emergency_what": "屋头着火了"})
    assert "utter_not_urgent_back" not in said and "utter_not_urgent" not in said
