"""A paper delegation a helper hands in (the photo of the signed 授权委托书) waits for a caseworker of the
principal's district: pending, it gives no rights at all; she verifies it (with how she checked) or rejects
it (the helper is told why by SMS); another district gets 404; she does not review her own or a relative's."""

import io
import json

import pytest
from PIL import Image
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.delegations import repository
from backend.delegations.models import Delegation
from backend.documents import storage
from backend.notifications.models import Notice
from backend.people.models import Person
from backend.staff.models import StaffRelation, StaffUser
from tests.backend.form_images import PAGE, encoded, form_page
from tests.backend.world import HELPER_PHONE, STAFF_CONSENT, application_body, member

JPEG = encoded(form_page())  # a readable form's photo: what is kept is re-encoded from it (backend.documents.storage)


def the_photo(content: bytes) -> bool:
    """The form's photo as served: the same picture (re-encoded, so not the same bytes)."""
    with Image.open(io.BytesIO(content)) as img:
        return img.format == "JPEG" and img.size == PAGE
PRINCIPAL = {"name": "张秀英", "id_number": member("张秀英")["id_number"]}
HELPER = {"name": "李红", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}
ALL = ["apply", "query", "sign", "certify", "notices"]


@pytest.fixture(autouse=True)
def documents(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(storage, "root", lambda: tmp_path)
    return tmp_path


def submit(world, headers=None, *, area: str | None = "500103001", photo: bytes = JPEG, scope=ALL):  # noqa: ANN001, ANN201
    body = {"principal": PRINCIPAL, "helper": HELPER, "scope": scope,
            "consent": {"method": "paper", "form_reference": "七星岗-2026-0077", "area_code": area}}
    return world.client.post("/api/v1/delegations/paper", data={"delegation": json.dumps(body)},
                             files={"form_photo": ("form.jpg", photo, "image/jpeg")}, headers=headers or world.helper)


def pending(world) -> dict:  # noqa: ANN001
    resp = submit(world)
    assert resp.status_code == 201, resp.text
    assert resp.json()["status"] == "pending" and resp.json()["active"] is False
    return resp.json()


def her(world) -> Person:  # noqa: ANN001
    return world.session.scalars(select(Person).where(Person.name == "张秀英")).one()


def test_a_pending_paper_delegation_fails_every_check_an_active_one_passes(world) -> None:
    number = world.submit()["number"]  # her own case: the helper may then follow it only under a delegation
    d = pending(world)
    principal = her(world)
    helper_hash = world.session.get(Delegation, d["id"]).helper.phone_hash
    # The repository's answers: nobody acts for her, no district knows her by this form.
    for scope in ALL:
        assert repository.active_delegations(world.session, scope=scope, principal_ids=[principal.id]) == []
        assert repository.active_delegation(world.session, principal_person_id=principal.id,
                                            helper_phone_hash=helper_hash, scope=scope) is None
    assert not world.session.get(Delegation, d["id"]).active_at(world.session.get(Delegation, d["id"]).created_at)
    # Over the API: he cannot file, follow her case, add a scope, or ask for her face check.
    filed = world.client.post("/api/v1/applications", json=application_body(),
                              headers={**world.helper, "Idempotency-Key": "pending-paper-1"})
    assert filed.status_code == 403 and filed.json()["error"]["code"] == "no_delegation"
    assert world.client.get(f"/api/v1/applications/{number}/progress", headers=world.helper).status_code in (403, 404)
    assert world.client.post(f"/api/v1/delegations/{d['id']}/scope-code", json={"scope": "certify"},
                             headers=world.helper).json()["error"]["code"] in ("delegation_inactive", "scope_present")
    face = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.helper)
    assert face.status_code in (403, 404)
    # The same form, verified, passes them.
    ok = world.client.post(f"/api/v1/delegations/{d['id']}/verify", json={"note": "电话联系本人确认"}, headers=world.caseworker)
    assert ok.status_code == 200 and ok.json()["status"] == "verified" and ok.json()["active"] is True
    assert world.client.get(f"/api/v1/applications/{number}/progress", headers=world.helper).status_code == 200
    assert repository.active_delegations(world.session, scope="apply", principal_ids=[principal.id])


def test_a_pending_form_makes_no_district_know_her(world) -> None:
    pending(world)
    assert repository.person_districts(world.session, her(world).id) == set()
    # So staff cannot act on her as a person of their district (e.g. register her reference photo).
    refused = world.client.post(f"/api/v1/liveness/references/{her(world).id}", headers=world.caseworker,
                                files={"image": ("a.jpg", JPEG, "image/jpeg")}, data={"source": "staff_selfie", **STAFF_CONSENT})
    assert refused.status_code == 404


def test_the_queue_oldest_first_with_due_date_and_photo_of_my_district_only(world) -> None:
    first = pending(world)
    second = submit(world, {**world.helper}, scope=["query"])
    assert second.status_code == 201
    rows = world.client.get("/api/v1/delegations/pending", headers=world.caseworker).json()
    assert [r["id"] for r in rows] == [first["id"], second.json()["id"]]
    assert rows[0]["due_on"] and rows[0]["helper_kind_label"] == "网格员" and "七星岗-2026-0077" in rows[0]["form_reference"]
    assert the_photo(world.client.get(rows[0]["form_photo_url"], headers=world.caseworker).content)
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.view_form")).all()
    # Another district: an empty queue, and 404 on the photo, the verification and the rejection.
    assert world.client.get("/api/v1/delegations/pending", headers=world.other_caseworker).json() == []
    assert world.client.get(rows[0]["form_photo_url"], headers=world.other_caseworker).status_code == 404
    for path, body in (("verify", {"note": "看过了"}), ("reject", {"reason": "看不清"})):
        assert world.client.post(f"/api/v1/delegations/{first['id']}/{path}", json=body,
                                 headers=world.other_caseworker).status_code == 404
    # Citizens see no queue.
    assert world.client.get("/api/v1/delegations/pending", headers=world.helper).status_code == 403


def test_a_helper_submits_only_as_himself_and_only_a_photo(world) -> None:
    assert submit(world, world.stranger).json()["error"]["code"] == "helper_phone_mismatch"
    assert submit(world, world.caseworker).status_code == 403
    bad = submit(world, photo=b"not a photo")
    assert bad.status_code == 422 and "委托书照片" in bad.json()["error"]["message"]
    assert submit(world, area=None).json()["error"]["code"] == "area_required"  # nobody knows her yet
    world.submit()  # now her case is in 渝中区: a form sent to another district's street is refused
    assert submit(world, area="500110003").json()["error"]["code"] == "other_district"
    assert submit(world, area=None).status_code == 201  # her district is known


def test_verification_is_recorded_audited_on_her_timeline_and_texted(world) -> None:
    number = world.submit()["number"]
    d = pending(world)
    ok = world.client.post(f"/api/v1/delegations/{d['id']}/verify", json={"note": "电话联系本人确认，签字一致"},
                           headers=world.caseworker)
    assert ok.status_code == 200
    row = world.session.get(Delegation, d["id"])
    world.session.refresh(row)
    assert row.verified_by_staff_id and row.reviewed_at and row.review_note == "电话联系本人确认，签字一致"
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.verify_paper")).all()
    events = world.client.get(f"/api/v1/applications/{number}/timeline", headers=world.caseworker).json()
    assert any(e["action"] == "verify_paper_delegation" and e["action_label"] == "核验书面授权委托书" for e in events)
    texts = [n.text for n in world.session.scalars(select(Notice).where(Notice.event == "paper_delegation_verified"))]
    assert texts and "张秀英" in texts[0] and "核验通过" in texts[0]
    again = world.client.post(f"/api/v1/delegations/{d['id']}/reject", json={"reason": "重复"}, headers=world.caseworker)
    assert again.status_code == 409


def test_rejection_gives_no_rights_and_tells_the_helper_why(world) -> None:
    number = world.submit()["number"]
    d = pending(world)
    no = world.client.post(f"/api/v1/delegations/{d['id']}/reject", json={"reason": "照片看不清签字，请重新拍"},
                           headers=world.caseworker)
    assert no.status_code == 200 and no.json()["status"] == "rejected" and no.json()["active"] is False
    assert repository.active_delegations(world.session, scope="apply", principal_ids=[her(world).id]) == []
    [text] = [n.text for n in world.session.scalars(select(Notice).where(Notice.event == "paper_delegation_rejected"))]
    assert "照片看不清签字，请重新拍" in text and "12345" in text
    events = world.client.get(f"/api/v1/applications/{number}/timeline", headers=world.caseworker).json()
    assert any(e["action"] == "reject_paper_delegation" for e in events)
    assert world.client.get("/api/v1/delegations/pending", headers=world.caseworker).json() == []


def test_she_does_not_verify_a_form_where_she_is_the_helper_or_related(world) -> None:
    d = pending(world)
    helper = world.session.get(Delegation, d["id"]).helper
    staff_id = world.session.scalars(select(StaffUser.id).where(StaffUser.username == "cw_yuzhong")).one()
    world.session.add(StaffRelation(staff_id=staff_id, person_id=helper.id, relation="本人"))
    world.session.commit()
    refused = world.client.post(f"/api/v1/delegations/{d['id']}/verify", json={"note": "我自己看过"}, headers=world.caseworker)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "conflict_of_interest"
    assert world.session.get(Delegation, d["id"]).status == "pending"
    # The county reviewer of the district may.
    assert world.client.post(f"/api/v1/delegations/{d['id']}/verify", json={"note": "电话联系本人确认"},
                             headers=world.reviewer).status_code == 200


def test_a_form_entered_by_the_caseworker_who_saw_it_is_verified_at_once(world) -> None:
    body = {"principal": PRINCIPAL, "helper": HELPER,
            "consent": {"method": "paper", "form_reference": "七星岗-2026-0031", "area_code": "500103001"}}
    resp = world.client.post("/api/v1/delegations", json=body, headers=world.caseworker)
    assert resp.status_code == 201 and resp.json()["status"] == "verified" and resp.json()["active"] is True
    assert world.client.get("/api/v1/delegations/pending", headers=world.caseworker).json() == []


def test_the_desk_shows_the_queue_with_the_photo_and_verifies_with_how_she_checked(world) -> None:
    from tests.backend.staff_pages import sign_in

    d = pending(world)
    csrf = sign_in(world.client, "cw_qijiang")  # another district: not listed, no photo, no review
    assert "张秀英" not in world.client.get("/staff/desk/delegations").text
    assert world.client.get(f"/staff/desk/delegations/{d['id']}/photo").status_code == 404
    assert world.client.post(f"/staff/desk/delegations/{d['id']}", data={"csrf_token": csrf, "decision": "verify",
                                                                        "note": "越权"}).status_code == 404
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/desk/delegations").text
    assert "张秀英" in page and "李红" in page and "七星岗-2026-0077" in page and "前核验" in page
    assert '纸质委托书 <span class="n">1</span>' in page  # the tab counts the waiting form
    assert the_photo(world.client.get(f"/staff/desk/delegations/{d['id']}/photo").content)
    no_token = world.client.post(f"/staff/desk/delegations/{d['id']}", data={"decision": "verify", "note": "无令牌"})
    assert no_token.status_code == 403 and world.session.get(Delegation, d["id"]).status == "pending"
    too_long = world.client.post(f"/staff/desk/delegations/{d['id']}",
                                 data={"csrf_token": csrf, "decision": "reject", "note": "看不清" * 30})
    assert too_long.status_code == 400 and "60个字以内" in too_long.text
    done = world.client.post(f"/staff/desk/delegations/{d['id']}", follow_redirects=False,
                             data={"csrf_token": csrf, "decision": "verify", "note": "入户看了原件，本人确认"})
    assert done.status_code == 303 and "done=verified" in done.headers["location"]
    world.session.expire_all()
    assert world.session.get(Delegation, d["id"]).status == "verified"
    assert "现在没有等待核验的委托书" in world.client.get("/staff/desk/delegations").text
    in_force = world.client.get("/staff/desk/delegations?show=verified").text
    assert "入户看了原件，本人确认" in in_force and "cw_yuzhong" in in_force
