"""The pre-check in chat: income the rules do not count ("每月有100多块养老金") and 城镇/农村 户口 asked
only where it matters, sent to the backend's pre-check as itemised income and `hukou`."""

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateEligibilityForm
from actions.journeys import ActionLooseAnswer, ActionOfferDeclined
from actions.precheck import ActionPrecheck, ActionReadHukouNeed, ActionReadIncomeKind, income_lines, parse_hukou

DOMAIN = yaml.safe_load((Path(__file__).parents[2] / "bot" / "domain.yml").read_text(encoding="utf-8"))


def tracker(slots: dict | None = None, text: str = "") -> Tracker:
    return Tracker("web:precheck", slots or {}, {"text": text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []},
                   [], False, None, {"name": "eligibility_form"}, "action_listen")


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "events"), [
    ("每月有100多块养老金", [SlotSet("income_excluded", "每月有100多块养老金")]),
    ("没有", [SlotSet("income_excluded", "没有")]),
    ("打零工八百", []),
    ("工资1500，还有养老金180", []),
])
async def test_the_income_answer_can_say_it_is_not_counted_and_saves_a_question(fake_backend, dispatcher, text, events) -> None:  # noqa: ANN001
    assert await ActionReadIncomeKind().run(dispatcher, tracker(text=text), {}) == events


@pytest.mark.asyncio
async def test_hukou_is_asked_only_where_the_standards_differ(fake_backend, dispatcher) -> None:  # noqa: ANN001
    assert await ActionReadHukouNeed().run(dispatcher, tracker({"region": "重庆"}), {}) == [SlotSet("hukou", None)]
    assert await ActionReadHukouNeed().run(dispatcher, tracker({"region": "常州"}), {}) == [SlotSet("hukou", "不用问")]


@pytest.mark.asyncio
async def test_a_pension_only_household_and_a_rural_hukou_reach_the_backend(fake_backend, dispatcher) -> None:  # noqa: ANN001
    slots = {"household_size": 1.0, "monthly_income": 100.0, "income_excluded": "每月有100多块养老金", "savings": 0.0,
             "applicant_age": 68.0, "illness_or_disability": False, "hukou": "农村户口", "region": "重庆"}
    events = await ActionPrecheck().run(dispatcher, tracker(slots), {})
    body = fake_backend.body()
    assert body["members"][0]["incomes"] == [{"kind": "每月有100多块养老金", "monthly_amount": 100.0}]
    assert body["hukou"] == "rural"
    assert SlotSet("hukou", None) in events and SlotSet("income_excluded", None) in events
    # Said before the figures: the pension is not counted (a tester asked "咋个是0元" and got "没太听懂").
    excluded = next(m for m in dispatcher.messages if m.get("response") == "utter_precheck_excluded")
    assert excluded["excluded"] == "每月有100多块养老金"


@pytest.mark.parametrize(("income", "said", "lines"), [
    (1000.0, "养老金180", [{"kind": "收入", "monthly_amount": 820.0}, {"kind": "养老金180", "monthly_amount": 180.0}]),
    (300.0, "全是养老金、优抚金这类", [{"kind": "全是养老金、优抚金这类", "monthly_amount": 300.0}]),
    (300.0, "没有", [{"kind": "收入", "monthly_amount": 300.0}]),
    (0.0, "没有", [{"kind": "收入", "monthly_amount": 0.0}]),
])
def test_income_lines(income: float, said: str, lines: list) -> None:
    assert income_lines(income, said) == lines


@pytest.mark.parametrize(("said", "hukou"), [("城镇户口", "urban"), ("农村户口", "rural"), ("非农业", "urban"), ("农村的", "rural"),
                                             ("不用问", None), ("不知道", None)])
def test_hukou_answers(said: str, hukou: str | None) -> None:
    assert parse_hukou(said) == hukou


def test_the_form_asks_both_questions_with_buttons() -> None:
    required = DOMAIN["forms"]["eligibility_form"]["required_slots"]
    assert required.index("income_excluded") == required.index("monthly_income") + 1 and required[-1] == "hukou"
    for response in ("utter_ask_income_excluded", "utter_ask_hukou"):
        assert DOMAIN["responses"][response][0]["buttons"]
    assert {"action_read_income_kind", "action_read_hukou_need"} <= {a if isinstance(a, str) else next(iter(a)) for a in DOMAIN["actions"]}


ALONE_OLD = {"household_size": 1.0, "monthly_income": 0.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 81.0,
             "illness_or_disability": False, "region": "重庆"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("slots", "asked"), [
    (ALONE_OLD, True),
    ({**ALONE_OLD, "applicant_age": 45.0}, False),                                 # 特困 is not in play
    ({**ALONE_OLD, "applicant_age": 45.0, "illness_or_disability": True}, True),  # unable to work
    ({**ALONE_OLD, "household_size": 3.0}, False),                                # living with family
    ({**ALONE_OLD, "household_size": "我一个人住"}, False),  # an answer still being read: never a crash (a tester got silence)
    ({"household_size": "就我一个"}, False),
])
async def test_someone_able_to_support_her_is_asked_only_where_tekun_is_in_play(dispatcher, slots, asked) -> None:  # noqa: ANN001
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "bot" / "domain.yml").read_text(encoding="utf-8"))
    needed = await ValidateEligibilityForm().required_slots(domain["forms"]["eligibility_form"]["required_slots"], dispatcher,
                                                            tracker(slots), domain)
    assert ("has_supporter" in needed) is asked


@pytest.mark.asyncio
@pytest.mark.parametrize(("said", "value"), [("有", True), ("我儿子在上班 每个月给我钱", True), ("搞不清楚", None), ("莫得儿女", False),
                                             ("儿子不管我", None), ("有个儿在广东 他不管我的", None), ("他有钱 就是一分钱都不给", None),
                                             ("儿子自己都顾不过来", False), ("女儿也困难", False), ("没有", False)])
async def test_the_supporter_answer(dispatcher, said, value) -> None:  # noqa: ANN001
    got = ValidateEligibilityForm().validate_has_supporter(said, dispatcher, tracker(), {})
    assert got["has_supporter"] == value


@pytest.mark.asyncio
async def test_a_supporter_reaches_the_backend_as_an_able_obligor(fake_backend, dispatcher) -> None:  # noqa: ANN001
    await ActionPrecheck().run(dispatcher, tracker({**ALONE_OLD, "has_supporter": True}), {})
    assert fake_backend.body()["obligors_able_to_support"] == 1
    await ActionPrecheck().run(dispatcher, tracker({**ALONE_OLD, "has_supporter": False}), {})
    assert fake_backend.body()["obligors_able_to_support"] == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "kept"), [
    ("我是厂头退休的 退休金", "没有"),  # an 81-year-old was told her work unit's pension "按规定不算家庭收入"
    ("厂头退休的 养老金", "没有"),
    ("有 基础养老金180", "有 基础养老金180"),
    ("没有", "没有"),
])
async def test_a_pension_that_counts_is_no_income_left_out(fake_backend, dispatcher, text: str, kept: str) -> None:  # noqa: ANN001
    slots = {"household_size": 1.0, "monthly_income": 1500.0, "requested_slot": "income_excluded", "income_excluded": text}
    assert await ValidateEligibilityForm().validate_income_excluded(text, dispatcher, tracker(slots, text), {}) == {"income_excluded": kept}
    lines = income_lines(1500.0, kept)
    assert (lines[0]["kind"], lines[0]["monthly_amount"]) == ("收入", 1500.0 - (180.0 if "180" in kept else 0.0))


@pytest.mark.asyncio
async def test_not_right_it_is_an_amount_after_the_result_gives_the_result_again(fake_backend, dispatcher) -> None:  # noqa: ANN001
    """An 81-year-old's "不对 是一千二" after the result led to a phone prompt, and "先不用" (/deny) to the offer got
    "没太听懂": the income the result quoted is said again and the result comes again; a plain no is answered kindly."""
    slots = {"household_size": 1.0, "monthly_income": 800.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 81.0,
             "illness_or_disability": True, "has_supporter": False, "hukou": "农村户口", "region": "重庆"}
    events = await ActionPrecheck().run(dispatcher, tracker(slots), {})
    heard = next(e["value"] for e in events if e["name"] == "precheck_heard")
    for action in (ActionOfferDeclined(), ActionLooseAnswer()):
        fake_backend.requests.clear()
        again = CollectingDispatcher()
        await action.run(again, tracker({"precheck_heard": heard, "region": "重庆"}, "不对 是一千二"), {})
        body = fake_backend.body()
        assert body["members"][0]["incomes"] == [{"kind": "收入", "monthly_amount": 1200.0}] and body["hukou"] == "rural"
        assert body["members"][0]["age"] == 81 and body["members"][0]["labour_ability"] == "none"
        assert [m.get("response") for m in again.messages][0] == "utter_corrected"
    no = CollectingDispatcher()
    assert await ActionOfferDeclined().run(no, tracker({"precheck_heard": heard}, "/deny"), {}) == []
    assert [m.get("response") for m in no.messages] == ["utter_offer_declined"]
