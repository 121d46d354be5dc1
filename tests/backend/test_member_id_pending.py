"""A household member without an ID number at hand (身份证号待补): a 网格员 filing for a woman whose disabled son has no
ID card at hand. He was only a note in the reason, so the backend counted a household of one: the size, the income
per head and the eligibility were wrong. Now he is filed as a member whose number is to come — counted, shown to the
caseworker as "身份证号待补", pending on the 核对授权书 until the number is added (by the chat's API or on the case
page: check digit, encrypted, audited)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.crypto import get_vault
from backend.demo import demo_id
from backend.people.models import Person
from tests.backend.staff_pages import sign_in
from tests.backend.world import APPLICANT_PHONE, application_body, member

SON_ID = demo_id("500103", date(1980, 3, 2), 77)


def _applicant(income: int = 300) -> dict:
    return member("张秀英", phone=APPLICANT_PHONE, incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": income}])


def _file(world, key: str = "pending-1", **son) -> dict:  # noqa: ANN001
    body = application_body(members=[_applicant(), {"name": "王小明", "relation": "子女", **son}])
    return world.submit(body, key=key)


def _son(detail: dict) -> dict:
    return next(m for m in detail["members"] if m["name"] == "王小明")


def _add(world, number: str, person_id: int, id_number: str, who: dict | None = None):  # noqa: ANN001, ANN202
    return world.client.post(f"/api/v1/applications/{number}/members/{person_id}/id-number", json={"id_number": id_number},
                             headers=who or world.applicant)


def test_the_member_without_an_id_number_counts_in_the_household_and_its_income_per_head(world) -> None:  # noqa: ANN001
    detail = _file(world)
    son = _son(detail)
    assert son["id_pending"] is True and son["id_masked"] is None and son["relation"] == "子女"
    assessment = world.client.get(f"/api/v1/applications/{detail['number']}/assessment", headers=world.caseworker).json()
    assert assessment["household_size"] == 2
    assert Decimal(str(assessment["per_capita_income"])) == Decimal(150)  # 300 for two, not 300 for one


def test_the_age_said_for_him_is_his_age_until_the_number_says_it(world) -> None:  # noqa: ANN001
    number = _file(world, "pending-age", age=70)["number"]
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    assert "无劳动能力（按年龄推定" in page and "年龄是申请时说的，身份证号待补" in page


def test_a_name_with_digits_is_refused_as_before_and_the_applicant_still_needs_her_number(world) -> None:  # noqa: ANN001
    body = application_body(members=[_applicant(), {"name": "王小明2", "relation": "子女"}])
    resp = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "pending-name"})
    assert resp.status_code == 422
    details = str(resp.json()["error"]["details"])
    assert "name" in details and "id_number" not in details  # the name is what is wrong, not the missing number
    no_id = application_body(members=[{"name": "张秀英", "relation": "本人", "phone": APPLICANT_PHONE}])
    resp = world.client.post("/api/v1/applications", json=no_id, headers={**world.applicant, "Idempotency-Key": "pending-self"})
    assert resp.status_code == 422 and "申请人本人的身份证号必填" in resp.text


def test_the_case_page_shows_his_id_number_pending_and_the_authorization_waits_for_it(world) -> None:  # noqa: ANN001
    detail = _file(world, "pending-page")
    number, son = detail["number"], _son(detail)
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    assert 'id="ids-pending"' in page and "身份证号待补：</strong>王小明" in page
    assert '<strong class="tag-late">身份证号待补</strong></td>' in page and "补上以后才能签" in page
    assert f'/members/{son["person_id"]}/id-number' in page
    signers = world.client.get(f"/api/v1/liveness/applications/{number}/signatures", headers=world.caseworker).json()["signers"]
    assert [s["id_pending"] for s in signers] == [False, True]
    signed = world.client.post(f"/api/v1/liveness/applications/{number}/signatures/staff-assisted",
                               json={"person_id": son["person_id"], "note": "窗口核实本人签字"}, headers=world.caseworker)
    assert signed.status_code == 409 and signed.json()["error"]["code"] == "id_number_pending"
    face = world.client.post("/api/v1/liveness/sessions", json={"purpose": "authorization", "application_number": number,
                                                                "person_id": son["person_id"]}, headers=world.caseworker)
    assert face.status_code == 409 and face.json()["error"]["code"] == "id_number_pending"
    for action in ("accept", "start_investigation"):
        world.act(number, action, world.caseworker)
    refused = world.act(number, "attach_economic_check", world.caseworker, expect=409, results={"存款": "无"})["error"]
    assert "王小明的身份证号待补，补上才能签" in refused["message"]
    assert refused["details"]["unsigned"][-1] == {"person_id": son["person_id"], "name": "王小明", "id_pending": True}


def test_his_number_added_later_is_checked_encrypted_and_audited(world) -> None:  # noqa: ANN001
    detail = _file(world, "pending-add")
    number, son = detail["number"], _son(detail)
    wrong = SON_ID[:-1] + ("0" if SON_ID[-1] != "0" else "1")
    refused = _add(world, number, son["person_id"], wrong)
    assert refused.status_code == 422 and "校验位" in refused.json()["error"]["message"]
    assert _add(world, number, son["person_id"], SON_ID, world.stranger).status_code == 404
    # A number on record is that person: hers is not his name.
    assert _add(world, number, son["person_id"], demo_id("500103", date(1950, 5, 1), 1)).json()["error"]["code"] == "name_mismatch"

    added = _add(world, number, son["person_id"], SON_ID)
    assert added.status_code == 200, added.text
    assert added.json()["id_pending"] is False and added.json()["id_masked"] == f"{SON_ID[:6]}********{SON_ID[-4:]}"
    person = world.session.get(Person, son["person_id"])
    assert SON_ID not in (person.id_cipher or "") and get_vault().decrypt(person.id_cipher) == SON_ID
    assert person.id_hash == get_vault().lookup_hash(SON_ID) and person.birth_date == date(1980, 3, 2)
    [row] = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.add_member_id")).all()
    assert row.entity_id == number and row.detail["id_masked"] == added.json()["id_masked"] and SON_ID not in str(row.detail)
    assert _add(world, number, son["person_id"], SON_ID).json()["error"]["code"] == "id_number_known"
    world.sign_all(number)  # now he signs like everyone else


def test_staff_add_his_number_on_the_case_page(world) -> None:  # noqa: ANN001
    detail = _file(world, "pending-staff", relation=None)
    number, son = detail["number"], _son(detail)
    assert son["relation"] == "待核实"
    csrf = sign_in(world.client, "cw_yuzhong")
    url = f"/staff/applications/{number}/members/{son['person_id']}/id-number"
    bad = world.client.post(url, data={"csrf_token": csrf, "id_number": SON_ID[:-1] + "9" if SON_ID[-1] != "9" else SON_ID[:-1] + "8"},
                            follow_redirects=False)
    assert bad.status_code == 422 and "校验位" in bad.text and "身份证号待补" in bad.text
    done = world.client.post(url, data={"csrf_token": csrf, "id_number": SON_ID, "relation": "子女"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=member_id#household")
    page = world.client.get(done.headers["location"]).text
    assert "已办理：补身份证号" in page and 'id="ids-pending"' not in page
    after = _son(world.client.get(f"/api/v1/applications/{number}", headers=world.caseworker).json())
    assert after["id_pending"] is False and after["relation"] == "子女"
    [row] = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.add_member_id")).all()
    assert row.channel == "web" and row.actor.startswith("staff:")
