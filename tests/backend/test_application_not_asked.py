"""Issue 20: nothing is saved that the person did not say. The chat never asks homes or vehicles, and 户口 only
where the urban and rural standards differ: the case page says 户口未问 and 没问过, never a guessed 城镇户口 or
0 homes, and a home found where nobody asked is for the home visit (需入户核实), not a red difference."""

import re

import pytest
from sqlalchemy import select

from backend.applications.models import Application
from backend.applications.schemas import ApplicationIn
from backend.economic_check.adapters import PersonRef, SourceResult
from backend.economic_check.service import run_check
from backend.workbench.case_actions import report_results
from tests.backend.staff_pages import sign_in
from tests.backend.world import application_body


class OneHome:
    """A 不动产 source that finds one home for each person."""

    name = "不动产"

    def query(self, person: PersonRef) -> SourceResult:
        return SourceResult(self.name, findings={"住房（套）": 1}, homes=1)


def _file(world, key: str, **extra) -> Application:  # noqa: ANN001, ANN003
    number = world.submit(application_body(**extra), key=key)["number"]
    return world.session.scalars(select(Application).where(Application.number == number)).one()


def _page(world, number: str) -> str:  # noqa: ANN001
    sign_in(world.client, "cw_yuzhong")
    return world.client.get(f"/staff/applications/{number}").text


def _row(page: str, item: str) -> str:
    economy = page.split('id="economy"')[1].split("</section>")[0]
    return re.search(rf'<tr[^>]*><th scope="row">{re.escape(item)}</th>.*?</tr>', economy, re.S).group(0)


def _checked(world, app: Application) -> dict:  # noqa: ANN001
    world.sign_all(app.number)
    report = run_check(world.session, app, [OneHome()])
    world.session.commit()
    return report


def test_a_chat_filing_without_hukou_homes_or_vehicles_says_not_asked(world) -> None:  # noqa: ANN001
    app = _file(world, "not-asked-1", not_asked=["homes", "vehicles"])
    assert app.not_asked == ["hukou", "homes", "vehicles"]  # 户口 not given: not asked either

    page = _page(world, app.number)
    assert "户口未问（城乡标准相同）" in page and "城镇户口" not in page
    assert "<td>没问过</td>" in _row(page, "住房（套）") and "<td>没问过</td>" in _row(page, "车辆（辆）")

    report = _checked(world, app)
    page = _page(world, app.number)
    homes = _row(page, "住房（套）")
    assert "没问过" in homes and "需入户核实" in homes  # found where nobody asked: visible, for the visit …
    assert 'class="differs"' not in homes and "有差异" not in homes  # … not a difference from what was said
    assert "没问过" in _row(page, "车辆（辆）") and "有差异" not in _row(page, "车辆（辆）")
    assert report_results(report)["住房（套）"] == "没问过，核对到1，需入户核实"
    api = world.client.get(f"/api/v1/applications/{app.number}/economic-check", headers=world.caseworker).json()
    [row] = [c for c in api["comparison"] if c["item"] == "住房（套）"]
    assert (row["declared"], row["found"], row["differs"], row["result"]) == (None, 1, False, "to_visit")


def test_an_urban_hukou_said_is_shown_and_homes_asked_are_compared(world) -> None:  # noqa: ANN001
    app = _file(world, "not-asked-2", hukou="urban", not_asked=["vehicles"])
    assert app.not_asked == ["vehicles"]
    _checked(world, app)
    page = _page(world, app.number)
    assert "城镇户口" in page and "户口未问" not in page
    homes = _row(page, "住房（套）")
    assert 'class="differs"' in homes and "<td>0</td>" in homes and "有差异" in homes  # declared none, one found
    assert "没问过" in _row(page, "车辆（辆）")


@pytest.mark.parametrize(("extra", "unasked"), [
    ({}, ["hukou"]),
    ({"is_rural": True}, []),  # the older flag given explicitly: said
    ({"is_rural": False}, []),
    ({"hukou": "rural", "not_asked": ["hukou", "homes"]}, ["homes"]),  # what was said wins over "not asked"
    ({"not_asked": ["vehicles", "homes"], "assets": [{"kind": "房产", "value": 0}]}, ["hukou", "vehicles"]),
])
def test_what_counts_as_not_asked(extra: dict, unasked: list[str]) -> None:
    assert ApplicationIn.model_validate(application_body(**extra)).not_asked == unasked
