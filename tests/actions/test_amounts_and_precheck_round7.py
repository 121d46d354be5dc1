"""Round 7 testers' findings: "5w" read as 5元; "我有七百块养老金" at the pre-check's household income question taken as
the basic pension (not counted) with the husband's income never asked, so an 83-year-old was promised 低保; "存款有两万"
at a later pre-check question ignored; "给我们两个" to 给自己还是帮别人 not understood; the pre-check's household size asked
again in the application; "我是她孙子 叫我小陈就行" to the helper's name question not understood.
The validation actions run whole, as the action server runs them, against the real domain and the fake backend."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import all_at_once
from actions.answers.amounts import read_amount, read_income_and_savings
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionAskConfirmed, ActionStartApplication
from actions.precheck import ActionPrecheck, ActionReadIncomeKind, read_excluded
from tests.actions.answers_helpers import DOMAIN, DOMAIN_DICT, HER_ID, install, plain_tracker, said, turn, wording
from tests.actions.test_promises_and_codes import VERIFIED

ELIGIBILITY = "eligibility_form"
SELF = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "张秀英", "applicant_id": HER_ID, **VERIFIED,
        "applicant_phone": "13812345678"}


# 1. "w" / "W" after a figure is 万, "k" / "K" is 千: in the one parser, and so wherever a message is split into amounts.

@pytest.mark.parametrize(("text", "value", "rough"), [
    ("5w", 50000, False), ("存款5w左右", 50000, False), ("1.5w", 15000, False), ("5w多", 50000, True), ("两w", 20000, False),
    ("5W", 50000, False), ("3k", 3000, False), ("2.5K", 2500, False), ("2-3w", 25000, True), ("一个月3k多", 3000, True)])
def test_w_is_wan_and_k_is_qian(text: str, value: float, rough: bool) -> None:
    found = read_amount(text)
    assert found is not None and found.value == value and found.approximate is rough


def test_w_in_a_message_of_several_amounts() -> None:
    income, savings = read_income_and_savings("收入1200 存款5w")
    assert (income.value, savings.value) == (1200, 50000)
    assert all_at_once.found("住七星岗街道 收入1200 存款5w")["savings"] == "存款5w"


@pytest.mark.asyncio
async def test_5w_said_with_the_income_is_read_back_and_filed_as_50000(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**SELF, "street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口"}
    slots, messages = await turn(ValidateApplicationForm(), "monthly_income", "收入1200 存款5w", slots)
    assert (slots["monthly_income"], slots["savings"]) == (1200, 50000)
    slots.update({"more_members": False, "reason": "老伴走了"})
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(slots), {})
    text = await wording("utter_readback", slots, lines=dispatcher.messages[0]["lines"], note=dispatcher.messages[0]["note"])
    assert "存款：50000元" in text and "存款：5元" not in text


@pytest.mark.asyncio
async def test_5w_said_ahead_of_its_question_is_kept_as_50000(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "street", "渝中区七星岗街道 收入1200 存款5w", SELF)
    assert slots["street"] == "渝中区七星岗街道" and (slots["monthly_income"], slots["savings"]) == (1200, 50000)


# 2. "我有七百块养老金" at the household income question: which pension, and the others' income, asked before computing.

async def income_said(text: str, slots: dict) -> tuple[dict, list]:
    """An answer to the pre-check's income question as Rasa fills it: the text, and what action_read_income_kind (the
    income_excluded slot's custom mapping on that question) reads from it."""
    base = Tracker("t-1", {**slots, "requested_slot": "monthly_income"}, {"text": text, "intent": {"name": "inform"},
                   "entities": []}, [], False, None, {"name": ELIGIBILITY}, "action_listen")
    mapped = {e["name"]: e["value"] for e in await ActionReadIncomeKind().run(CollectingDispatcher(), base, {})}
    filled = {"monthly_income": text, **mapped}
    events = [{"event": "action", "name": ELIGIBILITY}, *({"event": "slot", "name": k, "value": v} for k, v in filled.items())]
    tracker = Tracker("t-1", {**slots, "requested_slot": "monthly_income", **filled}, base.latest_message, events, False, None,
                      {"name": ELIGIBILITY}, "action_listen")
    dispatcher = CollectingDispatcher()
    out = await ValidateEligibilityForm().run(dispatcher, tracker, DOMAIN_DICT)
    return {**slots, **filled, **{e["name"]: e["value"] for e in out if e.get("event") == "slot"}}, dispatcher.messages


async def asked(slots: dict) -> tuple[str, list[str]]:
    """The income question as asked now (its variation by ask_style), and its buttons' titles."""
    text = await wording("utter_ask_monthly_income", slots)
    variation = next(v for v in DOMAIN.responses["utter_ask_monthly_income"] if v["text"] == text)
    return text, [b["title"] for b in variation.get("buttons", [])]


async def rest_of_precheck(fake, slots: dict) -> dict:  # noqa: ANN001
    form = ValidateEligibilityForm()
    for slot, text in (("savings", "没得存款"), ("applicant_age", "八十三"), ("illness_or_disability", "没有"), ("hukou", "城镇的")):
        slots, _ = await turn(form, slot, text, slots, form=ELIGIBILITY)
        assert slots.get(slot) is not None, slot
    fake.requests.clear()
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, plain_tracker(slots), {})
    return {**slots, **{e["name"]: e["value"] for e in events}, "messages": dispatcher.messages}


COUPLE = {"household_size": 2.0, "region": "重庆", "hukou": None}


@pytest.mark.asyncio
async def test_her_pension_and_his_income_are_asked_and_both_counted(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await income_said("我有七百块养老金", COUPLE)
    assert slots["monthly_income"] is None and slots.get("income_excluded") is None and slots["requested_slot"] == "monthly_income"
    assert slots["ask_style"] == "pension" and not messages  # asked at once, never "没太明白"
    question, buttons = await asked(slots)
    assert "哪一种" in question
    assert buttons == ["退休工资（单位交的养老保险）", "城乡居民基础养老金（每月一两百）"]

    slots, messages = await income_said("退休工资", slots)
    assert slots["monthly_income"] is None and slots["income_excluded"] == "没有" and slots["ask_style"] == "others"
    question, buttons = await asked(slots)
    assert "家里其他人有收入没有？" in question and buttons == ["没有"]

    slots, messages = await income_said("老头儿有八百", slots)
    assert slots["monthly_income"] == 1500 and slots["income_excluded"] == "没有"
    assert slots["amount_to_confirm"] is None and slots["ask_style"] is None and slots["requested_slot"] == "savings"

    after = await rest_of_precheck(fake_backend, slots)
    body = fake_backend.body()
    assert body["members"][0]["incomes"] == [{"kind": "收入", "monthly_amount": 1500.0}] and len(body["members"]) == 2
    assert "utter_precheck_excluded" not in said(after["messages"])  # nothing of it left out
    assert after["precheck_heard"]["monthly_income"] == 1500


@pytest.mark.asyncio
async def test_her_basic_pension_is_left_out_and_his_income_counted(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await income_said("我有七百块养老金", COUPLE)
    slots, _ = await income_said("城乡居民基础养老金", slots)
    assert slots["ask_style"] == "others"
    slots, _ = await income_said("老伴八百", slots)
    assert slots["monthly_income"] == 1500 and slots["requested_slot"] == "savings"
    await rest_of_precheck(fake_backend, slots)
    assert fake_backend.body()["members"][0]["incomes"] == [{"kind": "收入", "monthly_amount": 800.0},
                                                            {"kind": "城乡居民基础养老金每月700元", "monthly_amount": 700.0}]


@pytest.mark.asyncio
@pytest.mark.parametrize(("answer", "income"), [("没有", 700), ("都没得收入", 700), ("老伴八百，儿子一千", 2500)])
async def test_the_others_income_answers(fake_backend, answer: str, income: float) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await income_said("我一个月七百", {**COUPLE, "household_size": 3.0})
    assert slots["ask_style"] == "others" and slots["monthly_income"] is None  # no pension named: only the others asked
    slots, _ = await income_said(answer, slots)
    assert slots["monthly_income"] == income and slots["ask_style"] is None


@pytest.mark.asyncio
async def test_yes_with_no_figure_asks_the_others_income_again(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await income_said("我一个月七百", COUPLE)
    slots, _ = await income_said("有", slots)
    assert slots["monthly_income"] is None and slots["ask_style"] == "others" and slots["amount_to_confirm"]["value"] == 700
    slots, _ = await income_said("八百", slots)
    assert slots["monthly_income"] == 1500


@pytest.mark.asyncio
async def test_alone_a_large_bare_pension_is_asked_once_and_counted_unless_basic(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    alone = {**COUPLE, "household_size": 1.0}
    slots, _ = await income_said("我有七百块养老金", alone)
    assert slots["ask_style"] == "pension"
    slots, _ = await income_said("不晓得", slots)
    assert (slots["monthly_income"], slots["income_excluded"], slots["requested_slot"]) == (700, "没有", "savings")


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "excluded"), [("养老金一百多", "养老金一百多"), ("每个月基础养老金七百", "每个月基础养老金七百"),
                                                ("退休金七百", None), ("全家一个月一千二", None)])
async def test_words_or_a_small_amount_settle_it_with_no_question(fake_backend, text: str, excluded) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await income_said(text, COUPLE)
    assert slots["monthly_income"] is not None and slots.get("ask_style") is None and slots.get("income_excluded") == excluded


@pytest.mark.asyncio
async def test_the_application_counts_a_large_bare_pension(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**SELF, "street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口"}
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "养老金一千二", slots)
    assert slots["monthly_income"] == 1200 and slots["income_excluded"] is None  # counted; the caseworker checks its kind


# 3. Savings said with an amount at a later pre-check question corrects the savings; that question comes again.

@pytest.mark.asyncio
async def test_savings_said_at_the_age_question_corrects_them(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**COUPLE, "monthly_income": 1500.0, "income_excluded": "没有", "savings": 800.0}
    slots, messages = await turn(ValidateEligibilityForm(), "applicant_age", "啥子意思嘛 存款有两万", slots, form=ELIGIBILITY)
    assert slots["savings"] == 20000 and slots["applicant_age"] is None and slots["requested_slot"] == "applicant_age"
    assert said(messages) == ["utter_corrected"] and not slots.get("form_retries")
    assert await wording("utter_corrected", slots, label=messages[0]["label"]) == "好的，存款改过来了。"
    slots, _ = await turn(ValidateEligibilityForm(), "applicant_age", "八十三", slots, form=ELIGIBILITY)
    assert slots["applicant_age"] == 83 and slots["savings"] == 20000


@pytest.mark.asyncio
async def test_the_age_question_still_takes_its_answer(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**COUPLE, "monthly_income": 1500.0, "income_excluded": "没有", "savings": 800.0}
    slots, messages = await turn(ValidateEligibilityForm(), "applicant_age", "八十三岁", slots, form=ELIGIBILITY)
    assert slots["applicant_age"] == 83 and slots["savings"] == 800 and not messages


# 4. "给我们两个" to 给自己还是帮别人: for herself, in a household of more than one.

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["给我们两个", "我们两个", "给我和老伴两个", "给我们两口子"])
async def test_for_both_of_us_is_for_herself_with_her_household(fake_backend, text: str) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "filing_for", text, {"assistance_type": "低保"})
    assert slots["filing_for"] == "self" and slots["more_members"] is True
    assert said(messages) == ["utter_filing_for_both"] and "家庭成员" in await wording("utter_filing_for_both", slots)


# 5. The pre-check's household size carries into the application: the household question is not asked again.

@pytest.mark.asyncio
async def test_the_precheck_household_is_not_asked_again(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**COUPLE, "monthly_income": 1500.0, "income_excluded": "没有"}
    after = await rest_of_precheck(fake_backend, slots)
    assert after["precheck_heard"]["more_members"] is True
    dispatcher = CollectingDispatcher()
    events = await ActionStartApplication().run(dispatcher, plain_tracker({**after, "messages": None}, "现在申请", "apply_assistance"), {})
    carried = {e["name"]: e["value"] for e in events}
    assert carried["more_members"] is True
    slots = {**{k: v for k, v in after.items() if k != "messages"}, **carried, **SELF}
    slots, _ = await turn(ValidateApplicationForm(), "street", "渝中区七星岗街道", slots)
    assert slots["requested_slot"] == "member_name"  # straight to who the other one is


@pytest.mark.asyncio
async def test_a_household_of_one_is_carried_as_no_one_else(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    after = await rest_of_precheck(fake_backend, {**COUPLE, "household_size": 1.0, "monthly_income": 300.0, "income_excluded": "没有"})
    events = await ActionStartApplication().run(CollectingDispatcher(), plain_tracker({**after, "messages": None}, "现在申请"), {})
    assert {e["name"]: e["value"] for e in events}["more_members"] is False


# 6. A helper's own name may be what he goes by, with what he is to her kept.

HELPER = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "relative"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "name", "relation"), [("我是她孙子 叫我小陈就行", "小陈", "孙子女"), ("叫我老李", "老李", None),
                                                        ("陈哥", "陈哥", None), ("张阿姨", "张阿姨", None), ("王浩 我是她孙子", "王浩", "孙子女")])
async def test_the_helper_may_give_the_name_he_goes_by(fake_backend, text: str, name: str, relation) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", text, HELPER)
    assert slots["helper_name"] == name and slots.get("helper_relation") == relation
    assert "utter_not_understood" not in said(messages) and slots["requested_slot"] != "helper_name"


@pytest.mark.asyncio
async def test_a_form_of_address_is_not_an_applicants_name(fake_backend) -> None:  # noqa: ANN001
    slots, _ = await turn(ValidateApplicationForm(), "applicant_name", "张阿姨", {**HELPER, "helper_name": "小陈", **VERIFIED})
    assert slots["applicant_name"] is None


@pytest.mark.asyncio
async def test_an_unclear_answer_to_the_others_question_asks_it_again(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await income_said("我一个月七百", COUPLE)
    slots, messages = await income_said("不晓得", slots)
    assert slots["monthly_income"] is None and slots["ask_style"] == "others" and slots["amount_to_confirm"]["value"] == 700
    assert "家里其他人有收入没有？" in (await asked(slots))[0]
    slots, _ = await income_said("老伴八百多", slots)
    assert slots["monthly_income"] == 1500 and slots["amounts_said"] == {"monthly_income": "约1500"}


@pytest.mark.asyncio
async def test_the_income_said_again_ends_the_follow_up(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await income_said("我有七百块养老金", COUPLE)
    slots, _ = await income_said("不对 是一千二", slots)
    assert slots["monthly_income"] == 1200 and slots["amount_to_confirm"] is None and slots["ask_style"] is None


@pytest.mark.asyncio
async def test_two_figures_in_words_are_not_read_as_one_pension(fake_backend) -> None:  # noqa: ANN001
    """"工资一千五 养老金一百八": which figure is the pension is the follow-up question's (it was read as 1500 left out)."""
    assert await read_excluded("工资一千五 养老金一百八") is None
    assert await read_excluded("养老金一百八") == "养老金一百八"
