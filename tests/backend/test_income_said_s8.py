"""Testers' session 8: "就高龄补贴一个月200" was saved as an income of 0 with nothing recorded. Whether the 高龄津贴 counts
is the rules' one word (rules.yaml, as the chat learns it: GET /eligibility/income-kind); the case page shows the line as
said and that it does not count (the chat's side: tests/actions/test_household_income_s8.py)."""

from datetime import date

import pytest

from backend.eligibility.service import get_rules
from tests.backend.staff_pages import sign_in
from tests.backend.world import APPLICANT_PHONE, application_body, member

ALLOWANCE = {"category": "转移净", "kind": "就高龄补贴一个月200", "monthly_amount": 200}


@pytest.fixture(autouse=True)
def today(set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 9, 24))


@pytest.mark.parametrize("said", ["高龄补贴", "就高龄补贴一个月200", "高龄补助", "高龄老人补贴"])
def test_the_old_age_allowance_is_left_out_by_the_rules(client, said: str) -> None:  # noqa: ANN001
    assert get_rules().counts(said) is False
    kind = client.get("/api/v1/eligibility/income-kind", params={"said": said}).json()
    assert kind == {"kind": "高龄津贴", "recognized": True, "counted": False, "deductible": False}
    assert get_rules().counts("打零工") is True and get_rules().counts("补贴") is True  # a bare 补贴 is not this one


def test_the_case_page_shows_the_allowance_as_said_and_not_counted(world) -> None:  # noqa: ANN001
    body = application_body(members=[member("万桂英", born=date(1940, 3, 2), phone=APPLICANT_PHONE, incomes=[
        ALLOWANCE, {"category": "工资性", "kind": "打零工", "monthly_amount": 300}])])
    number = world.submit(body, key="s8-allowance-page")["number"]
    assessment = world.client.get(f"/api/v1/applications/{number}/assessment", headers=world.caseworker).json()
    assert float(assessment["counted_income"]) == 300.0
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    assert "万桂英：就高龄补贴一个月200（转移净收入）每月200元，按规定不计入</li>" in page
    assert "万桂英：打零工（工资性收入）每月300元</li>" in page
