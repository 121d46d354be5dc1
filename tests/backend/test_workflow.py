"""Every assistance type walked through its paths over the API, as the roles that own each step."""

from datetime import date

import pytest
from sqlalchemy import select

from backend.applications.catalog import get_catalog
from backend.applications.models import Application, Payment
from backend.core.workdays import get_calendar
from backend.monitoring.models import MonitoredPerson
from backend.regions.models import Area
from backend.staff.models import StaffRelation, StaffUser
from tests.backend.world import application_body, member

CAL = get_calendar()
VISIT = {"investigators": ["王芳", "刘洋"], "visited_on": "2026-09-29"}
CHECK = {"results": {"不动产": "无", "车辆": "无", "银行存款": "1200元"}}


def _app(world, number: str) -> Application:
    world.session.expire_all()
    return world.session.scalars(select(Application).where(Application.number == number)).one()


def walk(world, set_today, number: str, steps: list[tuple]) -> dict:
    """steps: (date, who, action, note, data, expected_status)"""
    body = None
    for day, who, action, note, data, expected in steps:
        set_today(day)
        body = world.act(number, action, getattr(world, who), note, **data)
        assert body["status"] == expected, f"{action} on {day}: {body['status']} != {expected}"
    return body


def test_dibao_from_submission_to_payment_across_mid_autumn_and_national_day(world, set_today) -> None:
    set_today(date(2026, 9, 24))
    app = world.submit()
    # 25–27 September is the Mid-Autumn holiday: three working days after the 24th is the 30th.
    assert app["status"] == "submitted" and app["step_due_date"] == "2026-09-30"
    n = app["number"]
    world.sign_all(n)
    walk(world, set_today, n, [
        (date(2026, 9, 28), "caseworker", "accept", None, {}, "accepted"),
        (date(2026, 9, 29), "caseworker", "start_investigation", None, {}, "investigating"),
        (date(2026, 9, 29), "caseworker", "record_home_visit", None, VISIT, "investigating"),
        (date(2026, 9, 30), "caseworker", "attach_economic_check", None, CHECK, "investigating"),
        (date(2026, 10, 8), "caseworker", "propose", None, {}, "publicizing"),
    ])
    stored = _app(world, n)
    # 重庆 region limit: 20 working days from acceptance; 1–7 October are holidays, 10 October is worked.
    assert stored.case_due_date == date(2026, 10, 30)
    assert stored.publicity_until == date(2026, 10, 15)
    set_today(date(2026, 10, 12))
    refused = world.act(n, "close_publicity", world.caseworker, expect=409)
    assert refused["error"]["code"] == "publicity_running"
    walk(world, set_today, n, [
        (date(2026, 10, 15), "caseworker", "close_publicity", None, {}, "reviewing"),
        (date(2026, 10, 20), "reviewer", "approve", None, {}, "approved"),
        (date(2026, 10, 21), "caseworker", "start_payment", None, {}, "paying"),
    ])
    stored = _app(world, n)
    assert stored.decision.monthly_amount == 470  # 770 − 300, one person
    assert "低于重庆市城市低保标准770元" in stored.decision.reasons
    assert stored.first_payment_month == "2026-11"  # paid from the month after the decision
    progress = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()
    assert [s["action"] for s in progress["steps"]] == [
        "submit", "accept", "start_investigation", "record_home_visit", "attach_economic_check", "propose",
        "close_publicity", "approve", "start_payment",
    ]
    assert "每月470元" in progress["summary"] and progress["next_step"] is None


def test_materials_are_returned_once_with_the_complete_list(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    missing = ["户口簿复印件", "近6个月银行流水"]
    world.act(n, "return", world.caseworker, "材料不全", missing=missing)
    progress = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()
    assert progress["status"] == "returned" and "户口簿复印件、近6个月银行流水" in progress["summary"]
    assert world.act(n, "return", world.caseworker, "无清单", missing=[], expect=409)["error"]["code"] == "wrong_status"
    world.act(n, "resubmit", world.applicant)
    again = world.act(n, "return", world.caseworker, "还缺", missing=["结婚证"], expect=409)
    assert again["error"]["code"] == "already_returned"
    assert world.act(n, "accept", world.caseworker)["status"] == "accepted"


def test_return_without_a_list_is_refused(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    assert world.act(n, "return", world.caseworker, "缺材料", missing=[], expect=409)["error"]["code"] == "missing_list_required"


def _to_publicity(world, set_today, n: str, start: date = date(2026, 11, 2)) -> None:
    world.sign_all(n)
    walk(world, set_today, n, [
        (start, "caseworker", "accept", None, {}, "accepted"),
        (start, "caseworker", "start_investigation", None, {}, "investigating"),
        (start, "caseworker", "record_home_visit", None, VISIT, "investigating"),
        (start, "caseworker", "attach_economic_check", None, CHECK, "investigating"),
        (start, "caseworker", "propose", None, {}, "publicizing"),
    ])


def test_an_objection_sends_the_case_back_to_investigation(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    _to_publicity(world, set_today, n)
    world.act(n, "record_objection", world.caseworker, "邻居反映其有出租房收入")
    assert world.act(n, "close_publicity", world.caseworker, expect=409)["error"]["code"] == "objection_open"
    assert world.act(n, "reinvestigate", world.caseworker)["status"] == "investigating"
    # The old visit no longer counts: a new one is needed before a new proposal.
    assert world.act(n, "propose", world.caseworker, expect=409)["error"]["code"] == "home_visit_missing"


def test_an_objection_can_go_to_democratic_review_after_the_publicity(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    _to_publicity(world, set_today, n)
    world.act(n, "record_objection", world.caseworker, "有人反映家里有车")
    set_today(date(2026, 11, 9))
    body = world.act(n, "democratic_review", world.caseworker, "民主评议：车辆为残疾人代步车，评议通过")
    assert body["status"] == "reviewing"


def test_rejection_has_written_reasons_and_the_applicant_is_monitored(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    _to_publicity(world, set_today, n)
    set_today(date(2026, 11, 9))
    world.act(n, "close_publicity", world.caseworker)
    assert world.act(n, "reject", world.reviewer, expect=409)["error"]["code"] == "reasons_required"
    world.act(n, "reject", world.reviewer, "家庭有两套住房，超过规定")
    app = _app(world, n)
    assert app.decision.outcome == "rejected" and app.decision.reasons == "家庭有两套住房，超过规定"
    monitored = world.session.scalars(select(MonitoredPerson).where(MonitoredPerson.person_id == app.applicant_person_id)).one()
    assert monitored.category == "申请未通过" and monitored.source_application_id == app.id
    summary = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()["summary"]
    assert "没有通过" in summary and "两套住房" in summary


def test_approval_against_the_assessment_needs_an_amount_and_a_reason(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    rich = application_body(members=[member("钱多多", phone="13800001111",
                                            incomes=[{"category": "工资性", "kind": "工资", "monthly_amount": 5000}])])
    n = world.submit(rich)["number"]
    _to_publicity(world, set_today, n)
    set_today(date(2026, 11, 9))
    world.act(n, "close_publicity", world.caseworker)
    assert world.act(n, "approve", world.reviewer, expect=409)["error"]["code"] == "not_eligible"
    assert world.act(n, "approve", world.reviewer, amount=300, expect=409)["error"]["code"] == "override_reason_required"
    world.act(n, "approve", world.reviewer, "单人保：重度残疾，按规定单独纳入", amount=300)
    assert _app(world, n).decision.monthly_amount == 300


@pytest.mark.parametrize("who", ["applicant", "caseworker"])
def test_withdrawal_from_any_open_step(world, set_today, who: str) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    world.act(n, "accept", world.caseworker)
    world.act(n, "start_investigation", world.caseworker)
    assert world.act(n, "withdraw", getattr(world, who), "不需要了")["status"] == "withdrawn"
    assert world.act(n, "accept", world.caseworker, expect=409)["error"]["code"] == "wrong_status"


def test_termination_of_a_paying_case_needs_reasons(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    _to_publicity(world, set_today, n)
    set_today(date(2026, 11, 9))
    world.act(n, "close_publicity", world.caseworker)
    world.act(n, "approve", world.reviewer)
    world.act(n, "start_payment", world.caseworker)
    assert world.act(n, "terminate", world.reviewer, expect=409)["error"]["code"] == "reasons_required"
    assert world.act(n, "terminate", world.caseworker, "收入超标", expect=403)["error"]["code"] == "wrong_role"
    assert world.act(n, "terminate", world.reviewer, "家庭成员就业，收入超过标准")["status"] == "terminated"


@pytest.mark.parametrize(
    ("data", "code"),
    [({"investigators": ["王芳"]}, "two_investigators_required"), ({"investigators": ["王芳", " 王芳 "]}, "two_investigators_required")],
)
def test_home_visit_needs_two_investigators(world, set_today, data: dict, code: str) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    world.act(n, "accept", world.caseworker)
    world.act(n, "start_investigation", world.caseworker)
    assert world.act(n, "record_home_visit", world.caseworker, **data, expect=409)["error"]["code"] == code


def test_propose_needs_the_economic_check(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    for action, data in (("accept", {}), ("start_investigation", {}), ("record_home_visit", VISIT)):
        world.act(n, action, world.caseworker, **data)
    assert world.act(n, "propose", world.caseworker, expect=409)["error"]["code"] == "economic_check_missing"


def test_roles_own_their_steps(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    assert world.act(n, "accept", world.applicant, expect=403)["error"]["code"] == "wrong_role"
    assert world.act(n, "withdraw", world.stranger, expect=404)["error"]["code"] == "application_not_found"
    assert world.act(n, "accept", world.reviewer, expect=403)["error"]["code"] == "wrong_role"
    assert world.act(n, "accept", world.other_caseworker, expect=404)["error"]["code"] == "application_not_found"
    assert world.act(n, "accept", world.admin, expect=403)["error"]["code"] == "wrong_role"
    assert world.act(n, "fly_to_the_moon", world.caseworker, expect=409)["error"]["code"] == "unknown_action"


def test_the_deadline_can_be_extended_once_to_45_working_days(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    world.act(n, "accept", world.caseworker)
    assert world.act(n, "extend", world.reviewer, expect=409)["error"]["code"] == "note_required"
    world.act(n, "extend", world.reviewer, "需要补充核对异地房产")
    assert _app(world, n).case_due_date == CAL.add_workdays(date(2026, 11, 2), 45)
    assert world.act(n, "extend", world.reviewer, "再延", expect=409)["error"]["code"] == "already_extended"


def _tekun_body(seq: int, phone: str = "13800001111") -> dict:
    # Deliberately changed (issue 20): a name has no digit ("孤老1" is refused now); one surname per seq.
    return application_body("特困", members=[member(f"{'赵钱孙李周吴郑王冯陈'[seq % 10]}孤老", born=date(1945, 1, 1), seq=100 + seq, phone=phone,
                                                    labour_ability="none")])


def test_tekun_investigation_has_15_working_days_and_the_county_spot_checks(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit(_tekun_body(1))["number"]
    world.act(n, "accept", world.caseworker)
    body = world.act(n, "start_investigation", world.caseworker)
    assert body["step_due_date"] == CAL.add_workdays(date(2026, 11, 2), 15).isoformat()
    world.sign_all(n)
    for action, data in (("record_home_visit", VISIT), ("attach_economic_check", CHECK), ("propose", {})):
        world.act(n, action, world.caseworker, **data)
    set_today(date(2026, 11, 9))
    body = world.act(n, "close_publicity", world.caseworker)
    assert body["spot_check_required"] is True  # the first 特困 case of the district is always checked
    assert body["step_due_date"] == CAL.add_workdays(date(2026, 11, 9), 15).isoformat()
    assert world.act(n, "approve", world.reviewer, expect=409)["error"]["code"] == "spot_check_required"
    world.act(n, "spot_check", world.reviewer, "县级入户核实，情况属实")
    world.act(n, "approve", world.reviewer)
    assert _app(world, n).decision.monthly_amount == 1001  # 重庆 特困 basic living standard


def test_at_least_30_percent_of_tekun_cases_are_spot_checked(world, set_today) -> None:
    selected = []
    for i in range(10):
        set_today(date(2026, 11, 2))
        n = world.submit(_tekun_body(i), key=f"tekun-case-{i:04d}")["number"]
        world.sign_all(n)
        for action, data in (("accept", {}), ("start_investigation", {}), ("record_home_visit", VISIT),
                             ("attach_economic_check", CHECK), ("propose", {})):
            world.act(n, action, world.caseworker, **data)
        set_today(date(2026, 11, 9))
        selected.append(world.act(n, "close_publicity", world.caseworker)["spot_check_required"])
        assert sum(selected) / len(selected) >= 0.3
    assert 3 <= sum(selected) <= 4


def test_emergency_help_is_paid_before_the_paperwork(world, set_today) -> None:
    set_today(date(2026, 11, 3))
    body = world.submit(application_body("临时救助", subtype="急难型"))
    n = body["number"]
    assert body["step_due_date"] == "2026-11-04"  # one working day
    assert world.act(n, "emergency_aid", world.caseworker, expect=409)["error"]["code"] == "amount_required"
    aided = world.act(n, "emergency_aid", world.caseworker, "火灾，先行救助", amount=1500)
    assert aided["status"] == "aided"
    app = _app(world, n)
    paid = world.session.scalars(select(Payment).where(Payment.application_id == app.id)).one()
    assert (paid.kind, paid.amount, paid.status, paid.paid_on) == ("advance", 1500, "paid", date(2026, 11, 3))
    assert app.decision is None  # the money went out before any decision paperwork
    set_today(date(2026, 11, 6))
    assert world.act(n, "complete_paperwork", world.caseworker, "已补齐户口簿和火灾证明")["status"] == "closed"
    assert _app(world, n).decision.monthly_amount == 1500


def test_expenditure_type_temporary_assistance_follows_the_full_procedure(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    n = world.submit(application_body("临时救助", subtype="支出型"))["number"]
    _to_publicity(world, set_today, n)
    set_today(date(2026, 11, 9))
    world.act(n, "close_publicity", world.caseworker)
    world.act(n, "approve", world.reviewer, "住院自付费用3万元", amount=2000)
    assert world.act(n, "pay_once", world.caseworker)["status"] == "paid"


def test_temporary_assistance_needs_its_kind(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    resp = world.client.post("/api/v1/applications", json=application_body("临时救助"),
                             headers={**world.applicant, "Idempotency-Key": "no-subtype-1"})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "subtype_required"


def test_conflict_of_interest_goes_to_the_county(world, set_today) -> None:
    from backend.people.service import find_by_id_number

    set_today(date(2026, 11, 2))
    body = application_body()
    staff = world.session.scalars(select(StaffUser).where(StaffUser.username == "cw_yuzhong")).one()
    from backend.people.service import find_or_register

    person = find_or_register(world.session, name="张秀英", id_number=body["members"][0]["id_number"])
    world.session.add(StaffRelation(staff_id=staff.id, person_id=person.id, relation="母亲"))
    world.session.flush()
    app = world.submit(body)
    assert app["conflict_of_interest"] is True
    assert find_by_id_number(world.session, body["members"][0]["id_number"]).id == person.id
    refused = world.act(app["number"], "accept", world.caseworker, expect=403)
    assert refused["error"]["code"] == "conflict_of_interest"
    assert world.act(app["number"], "accept", world.reviewer)["status"] == "accepted"


def test_xuzhou_variant_is_region_configuration(world, set_today) -> None:
    s = world.session
    s.add_all([
        Area(code="320300", name="徐州市", level="city", standards_region="徐州"),
        Area(code="320302", name="鼓楼区", level="district", parent_code="320300", standards_region="徐州"),
        Area(code="320302001", name="牌楼街道", level="street", parent_code="320302", standards_region="徐州"),
    ])
    s.flush()
    from tests.backend.world import staff_headers

    cw = staff_headers(s, "cw_xuzhou", "caseworker", "320302")
    set_today(date(2026, 11, 2))
    n = world.submit(application_body(area_code="320302001", members=[
        member("徐州人", area="320302", phone="13800001111")]))["number"]
    world.sign_all(n, cw)
    for action, data in (("accept", {}), ("start_investigation", {}), ("record_home_visit", VISIT),
                         ("attach_economic_check", CHECK), ("propose", {})):
        world.act(n, action, cw, **data)
    app = _app(world, n)
    assert app.case_due_date == CAL.add_workdays(date(2026, 11, 2), 7)
    assert app.publicity_until == CAL.add_workdays(date(2026, 11, 2), 5)


def test_code_asks_the_catalogue_for_statuses_by_flag() -> None:
    c = get_catalog()
    assert c.paying_statuses == {"paying"}
    assert {wf.initial_status for wf in c.workflows.values()} == {"submitted"}
    assert {k for wf in c.workflows.values() for k, s in wf.statuses.items() if s.publicity} == {"publicizing"}
