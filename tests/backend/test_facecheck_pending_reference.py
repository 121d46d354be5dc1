"""A helper's upload of the ID card photo is only pending: a helper could photograph a card with his own
face as the person's first reference and then pass her checks in guardian mode. It counts once a caseworker
of her district confirms it (who, when, why, audited); her own upload counts at once."""

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.facecheck import FakeFaceEngine
from backend.facecheck.models import FaceReference
from backend.facecheck.service import get_face_engine
from backend.people.models import Person
from backend.staff.models import StaffRelation, StaffUser
from tests.backend.world import application_body, member

LINK = "/api/v1/liveness/id-photo"
REFS = "/api/v1/liveness/references"
WAITING = "身份证照片已经收到，等社区工作人员核实后就可以刷脸了"


@pytest.fixture
def case(world):  # noqa: ANN001, ANN201
    """Her case, and a grid worker whose delegation lets him apply and certify for her."""
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    number = world.submit(application_body(members=[member("张秀英", phone="13800001111"), member("王强", "子女", seq=2)]))["number"]
    resp = world.client.post("/api/v1/delegations", headers=world.caseworker, json={
        "principal": {"name": "张秀英", "id_number": member("张秀英")["id_number"]},
        "helper": {"name": "李红", "phone": "13900002222", "kind": "grid_worker", "relation": "网格员"},
        "scope": ["apply", "query", "certify"], "consent": {"method": "paper", "form_reference": "渝中七星岗-2026-0050"}})
    assert resp.status_code == 201, resp.text
    her = world.session.scalars(select(Person).where(Person.name == "张秀英")).one()
    return number, her


def _upload(world, number: str, who: dict, face: str):  # noqa: ANN001, ANN202
    opened = world.client.post(LINK, json={"purpose": "certification", "application_number": number}, headers=who)
    assert opened.status_code == 201, opened.text
    token = opened.json()["upload_url"].rsplit("/", 1)[1]
    world.client.post(f"{LINK}/{token}/consent", json={"agree": True})
    return world.client.post(f"{LINK}/{token}", files={"image": ("card.jpg", FakeFaceEngine.frame(face), "image/jpeg")})


def _face_link(world, number: str, who: dict):  # noqa: ANN001, ANN202
    return world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=who)


def _references(world) -> list[FaceReference]:  # noqa: ANN001
    world.session.expire_all()
    return world.session.scalars(select(FaceReference).order_by(FaceReference.id)).all()


def test_a_helpers_card_photo_waits_for_a_caseworker_of_her_district(world, case) -> None:
    number, her = case
    kept = _upload(world, number, world.helper, "helper_himself")
    assert kept.status_code == 201, kept.text
    # The helper's own face as her first reference would give him her checks in guardian mode at once.
    assert _face_link(world, number, world.helper).status_code == 409
    assert kept.json()["status"] == "pending" and WAITING in kept.json()["message"]
    (ref,) = _references(world)
    assert (ref.person_id, ref.status, ref.verified_by_staff_id, ref.reviewed_at) == (her.id, "pending", None, None)
    assert ref.delegation_id is not None

    # No face link for her, neither in guardian mode nor on her own phone: the clear message and a person.
    for who in (world.helper, world.applicant):
        refused = _face_link(world, number, who)
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert error["code"] == "reference_pending" and WAITING in error["message"] and "工作人员上门" in error["message"]
        assert error["details"]["ways"] == ["staff_visit", "street_window"]
    # Nor another upload by the helper while one waits.
    again = world.client.post(LINK, json={"purpose": "certification", "application_number": number}, headers=world.helper)
    assert again.status_code == 409 and again.json()["error"]["code"] == "reference_pending"

    # The workbench's list: her district sees it with the helper named; another district sees nothing.
    listed = world.client.get(f"{REFS}/pending", headers=world.caseworker).json()
    assert [(r["person_id"], r["reference_id"], r["helper_name"], r["helper_kind"]) for r in listed] == [
        (her.id, ref.id, "李红", "网格员")]
    assert world.client.get(f"{REFS}/pending", headers=world.other_caseworker).json() == []
    assert world.client.get(f"{REFS}/pending", headers=world.helper).status_code == 403

    reason = {"reason": "入户核实，与户籍照片比对一致"}
    elsewhere = world.client.post(f"{REFS}/{her.id}/confirm", json=reason, headers=world.other_caseworker)
    assert elsewhere.status_code == 404
    assert world.client.post(f"{REFS}/{her.id}/confirm", json=reason, headers=world.helper).status_code == 403
    assert world.client.post(f"{REFS}/{her.id}/confirm", json={"reason": ""}, headers=world.caseworker).status_code == 422
    assert _references(world)[0].status == "pending"
    assert _face_link(world, number, world.helper).status_code == 409

    confirmed = world.client.post(f"{REFS}/{her.id}/confirm", json=reason, headers=world.caseworker)
    assert confirmed.status_code == 200, confirmed.text
    (ref,) = _references(world)
    staff_id = world.session.scalars(select(StaffUser.id).where(StaffUser.username == "cw_yuzhong")).one()
    assert (ref.status, ref.verified_by_staff_id, ref.review_reason) == ("confirmed", staff_id, reason["reason"])
    assert ref.reviewed_at is not None
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "face.confirm_reference")).one()
    assert (entry.entity_id, entry.detail["reason"], entry.detail["reference"]) == (str(her.id), reason["reason"], ref.id)

    link = _face_link(world, number, world.helper)
    assert link.status_code == 201, link.text
    assert link.json()["guardian_mode"] is True
    assert world.client.get(f"{REFS}/pending", headers=world.caseworker).json() == []
    nothing = world.client.post(f"{REFS}/{her.id}/confirm", json=reason, headers=world.caseworker)
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "no_pending_reference"


def test_her_own_card_photo_counts_at_once_and_replaces_a_waiting_one(world, case) -> None:
    number, her = case
    assert _upload(world, number, world.helper, "helper_himself").status_code == 201
    own = _upload(world, number, world.applicant, "zhang")  # _upload: her link is opened although one waits
    assert own.status_code == 201, own.text
    assert own.json()["status"] == "confirmed" and "可以刷脸" in own.json()["message"]
    helpers, hers = _references(world)
    assert (helpers.status, helpers.active) == ("pending", False)
    assert (hers.status, hers.active, hers.delegation_id) == ("confirmed", True, None)
    assert _face_link(world, number, world.applicant).status_code == 201
    assert world.client.get(f"{REFS}/pending", headers=world.caseworker).json() == []


def test_a_caseworker_related_to_her_does_not_confirm(world, case) -> None:
    number, her = case
    _upload(world, number, world.helper, "helper_himself")
    staff_id = world.session.scalars(select(StaffUser.id).where(StaffUser.username == "cw_yuzhong")).one()
    world.session.add(StaffRelation(staff_id=staff_id, person_id=her.id, relation="亲属"))
    world.session.commit()
    refused = world.client.post(f"{REFS}/{her.id}/confirm", json={"reason": "入户核实"}, headers=world.caseworker)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "conflict_of_interest"
    assert _references(world)[0].status == "pending"


def test_a_caseworker_who_finds_it_is_not_her_face_rejects_it(world, case) -> None:
    number, her = case
    _upload(world, number, world.helper, "helper_himself")
    reason = {"reason": "入户核实：照片上不是本人"}
    assert world.client.post(f"{REFS}/{her.id}/reject", json=reason, headers=world.other_caseworker).status_code == 404
    rejected = world.client.post(f"{REFS}/{her.id}/reject", json=reason, headers=world.caseworker)
    assert rejected.status_code == 200, rejected.text
    (ref,) = _references(world)
    assert (ref.status, ref.active, ref.review_reason) == ("rejected", False, reason["reason"])
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "face.reject_reference")).one()
    # Back to no reference at all: the ways on, and nothing left to confirm.
    assert _face_link(world, number, world.helper).json()["error"]["code"] == "no_reference"
    assert world.client.post(f"{REFS}/{her.id}/confirm", json=reason, headers=world.caseworker).status_code == 409
    assert world.client.get(f"{REFS}/pending", headers=world.caseworker).json() == []
