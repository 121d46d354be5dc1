"""Issue 20, item 1: an amount is what the person said. "收入1,200" is 1200 income (not 1 and 200 savings);
"-500" is asked again; "一百多", "几百块", "三四百" are kept as approximate, read back so, and noted for the
caseworker; "收入一百万" a month is asked again kindly and kept only when said again. Checked on what is
submitted, not only on what is said."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionAskConfirmed, ActionSubmitApplication
from tests.actions.answers_helpers import HER_ID, HIS_ID, install, plain_tracker, said, turn, wording

# (said, value, approximate): the one parser, over forms people use.
AMOUNTS = [
    ("1,200", 1200, False), ("1，200", 1200, False), ("1200块", 1200, False), ("１２００元", 1200, False), ("一千二", 1200, False),
    ("一千二百块钱", 1200, False), ("八百块钱", 800, False), ("八百", 800, False), ("1.2万", 12000, False), ("一万二", 12000, False),
    ("两万", 20000, False), ("两千五", 2500, False), ("一千零五十", 1050, False), ("12,000", 12000, False), ("三百五十块", 350, False),
    ("两千多", 2000, True), ("一百多块", 100, True), ("一百多", 100, True), ("1500多", 1500, True), ("八百来块", 800, True),
    ("几百块", 500, True), ("每个月就几百块", 500, True), ("几千", 5000, True), ("三四百", 350, True), ("每个月两三百", 250, True),
    ("300到400", 350, True), ("三百到四百", 350, True), ("一千到一千五", 1250, True),
    ("没钱", 0, False), ("没有", 0, False), ("莫得", 0, False), ("没得", 0, False), ("0", 0, False), ("打零工一千", 1000, False),
    ("一个月一千二", 1200, False), ("养老金一百多", 100, True),
]


@pytest.mark.parametrize(("text", "value", "approximate"), AMOUNTS)
def test_amounts_as_people_say_them(text: str, value: float, approximate: bool) -> None:
    found = parsing.read_amount(text)
    assert found is not None and (found.value, found.approximate, found.negative) == (value, approximate, False)
    assert parsing.parse_amount(text) == value


@pytest.mark.parametrize("text", ["-500", "－500", "负五百", "收入-500", "−300"])
def test_a_negative_is_seen(text: str) -> None:
    found = parsing.read_amount(text)
    assert found is not None and found.negative and found.value < 0


def test_a_range_with_a_dash_is_not_negative() -> None:
    assert parsing.read_amount("300-400") == parsing.Amount(350, approximate=True, said="300到400")


@pytest.mark.parametrize(("text", "said"), [("一百多", "100多"), ("两千多", "2000多"), ("几百块", "几百"), ("三四百", "三四百")])
def test_an_approximate_amount_keeps_how_it_was_said(text: str, said: str) -> None:
    assert parsing.read_amount(text).said == said


def test_a_yearly_income_is_a_twelfth_a_month() -> None:
    assert parsing.read_amount("一年两万", per_month=True).value == 1667
    assert parsing.read_amount("一年两万").value == 20000


@pytest.mark.parametrize(("text", "income", "savings"), [
    ("收入1,200", 1200, None), ("收入1,200，存款3,000", 1200, 3000), ("收入三百，存款没有", 300, 0), ("三百，两千", 300, 2000),
    ("都没有", 0, 0), ("一年两万，存款三千", 1667, 3000), ("1,200", 1200, None), ("收入一千二，存了两万", 1200, 20000),
])
def test_income_and_savings_in_one_answer(text: str, income: float, savings: float | None) -> None:
    assert parsing.split_income_and_savings(text) == (income, savings)


STREET = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "verified_phone": "13812345678",
          "applicant_name": "张秀英", "applicant_id": HER_ID, "applicant_phone": "13812345678", "street": "渝中区七星岗街道",
          "area_code": "500103001", "hukou": "城镇户口"}
DONE = {"more_members": False, "reason": "老伴走了，我身体不好", "confirmed": True}


async def submitted(fake, slots: dict, key: str) -> dict:  # noqa: ANN001
    await ActionSubmitApplication().run(CollectingDispatcher(), plain_tracker({**slots, **DONE, "submission_key": key}), {})
    return fake.submitted[key]


async def read_back(slots: dict) -> str:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(slots), {})
    summary = dispatcher.messages[0]
    values = {k: v for k, v in summary.items() if k not in ("response", "text", "buttons", "elements", "custom", "template",
                                                              "image", "attachment", "json_message")}
    return await wording("utter_readback", slots, **values)


@pytest.mark.asyncio
async def test_income_with_a_thousands_comma_is_one_figure_and_is_what_is_filed(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "收入1,200", STREET)
    assert slots["monthly_income"] == 1200 and slots.get("savings") is None
    assert slots["requested_slot"] == "savings"  # savings were not said: asked, never guessed
    slots, _ = await turn(ValidateApplicationForm(), "savings", "3,000", slots)
    body = await submitted(fake_backend, slots, "comma-1")
    assert body["members"][0]["incomes"] == [{"category": "工资性", "kind": "申报收入", "monthly_amount": 1200}]
    assert body["assets"] == [{"kind": "存款", "value": 3000}]


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text"), [("monthly_income", "-500"), ("monthly_income", "负五百"), ("savings", "-2000")])
async def test_a_negative_amount_is_asked_again_kindly(fake_backend, slot: str, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    for form, name in ((ValidateApplicationForm(), "application_form"), (ValidateEligibilityForm(), "eligibility_form")):
        slots, messages = await turn(form, slot, text, {**STREET, "household_size": 1.0}, form=name)
        assert slots[slot] is None and said(messages) == ["utter_amount_negative"], name
    assert "负" in await wording("utter_amount_negative", {})


@pytest.mark.asyncio
async def test_an_approximate_income_is_read_back_as_approximate_and_noted_for_the_caseworker(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    form = ValidateApplicationForm()
    slots, _ = await turn(form, "monthly_income", "每月有一百多块", STREET)
    assert slots["monthly_income"] == 100 and slots["amounts_said"] == {"monthly_income": "100多"}
    slots, _ = await turn(form, "savings", "几百块", slots)
    assert slots["savings"] == 500 and slots["amounts_said"] == {"monthly_income": "100多", "savings": "几百"}
    text = await read_back({**slots, **DONE})
    assert "月收入：100多元" in text and "存款：约几百元" in text and "大概数" in text
    body = await submitted(fake_backend, slots, "approx-1")
    assert body["members"][0]["incomes"][0]["monthly_amount"] == 100 and body["assets"][0]["value"] == 500
    assert "大概数：月收入100多元、存款几百元，请工作人员核实" in body["reason"]


@pytest.mark.asyncio
async def test_an_exact_answer_replaces_an_approximate_one(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "两千多", STREET)
    slots = {**slots, "monthly_income": None}
    slots, _ = await turn(ValidateApplicationForm(), "monthly_income", "2100", slots)
    assert slots["monthly_income"] == 2100 and not slots["amounts_said"]


@pytest.mark.asyncio
async def test_an_income_far_above_the_usual_is_asked_again_and_kept_when_confirmed(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    form = ValidateApplicationForm()
    slots, messages = await turn(form, "monthly_income", "收入八万", STREET)
    assert slots["monthly_income"] is None and said(messages) == ["utter_amount_outlier"]
    assert await wording("utter_amount_outlier", slots, **{k: messages[0][k] for k in ("what", "amount")}) == (
        "每月8万元？这比一般情况高很多，麻烦您再说一下每月大概多少钱。没有说错的话，说“对”就行。")
    assert not slots.get("form_retries")  # not a wrong answer
    kept, _ = await turn(form, "monthly_income", "对", slots)
    assert kept["monthly_income"] == 80000 and kept["amount_to_confirm"] is None
    again, _ = await turn(form, "monthly_income", "八万", slots)  # said again: kept
    assert again["monthly_income"] == 80000
    fixed, messages = await turn(form, "monthly_income", "八百", slots)  # the real figure
    assert fixed["monthly_income"] == 800 and said(messages) == []


@pytest.mark.asyncio
async def test_a_million_a_month_is_never_kept_silently(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    form = ValidateApplicationForm()
    slots, messages = await turn(form, "monthly_income", "收入一百万", STREET)
    assert slots["monthly_income"] is None and said(messages) == ["utter_amount_too_large"]
    assert messages[0]["amount"] == "100万"
    slots, messages = await turn(form, "monthly_income", "收入一百万", slots)
    assert slots["monthly_income"] is None  # above what can be filed at all: a person, not a kept figure


@pytest.mark.asyncio
async def test_the_precheck_asks_a_huge_income_again_per_person(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    form = ValidateEligibilityForm()
    one, messages = await turn(form, "monthly_income", "两万", {"household_size": 1.0}, form="eligibility_form")
    assert one["monthly_income"] is None and said(messages) == ["utter_amount_outlier"]
    four, messages = await turn(form, "monthly_income", "两万", {"household_size": 4.0}, form="eligibility_form")
    assert four["monthly_income"] == 20000 and said(messages) == []
    request = next(r for r in fake_backend.requests if r.url.path.endswith("/plausible"))
    assert request.url.params["region"] == "重庆"
    savings, messages = await turn(form, "savings", "存了五百万", {"household_size": 1.0}, form="eligibility_form")
    assert savings["savings"] is None and said(messages) == ["utter_amount_outlier"]


@pytest.mark.asyncio
async def test_no_money_is_zero_in_both_forms(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    for text in ("没钱", "莫得", "没有"):
        slots, _ = await turn(ValidateEligibilityForm(), "monthly_income", text, {"household_size": 1.0}, form="eligibility_form")
        assert slots["monthly_income"] == 0, text
        slots, _ = await turn(ValidateApplicationForm(), "monthly_income", text, STREET)
        assert slots["monthly_income"] == 0, text


@pytest.mark.asyncio
async def test_a_family_members_approximate_income_is_noted(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**STREET, "monthly_income": 300.0, "savings": 0.0, "more_members": True, "member_name": "李建国", "member_id": HIS_ID,
             "member_relation": "配偶"}
    slots, _ = await turn(ValidateApplicationForm(), "member_income", "两千多", slots)
    assert slots["members"] == [{"name": "李建国", "relation": "配偶", "id_number": HIS_ID, "income": 2000, "income_said": "2000多"}]
    negative, messages = await turn(ValidateApplicationForm(), "member_income", "-800",
                                    {**slots, "more_members": True, "member_name": "李小", "member_id": HER_ID, "member_relation": "子女"})
    assert negative["member_income"] is None and len(negative["members"]) == 1 and said(messages) == ["utter_amount_negative"]
    body = await submitted(fake_backend, slots, "member-approx")
    assert body["members"][1]["incomes"][0]["monthly_amount"] == 2000 and "李建国收入2000多元" in body["reason"]


@pytest.mark.parametrize("said", ["冇得", "冇得收入", "弗有", "木有", "么得"])
def test_none_in_dialect_is_zero(said: str) -> None:
    """Seen in the persona harness: 武汉 冇得, 常州 弗有 were asked four times."""
    assert parsing.read_amount(said) is not None and parsing.read_amount(said).value == 0


@pytest.mark.parametrize("said", ["我个人的", "我自家", "给我自个儿申请"])
def test_for_myself_in_other_words(said: str) -> None:
    assert parsing.parse_filing_for(said) == "self"


@pytest.mark.parametrize("said", ["420102195708150016", "13908230041", "收入 420102195708150020"])
def test_an_id_or_phone_number_is_no_amount(said: str) -> None:
    """Seen by a tester: an ID number typed to the income question was read back as 每月收入：420102195708150016元."""
    assert parsing.read_amount(said) is None and parsing.split_income_and_savings(said) == (None, None)


@pytest.mark.parametrize(("said", "value"), [("我一个人住", None), ("两个娃 一个月八百", 800), ("七十九岁 养老金一百多", 100),
                                             ("三口人 收入两千", 2000)])
def test_counts_of_people_and_years_are_no_amount(said: str, value: float | None) -> None:
    """Seen by a tester: "我一个人住" to the income question was saved as 1元."""
    found = parsing.read_amount(said, per_month=True)
    assert (found.value if found else None) == value


def test_voice_typing_and_what_it_is_not() -> None:
    """Seen by a tester who voice-typed: "收入四千多存款一万出头" lost the savings; "一万出头 不是四千" saved 4000;
    "幺三九零八二三零零五幺" and "零零七四二四" were refused as phone and code."""
    assert parsing.split_income_and_savings("收入四千多存款一万出头") == (4000.0, 10000.0)
    assert parsing.split_income_and_savings("一万出头 不是四千")[0] == 10000.0
    assert parsing.parse_phone("幺三九零八二三零零五幺") == "13908230051" and parsing.parse_code("零零七四二四") == "007424"


@pytest.mark.parametrize(("said", "both"), [("三百，没有存款", (300.0, 0.0)), ("收入三百 没存款", (300.0, 0.0)),
                                            ("三百块存款两千", (300.0, 2000.0))])
def test_savings_said_as_none_after_the_income(said: str, both: tuple) -> None:
    assert parsing.split_income_and_savings(said) == both


@pytest.mark.parametrize("text", ["3 5 4 6 9 1", "354 691", "354-691", "验证码是 354691"])
def test_a_code_typed_with_spaces_is_the_code(text) -> None:  # noqa: ANN001
    assert parsing.parse_code(text) == "354691"
    assert parsing.parse_code("139 0000 0931") is None


@pytest.mark.parametrize(("text", "age"), [("81岁", 81), ("八十一岁", 81), ("我今年81岁了", 81), ("八十一了", 81), ("七十八", 78),
                                           ("莫得", None), ("不晓得", None), ("200岁", None)])
def test_an_age_as_people_say_it(text: str, age: int | None) -> None:
    """A tester's "81岁" was refused as "这个数我没听明白", and her next "莫得" was kept as her age."""
    from actions import parsing

    assert parsing.parse_age(text) == age


def test_a_place_with_a_figure_in_its_name_is_not_a_household() -> None:
    """"我住渝中区两路口" said to "有几个人" was taken as two people (a tester, the third round)."""
    assert parsing.parse_count("我住渝中区两路口") is None and parsing.parse_count("三里桥那边") is None
    assert [parsing.parse_count(t) for t in ("两个人 我跟我老头儿", "三口人", "2", "两", "一共五位")] == [2, 3, 2, 2, 5]


@pytest.mark.parametrize(("text", "others"), [
    ("我跟我老头儿两个人", True), ("还有我老伴", True), ("我和老伴", True), ("3个人", True), ("他一个人住", False),
    ("儿子一个人在外地打工", None), ("我不和儿子住", None), ("我住渝中区两路口", None),
])
def test_who_lives_with_her_is_heard_in_her_words(text, others) -> None:  # noqa: ANN001
    """"我跟我老头儿两个人" to "家里还有一起生活的其他人吗" got "没太明白" (a tester, the third round)."""
    assert parsing.household_said(text) is others
