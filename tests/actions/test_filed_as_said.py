"""What the chat files is what was said (testers' findings in the staff workbench): a pension is a transfer income, not
"申报收入（工资性）"; 打零工 a wage, 种地/卖菜 a business income, 低保/补助 a transfer — the applicant's and each family
member's, also when the income was said in a pre-check; the illness said in the reason goes to the row of the member it
is about (and a pre-check's 重病或残疾 of a household of one is hers), for the backend to show and to derive labour
ability from (tests/backend/test_filed_as_said.py)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import drafts
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionStartApplication, ActionSubmitApplication
from actions.said_facts import KIND_SAID, income_line
from tests.actions.answers_helpers import HER_ID, HIS_ID, install, plain_tracker, turn

APPLYING = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "verified_phone": "13812345678",
            "applicant_name": "张秀英", "applicant_id": HER_ID, "applicant_phone": "13812345678", "street": "渝中区七星岗街道",
            "area_code": "500103001", "hukou": "城镇户口", "savings": 0.0}
HUSBAND = {"more_members": True, "member_name": "李建国", "member_id": HIS_ID, "member_relation": "配偶"}
DONE = {"more_members": False, "reason": "老伴走了，日子难", "confirmed": True}


async def filed(fake, slots: dict, key: str) -> dict:  # noqa: ANN001
    await ActionSubmitApplication().run(CollectingDispatcher(), plain_tracker({**DONE, **slots, "submission_key": key}), {})
    return fake.submitted[key]


@pytest.mark.asyncio
@pytest.mark.parametrize(("answer", "incomes"), [
    ("他一个月退休金一千二，存款冇得", [{"category": "转移净", "kind": "退休金", "monthly_amount": 1200}]),  # was 工资性 申报收入
    ("打零工一个月一千", [{"category": "工资性", "kind": "打零工", "monthly_amount": 1000}]),
    ("种地卖菜一个月八百", [{"category": "经营净", "kind": "种地", "monthly_amount": 800}]),
    ("低保三百", [{"category": "转移净", "kind": "低保", "monthly_amount": 300}]),
    ("一个月有两百的补助", [{"category": "转移净", "kind": "补助", "monthly_amount": 200}]),
    # The basic pension the rules leave out: named as said, as before (the backend reads its kind).
    ("每月有100多块养老金", [{"category": "转移净", "kind": "每月有100多块养老金", "monthly_amount": 100}]),
    # No kind said: not guessed, filed as before.
    ("一千二", [{"category": "工资性", "kind": "申报收入", "monthly_amount": 1200}]),
])
async def test_her_income_is_filed_as_the_kind_she_said(fake_backend, answer: str, incomes: list) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", answer, APPLYING)
    body = await filed(fake_backend, slots, f"kind-{len(answer)}-{answer.encode().hex()[:16]}")
    assert body["members"][0]["incomes"] == incomes


@pytest.mark.asyncio
async def test_a_pension_settled_as_counted_is_filed_as_a_counted_kind(fake_backend) -> None:  # noqa: ANN001
    """"我有一千二的养老金", settled as a work unit's pension (income_excluded "没有"): filed as 退休金, never as "养老金",
    which the backend reads as the basic pension and leaves out (an income of 0 would be assessed)."""
    install(fake_backend)
    slots = {**APPLYING, "monthly_income": 1200.0, "income_excluded": "没有", KIND_SAID: "我有一千二的养老金"}
    body = await filed(fake_backend, slots, "settled-pension")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "退休金", "monthly_amount": 1200.0}]


@pytest.mark.parametrize(("words", "line"), [
    ("没有退休金 就打零工", ("工资性", "打零工")),  # a kind she says she has not is none
    ("退休工资", ("转移净", "退休工资")),  # a pension, never 工资
    ("退休金加上打零工的", ("工资性", "申报收入")),  # two kinds in one figure: not guessed
    ("出租房子的租金", ("财产净", "出租")),
])
def test_the_kind_is_read_from_the_words(words: str, line: tuple) -> None:
    assert income_line(500, words) == {"category": line[0], "kind": line[1], "monthly_amount": 500}


@pytest.mark.asyncio
@pytest.mark.parametrize(("answer", "incomes"), [
    ("他有养老金八百", [{"category": "转移净", "kind": "退休金", "monthly_amount": 800}]),  # was 工资性 申报收入; above the basic pension: counted
    ("退休工资八百", [{"category": "转移净", "kind": "退休工资", "monthly_amount": 800}]),
    ("在外头打零工 八百", [{"category": "工资性", "kind": "打零工", "monthly_amount": 800}]),
    ("八百", [{"category": "工资性", "kind": "申报收入", "monthly_amount": 800}]),
])
async def test_a_family_members_income_is_filed_as_the_kind_said(fake_backend, answer: str, incomes: list) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "全家一个月两千", APPLYING)
    slots, _ = await turn(ValidateApplicationForm(), "member_income", answer, {**slots, **HUSBAND})
    assert [m["income"] for m in slots["members"]] == [800.0]
    body = await filed(fake_backend, slots, f"member-{answer.encode().hex()[:24]}")
    assert body["members"][1]["incomes"] == incomes
    assert body["members"][0]["incomes"] == [{"category": "工资性", "kind": "申报收入", "monthly_amount": 1200}]


@pytest.mark.asyncio
async def test_an_income_said_in_the_precheck_keeps_its_kind_in_the_application(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateEligibilityForm(), "monthly_income", "退休金一千五", {"household_size": 1.0},
                          form="eligibility_form")
    assert slots["monthly_income"] == 1500 and slots[KIND_SAID] == "退休金一千五"
    heard = {"household_size": 1.0, "monthly_income": 1500.0, "savings": 0.0, "income_excluded": "没有"}
    slots, _ = await turn(ActionStartApplication(), "", "我要申请低保", {**slots, "precheck_heard": heard, "monthly_income": None})
    slots = {**slots, **{k: v for k, v in APPLYING.items() if k not in slots or slots[k] is None}}
    body = await filed(fake_backend, slots, "carried-kind")
    assert body["members"][0]["incomes"] == [{"category": "转移净", "kind": "退休金", "monthly_amount": 1500}]
    # A form kept for another day keeps the words too (actions/drafts.py).
    assert drafts.answers(plain_tracker(slots))[KIND_SAID] == "退休金一千五"


@pytest.mark.asyncio
async def test_the_illness_in_her_reason_goes_to_the_member_it_is_about(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "全家一个月两千", APPLYING)
    slots, _ = await turn(ValidateApplicationForm(), "member_income", "八百", {**slots, **HUSBAND})
    body = await filed(fake_backend, {**slots, "reason": "老伴中风了 瘫在床上，我身体也不好 没得钱"}, "health-1")
    her, him = body["members"]
    assert her["health_said"] == "我身体也不好" and him["health_said"] == "老伴中风了；瘫在床上"
    assert "serious_illness" not in her  # what a reason says is shown as said, never declared as 重病


@pytest.mark.asyncio
async def test_a_helpers_reason_is_about_the_person_she_files_for(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    helper = {**APPLYING, "filing_for": "other", "helper_kind": "relative", "helper_name": "王浩", "delegation_id": 7.0,
              "reason": "奶奶86了 一个人住 身体不好，上个月还住了院"}
    body = await filed(fake_backend, helper, "health-2")
    assert body["members"][0]["health_said"] == "身体不好；上个月还住了院"
    assert body["reason"].startswith("奶奶86了 一个人住 身体不好")


@pytest.mark.asyncio
async def test_a_precheck_yes_to_illness_of_a_household_of_one_is_hers(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    heard = {"household_size": 1.0, "monthly_income": 0.0, "illness_or_disability": True}
    body = await filed(fake_backend, {**APPLYING, "monthly_income": 0.0, "precheck_heard": heard}, "health-3")
    assert body["members"][0]["serious_illness"] is True
    assert body["members"][0]["health_said"] == "测算时说有重病或残疾"
    # Two people: whose illness it was is not known; nothing is put on anyone's row.
    two = await filed(fake_backend, {**APPLYING, "monthly_income": 0.0, "precheck_heard": {**heard, "household_size": 2.0}},
                      "health-4")
    assert "serious_illness" not in two["members"][0] and "health_said" not in two["members"][0]


def test_a_members_bare_pension_above_the_basic_one_is_filed_as_counted():
    # "他有八百块养老金": more than the basic pension ever is, so it is never filed as the one the backend leaves out.
    assert income_line(800, "他有八百块养老金")["kind"] == "退休金"
    assert income_line(150, "养老金一百五")["kind"] == "养老金"
