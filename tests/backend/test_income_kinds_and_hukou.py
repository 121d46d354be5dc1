"""Income the rules do not count (the basic pension, 优抚, scholarships …) and urban/rural 户口, in the
pre-check and in the application's decision."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.applications.models import Application
from backend.eligibility.hukou import suggest_hukou
from backend.eligibility.service import get_rules
from tests.backend.test_say_and_progress import _to_review
from tests.backend.world import APPLICANT_PHONE, application_body, member

ON = "2026-11-24"


def _precheck(client, region: str = "重庆", **member_fields) -> dict:  # noqa: ANN001
    body = {"region": region, "on": ON, "members": [{"age": 45, **member_fields}]}
    resp = client.post("/api/v1/eligibility/precheck", json=body | {k: member_fields.pop(k) for k in ("hukou",) if k in member_fields})
    assert resp.status_code == 200, resp.text
    out = resp.json()
    return out | {"by_type": {r["assistance_type"]: r for r in out["results"]}}


@pytest.mark.parametrize("kind", ["城乡居民基础养老金", "养老金", "每月有100多块养老金"])
def test_a_household_living_on_the_basic_pension_of_180_is_eligible_for_dibao_in_chongqing(client, kind: str) -> None:  # noqa: ANN001
    out = _precheck(client, incomes=[{"kind": kind, "monthly_amount": 180}])
    assert Decimal(out["counted_income"]) == 0
    assert out["by_type"]["低保"]["eligible"] and out["by_type"]["低保"]["monthly_amount"] == "770.00"


@pytest.mark.parametrize(("kind", "counted"), [
    ("职工养老金", "1500.00"), ("退休工资", "1500.00"), ("工资", "1500.00"),
    ("优抚金", "0.00"), ("抚恤金", "0.00"), ("奖学金", "0.00"), ("独生子女奖励", "0.00"), ("见义勇为奖励", "0.00"),
    ("低保金", "0.00"),
])
def test_each_kind_is_counted_or_not_as_the_national_rules_say(client, kind: str, counted: str) -> None:  # noqa: ANN001
    assert Decimal(_precheck(client, incomes=[{"kind": kind, "monthly_amount": 1500}])["counted_income"]) == Decimal(counted)


def test_deductible_spending_is_taken_off(client) -> None:  # noqa: ANN001
    out = _precheck(client, incomes=[{"kind": "零工", "monthly_amount": 1000}],
                    deductions=[{"kind": "住院自付医药费", "monthly_amount": 400}, {"kind": "买衣服", "monthly_amount": 300}])
    assert Decimal(out["counted_income"]) == 600 and out["by_type"]["低保"]["eligible"]


def test_rural_hukou_is_judged_on_the_rural_standard_where_it_differs(client) -> None:  # noqa: ANN001
    urban = _precheck(client, hukou="urban", incomes=[{"kind": "零工", "monthly_amount": 700}])
    rural = _precheck(client, hukou="rural", incomes=[{"kind": "零工", "monthly_amount": 700}])
    assert urban["hukou_matters"] and urban["by_type"]["低保"]["eligible"] and "城市低保标准770元" in urban["by_type"]["低保"]["reason"]
    assert not rural["by_type"]["低保"]["eligible"] and "农村低保标准630元" in rural["by_type"]["低保"]["reason"]
    same = _precheck(client, region="常州", hukou="rural", incomes=[{"kind": "零工", "monthly_amount": 700}])
    assert same["hukou_matters"] is False and "城市" not in same["by_type"]["低保"]["reason"]


def test_whether_to_ask_and_what_the_street_suggests(client) -> None:  # noqa: ANN001
    cq = client.get("/api/v1/eligibility/hukou", params={"region": "重庆", "street": "东温泉镇"}).json()
    assert cq == {"matters": True, "suggested": "rural", "urban": "770.00", "rural": "630.00"}
    cz = client.get("/api/v1/eligibility/hukou", params={"region": "常州", "street": "湖塘街道"}).json()
    assert cz["matters"] is False and cz["suggested"] == "urban"
    assert (suggest_hukou("七星岗街道"), suggest_hukou("石门乡"), suggest_hukou("两路口")) == ("urban", "rural", None)
    said = client.get("/api/v1/eligibility/income-kind", params={"said": "每月有100多块养老金"}).json()
    assert said == {"kind": "城乡居民基础养老金", "recognized": True, "counted": False, "deductible": False}
    assert client.get("/api/v1/eligibility/income-kind", params={"said": "打零工800"}).json()["counted"] is True
    kinds = client.get("/api/v1/eligibility/income-kinds").json()
    assert "城乡居民基础养老金" in kinds["excluded"] and "养老金" in kinds["names"]["城乡居民基础养老金"]


def test_the_application_takes_hukou_and_income_kinds_into_its_decision(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 2))
    rural = world.submit(application_body(hukou="rural"), key="rural-0001")["number"]
    # Another grandmother, filed at the counter (张秀英 has her open 低保 already: one open case a person).
    pension = world.submit(application_body(members=[member("王桂兰", seq=4, incomes=[
        {"category": "转移净", "kind": "养老金", "monthly_amount": 180}])]), headers=world.caseworker, key="pension-0001")["number"]
    for n in (rural, pension):
        _to_review(world, set_today, n)
        world.act(n, "approve", world.reviewer)
    world.session.expire_all()
    decided = {a.number: a.decision for a in world.session.scalars(select(Application))}
    assert decided[rural].monthly_amount == Decimal(330)  # 630 − 300: the rural standard
    assert "农村低保标准630元" in decided[rural].reasons
    assert decided[pension].monthly_amount == Decimal(770)  # the basic pension is not income


def test_the_rules_read_kinds_from_their_file() -> None:
    rules = get_rules()
    assert rules.income_kind("我有100多块养老金") == "城乡居民基础养老金"
    assert rules.income_kind("单位发的职工养老金") == "退休金"
    # A tester's grandmother: "退休金不就是养老金噻？" is her pension, counted, not the exempt basic one.
    assert rules.income_kind("退休金不就是养老金噻") == "退休金" and rules.counts("退休金不就是养老金噻")
    assert rules.counts("打零工") and not rules.counts("抚恤金")
    # An 81-year-old's "我是厂头退休的 退休金" was told it is not income: a work unit's pension always counts.
    assert all(rules.counts(said) for said in ("我是厂头退休的 退休金", "厂头退休的 养老金", "退休了 养老金一千二", "退休工资"))
    assert rules.hukou_matters("重庆", date(2026, 11, 24)) and not rules.hukou_matters("常州", date(2026, 11, 24))
