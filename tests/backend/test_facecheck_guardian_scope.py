"""Guardian mode needs "certify" in the helper's delegation: the principal adds it by a code sent to the
phone on record (or a caseworker records the paper form), audited; then the helper gets the face link."""

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.delegations.models import Delegation
from backend.facecheck import FakeFaceEngine
from backend.facecheck.service import get_face_engine
from backend.people.models import Person
from tests.backend.test_access_and_delegations import Outbox, _code_sent_to
from tests.backend.world import APPLICANT_PHONE, STAFF_CONSENT, member


@pytest.fixture
def outbox(world):  # noqa: ANN001, ANN201
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    box = Outbox(world.session)
    yield box
    box.dispatcher.close()


def _helper_with(world, scope: list[str]) -> int:  # noqa: ANN001
    resp = world.client.post("/api/v1/delegations", headers=world.caseworker, json={
        "principal": {"name": "张秀英", "id_number": member("张秀英")["id_number"]},
        "helper": {"name": "李红", "phone": "13900002222", "kind": "grid_worker", "relation": "网格员"},
        "scope": scope, "consent": {"method": "paper", "form_reference": "渝中七星岗-2026-0040"}})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _paying_case_with_reference(world) -> str:  # noqa: ANN001
    number = world.submit()["number"]
    her = world.session.scalars(select(Person).where(Person.name == "张秀英")).one()
    resp = world.client.post(f"/api/v1/liveness/references/{her.id}", files={"image": ("r.jpg", FakeFaceEngine.frame("zhang"))},
                             data=STAFF_CONSENT, headers=world.caseworker)
    assert resp.status_code == 201, resp.text
    return number


def _face_link(world, number: str):  # noqa: ANN001, ANN202
    return world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.helper)


def _scope(world, delegation_id: int) -> list[str]:  # noqa: ANN001
    world.session.expire_all()
    return world.session.get(Delegation, delegation_id).scope


def test_certify_is_added_only_with_the_principals_code(world, outbox) -> None:
    number = _paying_case_with_reference(world)
    did = _helper_with(world, ["apply", "query", "notices"])
    refused = _face_link(world, number)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "no_delegation"
    assert refused.json()["error"]["details"] == {"delegation_id": did, "missing_scope": "certify"}

    scopes = f"/api/v1/delegations/{did}/scopes"
    assert world.client.post(scopes, json={"scope": "certify"}, headers=world.helper).status_code == 422  # no consent at all
    # Only the helper of this delegation asks; the code goes to the principal's phone on record.
    assert world.client.post(f"/api/v1/delegations/{did}/scope-code", json={"scope": "certify"},
                             headers=world.stranger).status_code == 403
    sent = world.client.post(f"/api/v1/delegations/{did}/scope-code", json={"scope": "certify"}, headers=world.helper)
    assert sent.status_code == 200, sent.text
    assert sent.json()["phone_masked"] == "138****1111"
    code = _code_sent_to(outbox, APPLICANT_PHONE)
    assert "李红（网格员）想替您刷脸做待遇资格认证" in [t for p, t in outbox.sent if p == APPLICANT_PHONE][-1]

    wrong = world.client.post(scopes, json={"scope": "certify", "consent": {"method": "otp", "code": "000000" if code != "000000" else "111111"}},
                              headers=world.helper)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "wrong_code"
    assert "certify" not in _scope(world, did)
    # The code is the principal's consent to this helper: a stranger who learns it still cannot use it.
    stolen = world.client.post(scopes, json={"scope": "certify", "consent": {"method": "otp", "code": code}}, headers=world.stranger)
    assert stolen.status_code == 403 and "certify" not in _scope(world, did)
    # Nor is it good for another scope.
    other = world.client.post(scopes, json={"scope": "sign", "consent": {"method": "otp", "code": code}}, headers=world.helper)
    assert other.status_code == 400 and "sign" not in _scope(world, did)

    added = world.client.post(scopes, json={"scope": "certify", "consent": {"method": "otp", "code": code}}, headers=world.helper)
    assert added.status_code == 200, added.text
    assert "certify" in added.json()["scope"] and "certify" in _scope(world, did)
    audit = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.add_scope")).one()
    assert audit.entity_id == str(did) and audit.detail["scope"] == "certify" and audit.detail["consent"] == "otp"

    link = _face_link(world, number)
    assert link.status_code == 201, link.text
    assert link.json()["guardian_mode"] is True


def test_the_paper_path_is_a_caseworker_of_her_district(world, outbox) -> None:
    _paying_case_with_reference(world)
    did = _helper_with(world, ["query"])
    body = {"scope": "certify", "consent": {"method": "paper", "form_reference": "渝中七星岗-2026-0041"}}
    assert world.client.post(f"/api/v1/delegations/{did}/scopes", json=body, headers=world.other_caseworker).status_code == 403
    assert world.client.post(f"/api/v1/delegations/{did}/scopes", json=body, headers=world.helper).status_code == 403
    assert "certify" not in _scope(world, did)
    resp = world.client.post(f"/api/v1/delegations/{did}/scopes", json=body, headers=world.caseworker)
    assert resp.status_code == 200 and "certify" in _scope(world, did)
    audit = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.add_scope")).one()
    assert audit.detail["form"] == "渝中七星岗-2026-0041"
