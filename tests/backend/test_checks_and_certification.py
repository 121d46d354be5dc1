"""核对授权 → economic check, and 待遇资格认证 with reminders, grace and a proposal a person confirms."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from backend.applications.case_state import open_suspension_proposal
from backend.applications.models import Application
from backend.core import clock
from backend.core.clock import CHINA
from backend.economic_check.adapters import SOURCES, PersonRef, SimulatedSource
from backend.certification.models import CertificationSchedule
from backend.certification.service import add_months, run as certification_run
from backend.facecheck import FakeFaceEngine
from backend.facecheck.models import LivenessSession
from backend.facecheck.service import get_face_engine
from backend.notifications.models import Notice
from tests.backend.world import STAFF_CONSENT, application_body, member


def test_every_source_answers_with_stable_simulated_values() -> None:
    person = PersonRef(1, "张秀英", "ab" * 32)
    for name in SOURCES:
        first, second = SimulatedSource(name).query(person), SimulatedSource(name).query(person)
        assert first.findings and first.findings == second.findings


def test_all_signatures_start_the_economic_check_with_differences_highlighted(world) -> None:
    income = [{"category": "工资性", "kind": "零工", "monthly_amount": 300}]
    n = world.submit(application_body(members=[member("王秀兰", phone="13800001111", incomes=income),
                                               member("王强", "子女", seq=2)]))["number"]
    people = world.client.get(f"/api/v1/liveness/applications/{n}/signatures", headers=world.caseworker).json()["signers"]
    pending = world.client.get(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker).json()
    assert pending["pending"] is True
    detail = world.client.get(f"/api/v1/applications/{n}", headers=world.caseworker).json()
    assert detail["progress"]["economic_check_available"] is False
    for p in people:  # the non-face path: a caseworker witnesses each signature
        resp = world.client.post(f"/api/v1/liveness/applications/{n}/signatures/staff-assisted",
                                 json={"person_id": p["person_id"], "note": "入户核实本人签字"}, headers=world.caseworker)
        assert resp.status_code == 201
    report = world.client.get(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker).json()
    assert report["sources"] == list(SOURCES)
    assert [p["name"] for p in report["people"]] == ["王秀兰", "王强"]
    detail = world.client.get(f"/api/v1/applications/{n}", headers=world.caseworker).json()
    assert detail["progress"]["economic_check_available"] is True
    items = {c["item"]: c for c in report["comparison"]}
    assert items["月收入（元）"]["declared"] == 300.0
    assert all(c["differs"] == (c["found"] > c["declared"] * (1.1 if "元" in c["item"] else 1) + (1 if "元" in c["item"] else 0))
               for c in report["comparison"])
    assert world.client.get(f"/api/v1/applications/{n}/economic-check", headers=world.applicant).status_code == 403


def _two_signers(world) -> tuple[str, list[dict]]:  # noqa: ANN001
    n = world.submit(application_body(members=[member("王秀兰", phone="13800001111"), member("王强", "子女", seq=2)]))["number"]
    people = world.client.get(f"/api/v1/liveness/applications/{n}/signatures", headers=world.caseworker).json()["signers"]
    return n, people


def _sign(world, n: str, person: dict) -> None:  # noqa: ANN001
    resp = world.client.post(f"/api/v1/liveness/applications/{n}/signatures/staff-assisted",
                             json={"person_id": person["person_id"], "note": "窗口核实本人签字"}, headers=world.caseworker)
    assert resp.status_code == 201, resp.text


def test_the_economic_check_cannot_be_started_before_everyone_has_signed(world) -> None:
    n, (wang, qiang) = _two_signers(world)
    refused = world.client.post(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker)
    assert refused.status_code == 409
    err = refused.json()["error"]
    assert err["code"] == "authorization_unsigned" and "王秀兰、王强" in err["message"]
    _sign(world, n, wang)  # not the last signature: nothing starts
    assert world.client.get(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker).json()["pending"] is True
    refused = world.client.post(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker).json()["error"]
    assert "王强" in refused["message"] and "王秀兰" not in refused["message"]
    _sign(world, n, qiang)  # the last one starts it
    assert "pending" not in world.client.get(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker).json()
    assert world.client.post(f"/api/v1/applications/{n}/economic-check", headers=world.caseworker).status_code == 200


def test_no_economic_check_result_is_recorded_before_everyone_has_signed(world) -> None:
    n, (wang, qiang) = _two_signers(world)
    for action in ("accept", "start_investigation"):
        world.act(n, action, world.caseworker)
    _sign(world, n, wang)
    refused = world.act(n, "attach_economic_check", world.caseworker, expect=409, results={"存款": "无"})["error"]
    assert refused["code"] == "authorization_unsigned" and "王强" in refused["message"]
    assert refused["details"] == {"unsigned": [{"person_id": qiang["person_id"], "name": "王强"}]}
    _sign(world, n, qiang)
    assert world.act(n, "attach_economic_check", world.caseworker, results={"存款": "无"})["status"] == "investigating"


def _paying(world, set_today) -> Application:  # noqa: ANN001
    set_today(date(2026, 10, 12))
    n = world.submit()["number"]
    world.sign_all(n)
    for action, data in (("accept", {}), ("start_investigation", {}), ("record_home_visit", {"investigators": ["甲", "乙"]}),
                         ("attach_economic_check", {"results": {"存款": "无"}}), ("propose", {})):
        world.act(n, action, world.caseworker, **data)
    set_today(date(2026, 10, 20))
    for who, action in (("caseworker", "close_publicity"), ("reviewer", "approve"), ("caseworker", "start_payment")):
        world.act(n, action, getattr(world, who))
    world.session.expire_all()
    return world.session.scalars(select(Application).where(Application.number == n)).one()


def test_certification_reminds_warns_and_only_proposes_a_suspension(world, set_today) -> None:
    app = _paying(world, set_today)
    # With a reference face on file the reminder carries a face link (without one: test_certification_reminder_ways).
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    world.client.post(f"/api/v1/liveness/references/{app.applicant_person_id}", files={"image": ("r.jpg", FakeFaceEngine.frame("zhang"))},
                      data=STAFF_CONSENT, headers=world.caseworker)
    s = certification_run(world.session, date(2026, 10, 21))
    schedule = world.session.scalars(select(CertificationSchedule)).one()
    assert s.scheduled == 1 and schedule.next_due == date(2027, 1, 20)  # 重庆: every 3 months
    assert certification_run(world.session, date(2027, 1, 9)).reminded == 0
    assert certification_run(world.session, date(2027, 1, 10)).reminded == 1  # 10 days before
    due = world.session.scalars(select(Notice).where(Notice.event == "certification_due")).one()
    assert "/face/" in due.text and "2027年1月20日" in due.text
    assert certification_run(world.session, date(2027, 1, 21)).warned == 1
    assert certification_run(world.session, date(2027, 2, 4)).proposed == 0  # within the 15 days' grace
    assert certification_run(world.session, date(2027, 2, 5)).proposed == 1
    world.session.refresh(app)
    assert open_suspension_proposal(world.session, app).reason == "待遇资格认证逾期"
    assert app.payments_suspended is False and app.status == "paying"  # a person decides, never the schedule
    detail = world.client.get(f"/api/v1/applications/{app.number}", headers=world.caseworker).json()
    assert detail["progress"]["suspension_proposal"] == {
        "proposed_on": "2027-02-05", "reason": "待遇资格认证逾期", "due_on": "2027-01-20"}
    world.act(app.number, "suspend_payments", world.caseworker, "认证逾期，暂停发放")
    assert open_suspension_proposal(world.session, app) is None  # the caseworker's decision settles it


def test_certifying_by_face_or_with_staff_moves_the_next_date(world, set_today) -> None:
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    app = _paying(world, set_today)
    set_today(date(2026, 11, 2))
    resp = world.client.post(f"/api/v1/liveness/applications/{app.number}/certifications/staff-assisted",
                             json={"person_id": app.applicant_person_id, "note": "上门核实，本人健在"}, headers=world.caseworker)
    assert resp.status_code == 201 and resp.json() == {"next_due": "2027-02-02", "method": "staff_assisted"}
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_a_face_certification_early_in_the_morning_counts_for_that_china_day(world, set_today, monkeypatch) -> None:  # noqa: ANN001
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    app = _paying(world, set_today)
    set_today(date(2026, 11, 3))
    # 07:30 in Chongqing is still 2 November in UTC; the certification belongs to 3 November.
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 3, 7, 30, tzinfo=CHINA))
    # The reference first: a face link is only issued when one is on file.
    resp = world.client.post(f"/api/v1/liveness/references/{app.applicant_person_id}", data={"source": "staff_selfie", **STAFF_CONSENT},
                             files={"image": ("ref.jpg", FakeFaceEngine.frame("zhang"))}, headers=world.caseworker)
    assert resp.status_code == 201, resp.text
    resp = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": app.number},
                             headers=world.caseworker)
    token = resp.json()["link"].rsplit("/", 1)[1]
    world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": True})
    world.session.expire_all()
    actions = world.session.scalars(select(LivenessSession.challenge).where(LivenessSession.purpose == "certification")).one()
    frames = FakeFaceEngine.performing("zhang", actions)
    result = world.client.post(f"/api/v1/liveness/sessions/{token}/frames",
                               files=[("frames", (f"f{i}.jpg", f, "image/jpeg")) for i, f in enumerate(frames)]).json()
    assert result["passed"] is True, result
    world.session.expire_all()
    schedule = world.session.scalars(select(CertificationSchedule)).one()
    assert (schedule.last_certified_on, schedule.last_method) == (date(2026, 11, 3), "face")
    assert schedule.next_due == date(2027, 2, 3)


@pytest.mark.parametrize("who", ["stranger", "other_caseworker"])
def test_strangers_cannot_sign_for_others(world, who) -> None:  # noqa: ANN001
    n = world.submit()["number"]
    resp = world.client.post(f"/api/v1/liveness/applications/{n}/signatures/staff-assisted",
                             json={"person_id": 1, "note": "代签"}, headers=getattr(world, who))
    # A citizen is no staff (403); staff of another district are told the case does not exist for them (404).
    assert resp.status_code == (403 if who == "stranger" else 404)
