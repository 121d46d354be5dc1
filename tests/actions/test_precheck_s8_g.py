"""Testers' session 8, a grandson in 上海 doing the pre-check for his grandmother in 重庆渝中区:
1. "两个 我奶奶跟我爷爷一起住 我在上海的" made 上海 the place (no figures there), and after that every place said
   ("我奶奶在重庆", "在重庆", "我在重庆") got "没太听懂": the helper's own place is not hers, and a place with figures said
   after "还没法算" gives the result with every answer kept;
2. "奶奶养老金一千二左右 爷爷退休工资两千多" was read as 1200, and "不晓得是哪种"/"说不清楚" to the pension's kind then left all
   the income out (月人均收入0元, eligible): each person's amount is added, and a pension of a kind not known is counted
   and said so."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback
from actions.forms import ValidateEligibilityForm
from actions.journeys import ActionLooseAnswer, ActionOfferDeclined
from actions.precheck import ActionPrecheck
from tests.actions.answers_helpers import DOMAIN_DICT, install

GRANDSON = "两个 我奶奶跟我爷爷一起住 我在上海的"
# The pre-check's answers for the grandmother (2 people, 81), as heard before the place had no figures.
PLACE_MISSING = "place_missing"  # what the pre-check heard says: the place had no figures
HEARD = {"household_size": 2.0, "monthly_income": 3200.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 81.0,
         "illness_or_disability": False}


def household_answer(text: str, region: str) -> Tracker:
    """The household question answered with a place the NLU took as the region: this turn's events as the action server
    gets them (action_extract_slots set the region, then the form's candidate)."""
    events = [{"event": "user", "text": text}, {"event": "action", "name": "action_extract_slots"},
              {"event": "slot", "name": "region", "value": region}, {"event": "slot", "name": "household_size", "value": text}]
    return Tracker("web:g", {"region": region, "requested_slot": "household_size", "household_size": text},
                   {"text": text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []}, events, False, None,
                   {"name": "eligibility_form"}, "action_listen")


def slots_after(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "region"), [
    (GRANDSON, None),                       # his place, not hers: the default region
    ("两个 我奶奶跟我爷爷 我人在上海", None),
    ("我跟老伴两个 我在上海", "上海"),      # her own place
    ("两个 在上海", "上海"),
])
async def test_the_helpers_own_place_is_not_the_principals(fake_backend, text: str, region: str | None) -> None:  # noqa: ANN001
    install(fake_backend)
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), household_answer(text, "上海"), DOMAIN_DICT)
    after = {"region": "上海", **slots_after(events)}
    assert after["household_size"] == 2 and after["region"] == region


def plain(slots: dict, text: str, intent: str = "inform") -> Tracker:
    return Tracker("web:g", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}, [], False, None,
                   {}, "action_listen")


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不是 我在广东 我奶奶在重庆渝中区两路口的", "我奶奶在重庆", "在重庆", "我在重庆", "重庆渝中区"])
@pytest.mark.parametrize("action", [ActionLooseAnswer, ActionFallback, ActionOfferDeclined])
async def test_a_place_with_figures_after_none_goes_on_with_the_answers_kept(fake_backend, text: str, action: type) -> None:  # noqa: ANN001
    first = CollectingDispatcher()
    events = await ActionPrecheck().run(first, plain({**HEARD, "region": "广东"}, "帮我测一测"), {})
    assert [m.get("response") for m in first.messages][-1] == "utter_precheck_no_figures"
    heard = slots_after(events)["precheck_heard"]
    assert heard[PLACE_MISSING] == "广东" and heard["monthly_income"] == 3200.0
    fake_backend.requests.clear()
    again = CollectingDispatcher()
    events = await action().run(again, plain({"precheck_heard": heard}, text), {})
    said = [m.get("response") for m in again.messages]
    result = "utter_precheck_result" in said or any("低保一般批不下来" in (m.get("text") or "") for m in again.messages)  # plainly
    assert said[0] == "utter_precheck_place_now" and "utter_default" not in said and result
    body = fake_backend.body()
    assert body["region"] == "重庆" and body["members"][0]["incomes"] == [{"kind": "收入", "monthly_amount": 3200.0}]
    assert body["members"][0]["age"] == 81 and len(body["members"]) == 2
    after = slots_after(events)
    assert after["region"] == "重庆" and PLACE_MISSING not in after["precheck_heard"]


def income_answer(slot: str, text: str, slots: dict) -> Tracker:
    events = [{"event": "user", "text": text}, {"event": "action", "name": "eligibility_form"}, {"event": "slot", "name": slot, "value": text}]
    return Tracker("web:g", {**slots, "requested_slot": slot, slot: text},
                   {"text": text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []}, events, False, None,
                   {"name": "eligibility_form"}, "action_listen")


@pytest.mark.asyncio
async def test_each_persons_income_is_added_and_an_unknown_pension_counted_and_said(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    text = "奶奶养老金一千二左右 爷爷退休工资两千多"
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), income_answer("monthly_income", text, {"household_size": 2.0}),
                                                 DOMAIN_DICT)
    after = slots_after(events)
    assert after["monthly_income"] == 3200.0 and after["income_excluded"] == "没有" and after["pension_assumed"] is True
    assert after["amounts_said"]["monthly_income"] == "3200多"
    dispatcher = CollectingDispatcher()
    slots = {**HEARD, "region": "重庆", "monthly_income": 3200.0, "pension_assumed": True}
    await ActionPrecheck().run(dispatcher, plain(slots, ""), {})
    assert fake_backend.body()["members"][0]["incomes"] == [{"kind": "收入", "monthly_amount": 3200.0}]
    said = [m.get("response") for m in dispatcher.messages]
    assert said[0] == "utter_precheck_pension_assumed"  # said before the figures, with the whole 3200 sent


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不晓得是哪种诶…反正每个月一千二左右", "说不清楚", "不知道"])
async def test_not_knowing_the_pensions_kind_leaves_it_counted(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {"household_size": 2.0, "monthly_income": 1200.0, "income_words": "养老金"}
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), income_answer("income_excluded", text, slots), DOMAIN_DICT)
    after = slots_after(events)
    assert after["income_excluded"] == "没有" and after["pension_assumed"] is True


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不晓得是哪种诶…反正每个月一千二左右", "说不清楚"])
async def test_not_knowing_which_pension_at_its_own_question_is_counted_and_said(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    pending = {"slot": "monthly_income", "value": 1200.0, "said": "", "ask": "pension", "others": False, "excluded": None}
    slots = {"household_size": 1.0, "amount_to_confirm": pending, "ask_style": "pension"}
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), income_answer("monthly_income", text, slots), DOMAIN_DICT)
    after = slots_after(events)
    assert after["monthly_income"] == 1200.0 and after["income_excluded"] == "没有" and after["pension_assumed"] is True
