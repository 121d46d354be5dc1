"""One meaning for the income question: "全家一个月大概有多少收入？" (and the pre-check's, carried into the application) is
the whole household's; each family member's income is asked after it and is part of it, so the applicant's own income
line is what is left. A household of 1500 with a husband earning 800 was filed as her 1500 plus his 800 (per head 1150,
not 750: a real person could be refused). Also: a family member whose income she did not know is kept (it was dropped),
and "有高血压 别的没有" at the illness question is a yes (it was read as no).
The backend's side (the per-head income it assesses from what is filed here): tests/backend/test_household_income_once.py."""

import json
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionAskConfirmed, ActionSubmitApplication, carried_from_precheck
from tests.actions.answers_helpers import install, plain_tracker, said, turn
from tests.actions.test_precheck_findings import BEFORE_ILLNESS, answered, run_form, spoken

FILED = json.loads((Path(__file__).resolve().parents[1] / "backend" / "household_1500_filed.json").read_text(encoding="utf-8"))
HER, HIM = FILED["members"]
APPLYING = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "verified_phone": HER["phone"],
            "applicant_name": HER["name"], "applicant_id": HER["id_number"], "applicant_phone": HER["phone"],
            "street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口", "savings": 0.0}
HUSBAND = {"more_members": True, "member_name": HIM["name"], "member_id": HIM["id_number"], "member_relation": HIM["relation"]}
DONE = {"more_members": False, "reason": "老伴身体不好，挣得少", "confirmed": True}


async def read_back(slots: dict) -> tuple[str, list]:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(slots), {})
    return await spoken(dispatcher.messages[0], slots), dispatcher.messages[0]["buttons"]


async def filed(fake, slots: dict, key: str) -> dict:  # noqa: ANN001
    await ActionSubmitApplication().run(CollectingDispatcher(), plain_tracker({**slots, **DONE, "submission_key": key}), {})
    return fake.submitted[key]


def per_head(body: dict) -> float:
    """The backend's per-capita income for declared incomes (backend/eligibility/service.py assess: every counted member's
    lines, over the household)."""
    return sum(i["monthly_amount"] for m in body["members"] for i in m["incomes"]) / len(body["members"])


async def household_said(how: str, fake) -> dict:  # noqa: ANN001
    """The slots after she said the household's 1500: to the application's question, or in a pre-check carried into it."""
    if how == "precheck":
        heard = {"household_size": 2.0, "monthly_income": 1500.0, "savings": 0.0, "income_excluded": "没有"}
        events = carried_from_precheck(plain_tracker({**APPLYING, "precheck_heard": heard, "savings": None}))
        return {**APPLYING, "precheck_heard": heard, **{e["name"]: e["value"] for e in events}}
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "全家一个月一千五", APPLYING)
    return slots


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["application", "precheck"])
async def test_the_household_income_is_filed_once_her_own_is_the_rest(fake_backend, how: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = await household_said(how, fake_backend)
    assert slots["monthly_income"] == 1500.0
    slots, messages = await turn(ValidateApplicationForm(), "member_income", "八百", {**slots, **HUSBAND})
    assert slots["members"] == [{"name": "李建国", "relation": "配偶", "id_number": HIM["id_number"], "income": 800.0}]
    assert slots["monthly_income"] == 1500.0 and "utter_household_income_short" not in said(messages)
    # The read-back shows what is filed: the household's 1500, her own 700 in it, his 800.
    text, buttons = await read_back({**slots, "more_members": False, "reason": "老伴身体不好，挣得少"})
    assert "每月收入：全家一共1500元，其中张秀英自己700元\n李建国每月收入：800元\n" in text
    assert {"title": "改每月收入", "payload": "改每月收入"} in buttons
    body = await filed(fake_backend, slots, f"once-{how}")
    assert body["members"] == FILED["members"]
    assert per_head(body) == 750.0  # not (1500 + 800) / 2 = 1150


@pytest.mark.asyncio
async def test_members_earning_more_than_the_household_said_ask_the_household_again(fake_backend) -> None:  # noqa: ANN001
    """"没有" to the household's income (she meant her own), then her husband's 2000: never filed as 0 + 2000 read back
    as "全家0元"; the household's income is asked again, saying why, and the answer must cover the members'."""
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "没有", APPLYING)
    assert slots["monthly_income"] == 0
    slots, messages = await turn(ValidateApplicationForm(), "member_income", "两千", {**slots, **HUSBAND})
    assert [m["name"] for m in slots["members"]] == ["李建国"] and slots["monthly_income"] is None
    assert said(messages) == ["utter_household_income_short"]
    assert "家里人的收入加起来有2000元，比前面说的全家每月收入0元还多" in await spoken(messages[0], slots)
    again, messages = await turn(ValidateApplicationForm(), "monthly_income", "一千", slots)
    assert again["monthly_income"] is None and said(messages) == ["utter_household_income_short"]
    slots, messages = await turn(ValidateApplicationForm(), "monthly_income", "两千五", slots)
    assert slots["monthly_income"] == 2500.0 and "utter_household_income_short" not in said(messages)
    body = await filed(fake_backend, slots, "short-1")
    assert [m["incomes"][0]["monthly_amount"] for m in body["members"]] == [500.0, 2000.0]


@pytest.mark.asyncio
async def test_a_members_income_corrected_above_the_household_asks_the_household_again(fake_backend) -> None:  # noqa: ANN001
    """His income not known before ("不晓得": the household's 1500 held his part), then more than it: the household's
    asked again. (A known income corrected keeps hers and the total follows: tests/actions/test_readback_round7.py.)"""
    install(fake_backend)
    slots = {**APPLYING, "monthly_income": 1500.0, "more_members": False, "reason": "老伴身体不好", "skipped_slots": ["member_income"],
             "members": [{"name": "李建国", "relation": "配偶", "id_number": HIM["id_number"], "income": 0.0, "income_skipped": True}]}
    text = "李建国的收入不对 是两千"
    after, messages = await run_form(ValidateApplicationForm(), answered("confirmed", text, text, slots, "application_form"), slots)
    assert after["members"][0]["income"] == 2000.0 and after["monthly_income"] is None
    assert after["requested_slot"] == "monthly_income" and "utter_household_income_short" in said(messages)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不晓得", "跳过"])
async def test_a_members_unknown_income_keeps_the_member(fake_backend, text: str) -> None:  # noqa: ANN001
    """"不晓得" three times, then the offered skip: he stays in the household, his income noted as not known."""
    install(fake_backend)
    slots = {**APPLYING, "monthly_income": 1500.0, **HUSBAND, "form_retries": {"member_income": 2}}
    after, messages = await turn(ValidateApplicationForm(), "member_income", text, slots)
    assert said(messages) == ["utter_skipped"]
    assert after["members"] == [{"name": "李建国", "relation": "配偶", "id_number": HIM["id_number"], "income": 0.0,
                                 "income_skipped": True}]
    assert after["more_members"] is None and after["member_name"] is None and after["member_income"] is None  # "还有别人吗"
    assert "member_income" in after["skipped_slots"]
    done = {**after, "more_members": False, "reason": "老伴身体不好"}
    spoken_text, _ = await read_back(done)
    assert "家庭成员：李建国（配偶）" in spoken_text and "李建国每月收入：没说（工作人员会核实）" in spoken_text
    assert "每月收入：全家一共1500元，其中张秀英和李建国加起来1500元" in spoken_text and "在线未答：家人收入" in spoken_text
    body = await filed(fake_backend, after, "skip-1")
    assert [m["name"] for m in body["members"]] == ["张秀英", "李建国"] and body["members"][1]["incomes"] == []
    assert body["members"][0]["incomes"][0]["monthly_amount"] == 1500.0 and "在线未答：家人收入" in body["reason"]


@pytest.mark.asyncio
async def test_a_skipped_members_income_said_at_the_read_back_is_no_longer_noted(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**APPLYING, "monthly_income": 1500.0, "more_members": False, "reason": "老伴身体不好", "skipped_slots": ["member_income"],
             "members": [{"name": "李建国", "relation": "配偶", "id_number": HIM["id_number"], "income": 0.0, "income_skipped": True}]}
    text = "李建国的收入不对 是八百"
    after, _ = await run_form(ValidateApplicationForm(), answered("confirmed", text, text, slots, "application_form"), slots)
    assert after["members"][0] == {"name": "李建国", "relation": "配偶", "id_number": HIM["id_number"], "income": 800.0}
    spoken_text, _ = await read_back(after)
    assert "其中张秀英自己700元" in spoken_text and "在线未答" not in spoken_text


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "value", "intent", "ill"), [
    ("有高血压 别的没有", "有高血压 别的没有", "inform", True),
    ("有高血压 别的没有", False, "deny", True),  # the NLU's deny: the words decide
    ("老伴有糖尿病，别的莫得", "老伴有糖尿病，别的莫得", "inform", True),
    ("我瘫了好几年了 别的没得", False, "deny", True),
    ("没得高血压 别的也没有", False, "deny", False),
    ("残疾没有", "残疾没有", "inform", False),
    ("没什么大病", "没什么大病", "inform", False),
])
async def test_an_illness_named_before_none_else_is_a_yes(fake_backend, text: str, value: object, intent: str, ill: bool) -> None:  # noqa: ANN001
    tracker = answered("illness_or_disability", value, text, BEFORE_ILLNESS, "eligibility_form", intent)
    after, messages = await run_form(ValidateEligibilityForm(), tracker, BEFORE_ILLNESS)
    assert after["illness_or_disability"] is ill and "utter_illness_what_counts" not in said(messages)
