"""Issue 20: nothing is saved that the person did not say. A person's name is a name on every door that
takes one (backend/core/fields.py PersonName): an ID number, a digit, a pronoun or "不知道" is refused with a
Chinese 422 and nothing is stored. And the backend says when a declared amount is far above what households
asking for assistance declare (GET /eligibility/plausible), so the assistant asks again instead of keeping it.
"""

import re

import pytest
from sqlalchemy import func, select

from backend.applications.models import Application
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, application_body, member

CHINESE = re.compile(r"[\u4e00-\u9fff]")
AN_ID_NUMBER = "500103194403150021"  # valid check digit: exactly what a person types when asked "姓名和身份证号码"
NOT_NAMES = [AN_ID_NUMBER, "张3", "张秀英1", "王５", "11010519491231002X", "她", "她们", "我", "我老伴", "我奶奶", "老伴", "不知道",
             "我不晓得", "不清楚", "是的", "  ", "·"]
NAMES = ["张秀英", "阿依古丽·买买提", "张 秀英", "欧阳娜娜", "李大娘", "王一"]


def refused(resp) -> dict:  # noqa: ANN001
    assert resp.status_code == 422, f"{resp.status_code} {resp.text[:300]}"
    error = resp.json()["error"]
    assert CHINESE.search(error["message"]), error
    return error


def _applications(world) -> int:  # noqa: ANN001
    return world.session.scalar(select(func.count()).select_from(Application))


@pytest.mark.parametrize("name", NOT_NAMES)
def test_an_application_with_a_name_that_is_not_a_name_is_refused(world, name: str) -> None:  # noqa: ANN001
    before = _applications(world)
    body = application_body(members=[member(name, phone=APPLICANT_PHONE)])
    error = refused(world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "name-1"}))
    assert "members" in str(error["details"]) and "name" in str(error["details"])
    assert _applications(world) == before


def test_a_digit_in_the_name_says_where_the_id_number_goes(world) -> None:  # noqa: ANN001
    body = application_body(members=[member(AN_ID_NUMBER, phone=APPLICANT_PHONE)])
    resp = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "name-2"})
    refused(resp)
    assert "身份证号码" in str(resp.json()["error"]["details"])


@pytest.mark.parametrize("name", ["我老伴", "张3"])
def test_a_household_member_or_an_obligor_named_so_is_refused(world, name: str) -> None:  # noqa: ANN001
    members = [member("张秀英", phone=APPLICANT_PHONE), member(name, "配偶", seq=2)]
    refused(world.client.post("/api/v1/applications", json=application_body(members=members),
                              headers={**world.applicant, "Idempotency-Key": "name-3"}))
    obligor = {"name": name, "id_number": member("x", seq=40)["id_number"], "relation": "子女"}
    refused(world.client.post("/api/v1/applications", json=application_body(obligors=[obligor]),
                              headers={**world.applicant, "Idempotency-Key": "name-4"}))


@pytest.mark.parametrize(("who", "name"), [("principal", AN_ID_NUMBER), ("principal", "她"), ("helper", "我"), ("helper", "李红2")])
def test_a_delegation_takes_names_only(world, who: str, name: str) -> None:  # noqa: ANN001
    principal = {"name": "张秀英", "id_number": member("张秀英")["id_number"], "phone": APPLICANT_PHONE}
    helper = {"name": "李红", "phone": HELPER_PHONE, "kind": "relative", "relation": "女儿"}
    body = {"principal": principal, "helper": helper}
    body[who] = {**body[who], "name": name}
    refused(world.client.post("/api/v1/delegations/consent-code", json=body, headers=world.helper))


def test_a_person_looked_up_by_name_needs_a_name(world) -> None:  # noqa: ANN001
    refused(world.client.post("/api/v1/persons/record-phone/code", json={"name": AN_ID_NUMBER, "id_number": AN_ID_NUMBER}))


@pytest.mark.parametrize("name", NAMES)
def test_real_names_still_go_through(world, name: str) -> None:  # noqa: ANN001
    body = application_body(members=[member(name, phone=APPLICANT_PHONE, seq=NAMES.index(name) + 60)])
    world.submit(body, key=f"real-name-{NAMES.index(name)}")


# --------------------------------------------------------------------------------- amounts said


def plausible(client, **params) -> dict:  # noqa: ANN001
    resp = client.get("/api/v1/eligibility/plausible", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_an_income_of_a_million_a_month_is_an_outlier_and_cannot_be_filed(client) -> None:  # noqa: ANN001
    said = plausible(client, region="重庆", household_size=1, monthly_income=1_000_000)
    assert said["region"] == "重庆"
    income = said["monthly_income"]
    # 10 × the higher 低保 standard (770) × 1 person.
    assert float(income["ceiling"]) == 7700 and income["outlier"] is True and income["allowed"] is False


def test_the_ceiling_is_per_person_of_the_local_standard(client) -> None:  # noqa: ANN001
    assert plausible(client, region="重庆", household_size=1, monthly_income=8000)["monthly_income"]["outlier"] is True
    three = plausible(client, region="渝中区七星岗街道", household_size=3, monthly_income=8000)["monthly_income"]
    assert float(three["ceiling"]) == 23100 and three["outlier"] is False and three["allowed"] is True
    assert plausible(client, region="重庆", monthly_income=1200)["monthly_income"]["outlier"] is False
    other = plausible(client, region="常州", monthly_income=8000)["monthly_income"]
    assert float(other["ceiling"]) != 7700


def test_savings_far_above_the_asset_limit_are_outliers(client) -> None:  # noqa: ANN001
    said = plausible(client, region="重庆", household_size=1, savings=5_000_000, monthly_income=0)
    # 10 × the asset limit (24 months × 770 × 1 person).
    assert float(said["savings"]["ceiling"]) == 184800 and said["savings"]["outlier"] is True and said["savings"]["allowed"] is True
    assert said["monthly_income"]["outlier"] is False
    assert plausible(client, region="重庆", savings=3000)["savings"]["outlier"] is False


@pytest.mark.parametrize("params", [{"region": "重庆", "monthly_income": -500}, {"region": "重庆", "household_size": 0},
                                    {"region": "重庆", "savings": "NaN"}, {"region": ""}])
def test_what_is_not_an_amount_is_refused(client, params: dict) -> None:  # noqa: ANN001
    refused(client.get("/api/v1/eligibility/plausible", params=params))
