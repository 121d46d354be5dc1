"""The supervision dashboard (/staff/supervision): each figure against values worked out by hand from
the cases filed here, a reviewer's district only (an admin: all, or one), caseworkers refused, and the
督办 itself — recorded on the case's timeline, audited, refused without the form's CSRF token."""

import json
import re
from datetime import date
from pathlib import Path

from sqlalchemy import select, update

from backend.applications.models import Application, ApplicationEvent
from backend.audit.models import AuditEntry
from backend.certification import service as certification
from backend.certification.models import CertificationSchedule
from tests.backend.staff_pages import sign_in
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, advance, application_body, member

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "backend" / "static" / "vendor" / "echarts"


def _file(world, name: str, seq: int, *, district: str = "500103") -> str:
    headers, phone = (world.applicant, APPLICANT_PHONE) if district == "500103" else (world.helper, HELPER_PHONE)
    body = application_body(area_code=f"{district}001", members=[member(name, seq=seq, area=district, phone=phone)])
    return world.submit(body, headers=headers, key=f"dash-{seq:06d}")["number"]


def _cases(world, set_today) -> dict[str, str]:
    """渝中区: A approved 20 Oct and paid, B rejected 21 Oct (both filed 24 Sep), D filed 25 Sep and never
    accepted. 綦江区: C filed 24 Sep and never accepted."""
    set_today(date(2026, 9, 24))
    a, b = _file(world, "张秀英", 1), _file(world, "王建国", 2)
    c = _file(world, "李桂兰", 3, district="500110")
    set_today(date(2026, 9, 25))
    d = _file(world, "陈大伟", 4)
    advance(world, set_today, a, until="start_payment")
    advance(world, set_today, b, until="close_publicity")
    set_today(date(2026, 10, 21))
    world.act(b, "reject", world.reviewer, "家庭人均收入高于低保标准")
    set_today(date(2026, 10, 22))
    return {"A": a, "B": b, "C": c, "D": d}


def _table(html: str, heading_id: str) -> list[list[str]]:
    """The rows of the table in the section headed `heading_id`, as cell texts."""
    section = html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


RANGE = {"start": "2026-09-01", "end": "2026-10-31", "month": "2026-10"}


def test_each_figure_of_a_reviewers_district(world, set_today) -> None:
    n = _cases(world, set_today)
    sign_in(world.client, "rv_yuzhong")
    page = world.client.get("/staff/supervision", params=RANGE)
    assert page.status_code == 200, page.text
    html = page.text
    # 超时督办: only D. Its acceptance was due 3 working days after 25 Sep: 30 Sep. Late by 8, 9, 10 (a
    # make-up Saturday), 12–16, 19–22 Oct: 12 working days. C is another district's; A and B are done.
    assert re.findall(r'href="/staff/applications/(JZ\d+)"', html) == [n["D"]]
    assert "已超时12个工作日" in html
    # 平均办结时长, October: A 24 Sep → 20 Oct is 13 working days (28–30 Sep, 8–10, 12–16, 19–20 Oct; 25 Sep is
    # 中秋), B → 21 Oct is 14: 13.5 on average, 2 closed. Six months shown, May to October.
    completion = _table(html, "completion-h")
    assert completion[0] == ["月份", "渝中区"]
    assert [r[0] for r in completion[1:]] == ["2026年5月", "2026年6月", "2026年7月", "2026年8月", "2026年9月", "2026年10月"]
    assert completion[-1] == ["2026年10月", "13.5天（2件）"] and completion[-2] == ["2026年9月", "—"]
    # Applications per day and type: 24 Sep A and B, 25 Sep D (C is 綦江区's).
    assert _table(html, "perday-h") == [["日期", "低保", "合计"], ["9月24日", "2", "2"], ["9月25日", "1", "1"]]
    # Approval: A approved, B rejected in the range: 1 of 2.
    assert _table(html, "approval-h")[1:] == [["低保", "2", "1", "1", "50%"], ["合计", "2", "1", "1", "50%"]]
    # The API answers the same figures from the same queries.
    api = {"start": "2026-09-01", "end": "2026-10-31"}
    months = world.client.get("/api/v1/supervision/completion-by-month", params={"last": "2026-10"},
                              headers=world.reviewer).json()
    assert months == [{"month": "2026-10", "district_code": "500103", "district_name": "渝中区", "closed": 2,
                       "average_workdays": 13.5}]
    assert world.client.get("/api/v1/supervision/applications-per-day", params=api, headers=world.reviewer).json() == [
        {"on_date": "2026-09-24", "assistance_type": "低保", "count": 2},
        {"on_date": "2026-09-25", "assistance_type": "低保", "count": 1}]
    assert world.client.get("/api/v1/supervision/approval-rate", params=api, headers=world.reviewer).json() == [
        {"assistance_type": "低保", "decided": 2, "approved": 1, "rate": 0.5}]
    assert world.client.get("/api/v1/supervision/approval-rate", params={**api, "district_code": "500110"},
                            headers=world.reviewer).status_code == 403
    assert world.client.get("/api/v1/supervision/certification-coverage", headers=world.reviewer).json() == [
        {"district_code": "500103", "district_name": "渝中区", "recipients": 1, "current": 0, "overdue": 0,
         "unscheduled": 1, "rate": 0.0}]
    # Certification: A is paid and has no schedule yet; the daily run schedules it (due in the future);
    # then moved into the past, it is overdue.
    assert _table(html, "coverage-h")[1:] == [["渝中区", "1", "0", "0", "1", "0%"]]
    certification.run(world.session, date(2026, 10, 22))
    world.session.commit()
    html = world.client.get("/staff/supervision", params=RANGE).text
    assert _table(html, "coverage-h")[1:] == [["渝中区", "1", "1", "0", "0", "100%"]]
    world.session.execute(update(CertificationSchedule).values(next_due=date(2026, 10, 21)))
    world.session.commit()
    html = world.client.get("/staff/supervision", params=RANGE).text
    assert _table(html, "coverage-h")[1:] == [["渝中区", "1", "0", "1", "0", "0%"]]
    # The charts get the same figures.
    charts = json.loads(re.search(r'<script type="application/json" id="dash-data">(.*?)</script>', html, re.S)[1])
    assert charts["completion"]["series"] == [{"name": "渝中区", "data": [None] * 5 + [13.5]}]
    assert charts["approval"] == {"x": ["低保"], "series": [{"name": "批准", "data": [1]}, {"name": "不予批准", "data": [1]}]}
    assert charts["coverage"]["series"][1] == {"name": "已过期限", "data": [1]}
    per_day = charts["per_day"]  # every day from 1 Sep to today (22 Oct): the range never reaches the future
    assert len(per_day["x"]) == 52 and per_day["x"][23] == "9月24日"
    assert per_day["series"][0]["name"] == "低保" and sum(per_day["series"][0]["data"]) == 3


def test_district_scope_reviewer_other_reviewer_and_admin(world, set_today) -> None:
    n = _cases(world, set_today)
    sign_in(world.client, "rv_qijiang")
    html = world.client.get("/staff/supervision", params=RANGE).text
    assert re.findall(r'href="/staff/applications/(JZ\d+)"', html) == [n["C"]]
    assert _table(html, "perday-h")[1:] == [["9月24日", "1", "1"]]
    assert _table(html, "approval-h")[1:] == [["这段时间没有审核确认的申请"]]
    assert "张秀英" not in html and n["D"] not in html
    refused = world.client.get("/staff/supervision", params={**RANGE, "district": "500103"})
    assert refused.status_code == 403 and "只能查看本辖区" in refused.text
    sign_in(world.client, "admin_all")
    html = world.client.get("/staff/supervision", params=RANGE).text
    assert set(re.findall(r'href="/staff/applications/(JZ\d+)"', html)) == {n["C"], n["D"]}
    assert _table(html, "perday-h")[1:] == [["9月24日", "3", "3"], ["9月25日", "1", "1"]]
    assert '<option value="500110">' in html  # the district filter
    html = world.client.get("/staff/supervision", params={**RANGE, "district": "500110"}).text
    assert re.findall(r'href="/staff/applications/(JZ\d+)"', html) == [n["C"]]


def test_caseworkers_have_no_dashboard(world, set_today) -> None:
    n = _cases(world, set_today)
    token = sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/supervision")
    assert page.status_code == 403 and "您的岗位不能办理这项操作" in page.text
    post = world.client.post("/staff/supervision/escalations", data={"number": n["D"], "csrf_token": token},
                             follow_redirects=False)
    assert post.status_code == 403
    api = world.client.post("/api/v1/supervision/escalations", json={"number": n["D"]}, headers=world.caseworker)
    assert api.status_code == 403
    assert world.session.scalars(select(ApplicationEvent).where(ApplicationEvent.action == "supervise")).all() == []


def test_escalation_is_on_the_timeline_and_audited(world, set_today) -> None:
    n = _cases(world, set_today)
    token = sign_in(world.client, "rv_yuzhong")
    # Without the session's CSRF token: refused, nothing recorded.
    bare = world.client.post("/staff/supervision/escalations", data={"number": n["D"], "note": "请尽快受理"},
                             follow_redirects=False)
    assert bare.status_code == 403
    assert world.session.scalars(select(ApplicationEvent).where(ApplicationEvent.action == "supervise")).all() == []
    done = world.client.post("/staff/supervision/escalations",
                             data={"number": n["D"], "note": "请尽快受理", "csrf_token": token,
                                   "back": "start=2026-09-01&end=2026-10-31&month=2026-10&evil=1"},
                             follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == (f"/staff/supervision?start=2026-09-01&end=2026-10-31&month=2026-10"
                                        f"&done={n['D']}#overdue")
    timeline = world.client.get(f"/api/v1/applications/{n['D']}/timeline", headers=world.caseworker).json()
    assert timeline[-1]["action_label"] == "区县督办" and timeline[-1]["note"] == "请尽快受理"
    assert timeline[-1]["on_date"] == "2026-10-22" and timeline[-1]["to_status"] == timeline[-1]["from_status"]
    audit = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.supervise")).all()
    assert [(a.entity_id, a.actor, a.detail["overdue_workdays"]) for a in audit] == [(n["D"], audit[0].actor, 12)]
    assert audit[0].actor.startswith("staff:")
    html = world.client.get("/staff/supervision", params=RANGE).text
    assert "已督办1次，最近10月22日" in html
    # The API: the same service; another district's case is not found, a case on time cannot be escalated.
    again = world.client.post("/api/v1/supervision/escalations", json={"number": n["D"]}, headers=world.admin)
    assert again.status_code == 201 and again.json()["escalations"] == 2
    other = world.client.post("/api/v1/supervision/escalations", json={"number": n["C"]}, headers=world.reviewer)
    assert other.status_code == 404
    closed = world.client.post("/api/v1/supervision/escalations", json={"number": n["A"]}, headers=world.reviewer)
    assert closed.status_code == 409
    overdue = world.client.get("/api/v1/supervision/overdue", headers=world.reviewer).json()["items"]
    assert [(i["number"], i["escalations"], i["last_escalated_on"]) for i in overdue] == [(n["D"], 2, "2026-10-22")]


def test_the_overdue_list_is_paginated(world, set_today) -> None:
    set_today(date(2026, 9, 24))
    # No digit in a name (issue 20: "申请人1" is refused now).
    numbers = [_file(world, f"王{chr(0x4e00 + 3 * i)}", 40 + i) for i in range(21)]
    set_today(date(2026, 10, 22))
    sign_in(world.client, "rv_yuzhong")
    first = world.client.get("/staff/supervision").text
    second = world.client.get("/staff/supervision", params={"page": 2}).text
    shown = re.findall(r'href="/staff/applications/(JZ\d+)"', first) + re.findall(
        r'href="/staff/applications/(JZ\d+)"', second)
    assert len(re.findall(r'href="/staff/applications/(JZ\d+)"', first)) == 20 and sorted(shown) == sorted(numbers)
    assert "第2页 / 共2页" in second


def test_echarts_is_vendored_with_its_licence_and_no_page_loads_a_remote_script() -> None:
    library = VENDOR / "echarts.min.js"
    assert library.stat().st_size > 500_000 and b"echarts" in library.read_bytes()[:5000].lower()
    assert "Apache License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "Apache ECharts" in (VENDOR / "NOTICE").read_text(encoding="utf-8")
    assert "BSD" in (VENDOR / "LICENSE-zrender").read_text(encoding="utf-8")
    remote = re.compile(r"""<script[^>]+src=["']?(https?:)?//""", re.I)
    templates = [p for p in (ROOT / "backend").rglob("*.html") if ".venv" not in p.parts]
    assert templates
    assert [str(p) for p in templates if remote.search(p.read_text(encoding="utf-8"))] == []
    dashboard = (ROOT / "backend/workbench/templates/staff/supervision.html").read_text(encoding="utf-8")
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in dashboard
