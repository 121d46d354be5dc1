"""Separation of duties (issue 21): nobody related to a household acts on its case, whichever role the case
was routed to; whoever proposed a case does not decide it; a confirmed reference face is never replaced by
one staff member alone; a complaint about a staff member is handled by a colleague.

The attack of the review: in a flagged case every caseworker step goes to the county, and a reviewer who is
the applicant's son could accept, visit, propose, close the 公示 and approve his mother's case alone.
"""

from datetime import date

import pytest
from sqlalchemy import select

from backend.facecheck import FakeFaceEngine
from backend.facecheck.models import FaceReference
from backend.facecheck.service import get_face_engine
from backend.people.models import Person
from backend.people.service import find_or_register
from backend.service_desk.models import Complaint
from backend.staff.models import StaffRelation, StaffUser
from tests.backend.staff_pages import sign_in
from tests.backend.world import STAFF_CONSENT, application_body, member, staff_headers

STEPS = [  # a 低保 case from submission to decision, with the day each step may be taken
    (date(2026, 9, 28), "accept", {}),
    (date(2026, 9, 29), "start_investigation", {}),
    (date(2026, 9, 29), "record_home_visit", {"investigators": ["王芳", "李强"]}),
    (date(2026, 9, 30), "attach_economic_check", {"results": {"存款": "无"}}),
    (date(2026, 10, 8), "propose", {}),
    (date(2026, 10, 15), "close_publicity", {}),
]


def _staff_id(world, username: str) -> int:  # noqa: ANN001
    return world.session.scalars(select(StaffUser.id).where(StaffUser.username == username)).one()


def _relate(world, username: str, person_name: str, relation: str = "母亲") -> Person:  # noqa: ANN001
    person = world.session.scalars(select(Person).where(Person.name == person_name)).one()
    world.session.add(StaffRelation(staff_id=_staff_id(world, username), person_id=person.id, relation=relation))
    world.session.commit()
    return person


def _refused(world, number: str, action: str, who: dict, code: str = "conflict_of_interest", **data) -> None:  # noqa: ANN001, ANN003
    body = world.act(number, action, who, expect=403 if code == "conflict_of_interest" else 409, note="办理意见", **data)
    assert body["error"]["code"] == code, body


@pytest.fixture
def sons_case(world, set_today):  # noqa: ANN001, ANN201
    """张秀英's 低保 application, whose son is the county reviewer rv_yuzhong (declared); a second reviewer."""
    second = staff_headers(world.session, "rv_yuzhong_2", "reviewer", "500103")  # before the clock is set back
    set_today(date(2026, 9, 24))
    number = world.submit(application_body())["number"]
    _relate(world, "rv_yuzhong", "张秀英")
    return number, second


def test_a_reviewer_who_is_the_applicants_son_is_refused_at_every_step(world, set_today, sons_case) -> None:
    number, second = sons_case
    son = world.reviewer
    # Seen only as a case he may not touch: no action is offered to him.
    assert world.client.get(f"/api/v1/applications/{number}", headers=son).json()["available_actions"] == []
    refused = world.client.post(f"/api/v1/liveness/applications/{number}/signatures/staff-assisted",
                                json={"person_id": world.session.scalars(select(Person.id).where(Person.name == "张秀英")).one(),
                                      "note": "窗口核实本人签字"}, headers=son)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "conflict_of_interest"
    world.sign_all(number, second)
    for day, action, data in STEPS:
        set_today(day)
        _refused(world, number, action, son, **data)
        world.act(number, action, world.caseworker, note="办理意见", **data)
    set_today(date(2026, 10, 20))
    _refused(world, number, "extend", son)
    _refused(world, number, "approve", son)
    _refused(world, number, "reject", son, reasons="收入超标")
    assert world.act(number, "approve", second)["status"] == "approved"


def test_a_relation_declared_after_the_application_still_keeps_her_out(world, set_today) -> None:
    """The flag is set at submission; the register is read at every step, so a caseworker who declares her
    mother later is refused from then on, and another caseworker of the street goes on."""
    colleague = staff_headers(world.session, "cw_yuzhong_2", "caseworker", "500103")
    set_today(date(2026, 9, 24))
    number = world.submit(application_body())["number"]
    _relate(world, "cw_yuzhong", "张秀英")
    set_today(date(2026, 9, 28))
    _refused(world, number, "accept", world.caseworker)
    assert world.act(number, "accept", colleague)["status"] == "accepted"
    _refused(world, number, "withdraw", world.caseworker)


def test_who_proposed_a_flagged_case_does_not_decide_it(world, set_today) -> None:
    """Her daughter is the street's caseworker (declared before she applies): the county takes every step,
    and the reviewer who proposed and closed the 公示 does not also spot-check, approve or reject it."""
    second = staff_headers(world.session, "rv_yuzhong_2", "reviewer", "500103")
    set_today(date(2026, 9, 24))
    body = application_body()
    her = find_or_register(world.session, name="张秀英", id_number=body["members"][0]["id_number"])
    world.session.add(StaffRelation(staff_id=_staff_id(world, "cw_yuzhong"), person_id=her.id, relation="母亲"))
    world.session.commit()
    number = world.submit(body)["number"]
    assert world.client.get(f"/api/v1/applications/{number}", headers=world.reviewer).json()["conflict_of_interest"] is True
    world.sign_all(number, world.reviewer)
    for day, action, data in STEPS:
        set_today(day)
        world.act(number, action, world.reviewer, note="办理意见", **data)
    set_today(date(2026, 10, 20))
    _refused(world, number, "approve", world.reviewer, code="same_person")
    _refused(world, number, "reject", world.reviewer, code="same_person", reasons="收入超标")
    _refused(world, number, "spot_check", world.reviewer, code="same_person")
    assert world.act(number, "approve", second)["status"] == "approved"


def _reference_upload(world, person_id: int, who: dict, face: str):  # noqa: ANN001, ANN202
    return world.client.post(f"/api/v1/liveness/references/{person_id}", files={"image": ("ref.jpg", FakeFaceEngine.frame(face))},
                             data={"source": "staff_selfie", **STAFF_CONSENT}, headers=who)


def _active_references(world, person_id: int) -> list[tuple[str, str]]:  # noqa: ANN001
    world.session.expire_all()
    return [(r.status, r.source) for r in world.session.scalars(
        select(FaceReference).where(FaceReference.person_id == person_id, FaceReference.active.is_(True)).order_by(FaceReference.id))]


def test_one_staff_member_alone_never_replaces_a_confirmed_reference(world) -> None:
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    colleague = staff_headers(world.session, "cw_yuzhong_2", "caseworker", "500103")
    world.session.commit()
    world.submit(application_body())
    her = world.session.scalars(select(Person).where(Person.name == "张秀英")).one()
    assert _reference_upload(world, her.id, world.caseworker, "zhang").status_code == 201  # the first counts at once
    # A second upload (an accomplice's face) waits; her confirmed face stays the one every check uses.
    assert _reference_upload(world, her.id, world.caseworker, "accomplice").status_code == 201
    assert _active_references(world, her.id) == [("confirmed", "staff_selfie"), ("pending", "staff_selfie")]
    own = world.client.post(f"/api/v1/liveness/references/{her.id}/confirm", json={"reason": "入户核实"}, headers=world.caseworker)
    assert own.status_code == 403 and own.json()["error"]["code"] == "same_person"
    pending = world.client.get("/api/v1/liveness/references/pending", headers=colleague).json()
    assert [p["person_name"] for p in pending] == ["张秀英"] and pending[0]["helper_kind"] == "工作人员，替换原照片"
    done = world.client.post(f"/api/v1/liveness/references/{her.id}/confirm", json={"reason": "入户核实，与户籍照片比对一致"},
                             headers=colleague)
    assert done.status_code == 200, done.text
    assert _active_references(world, her.id) == [("confirmed", "staff_selfie")]  # the new one, alone


def test_a_staff_member_related_to_her_does_not_register_her_face_or_certify_her(world) -> None:
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    number = world.submit(application_body())["number"]
    her = _relate(world, "cw_yuzhong", "张秀英", "女儿")
    refused = _reference_upload(world, her.id, world.caseworker, "accomplice")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "conflict_of_interest"
    assert _active_references(world, her.id) == []
    certify = world.client.post(f"/api/v1/liveness/applications/{number}/certifications/staff-assisted",
                                json={"person_id": her.id, "note": "上门核实，本人健在"}, headers=world.caseworker)
    assert certify.status_code == 403 and certify.json()["error"]["code"] == "conflict_of_interest"


def test_a_complaint_about_a_caseworker_is_handled_by_a_colleague(world, set_today) -> None:
    colleague = staff_headers(world.session, "cw_yuzhong_2", "caseworker", "500103")
    world.session.commit()
    set_today(date(2026, 9, 24))
    number = world.submit(application_body())["number"]
    set_today(date(2026, 9, 28))
    world.act(number, "accept", world.caseworker)
    complaint = Complaint(area_code="500103001", application_number=number, text="经办人拖着不办，还说我不符合", channel="chat")
    world.session.add(complaint)
    world.session.commit()
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/desk/complaint/{complaint.id}").text
    assert "请由其他同事办理" in page and 'id="take"' not in page
    for step, extra in (("take", {}), ("answer", {"text": "已核实，正在办理。"}), ("close", {})):
        resp = world.client.post(f"/staff/desk/complaint/{complaint.id}/{step}", data={"csrf_token": csrf, **extra})
        assert resp.status_code == 403 and "请由其他同事办理" in resp.text, (step, resp.status_code)
    csrf = sign_in(world.client, "cw_yuzhong_2")
    taken = world.client.post(f"/staff/desk/complaint/{complaint.id}/take", data={"csrf_token": csrf}, follow_redirects=False)
    assert taken.status_code == 303
    world.session.expire_all()
    assert world.session.get(Complaint, complaint.id).owner_id == _staff_id(world, "cw_yuzhong_2")
