"""ID numbers (GB 11643), working days on the official calendar, eligibility and amounts."""

from datetime import date
from decimal import Decimal

import pytest

from backend.core.idnumber import InvalidIdNumber, check_char, parse
from backend.core.workdays import WorkCalendar, get_calendar
from backend.eligibility.service import HouseholdFacts, IncomeLine, MemberFacts, get_rules

# ---------------------------------------------------------------- ID numbers


@pytest.mark.parametrize(
    ("raw", "born", "sex"),
    [("11010519491231002X", date(1949, 12, 31), "女"), ("440524188001010014", date(1880, 1, 1), "男"),
     ("11010519491231002x", date(1949, 12, 31), "女"), ("１１０１０５１９４９１２３１００２Ｘ", date(1949, 12, 31), "女")],
)
def test_valid_numbers_give_birth_date_and_sex(raw: str, born: date, sex: str) -> None:
    parsed = parse(raw)
    assert (parsed.birth_date, parsed.sex, parsed.masked[-4:]) == (born, sex, parsed.value[-4:])


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("110105194912310021", "最后一位（校验位）对不上"),
        ("11010519491231002", "应该是18位，您输入的是17位"),
        ("11010519491331002X", "出生日期不对"),
        ("1101051949123100AX", "前17位应该都是数字"),
        ("11010520991231002X", "出生日期不对"),
    ],
)
def test_invalid_numbers_are_explained_in_chinese(raw: str, says: str) -> None:
    with pytest.raises(InvalidIdNumber, match=says):
        parse(raw, today=date(2026, 11, 23))


def test_check_character_table() -> None:
    assert check_char("11010519491231002") == "X"
    assert check_char("44052418800101001") == "4"


# ---------------------------------------------------------------- working days

CAL = get_calendar()


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2026, 9, 30), 1, date(2026, 10, 8)),   # National Day week does not count
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # the make-up Saturday does
        (date(2026, 2, 13), 1, date(2026, 2, 14)),   # Spring Festival make-up Saturday
        (date(2026, 2, 14), 1, date(2026, 2, 24)),   # then 15–23 February is the holiday
        (date(2026, 2, 10), 10, date(2026, 3, 2)),
        (date(2026, 11, 2), 30, date(2026, 12, 14)),
    ],
)
def test_add_working_days_on_the_official_calendar(start: date, n: int, due: date) -> None:
    assert CAL.add_workdays(start, n) == due


def test_working_days_between() -> None:
    assert CAL.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert CAL.workdays_between(date(2026, 10, 9), date(2026, 10, 9)) == 0


def test_years_beyond_the_package_use_the_data_file_then_weekends() -> None:
    cal = WorkCalendar({2027: {"holidays": {date(2027, 1, 1)}, "workdays": {date(2027, 1, 9)}}})
    assert cal.is_workday(date(2027, 1, 1)) is False  # listed holiday on a Friday
    assert cal.is_workday(date(2027, 1, 9)) is True   # listed make-up Saturday
    assert WorkCalendar().is_workday(date(2030, 1, 5)) is False  # unknown year: weekends only
    assert WorkCalendar().is_workday(date(2030, 1, 7)) is True


# ---------------------------------------------------------------- eligibility

RULES = get_rules()
ON = date(2026, 11, 23)


def person(name: str, *, born: date = date(1975, 1, 1), incomes=(), deductions=(), **kw) -> MemberFacts:  # noqa: ANN001, ANN003
    return MemberFacts(name=name, relation=kw.pop("relation", "本人"), birth_date=born,
                       incomes=[IncomeLine(k, Decimal(v)) for k, v in incomes],
                       deductions=[IncomeLine(k, Decimal(v)) for k, v in deductions], **kw)


def test_excluded_income_does_not_count() -> None:
    h = HouseholdFacts("重庆", False, [person("甲", is_applicant=True, incomes=[("工资", 500), ("优抚金", 900), ("城乡居民基础养老金", 180)])])
    a = RULES.assess(h, ON)
    assert a.per_capita_income == Decimal("500.00")
    assert a.result("低保").monthly_amount == Decimal("270.00")


def test_deductions_for_serious_illness_lower_the_income() -> None:
    h = HouseholdFacts("重庆", False, [
        person("甲", is_applicant=True, incomes=[("工资", 1600)]),
        person("乙", relation="子女", serious_illness=True, deductions=[("重病刚性支出", 400), ("买彩票", 300)]),
    ])
    a = RULES.assess(h, ON)
    assert a.per_capita_income == Decimal("600.00")  # (1600 − 400) / 2; the lottery is not deductible
    dibao = a.result("低保")
    assert dibao.eligible and dibao.monthly_amount == Decimal("340.00")
    assert dibao.reason == "家庭2人，月人均收入600元，低于重庆市城市低保标准770元；按差额每人170元，全家每月340元。"


def test_rural_standard_and_members_not_counted() -> None:
    h = HouseholdFacts("綦江区", True, [
        person("甲", is_applicant=True, incomes=[("务农", 500)]),
        person("乙", relation="配偶", counted=False, incomes=[("服刑", 0)]),
    ])
    a = RULES.assess(h, ON)
    assert a.household_size == 1 and a.standard == Decimal("630")
    assert a.result("低保").monthly_amount == Decimal("130.00")


def test_edge_family_between_the_standard_and_one_and_a_half_times() -> None:
    h = HouseholdFacts("重庆", False, [person("甲", is_applicant=True, incomes=[("工资", 1000)])])
    a = RULES.assess(h, ON)
    assert not a.result("低保").eligible
    edge = a.result("低保边缘")
    assert edge.eligible and "1155元" in edge.reason
    above = RULES.assess(HouseholdFacts("重庆", False, [person("甲", is_applicant=True, incomes=[("工资", 1200)])]), ON)
    assert not above.result("低保边缘").eligible


def test_changzhou_uses_two_times_for_the_edge_line() -> None:
    h = HouseholdFacts("常州", False, [person("甲", is_applicant=True, incomes=[("工资", 1800)])])
    assert RULES.assess(h, ON).result("低保边缘").eligible


def test_assets_over_the_limit_exclude() -> None:
    h = HouseholdFacts("重庆", False, [person("甲", is_applicant=True)], assets=[("存款", Decimal(20000))])
    a = RULES.assess(h, ON)
    assert not a.result("低保").eligible and "超过了18480元的限额" in a.result("低保").reason
    two_homes = HouseholdFacts("重庆", False, [person("甲", is_applicant=True)], assets=[("房产", Decimal(0))] * 2)
    assert "2套住房" in RULES.assess(two_homes, ON).result("低保").reason


def test_special_hardship_looks_at_property_too() -> None:
    """A tester's 82-year-old with 2万 savings (over the limit for 低保) was told she qualified for 特困."""
    old = dict(born=date(1944, 1, 1), is_applicant=True, incomes=[("退休金", 1000)])
    saver = HouseholdFacts("重庆", False, [person("甲", **old)], assets=[("存款", Decimal(20000))])
    result = RULES.assess(saver, ON).result("特困")
    assert not result.eligible and "特困也要看财产" in result.reason
    assert RULES.assess(HouseholdFacts("重庆", False, [person("甲", **old)]), ON).result("特困").eligible


def test_the_standard_in_force_on_the_decision_date_is_used() -> None:
    h = HouseholdFacts("重庆", False, [person("甲", is_applicant=True, incomes=[("工资", 700)])])
    assert RULES.assess(h, date(2025, 6, 30)).result("低保").monthly_amount == Decimal("50.00")  # 750 − 700
    assert RULES.assess(h, date(2025, 7, 1)).result("低保").monthly_amount == Decimal("70.00")   # 770 − 700


@pytest.mark.parametrize(
    ("applicant", "eligible", "says"),
    [
        (dict(born=date(1950, 1, 1)), True, "76岁，已满60周岁"),
        (dict(born=date(2012, 1, 1)), True, "14岁，未满16周岁"),
        (dict(disability_kind="肢体", disability_grade=2), True, "肢体残疾2级"),
        (dict(disability_kind="肢体", disability_grade=3), False, "有劳动能力"),
        (dict(disability_kind="智力", disability_grade=3), True, "智力残疾3级"),
        (dict(born=date(1950, 1, 1), incomes=[("工资", 1200)]), False, "不低于特困供养标准1001元"),
    ],
)
def test_special_hardship_criteria(applicant: dict, eligible: bool, says: str) -> None:
    h = HouseholdFacts("重庆", False, [person("甲", is_applicant=True, **applicant)])
    result = RULES.assess(h, ON).result("特困")
    assert result.eligible is eligible and says in result.reason
    if eligible:
        assert result.monthly_amount == Decimal("1001")


def test_special_hardship_needs_no_able_supporter() -> None:
    old = dict(born=date(1940, 1, 1), is_applicant=True)
    with_obligor = HouseholdFacts("重庆", False, [person("甲", **old)], obligors_able_to_support=1)
    assert "义务人" in RULES.assess(with_obligor, ON).result("特困").reason
    with_working_son = HouseholdFacts("重庆", False, [person("甲", **old), person("乙", relation="子女", incomes=[("工资", 3000)])])
    assert not RULES.assess(with_working_son, ON).result("特困").eligible


def test_wuhan_special_hardship_differs_urban_and_rural() -> None:
    old = dict(born=date(1940, 1, 1), is_applicant=True)
    assert RULES.assess(HouseholdFacts("武汉", False, [person("甲", **old)]), ON).result("特困").monthly_amount == Decimal("1820")
    assert RULES.assess(HouseholdFacts("武汉", True, [person("甲", **old)]), ON).result("特困").monthly_amount == Decimal("1500")


def test_unknown_region_says_so() -> None:
    a = RULES.assess(HouseholdFacts("拉萨", False, [person("甲", is_applicant=True)]), ON)
    assert a.standard is None and "暂时没有拉萨" in a.results[0].reason


def test_precheck_endpoint(client) -> None:
    body = {"region": "渝中区", "members": [{"name": "张秀英", "age": 72, "monthly_income": 300}], "on": "2026-11-23"}
    resp = client.post("/api/v1/eligibility/precheck", json=body)
    assert resp.status_code == 200
    results = {r["assistance_type"]: r for r in resp.json()["results"]}
    assert results["低保"]["eligible"] and results["低保"]["monthly_amount"] == "470.00"
    assert results["特困"]["eligible"] and "72岁" in results["特困"]["reason"]
