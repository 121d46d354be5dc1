"""Submitting applications (idempotent, all or nothing), moving them through the workflow, progress."""

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.applications import case_state, change_requests
from backend.applications.access import OWN_YES, require_own_yes, workflow_roles
from backend.applications.labour import labour_ability
from backend.applications.models import Application, ApplicationEvent, Payment
from backend.delegations.repository import active_delegation, active_delegations
from backend.delegations.models import Delegation
from backend.delegations.service import correct_helper_name, correct_own_name
from backend.applications.schemas import (
    DEFAULT_SUBTYPES, RELATION_UNSAID, ApplicationIn, CaseStateOut, DecisionOut, StepIn, SuspensionProposalOut,
)
from backend.applications.progress import progress, timeline  # noqa: F401  (the router reads them here)
from backend.applications.workflow import StepInput, WorkflowEngine, get_catalog
from backend.auth.actor import Actor
from backend.core.errors import AppError, Conflict, Forbidden, NotFound
from backend.core.templates import render_text
from backend.eligibility.hukou import is_rural
from backend.notifications.service import notify_phone
from backend.households.models import Asset, Deduction, Household, HouseholdMember, IncomeItem, Obligor, said_birth_date
from backend.people.models import Person
from backend.people.service import bind_phone, find_named, find_or_register, holds_phone, register_without_id
from backend.core.phones import checked_phone
from backend.regions.service import ensure_area, office_for
from backend.staff.models import StaffRelation, StaffUser


class BadArea(AppError):
    status_code = 422
    code = "unknown_area"
    message = "没有找到这个街道（乡镇），请重新选择。"


class AreaNotServed(AppError):
    status_code = 422
    code = "area_not_served"
    message = "这个地方的线上申请还没有开通，请到当地街道（乡镇）窗口申请，或者拨打12345问一问。"


def _request_hash(body: ApplicationIn) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def _scoped_key(actor: Actor, key: str) -> str:
    # Keys are per caller: two people choosing the same key never see each other's application.
    return hashlib.sha256(f"{actor.label}\0{key}".encode()).hexdigest()


def get_by_number(session: Session, number: str) -> Application:
    app = session.scalars(select(Application).where(Application.number == number)).first()
    if app is None:
        raise NotFound(f"没有找到编号为{number}的申请，请核对编号。", code="application_not_found")
    return app


def submit(session: Session, actor: Actor, body: ApplicationIn, idempotency_key: str, *, today: date | None = None) -> tuple[Application, bool]:
    """Returns (application, created). The same key with the same content returns the first application."""
    key = _scoped_key(actor, idempotency_key)
    request_hash = _request_hash(body)
    existing = session.scalars(select(Application).where(Application.idempotency_key == key)).first()
    if existing is not None:
        return _same_or_conflict(existing, request_hash), False
    try:
        with session.begin_nested():
            app = _create(session, actor, body, key, request_hash, today)
    except IntegrityError:
        # A concurrent retry with the same key won the race.
        existing = session.scalars(select(Application).where(Application.idempotency_key == key)).first()
        if existing is None:
            raise
        return _same_or_conflict(existing, request_hash), False
    return app, True


def _same_or_conflict(existing: Application, request_hash: str) -> Application:
    if existing.request_hash != request_hash:
        raise Conflict("这个提交编号已经用于另一份申请，内容不一样。请刷新后重新提交。", code="idempotency_key_reused")
    return existing


def _create(session: Session, actor: Actor, body: ApplicationIn, key: str, request_hash: str, today: date | None) -> Application:
    engine = WorkflowEngine(session, today=today)
    if body.assistance_type == "临时救助" and body.subtype is None:
        raise AppError("临时救助请选择急难型还是支出型。", code="subtype_required")
    engine.catalog.get(body.assistance_type, body.subtype)  # refuses types not offered online
    area = ensure_area(session, body.area_code)
    if area is None or area.level != "street" or area.parent_code is None:
        raise BadArea()
    if not area.standards_region:
        raise AreaNotServed()

    correct_own_name(session, actor, name=body.members[0].name, id_number=body.members[0].id_number)  # her own typo
    persons = []
    for i, m in enumerate(body.members):
        who = "申请人" if i == 0 else f"第{i + 1}位家庭成员（{m.name}）"
        # 身份证号待补: in the household all the same (size, income per head), known by name until the number comes.
        persons.append(register_without_id(session, name=m.name) if m.id_pending
                       else find_or_register(session, name=m.name, id_number=m.id_number, who=f"{who}的"))
    applicant = persons[0]
    if len({p.id for p in persons}) < len(persons):
        raise AppError("同一个身份证号在家庭成员里填了两次，请核对每个人的号码。", code="duplicate_member")

    filed_by, delegation_id = _filer(session, actor, applicant, body.members[0].phone, area.parent_code)
    if delegation_id is not None and body.helper_name:
        correct_helper_name(session, actor, session.get(Delegation, delegation_id), body.helper_name)  # her own typo
    none_open(session, persons, body.assistance_type, body.subtype)

    household = Household(area_code=area.code, address=body.address, is_rural=is_rural(body.hukou, body.is_rural))
    session.add(household)
    session.flush()
    for i, (m, person) in enumerate(zip(body.members, persons, strict=True)):
        said_year = m.birth_year_said(engine.today)
        # Not declared: derived (from the year said while the ID number is to come), and marked so.
        ability, basis = labour_ability(m, person.birth_date or said_birth_date(said_year), engine.today, age_said=m.id_pending)
        member = HouseholdMember(
            household_id=household.id, person_id=person.id, relation=m.relation or RELATION_UNSAID, is_applicant=i == 0,
            birth_year_said=said_year,
            labour_ability=ability, labour_ability_basis=basis, disability_grade=m.disability_grade,
            disability_kind=m.disability_kind, serious_illness=m.serious_illness, self_care_lost=m.self_care_lost,
            counted=m.counted, excluded_reason=m.excluded_reason, health_said=m.health_said,
        )
        session.add(member)
        session.flush()
        session.add_all(IncomeItem(member_id=member.id, category=x.category, kind=x.kind, monthly_amount=x.monthly_amount) for x in m.incomes)
        session.add_all(Deduction(member_id=member.id, kind=x.kind, monthly_amount=x.monthly_amount) for x in m.deductions)
    session.add_all(Asset(household_id=household.id, kind=a.kind, value=a.value, note=a.note) for a in body.assets)
    for o in body.obligors:
        person = find_or_register(session, name=o.name, id_number=o.id_number, who=f"义务人（{o.name}）的")
        session.add(Obligor(household_id=household.id, person_id=person.id, relation=o.relation, able_to_support=o.able_to_support))

    conflict = session.scalar(
        select(StaffRelation.id)
        .join(StaffUser, StaffUser.id == StaffRelation.staff_id)
        .where(StaffRelation.person_id.in_([p.id for p in persons]), StaffUser.district_code == area.parent_code)
        .limit(1)
    ) is not None

    app = Application(
        assistance_type=body.assistance_type, subtype=body.subtype, household_id=household.id,
        applicant_person_id=applicant.id, area_code=area.code, district_code=area.parent_code,
        region=area.standards_region, channel=body.channel if actor.kind != "staff" else "counter",
        filed_by=filed_by, delegation_id=delegation_id, reason=body.reason, not_asked=body.not_asked,
        status=engine.catalog.get(body.assistance_type, body.subtype).initial_status,
        submitted_on=engine.today, conflict_of_interest=conflict, idempotency_key=key, request_hash=request_hash,
    )
    session.add(app)
    session.flush()
    app.number = f"JZ{engine.today:%Y%m%d}{app.id:06d}"
    engine.submit(app, actor_label=actor.label, channel=app.channel)
    alert_phone = office_for(area.code).alert_phone if app.subtype == "急难型" else None
    if alert_phone:
        # 急难: the street office's duty phone hears about it at once, not at the next list check.
        notify_phone(session, event="emergency_alert", phone=alert_phone, key=f"emergency:{app.id}",
                     text_context={"number": app.number, "street": area.name, "reason": (body.reason or "")[:30]})
    return app


class PhoneOnRecordDiffers(AppError):
    status_code = 409
    code = "phone_on_record_differs"


def _filer(session: Session, actor: Actor, applicant: Person, applicant_phone: str | None, district: str) -> tuple[str, int | None]:
    """Who files, and under which delegation. A phone becomes the applicant's only by proof: the signed-in
    phone for a person with none on record, or a caseworker at the counter who saw the person."""
    if actor.kind == "staff":
        if actor.role != "caseworker" or actor.district_code != district:
            raise Forbidden("只能由本辖区的街道（乡镇）工作人员代为录入申请。", code="other_district")
        if applicant.phone_hash is None and applicant_phone:
            bind_phone(applicant, applicant_phone)
        return actor.label, None
    if actor.kind != "citizen":
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    if holds_phone(applicant, actor.phone_hash):
        return actor.label, None
    delegation = active_delegation(session, principal_person_id=applicant.id, helper_phone_hash=actor.phone_hash or "",
                                   scope="apply")
    if delegation is not None:
        return f"{actor.label} 代 {applicant.id}", delegation.id
    claims_self = bool(applicant_phone) and actor.holds(checked_phone(applicant_phone))
    if claims_self and applicant.phone_hash is None:
        bind_phone(applicant, applicant_phone)
        return actor.label, None
    if claims_self:
        raise PhoneOnRecordDiffers(
            render_text("applications/phone_on_record_differs.txt.j2", masked=applicant.phone_masked),
            details={"phone_masked": applicant.phone_masked,
                     "options": ["code_to_phone_on_record", "change_phone", "helper", "street_office"]},
        )
    raise Forbidden(
        "替别人申请需要先取得本人授权（授权委托书）。可以让本人收一条验证码来授权，或到社区办理书面授权。",
        code="no_delegation",
    )


class EmergencyAlreadyOpen(AppError):
    status_code = 409
    code = "emergency_already_open"


class AlreadyOpen(AppError):
    status_code = 409
    code = "application_already_open"


def still_open(app: Application) -> bool:
    """Open, or paid monthly now (正在享受): either way a second case of its type would pay twice."""
    status = get_catalog().for_application(app).statuses[app.status]
    return status.open or status.pays


def _where_it_is(app: Application) -> str:
    return "正在享受" if get_catalog().for_application(app).statuses[app.status].pays else "正在办理"


def check_none_open(session: Session, actor: Actor, *, name: str, id_number: str, kind: str) -> None:
    """Before the form goes on: does this person already have an open (or paying) case of this type? Asked as the
    submission would be (AlreadyOpen, the same words), but only by the person herself or a helper holding her
    delegation to apply; anyone else learns nothing here (the submission still refuses)."""
    correct_own_name(session, actor, name=name, id_number=id_number)
    person = find_named(session, name=name, id_number=id_number, who="申请人的")
    if person is None or actor.kind != "citizen":
        return
    mine = holds_phone(person, actor.phone_hash)
    if not mine and active_delegation(session, principal_person_id=person.id, helper_phone_hash=actor.phone_hash or "",
                                      scope="apply") is None:
        return
    none_open(session, [person], kind, DEFAULT_SUBTYPES.get(kind))


def none_open(session: Session, persons: list[Person], kind: str, subtype: str | None) -> None:
    """One open case of a type (and subtype) per person: a second 低保 for the same household would be assessed,
    and paid, twice. The applicant's own open case is named (she may ask its progress); a member already in
    another household's open case is named by the member only (that case is someone else's)."""
    ids = [p.id for p in persons]
    rows = session.execute(
        select(Application, HouseholdMember.person_id)
        .join(HouseholdMember, HouseholdMember.household_id == Application.household_id)
        .where(HouseholdMember.person_id.in_(ids), Application.assistance_type == kind,
               Application.subtype.is_(None) if subtype is None else Application.subtype == subtype)
        .order_by(Application.id)
    ).all()
    open_rows = [(app, pid) for app, pid in rows if still_open(app)]
    if not open_rows:
        return
    label = f"{kind}（{subtype}）" if subtype and subtype != "急难型" else kind
    own = next((app for app, _ in open_rows if app.applicant_person_id == persons[0].id), None)
    if subtype == "急难型" and own is not None:
        duty = office_for(own.area_code).alert_phone
        # Only a number that is on file is named (a tester was sent to "值班电话" the chat had said it did not have).
        then = f"请直接打街道（乡镇）值班电话{duty}，或拨打110、120。" if duty else "有危险请拨打110、120；着急可以说“找工作人员”。"
        raise EmergencyAlreadyOpen(
            f"您已经有一件急难救助正在办理（编号{own.number}），工作人员会尽快联系您。情况更急了，{then}",
            details={"number": own.number},
        )
    if own is not None:
        raise AlreadyOpen(
            f"{persons[0].name}已经有一件{label}申请{_where_it_is(own)}（编号{own.number}），不用再交一次。"
            "想看办到哪一步了，说“查进度”；要改内容，说“改申请”。",
            details={"number": own.number},
        )
    names = "、".join(dict.fromkeys(p.name for p in persons if p.id in {pid for _, pid in open_rows}))
    raise AlreadyOpen(
        f"{names}已经在另一户{_where_it_is(open_rows[0][0])}的{label}申请里了，同一个人不能同时在两件申请里。"
        "如果家里情况变了（比如分户），请联系街道（乡镇）工作人员，说“转人工”就行。",
        details={"number": None},
    )


def payments(session: Session, app: Application) -> list[Payment]:
    return list(session.scalars(
        select(Payment).where(Payment.application_id == app.id).order_by(Payment.month.desc(), Payment.id.desc())))


def visible_to_citizen(session: Session, actor: Actor) -> list[Application]:
    """The caller's own applications and those of people who delegated "query" to them."""
    own = select(Person.id).where(Person.phone_hash == actor.phone_hash)
    principals = [d.principal_person_id for d in active_delegations(session, scope="query", helper_phone_hash=actor.phone_hash or "")]
    return list(session.scalars(
        select(Application).where(Application.applicant_person_id.in_(own) | Application.applicant_person_id.in_(principals))
        .order_by(Application.id.desc()).limit(20)
    ))


def act(session: Session, actor: Actor, app: Application, action: str, step: StepIn, *, today: date | None = None) -> ApplicationEvent:
    roles = workflow_roles(session, actor, app)
    step = change_requests.prepared(session, actor, app, action, step)  # only on the case it is meant for
    agreed = require_own_yes(session, actor, app, action)
    engine = WorkflowEngine(session, today=today)
    event = engine.apply(app, action, roles=roles, actor_label=actor.label, channel=actor.channel,
                         step=StepInput(note=step.note, data=step.data))
    if agreed is not None:
        # Her yes was to this withdrawal, not to any later one: spent.
        agreed.scope = sorted(set(agreed.scope) - {OWN_YES[action]})
    return event


def available_actions(session: Session, actor: Actor, app: Application) -> list[str]:
    try:
        roles = workflow_roles(session, actor, app)
    except (Forbidden, NotFound):
        return []
    return WorkflowEngine(session).available_actions(app, roles)


def case_state_out(session: Session, app: Application) -> CaseStateOut:
    decision = app.decision
    proposal = case_state.open_suspension_proposal(session, app)
    return CaseStateOut(
        returns=app.returns_count or 0, missing=app.missing_materials or [], home_visit_on=app.home_visit_on,
        home_visit_investigators=app.home_visit_investigators or [],
        economic_check_recorded=bool(app.economic_check_results),
        economic_check_available=case_state.has_economic_check_report(session, app),
        publicity_from=app.publicity_from, publicity_until=app.publicity_until, proposed_amount=app.proposed_amount,
        objection_open=case_state.open_objection(session, app) is not None, spot_check_on=app.spot_check_on,
        decision=DecisionOut(outcome=decision.outcome, amount=decision.monthly_amount, decided_on=decision.decided_on)
        if decision else None,
        first_payment_month=app.first_payment_month, advance_amount=app.advance_amount,
        phase_out=case_state.payment_plan(session, app).phase_out,
        suspension_proposal=SuspensionProposalOut(proposed_on=proposal.proposed_on, reason=proposal.reason,
                                                  due_on=proposal.due_on) if proposal else None,
    )
