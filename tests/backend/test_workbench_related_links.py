"""The link a desk item gives to what it names: a complaint filed in the chat after a 急难 report carries the
report's reference (HD…, a call-back), which the workbench shows at /staff/desk/callback/<id>, never at
/staff/applications/ (a page that does not exist for it)."""

import re

from backend.service_desk.service import from_reference, reference
from tests.backend.staff_pages import sign_in
from tests.backend.world import APPLICANT_PHONE, application_body, member

TWO_ROADS = "500103004"  # 渝中区两路口街道
RELATED = re.compile(r'<dt>(相关[^<]*)</dt><dd><a href="([^"]+)">([A-Z]{2}\d+)</a>')


def _related(world, kind: str, item_id: int) -> tuple[str, str, str]:  # noqa: ANN001
    page = world.client.get(f"/staff/desk/{kind}/{item_id}")
    assert page.status_code == 200, page.text
    found = RELATED.search(page.text)
    assert found, page.text
    return found.groups()


def test_a_complaint_about_a_urgent_report_links_to_that_report(world) -> None:  # noqa: ANN001
    report = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "家里着火了，没地方住", "urgent": True},
                               headers=world.applicant)
    assert report.status_code == 201, report.text
    hd = report.json()["reference"]
    assert hd.startswith("HD")
    complaint = world.client.post("/api/v1/complaints", json={"text": "报了急难咋个还没人来", "application_number": hd,
                                                               "area_code": TWO_ROADS}, headers=world.applicant)
    assert complaint.status_code == 201, complaint.text
    sign_in(world.client, "cw_yuzhong")
    label, href, shown = _related(world, "complaint", complaint.json()["id"])
    assert (label, href, shown) == ("相关回电请求", f"/staff/desk/callback/{report.json()['id']}", hd)
    linked = world.client.get(href)
    assert linked.status_code == 200 and hd in linked.text
    assert f"回电请求 {hd}" in world.client.get("/staff/desk").text  # the list says what the reference is too


def test_a_complaint_about_an_application_still_links_to_its_case_page(world) -> None:  # noqa: ANN001
    number = world.submit(application_body(members=[member("张秀英", phone=APPLICANT_PHONE)]))["number"]
    complaint = world.client.post("/api/v1/complaints", json={"text": "我的申请怎么还没人来", "application_number": number},
                                  headers=world.applicant)
    sign_in(world.client, "cw_yuzhong")
    label, href, shown = _related(world, "complaint", complaint.json()["id"])
    assert (label, href, shown) == ("相关申请", f"/staff/applications/{number}", number)
    assert world.client.get(href).status_code == 200


def test_references_read_back_to_the_item_they_name() -> None:
    assert from_reference(reference("callback", 12)) == ("callback", 12)
    assert from_reference(reference("complaint", 3)) == ("complaint", 3)
    assert from_reference("hd000012") == ("callback", 12)
    for other in ("JZ20261123000001", "HD", "HD12x", None, ""):
        assert from_reference(other) is None
