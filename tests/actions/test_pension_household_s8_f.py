"""Testers' session 8 (helper F), a grid worker filing for 陈秀英, 88, who lives with her disabled son:
1. "就她有点养老金 不晓得哪种 一个月八百多 儿子没得收入 存款没得" was read back as 每月收入 0元: the son's none wiped her 800;
2. "收入不是0 她有养老金一个月八百多 …" at the read-back was "这个数我没听明白", and the bare "八百多" after it was filed as
   wages: the amount inside the sentence is read, and the kind said before is kept for a bare figure;
3. "没有了 就她和儿子两个" (a no to the intent model) is her son; a member whose ID number is to come is in the household."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import corrections, members, parsing
from actions.forms import ValidateApplicationForm, household_size
from actions.journeys import readback_lines
from actions.said_facts import KIND_SAID
from tests.actions.answers_helpers import DOMAIN_DICT, install, plain_tracker, turn
from tests.actions.test_filed_as_said import APPLYING, filed

NO_SAVINGS = {k: v for k, v in APPLYING.items() if k != "savings"}
FIRST = "就她有点养老金 不晓得哪种 一个月八百多 儿子没得收入 存款没得"
NOTE = "（养老金没说是哪一种：张秀英每月800元，已按退休金算进收入，请工作人员核实）"


def test_another_persons_none_never_wipes_the_figure_said() -> None:
    income, savings = parsing.read_income_and_savings(FIRST)
    assert (income.value, income.approximate, income.said, savings.value) == (800.0, True, "800多", 0.0)
    assert parsing.read_income_and_savings("儿子没得收入 她一个月八百")[0].value == 800.0
    assert parsing.read_income_and_savings("没得收入 存款没得")[0].value == 0.0


@pytest.mark.asyncio
async def test_her_pension_of_unknown_kind_is_read_back_and_noted(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "monthly_income", FIRST, NO_SAVINGS)
    assert slots["monthly_income"] == 800.0 and slots["savings"] == 0.0
    assert "utter_number_unclear" not in [m.get("response") for m in messages]
    assert dict(readback_lines(plain_tracker(slots)))["每月收入"] == "800多元（大概数，请工作人员核实）"
    body = await filed(fake_backend, slots, "s8f-pension")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "退休金", "monthly_amount": 800.0}]
    assert NOTE in body["reason"]


@pytest.mark.parametrize(("text", "value"), [
    ("收入不是0 她有养老金一个月八百多 我刚才说了的 不晓得是哪种养老金", 800.0),
    ("收入不是 800 是1200", 1200.0),
    ("收入不是800，是1200", 1200.0),
])
def test_the_amount_in_a_correction_sentence_is_read(text: str, value: float) -> None:
    field, said = corrections.read_correction(text)
    assert field.key == "monthly_income" and parsing.read_income_and_savings(said)[0].value == value


@pytest.mark.asyncio
async def test_a_bare_figure_keeps_the_pension_said_before(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    said, _ = await turn(ValidateApplicationForm(), "monthly_income", FIRST, NO_SAVINGS)
    asked, _ = await turn(ValidateApplicationForm(), "confirmed", "改每月收入", {**said, "more_members": False, "reason": "儿子残疾"})
    assert asked["requested_slot"] == "monthly_income" and asked["monthly_income"] is None
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "八百多", asked)
    assert slots["monthly_income"] == 800.0 and slots[KIND_SAID] == FIRST
    body = await filed(fake_backend, slots, "s8f-bare")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "退休金", "monthly_amount": 800.0}]
    assert NOTE in body["reason"]
    # The kind said with no figure ("她有养老金") stays for the figure asked again.
    unclear, messages = await turn(ValidateApplicationForm(), "monthly_income", "她有养老金", APPLYING)
    assert unclear["monthly_income"] is None and "utter_number_unclear" in [m.get("response") for m in messages]
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "八百多", unclear)
    assert slots[KIND_SAID] == "她有养老金"


def more_members(text: str, slots: dict, intent: str = "deny") -> Tracker:
    """The tracker of "家里还有一起生活的其他人吗" answered, the slot filled False by the deny intent."""
    return Tracker("t-1", {**slots, "requested_slot": "more_members", "more_members": False},
                   {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                   [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "more_members", "value": False}], False, None, {"name": "application_form"}, "action_listen")


async def more(text: str, slots: dict) -> bool | None:
    events = await ValidateApplicationForm().run(CollectingDispatcher(), more_members(text, slots), DOMAIN_DICT)
    return next(e["value"] for e in events if e.get("event") == "slot" and e["name"] == "more_members")


@pytest.mark.asyncio
async def test_none_more_but_her_son_is_her_son(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    base = {**APPLYING, "monthly_income": 800.0}
    assert await more("没有了 就她和儿子两个", base) is True
    assert await more("/deny", base) is False
    assert await more("没有了", base) is False
    # Once he is listed (his number to come, or not), the same words are a no.
    later = {**base, members.LATER: [{"name": "陈小军", "relation": "子女"}]}
    assert await more("没有了 就她和儿子两个", later) is False
    assert await more("就她和儿子", later) is False


def test_a_member_whose_id_is_to_come_is_in_the_household() -> None:
    slots = {**APPLYING, members.LATER: [{"name": "陈小军", "relation": "子女"}]}
    assert household_size(plain_tracker(slots)) == 2
    assert household_size(plain_tracker({**slots, "precheck_heard": {"household_size": 2}})) == 2
    lines = dict(readback_lines(plain_tracker({**slots, "precheck_heard": {"household_size": 2}})))
    assert "测算时说家里一共2口人" not in lines["家庭成员"] and "陈小军" in lines["家庭成员"]
