"""Never twice, never lost; every change and sensitive read in a chain that shows tampering."""

from datetime import date

from sqlalchemy import delete, func, select, text, update

from backend.applications.models import Application
from backend.audit.models import AuditEntry
from backend.audit.service import verify
from backend.households.models import Household
from backend.people.models import Person
from tests.backend.world import application_body, member


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_same_key_twice_gives_one_application(world) -> None:
    first = world.client.post("/api/v1/applications", json=application_body(), headers={**world.applicant, "Idempotency-Key": "retry-key-1"})
    second = world.client.post("/api/v1/applications", json=application_body(), headers={**world.applicant, "Idempotency-Key": "retry-key-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["number"] == second.json()["number"]
    assert _count(world.session, Application) == 1


def test_the_same_key_with_other_content_is_a_conflict(world) -> None:
    world.submit(key="retry-key-2")
    other = application_body(reason="另一件事")
    resp = world.client.post("/api/v1/applications", json=other, headers={**world.applicant, "Idempotency-Key": "retry-key-2"})
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_are_per_caller(world) -> None:
    from tests.backend.world import citizen_headers

    world.submit(key="shared-key-1")
    other_body = application_body(members=[member("王五", seq=7, phone="13700003333")])
    resp = world.client.post("/api/v1/applications", json=other_body,
                             headers={**citizen_headers("13700003333"), "Idempotency-Key": "shared-key-1"})
    assert resp.status_code == 201
    assert _count(world.session, Application) == 2


def test_a_request_that_fails_half_way_leaves_nothing(world) -> None:
    before = (_count(world.session, Person), _count(world.session, Household), _count(world.session, Application))
    bad_member = member("李四", "配偶", seq=9)
    bad_member["id_number"] = bad_member["id_number"][:-1] + ("0" if bad_member["id_number"][-1] != "0" else "1")
    body = application_body(members=[member("张秀英", phone="13800001111"), bad_member])
    resp = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "half-way-1"})
    assert resp.status_code == 422
    assert resp.json()["error"]["message"].startswith("第2位家庭成员（李四）的身份证号码的最后一位")
    world.session.expire_all()
    assert (_count(world.session, Person), _count(world.session, Household), _count(world.session, Application)) == before
    # The retry with the corrected number goes through under the same key.
    good = application_body(members=[member("张秀英", phone="13800001111"), member("李四", "配偶", seq=9)])
    assert world.client.post("/api/v1/applications", json=good, headers={**world.applicant, "Idempotency-Key": "half-way-1"}).status_code == 201


def test_unknown_street_and_missing_key(world) -> None:
    resp = world.client.post("/api/v1/applications", json=application_body(area_code="999999999"),
                             headers={**world.applicant, "Idempotency-Key": "bad-area-01"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "unknown_area"
    assert world.client.post("/api/v1/applications", json=application_body(), headers=world.applicant).status_code == 422


def _walk_a_little(world) -> str:
    n = world.submit()["number"]
    world.act(n, "accept", world.caseworker)
    world.act(n, "start_investigation", world.caseworker)
    world.client.get(f"/api/v1/applications/{n}", headers=world.caseworker)
    return n


def test_the_audit_chain_verifies_and_the_admin_reads_it(world) -> None:
    n = _walk_a_little(world)
    result = verify(world.session)
    assert result.ok and result.checked >= 4
    trail = world.client.get(f"/api/v1/applications/{n}/audit", headers=world.admin)
    assert trail.status_code == 200
    actions = [r["action"] for r in trail.json()]
    assert actions[:4] == ["application.submit", "application.accept", "application.start_investigation", "application.read"]
    assert world.client.get(f"/api/v1/applications/{n}/audit", headers=world.caseworker).status_code == 403


def test_an_edited_row_is_caught(world) -> None:
    _walk_a_little(world)
    world.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="staff:999"))
    world.session.expire_all()
    result = verify(world.session)
    assert not result.ok and result.first_bad_seq == 2 and "改动" in result.problem


def test_a_deleted_row_is_caught(world) -> None:
    _walk_a_little(world)
    world.session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    world.session.expire_all()
    result = verify(world.session)
    assert not result.ok and result.first_bad_seq == 2


def test_a_deleted_last_row_is_caught(world) -> None:
    _walk_a_little(world)
    last = world.session.scalar(select(func.max(AuditEntry.seq)))
    world.session.execute(delete(AuditEntry).where(AuditEntry.seq == last))
    world.session.expire_all()
    result = verify(world.session)
    assert not result.ok and "末尾" in result.problem


def test_a_rewritten_chain_is_caught_by_the_head(world) -> None:
    _walk_a_little(world)
    # Rewriting a detail without recomputing every later hash is caught row by row; rewriting the
    # JSON column text directly is caught too.
    world.session.execute(text("UPDATE audit_log SET detail = '{\"from\": null}' WHERE seq = 1"))
    world.session.expire_all()
    assert not verify(world.session).ok


def test_every_state_change_is_in_the_timeline_with_who_and_when(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = _walk_a_little(world)
    timeline = world.client.get(f"/api/v1/applications/{n}/timeline", headers=world.applicant).json()
    assert [(t["action_label"], t["actor"], t["on_date"]) for t in timeline] == [
        ("提交申请", "citizen", "2026-11-02"), ("受理", "staff", "2026-11-02"), ("开始入户调查", "staff", "2026-11-02"),
    ]


def test_logs_never_show_the_numbers_of_a_submission(world, capsys) -> None:
    from backend.main import create_app
    from fastapi.testclient import TestClient

    from backend.core.db import get_session

    app = create_app()
    app.dependency_overrides[get_session] = lambda: (yield world.session)
    body = application_body()
    TestClient(app).post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "log-check-1"})
    err = capsys.readouterr().err
    assert body["members"][0]["id_number"] not in err and "13800001111" not in err
