"""Testers' session 8, the household's members and income:
1. "就高龄补贴一个月200 没得存款" to the income question: the allowance is recorded as said, counted or not by the rules
   (the backend's rules.yaml; tests/backend/test_income_said_s8.py), read back plainly, and "没得存款" is savings 0;
2. "养老金，不晓得是哪种" was counted with no word to the caseworker: a note says the pension's kind is not confirmed;
3. her own part kept while a family member's income is asked again has its own slot (it rode in `amounts_said`);
4. "老头儿", "我家老头", "屋头那个" to the relation question is the spouse;
5. the husband's illness was on her own row: what is said of a member is on that member's row."""

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import amount_answers, members, parsing
from actions.form_first import looks_like_answer
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionStartApplication, readback_lines
from actions.precheck import ActionReadIncomeKind
from actions.said_facts import KIND_SAID, income_line
from tests.actions.answers_helpers import HER_ID, HIS_ID, install, plain_tracker, turn
from tests.actions.test_filed_as_said import APPLYING, HUSBAND, filed

NO_SAVINGS = {k: v for k, v in APPLYING.items() if k != "savings"}
PENSION_NOTE = "（养老金没说是哪一种：{}，已按退休金算进收入，请工作人员核实）"


def with_allowance(fake) -> None:  # noqa: ANN001
    """The fake backend's income kinds with the 高龄津贴 the rules leave out (backend/eligibility/data/rules.yaml)."""
    install(fake)
    route = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/eligibility/income-kind") and "高龄" in request.url.params["said"]:
            return httpx.Response(200, json={"kind": "高龄津贴", "recognized": True, "counted": False, "deductible": False})
        return route(request)

    fake.handler = handler


def line(slots: dict, label: str) -> str:
    return dict(readback_lines(plain_tracker(slots)))[label]


# 1. The 高龄补贴 said as the income: kept as said, read back as not counted; "没得存款" is savings 0.

@pytest.mark.asyncio
async def test_an_old_age_allowance_is_recorded_read_back_and_filed_as_said(fake_backend) -> None:  # noqa: ANN001
    with_allowance(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "就高龄补贴一个月200 没得存款", NO_SAVINGS)
    assert slots["monthly_income"] == 200.0 and slots["savings"] == 0.0
    assert slots["income_excluded"] == "就高龄补贴一个月200"  # the backend's word: not counted
    assert line(slots, "每月收入") == "高龄补贴每月200元（不算收入）" and line(slots, "存款") == "0元"
    body = await filed(fake_backend, slots, "s8-allowance")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "就高龄补贴一个月200", "monthly_amount": 200.0}]
    assert body["assets"] == [{"kind": "存款", "value": 0.0}]


@pytest.mark.asyncio
async def test_a_part_left_out_is_read_back_with_the_rest(fake_backend) -> None:  # noqa: ANN001
    with_allowance(fake_backend)
    slots = {**APPLYING, "monthly_income": 1000.0, "income_excluded": "高龄补贴200"}
    assert line(slots, "每月收入") == "1000元（高龄补贴每月200元不算收入）"
    with_him = {**slots, "monthly_income": 1800.0, "members": [{"name": "李建国", "relation": "配偶", "id_number": HIS_ID,
                                                                "income": 800.0}]}
    assert line(with_him, "每月收入") == "全家一共1800元，其中张秀英自己1000元（高龄补贴每月200元不算收入）"
    assert line({**APPLYING, "monthly_income": 1000.0, "income_excluded": "没有"}, "每月收入") == "1000元"


def test_the_allowance_is_a_transfer_of_its_own_kind() -> None:
    assert income_line(200, "就高龄补贴一个月200") == {"category": "转移净", "kind": "高龄补贴", "monthly_amount": 200}


@pytest.mark.asyncio
async def test_the_precheck_takes_the_savings_said_with_the_income(fake_backend) -> None:  # noqa: ANN001
    with_allowance(fake_backend)
    text = "就高龄补贴一个月200 没得存款"
    slots, _ = await turn(ValidateEligibilityForm(), "monthly_income", text, {"household_size": 1.0}, form="eligibility_form")
    assert slots["monthly_income"] == 200.0 and slots["savings"] == 0.0 and slots[KIND_SAID] == "就高龄补贴一个月200"
    # To the savings question, the savings said: never the allowance's 200.
    later, _ = await turn(ValidateEligibilityForm(), "savings", text, {"household_size": 1.0, "monthly_income": 200.0},
                          form="eligibility_form")
    assert later["savings"] == 0.0
    events = await ActionReadIncomeKind().run(CollectingDispatcher(), plain_tracker({}, text), {})
    assert events == [{"event": "slot", "timestamp": None, "name": "income_excluded", "value": "就高龄补贴一个月200"}]


# 2. A pension of a kind not said: counted, and the caseworker told.

@pytest.mark.asyncio
async def test_a_pension_of_unknown_kind_is_flagged_for_the_caseworker(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "养老金八百，不晓得是哪种", APPLYING)
    assert slots["monthly_income"] == 800.0
    body = await filed(fake_backend, slots, "s8-pension-own")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "退休金", "monthly_amount": 800.0}]
    assert PENSION_NOTE.format("张秀英每月800元") in body["reason"]
    # A family member's, likewise; a pension whose kind was said is not flagged.
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "全家一个月两千 退休金", APPLYING)
    slots, _ = await turn(ValidateApplicationForm(), "member_income", "他有养老金九百 不晓得哪种", {**slots, **HUSBAND})
    body = await filed(fake_backend, slots, "s8-pension-his")
    assert PENSION_NOTE.format("李建国每月900元") in body["reason"] and "张秀英每月" not in body["reason"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("said", "flagged"), [("不晓得是哪种", True), ("退休工资", False)])
async def test_the_precheck_pension_question_answered_unsure_is_flagged(fake_backend, said: str, flagged: bool) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateEligibilityForm(), "monthly_income", "我有七百块养老金", {"household_size": 1.0},
                          form="eligibility_form")
    assert slots["ask_style"] == "pension"
    slots, _ = await turn(ValidateEligibilityForm(), "monthly_income", said, slots, form="eligibility_form")
    assert slots["monthly_income"] == 700.0 and slots["income_excluded"] == "没有"
    heard = {"household_size": 1.0, "monthly_income": 700.0, "savings": 0.0, "income_excluded": "没有"}
    slots, _ = await turn(ActionStartApplication(), "", "我要申请低保", {**slots, "precheck_heard": heard, "monthly_income": None})
    slots = {**slots, **{k: v for k, v in APPLYING.items() if k not in slots or slots[k] is None}}
    body = await filed(fake_backend, slots, f"s8-precheck-{flagged}")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "退休金", "monthly_amount": 700.0}]
    assert (PENSION_NOTE.format("张秀英每月700元") in body["reason"]) is flagged


# 3. Her own part kept while his income is asked again: its own slot, never in amounts_said.

SELF = {**APPLYING, "monthly_income": 1500.0, "more_members": False, "reason": "老伴身体不好",
        "members": [{"name": "李建国", "relation": "配偶", "id_number": HIS_ID, "income": 800.0}]}


@pytest.mark.asyncio
async def test_her_part_kept_has_its_own_slot(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "confirmed", "改李建国每月收入", SELF)
    assert asked["requested_slot"] == "member_income" and asked[members.OWN_KEPT] == 700.0
    assert not asked.get(amount_answers.SAID)  # how amounts were said, and nothing else
    after, _ = await turn(ValidateApplicationForm(), "member_income", "九百五", asked)
    assert after["monthly_income"] == 1650.0 and after[members.OWN_KEPT] is None


@pytest.mark.asyncio
async def test_her_part_kept_goes_when_his_figure_is_not_known(fake_backend) -> None:  # noqa: ANN001
    """"不晓得" to his income asked again: hers is not kept for the next member added (it once cut the total to hers + his)."""
    install(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "confirmed", "改李建国每月收入", SELF)
    skipped, _ = await turn(ValidateApplicationForm(), "member_income", "不晓得", asked)
    assert skipped["members"][-1]["income_skipped"] is True and skipped.get(members.OWN_KEPT) is None
    son = {"more_members": True, "member_name": "李强", "member_id": HIS_ID[:-1] + "0", "member_relation": "子女"}
    after, messages = await turn(ValidateApplicationForm(), "member_income", "五百", {**skipped, **son})
    assert after["monthly_income"] == 1500.0 and "utter_income_part_corrected" not in messages


# 4. What old couples call each other is the spouse, at the relation question.

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["老头儿", "老头子", "我家老头", "老婆子", "屋头那个", "是我老头儿", "老头", "当家的"])
async def test_what_she_calls_her_husband_is_the_spouse(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "member_relation", text,
                                  {**APPLYING, "monthly_income": 1500.0, "more_members": True, "member_name": "李建国", "member_id": HIS_ID})
    assert slots["member_relation"] == "配偶" and "utter_relation_unclear" not in messages
    assert looks_like_answer("member_relation", text, "stop", "application_form")


@pytest.mark.parametrize("text", ["那个老头儿", "隔壁老头子", "帮老头申请", "王老头"])
def test_someone_elses_old_man_is_no_relation(text: str) -> None:
    assert parsing.parse_relation(text) is None
    assert parsing.helper_relation("老头儿") is None  # a helper's "老头" is the man he files for


# 5. The illness said of a member is on that member's row, never on hers for want of another.

@pytest.mark.asyncio
@pytest.mark.parametrize(("slots", "reason", "hers", "his"), [
    ({"filing_for": "self"}, "老头儿中风了 瘫在床上，我身体也不好", "我身体也不好", "老头儿中风了；瘫在床上"),
    ({"filing_for": "self"}, "他瘫在床上好几年了", None, "他瘫在床上好几年了"),
    ({"filing_for": "self"}, "儿子前年病逝了 身体不好 老头儿又中风了", "身体不好", "老头儿又中风了"),
    ({"filing_for": "other", "helper_kind": "relative", "helper_name": "王浩", "delegation_id": 7.0},
     "她老伴中风了 瘫在床上", None, "她老伴中风了；瘫在床上"),
    # A grandson filing for his grandmother relays her words: her "老头儿" is her husband (a tester's stroke on her row).
    ({"filing_for": "other", "helper_kind": "relative", "helper_name": "刘洋", "delegation_id": 7.0},
     "老头儿去年中风了 瘫起了 奶奶82了也照顾不过来", None, "老头儿去年中风了；瘫起了"),
])
async def test_an_illness_said_of_the_husband_is_on_his_row(fake_backend, slots: dict, reason: str, hers: str | None,
                                                           his: str) -> None:  # noqa: ANN001
    install(fake_backend)
    husband = [{"name": "李建国", "relation": "配偶", "id_number": HIS_ID, "income": 800.0}]
    body = await filed(fake_backend, {**APPLYING, **slots, "monthly_income": 1500.0, "members": husband, "reason": reason},
                       f"s8-health-{reason.encode().hex()[:20]}")
    assert body["members"][0].get("health_said") == hers and body["members"][1].get("health_said") == his


@pytest.mark.asyncio
async def test_a_helpers_old_man_filed_for_is_the_applicant_himself(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    wife = [{"name": "张秀英", "relation": "配偶", "id_number": HER_ID, "income": 0.0}]
    slots = {**APPLYING, "applicant_name": "李建国", "applicant_id": HIS_ID, "filing_for": "other", "helper_kind": "grid_worker",
             "helper_name": "李敏", "delegation_id": 7.0, "monthly_income": 800.0, "members": wife, "reason": "老头儿中风了 瘫在床上"}
    body = await filed(fake_backend, slots, "s8-his-own")
    assert body["members"][0].get("health_said") == "老头儿中风了；瘫在床上" and "health_said" not in body["members"][1]


@pytest.mark.asyncio
async def test_an_illness_of_a_relative_not_listed_is_on_nobodys_row(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    body = await filed(fake_backend, {**APPLYING, "monthly_income": 0.0, "reason": "老伴中风了 瘫在床上 没得收入"}, "s8-nobody")
    assert "health_said" not in body["members"][0] and body["reason"].startswith("老伴中风了 瘫在床上")
    # One no longer here: neither his illness nor hers after it is lost to another row.
    widow = await filed(fake_backend, {**APPLYING, "monthly_income": 0.0, "reason": "老伴去年病逝了，身体不好"}, "s8-widow")
    assert widow["members"][0]["health_said"] == "身体不好"
