"""What the chat filed, as the workbench shows it (testers' findings): a labour ability nobody declared is derived
from the ID number's birth date (and a disability or serious illness) and marked as derived, never "有劳动能力" for
an 86-year-old; the hardship reason and the illness said in the chat are on the case page; a chat filing with only a
street says so instead of "地址未填"; income categories read as their full names."""

from datetime import date

import pytest
from sqlalchemy import select

from backend.applications.models import Application
from backend.households.models import HouseholdMember
from tests.backend.staff_pages import sign_in
from tests.backend.world import APPLICANT_PHONE, application_body, member

TODAY = date(2026, 9, 24)
REASON = "奶奶86了 一个人住 身体不好，去年中风过"


@pytest.fixture(autouse=True)
def today(set_today) -> None:  # noqa: ANN001
    set_today(TODAY)


def _members(world, number: str) -> dict[str, HouseholdMember]:  # noqa: ANN001
    app = world.session.scalars(select(Application).where(Application.number == number)).one()
    world.session.refresh(app.household)
    return {m.person.name: m for m in app.household.members}


def _household(world, key: str, **extra) -> str:  # noqa: ANN001, ANN003
    body = application_body(members=[
        member("万桂英", born=date(1940, 3, 2), phone=APPLICANT_PHONE, health_said="去年中风过",
               incomes=[{"category": "转移净", "kind": "退休金", "monthly_amount": 1200}]),
        member("柯敏", "子女", born=date(1981, 6, 1), seq=2, incomes=[{"category": "工资性", "kind": "打零工", "monthly_amount": 800}]),
        member("柯小宝", "孙子女", born=date(2016, 1, 9), seq=3),
        member("柯德华", "配偶", born=date(1975, 2, 2), seq=4, serious_illness=True),
        member("柯兰", "子女", born=date(1999, 2, 2), seq=5, labour_ability="partial"),
    ], reason=REASON, **extra)
    return world.submit(body, key=key)["number"]


def test_a_labour_ability_not_declared_is_derived_from_the_id_number_and_marked(world) -> None:  # noqa: ANN001
    members = _members(world, _household(world, "filed-as-said-1"))
    got = {name: (m.labour_ability, m.labour_ability_basis) for name, m in members.items()}
    assert got == {
        "万桂英": ("none", "按年龄推定：86岁，已满60周岁"),  # was "full": "有劳动能力" on the workbench
        "柯敏": ("full", "按年龄推定：45岁"),
        "柯小宝": ("none", "按年龄推定：10岁，未满16周岁"),
        "柯德华": ("partial", "按重病推定，请核实"),
        "柯兰": ("partial", None),  # declared: kept, not marked
    }
    assert members["万桂英"].health_said == "去年中风过"


def test_the_disability_rule_is_the_eligibility_rules(world) -> None:  # noqa: ANN001
    body = application_body(members=[
        member("张秀英", born=date(1980, 5, 1), phone=APPLICANT_PHONE, disability_grade=2, disability_kind="肢体"),
        member("李强", "配偶", born=date(1979, 5, 1), seq=2, disability_grade=3, disability_kind="肢体")])
    members = _members(world, world.submit(body, key="filed-as-said-2")["number"])
    assert (members["张秀英"].labour_ability, members["张秀英"].labour_ability_basis) == ("none", "按残疾等级推定：肢体残疾2级")
    assert (members["李强"].labour_ability, members["李强"].labour_ability_basis) == ("partial", "按残疾推定：肢体残疾3级，请核实")


def test_the_assessment_reads_a_derived_ability_as_the_rule_it_came_from(world) -> None:  # noqa: ANN001
    """特困 for an 86-year-old alone: "86岁，已满60周岁", never "经认定无劳动能力" (nobody assessed her)."""
    body = application_body("特困", members=[member("万桂英", born=date(1940, 3, 2), phone=APPLICANT_PHONE)])
    number = world.submit(body, key="filed-as-said-3")["number"]
    assessment = world.client.get(f"/api/v1/applications/{number}/assessment", headers=world.caseworker).json()
    tekun = next(r for r in assessment["results"] if r["assistance_type"] == "特困")
    assert tekun["eligible"] and "86岁，已满60周岁" in tekun["reason"] and "经认定" not in tekun["reason"]


def test_the_case_page_shows_what_the_chat_filed(world) -> None:  # noqa: ANN001
    number = _household(world, "filed-as-said-4")
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    assert "申请时说的困难情况：</strong>" + REASON in page  # the reason was saved, never shown
    assert "无劳动能力（按年龄推定：86岁，已满60周岁）" in page and "有劳动能力（按年龄推定：45岁）" in page
    assert "部分丧失劳动能力（按重病推定，请核实）" in page and "重病" in page
    assert "聊天里说：去年中风过（原话，未核实）" in page
    assert "退休金（转移净收入）每月" in page and "打零工（工资性收入）每月" in page
    # The chat asks only the street: said so, not "地址未填" as if an answer were missing.
    assert "七星岗街道，只登记了街道（聊天里没问门牌）" in page and "地址未填" not in page


def test_an_address_missing_elsewhere_is_still_missing_and_a_given_one_shown(world) -> None:  # noqa: ANN001
    sign_in(world.client, "cw_yuzhong")
    web = world.submit(application_body(channel="web"), key="filed-as-said-5")["number"]
    assert "地址未填" in world.client.get(f"/staff/applications/{web}").text
    given = world.submit(application_body(address="七星岗街道某某路12号", members=[member("李芳", seq=9, phone=APPLICANT_PHONE)]),
                         key="filed-as-said-6")["number"]
    page = world.client.get(f"/staff/applications/{given}").text
    assert "七星岗街道某某路12号" in page and "只登记了街道" not in page
