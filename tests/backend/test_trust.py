"""A person's case belongs to that person: the attacks of issue 9, each one closed.

Someone who knows a person's name and ID number must not become "the applicant", read her case, get
her SMS or her face links, nor send her consent codes to his own phone. Staff act only on people of
their own district. Every read of personal data is audited.
"""

import pytest
from sqlalchemy import select

from backend.applications import service as applications_service
from backend.audit.models import AuditEntry
from backend.authorizations.models import AuthorizationSignature
from backend.facecheck import FakeFaceEngine
from backend.facecheck.service import get_face_engine
from backend.notifications.models import Notice
from backend.people.models import Person
from backend.people.service import find_by_id_number
from backend.regions.offices import Office
from tests.backend.test_access_and_delegations import Outbox, _code_sent_to
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, STAFF_CONSENT, STRANGER_PHONE, application_body, citizen_headers, member

HER = member("张秀英", phone=APPLICANT_PHONE, incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": 300}])
ATTACKER = {"name": "王二", "phone": STRANGER_PHONE, "kind": "relative", "relation": "儿子"}


@pytest.fixture
def sms(world):  # noqa: ANN001, ANN201
    outbox = Outbox(world.session)
    yield outbox
    outbox.dispatcher.close()


def _her_case(world) -> str:  # noqa: ANN001
    return world.submit(application_body(members=[HER]), key="her-own-case-1")["number"]


def _as_attacker(world, key: str = "takeover-0001"):  # noqa: ANN001, ANN202
    body = application_body(members=[{**HER, "phone": STRANGER_PHONE}])
    return world.client.post("/api/v1/applications", json=body, headers={**world.stranger, "Idempotency-Key": key})


def _audited(world, action: str) -> list[AuditEntry]:  # noqa: ANN001
    return list(world.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- 1. A phone becomes a person's only through that phone ---------------------------------------

def test_her_id_number_with_his_phone_does_not_make_him_the_applicant(world, sms) -> None:  # noqa: ANN001
    number = _her_case(world)
    resp = _as_attacker(world)
    assert resp.status_code == 409, resp.text
    error = resp.json()["error"]
    assert error["code"] == "phone_on_record_differs" and error["details"]["phone_masked"] == "138****1111"
    assert "138****1111" in error["message"] and "帮别人申请" in error["message"]
    # Nothing changed hands: her phone and name stay, he cannot read her case, she still can.
    her = find_by_id_number(world.session, HER["id_number"])
    world.session.refresh(her)
    assert her.phone_masked == "138****1111" and her.name == "张秀英"
    assert world.client.get(f"/api/v1/applications/{number}", headers=world.stranger).status_code == 404
    assert world.client.get(f"/api/v1/applications/{number}", headers=world.applicant).status_code == 200
    # Her notices still go to her phone only.
    assert {p for p, _ in sms.sent} <= {APPLICANT_PHONE}


def test_a_face_link_for_her_case_is_never_issued_to_him(world) -> None:  # noqa: ANN001
    number = _her_case(world)
    _as_attacker(world)
    resp = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.stranger)
    assert resp.status_code == 404


def test_a_stored_name_is_never_overwritten(world) -> None:  # noqa: ANN001
    _her_case(world)
    body = application_body(members=[{**HER, "name": "李四"}])
    resp = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "rename-001"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "name_mismatch"
    assert find_by_id_number(world.session, HER["id_number"]).name == "张秀英"
    # Spaces and the middle dot are not a different name.
    ok = application_body("临时救助", subtype="支出型", members=[{**HER, "name": "张 秀英"}])
    assert world.client.post("/api/v1/applications", json=ok,
                             headers={**world.applicant, "Idempotency-Key": "rename-002"}).status_code == 201


def test_a_member_phone_given_by_the_filer_is_not_recorded(world) -> None:  # noqa: ANN001
    son = member("王强", "子女", seq=2, phone=STRANGER_PHONE)
    world.submit(application_body(members=[HER, son]), key="member-phone-1")
    assert find_by_id_number(world.session, son["id_number"]).phone_hash is None
    # Filing for oneself with no phone on record binds the verified phone.
    assert find_by_id_number(world.session, HER["id_number"]).phone_masked == "138****1111"


def test_the_code_goes_to_the_phone_on_record_and_opens_her_case(world, sms) -> None:  # noqa: ANN001
    number = _her_case(world)
    who = {"name": "张秀英", "id_number": HER["id_number"]}
    sent = world.client.post("/api/v1/persons/record-phone/code", json=who)
    assert sent.status_code == 200 and sent.json()["phone_masked"] == "138****1111"
    code = _code_sent_to(sms, APPLICANT_PHONE)
    assert world.client.post("/api/v1/persons/record-phone/verify", json={**who, "code": "000000" if code != "000000" else "111111"}
                             ).status_code == 400
    token = world.client.post("/api/v1/persons/record-phone/verify", json={**who, "code": code})
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert world.client.get(f"/api/v1/applications/{number}/progress", headers=headers).status_code == 200
    assert not any(p == STRANGER_PHONE for p, _ in sms.sent)


def test_a_phone_changes_by_a_code_on_the_old_phone(world, sms) -> None:  # noqa: ANN001
    _her_case(world)
    new_phone = "13600004444"
    new = citizen_headers(new_phone)
    body = {"name": "张秀英", "id_number": HER["id_number"], "new_phone": new_phone}
    # The new phone must be the caller's verified one.
    assert world.client.post("/api/v1/persons/phone-change/code", json={**body, "new_phone": "13611112222"},
                             headers=new).status_code == 403
    assert world.client.post("/api/v1/persons/phone-change/code", json=body, headers=new).status_code == 200
    code = _code_sent_to(sms, APPLICANT_PHONE)
    assert "136****4444" in sms.sent[-1][1]
    assert world.client.post("/api/v1/persons/phone-change", json={**body, "code": code}, headers=new).status_code == 200
    assert find_by_id_number(world.session, HER["id_number"]).phone_masked == "136****4444"
    assert _audited(world, "person.change_phone")[0].detail["how"] == "code_on_old_phone"


def test_a_caseworker_of_her_district_changes_her_phone_with_a_reason(world) -> None:  # noqa: ANN001
    _her_case(world)
    her = find_by_id_number(world.session, HER["id_number"])
    body = {"phone": "13600004444", "reason": "本人持身份证到窗口，原号码停用"}
    assert world.client.post(f"/api/v1/persons/{her.id}/phone", json=body, headers=world.other_caseworker).status_code == 404
    assert world.client.post(f"/api/v1/persons/{her.id}/phone", json=body, headers=world.stranger).status_code == 403
    assert world.client.post(f"/api/v1/persons/{her.id}/phone", json=body, headers=world.caseworker).status_code == 200
    entry = _audited(world, "person.change_phone")[0]
    assert entry.detail["reason"] == body["reason"] and entry.detail["to"] == "136****4444"


# --- 2. Consent codes go only to the phone on record ----------------------------------------------

def test_a_consent_code_for_a_recorded_person_goes_to_her_phone_not_the_helpers(world, sms) -> None:  # noqa: ANN001
    _her_case(world)
    principal = {"name": "张秀英", "id_number": HER["id_number"], "phone": STRANGER_PHONE}
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": ATTACKER},
                             headers=world.stranger)
    assert resp.status_code == 200 and resp.json()["phone_masked"] == "138****1111"
    assert [p for p, _ in sms.sent if p == STRANGER_PHONE] == []
    assert any(p == APPLICANT_PHONE and "王二" in t for p, t in sms.sent)


def test_a_helper_cannot_name_his_own_phone_as_a_new_principals(world, sms) -> None:  # noqa: ANN001
    principal = {"name": "李大娘", "id_number": member("李大娘", seq=7)["id_number"], "phone": STRANGER_PHONE}
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": ATTACKER},
                             headers=world.stranger)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "principal_phone_is_helper"
    assert sms.sent == []


def test_a_recorded_person_without_a_phone_needs_paper(world) -> None:  # noqa: ANN001
    son = member("王强", "子女", seq=2)
    world.submit(application_body(members=[HER, son]), key="no-phone-son")
    principal = {"name": "王强", "id_number": son["id_number"], "phone": STRANGER_PHONE}
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": ATTACKER},
                             headers=world.stranger)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "principal_phone_required"


def test_paper_delegations_are_verified_and_revoked_in_the_principals_district_only(world) -> None:  # noqa: ANN001
    _her_case(world)  # she is known in 渝中 (500103)
    helper = {"name": "刘网格", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}
    body = {"principal": {"name": "张秀英", "id_number": HER["id_number"]}, "helper": helper,
            "consent": {"method": "paper", "form_reference": "七星岗-2026-0032"}}
    refused = world.client.post("/api/v1/delegations", json=body, headers=world.other_caseworker)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "other_district"
    made = world.client.post("/api/v1/delegations", json=body, headers=world.caseworker)
    assert made.status_code == 201, made.text
    d = made.json()["id"]
    assert world.client.post(f"/api/v1/delegations/{d}/revoke", json={}, headers=world.other_caseworker).status_code == 403
    assert world.client.post(f"/api/v1/delegations/{d}/revoke", json={}, headers=world.stranger).status_code == 403
    assert world.client.post(f"/api/v1/delegations/{d}/revoke", json={}, headers=world.caseworker).status_code == 200


def test_a_paper_delegation_for_someone_new_names_the_street_they_live_in(world) -> None:  # noqa: ANN001
    helper = {"name": "刘网格", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}
    new = {"name": "李大娘", "id_number": member("李大娘", seq=7)["id_number"]}
    body = {"principal": new, "helper": helper, "consent": {"method": "paper", "form_reference": "古南-2026-0001"}}
    assert world.client.post("/api/v1/delegations", json=body, headers=world.caseworker).json()["error"]["code"] == "area_required"
    body["consent"]["area_code"] = "500110001"  # a 綦江 street: not the 渝中 caseworker's to verify
    assert world.client.post("/api/v1/delegations", json=body, headers=world.caseworker).status_code == 403
    assert world.client.post("/api/v1/delegations", json=body, headers=world.other_caseworker).status_code == 201


# --- 9. Smaller holes ------------------------------------------------------------------------------

def test_not_yours_and_no_such_case_look_the_same(world) -> None:  # noqa: ANN001
    number = _her_case(world)
    mine = world.client.get(f"/api/v1/applications/{number}", headers=world.stranger)
    missing = world.client.get("/api/v1/applications/JZ20260101999999", headers=world.stranger)
    assert mine.status_code == missing.status_code == 404
    assert mine.json()["error"]["code"] == missing.json()["error"]["code"] == "application_not_found"


def test_one_open_emergency_case_per_person(world, monkeypatch) -> None:  # noqa: ANN001
    # A street whose duty phone is on file (the shipped offices.yaml holds no real numbers).
    duty = Office("七星岗街道社会救助窗口", "023-63000000", None, "13900103001", "500103001", configured=True)
    monkeypatch.setattr(applications_service, "office_for", lambda code: duty)
    body = application_body("临时救助", subtype="急难型", members=[HER])
    first = world.submit(body, key="emergency-0001")
    again = world.client.post("/api/v1/applications", json={**body, "reason": "又着火了"},
                              headers={**world.applicant, "Idempotency-Key": "emergency-0002"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "emergency_already_open"
    assert first["number"] in again.json()["error"]["message"]
    assert "值班电话13900103001" in again.json()["error"]["message"]  # the duty number on file, named
    assert len(world.session.scalars(select(Notice).where(Notice.event == "emergency_alert")).all()) == 1


def test_an_emergency_refusal_never_names_a_duty_phone_that_is_not_on_file(world) -> None:  # noqa: ANN001
    body = application_body("临时救助", subtype="急难型", members=[HER])
    world.submit(body, key="emergency-1001")
    again = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "emergency-1002"})
    message = again.json()["error"]["message"]
    assert again.status_code == 409 and "值班电话" not in message and "找工作人员" in message


def test_a_second_open_dibao_for_the_same_person_is_refused_and_names_the_first(world) -> None:  # noqa: ANN001
    first = world.submit(key="dibao-0001")
    again = world.client.post("/api/v1/applications", json={**application_body(), "reason": "再交一次"},
                              headers={**world.applicant, "Idempotency-Key": "dibao-0002"})
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "application_already_open" and first["number"] in error["message"]
    assert "查进度" in error["message"]
    # Another type is another matter: 特困 or 临时救助 may be asked for while 低保 is open.
    world.submit(application_body("临时救助", subtype="支出型"), key="dibao-0003")


def test_a_member_already_in_another_open_case_is_refused_without_its_number(world) -> None:  # noqa: ANN001
    first = world.submit(key="member-0001")
    husband = member("李建国", "本人", seq=3, phone=None)
    body = application_body(members=[husband, {**HER, "relation": "配偶", "phone": None}])
    resp = world.client.post("/api/v1/applications", json=body,
                             headers={**world.caseworker, "Idempotency-Key": "member-0002"})
    assert resp.status_code == 409, resp.text
    message = resp.json()["error"]["message"]
    assert "张秀英" in message and first["number"] not in message


def test_after_a_withdrawal_she_may_apply_again(world) -> None:  # noqa: ANN001
    first = world.submit(key="again-0001")
    world.act(first["number"], "withdraw", world.applicant)
    assert world.submit(key="again-0002")["number"] != first["number"]


def test_the_same_person_twice_in_one_household_is_refused(world) -> None:  # noqa: ANN001
    body = application_body(members=[HER, {**HER, "relation": "配偶", "phone": None}])
    resp = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "twice-0001"})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "duplicate_member"


def test_staff_assisted_certification_refuses_someone_who_is_not_the_recipient(world) -> None:  # noqa: ANN001
    number = _her_case(world)
    resp = world.client.post(f"/api/v1/liveness/applications/{number}/certifications/staff-assisted",
                             json={"person_id": 999999, "note": "上门核实"}, headers=world.caseworker)
    assert resp.status_code == 404


# --- 7. Every read of personal data is audited ----------------------------------------------------

def test_every_read_of_personal_data_leaves_an_audit_row(world) -> None:  # noqa: ANN001
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    number = _her_case(world)
    cw, me = world.caseworker, world.applicant
    reads = [
        ("get", "/api/v1/applications", cw, "application.list"),
        ("get", "/api/v1/applications/mine", me, "application.list_mine"),
        ("get", f"/api/v1/applications/{number}/timeline", me, "application.read_timeline"),
        ("get", f"/api/v1/applications/{number}/payments", me, "application.read_payments"),
        ("get", f"/api/v1/applications/{number}/assessment", cw, "application.read_assessment"),
        ("get", f"/api/v1/applications/{number}/economic-check", cw, "application.read_economic_check"),
        ("get", f"/api/v1/liveness/applications/{number}/signatures", me, "application.read_signatures"),
        ("get", "/api/v1/delegations", me, "delegation.list"),
    ]
    for method, path, headers, action in reads:
        resp = getattr(world.client, method)(path, headers=headers)
        assert resp.status_code == 200, (path, resp.text)
        assert _audited(world, action), f"{path} was read without an audit row"
    her = world.session.scalars(select(Person).where(Person.name == "张秀英")).one()
    ref = world.client.post(f"/api/v1/liveness/references/{her.id}", files={"image": ("r.jpg", FakeFaceEngine.frame("zhang"))},
                            data={"source": "staff_selfie", **STAFF_CONSENT}, headers=cw)
    assert ref.status_code == 201 and _audited(world, "face.set_reference")
    signed = world.client.post(f"/api/v1/liveness/applications/{number}/signatures/staff-assisted",
                               json={"person_id": her.id, "note": "老人卧床，入户核实"}, headers=cw)
    assert signed.status_code == 201 and _audited(world, "authorization.staff_assisted_sign")


def test_a_reference_photo_only_for_people_of_the_district(world) -> None:  # noqa: ANN001
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    _her_case(world)
    her = world.session.scalars(select(Person).where(Person.name == "张秀英")).one()
    resp = world.client.post(f"/api/v1/liveness/references/{her.id}", files={"image": ("r.jpg", FakeFaceEngine.frame("zhang"))},
                             data={"source": "staff_selfie", **STAFF_CONSENT}, headers=world.other_caseworker)
    assert resp.status_code == 404



def test_signing_twice_records_one_signature_and_one_check(world) -> None:  # noqa: ANN001
    number = _her_case(world)
    her = world.session.scalars(select(Person).where(Person.name == "张秀英")).one()
    for _ in range(2):
        resp = world.client.post(f"/api/v1/liveness/applications/{number}/signatures/staff-assisted",
                                 json={"person_id": her.id, "note": "老人卧床，入户核实"}, headers=world.caseworker)
        assert resp.status_code == 201
    assert len(world.session.scalars(select(AuthorizationSignature)).all()) == 1


def test_an_administrator_unlocks_a_locked_staff_account_with_a_reason(world) -> None:  # noqa: ANN001
    from backend.staff.models import StaffUser
    from tests.backend.world import STAFF_PASSWORD

    for _ in range(5):
        world.client.post("/api/v1/auth/staff/login", data={"username": "cw_yuzhong", "password": "wrong"})
    paused = world.client.post("/api/v1/auth/staff/login", data={"username": "cw_yuzhong", "password": STAFF_PASSWORD})
    assert paused.status_code == 401  # this address is paused (the same answer as a wrong password)
    staff = world.session.scalars(select(StaffUser).where(StaffUser.username == "cw_yuzhong")).one()
    body = {"reason": "本人来电，已核实身份"}
    assert world.client.post(f"/api/v1/auth/staff/{staff.id}/unlock", json=body, headers=world.caseworker).status_code == 403
    assert world.client.post(f"/api/v1/auth/staff/{staff.id}/unlock", json=body, headers=world.admin).status_code == 200
    assert world.client.post("/api/v1/auth/staff/login",
                             data={"username": "cw_yuzhong", "password": STAFF_PASSWORD}).status_code == 200
    assert _audited(world, "staff.unlock")[0].detail == body
