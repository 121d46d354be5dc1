"""Applications API: submit, read, move through the workflow, progress, supervision, audit trail."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel

from backend.applications import member_ids, queue, service, supervision
from backend.applications.access import audit_list, audited_view, district_scope
from backend.applications.assessment import assess_application
from backend.applications.models import Application
from backend.applications.progress import ids_pending
from backend.applications.schemas import (
    ApplicationDetail, ApplicationIn, ApplicationSummary, AuditRow, CompletionRow, MemberIdIn, MemberOut, OverdueOut, PaymentOut,
    AssistanceType, ProgressOut, StepIn, TimelineEntry,
)
from backend.applications.supervision_schemas import (
    ApprovalRow, DayTypeCount, EscalationIn, EscalationOut, MonthCompletion,
)
from backend.applications.workflow import get_catalog
from backend.audit.service import entries_for
from backend.audit.service import record as audit
from backend.auth.actor import ActorDep, require_citizen, require_staff
from backend.core import clock, say
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
from backend.people.service import holds_phone
from backend.core.fields import ApplicationNumber, AreaCode, DbId, DbOffset, IdNumberText, Month, PersonName, ShortText
from backend.eligibility.schemas import AssessmentOut, assessment_out
from backend.households.models import HouseholdMember

router = APIRouter(prefix="/applications", tags=["申请 applications"])
supervision_router = APIRouter(prefix="/supervision", tags=["督办 supervision"])

ERRORS = {
    401: {"model": ErrorResponse, "description": "未验证身份"},
    403: {"model": ErrorResponse, "description": "无权办理（例如没有授权委托、非本辖区）"},
    404: {"model": ErrorResponse, "description": "申请不存在"},
    409: {"model": ErrorResponse, "description": "当前状态不能办理这一步"},
}


def _summary(app: Application) -> ApplicationSummary:
    status = get_catalog().for_application(app).statuses[app.status]
    return ApplicationSummary(
        number=app.number, assistance_type=app.assistance_type, subtype=app.subtype, status=app.status,
        status_label=status.label, applicant_name=app.applicant.name, area_code=app.area_code,
        district_code=app.district_code, submitted_on=app.submitted_on, step_due_date=app.step_due_date,
        step_due_day=say.day(app.step_due_date) if app.step_due_date else None, case_due_date=app.case_due_date, conflict_of_interest=app.conflict_of_interest,
        spot_check_required=app.spot_check_required,
    )


def _member(m: HouseholdMember) -> MemberOut:
    return MemberOut(person_id=m.person_id, name=m.person.name, relation=m.relation, id_masked=m.person.id_masked,
                     id_pending=m.person.id_pending, sex=m.person.sex, birth_date=m.person.birth_date)


def _detail(session, actor, app: Application) -> ApplicationDetail:  # noqa: ANN001
    members = [_member(m) for m in app.household.members]
    return ApplicationDetail(
        **_summary(app).model_dump(), channel=app.channel, filed_by=app.filed_by.split(" ")[0].split(":")[0],
        reason=app.reason, members=members, progress=service.case_state_out(session, app),
        available_actions=service.available_actions(session, actor, app),
    )


@router.post(
    "",
    response_model=ApplicationDetail,
    status_code=201,
    summary="提交救助申请（本人、帮办人或窗口代录）",
    description="必须带 `Idempotency-Key`：同一个键重复提交只会生成一份申请（返回200和原申请）。",
    responses={**ERRORS, 422: {"model": ErrorResponse, "description": "身份证号码校验位不对等"}},
)
def submit_application(
    body: ApplicationIn,
    session: SessionDep,
    actor: ActorDep,
    response: Response,
    idempotency_key: Annotated[ShortText(80, min_length=8), Header(examples=["chat-7f3a9c2e-1"])],
) -> ApplicationDetail:
    app, created = service.submit(session, actor, body, idempotency_key)
    if not created:
        response.status_code = 200
    return _detail(session, actor, app)


@router.get("", response_model=list[ApplicationSummary], summary="本辖区的申请（工作人员）", responses=ERRORS)
def list_applications(
    session: SessionDep,
    actor: ActorDep,
    status: Annotated[ShortText(24) | None, Query(examples=["submitted"])] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[DbOffset, Query()] = 0,
) -> list[ApplicationSummary]:
    require_staff(actor)
    apps = queue.find(session, queue.CaseQuery(district_code=district_scope(actor), status=status),
                      today=clock.today(), limit=limit, offset=offset)
    rows = [_summary(a) for a in apps]
    audit_list(session, actor, "application.list", [r.number for r in rows])
    return rows


class OpenCheckIn(BaseModel):
    name: PersonName
    id_number: IdNumberText
    assistance_type: AssistanceType


@router.post("/open-check", status_code=204, summary="提交之前：本人是否已经有一件同类的申请在办（本人或受托帮办人）",
             responses={**ERRORS, 409: {"model": ErrorResponse, "description": "application_already_open，和提交时一样的话"}})
def open_check(body: OpenCheckIn, session: SessionDep, actor: ActorDep) -> Response:
    require_citizen(actor)
    service.check_none_open(session, actor, name=body.name, id_number=body.id_number, kind=body.assistance_type)
    return Response(status_code=204)


@router.get("/mine", response_model=list[ApplicationSummary], summary="我的申请和我帮办的申请（群众）", responses=ERRORS)
def my_applications(session: SessionDep, actor: ActorDep) -> list[ApplicationSummary]:
    require_citizen(actor)
    # Whose ID number is still to come (身份证号待补): the chat finds the member a number found later is for.
    rows = [_summary(a).model_copy(update={"own": holds_phone(a.applicant, actor.phone_hash),
                                           "ids_pending": ids_pending(a)})
            for a in service.visible_to_citizen(session, actor)]
    audit_list(session, actor, "application.list_mine", [r.number for r in rows])
    return rows


@router.get("/{number}/payments", response_model=list[PaymentOut], summary="发放记录", responses=ERRORS)
def get_payments(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> list[PaymentOut]:
    app = service.get_by_number(session, number)
    audited_view(session, actor, app, "application.read_payments")
    return [PaymentOut(month=p.month, kind=p.kind, amount=p.amount, status=p.status, paid_on=p.paid_on,
                       month_said=say.month(p.month), amount_said=say.yuan(p.amount),
                       paid_on_said=say.day(p.paid_on) if p.paid_on else None)
            for p in service.payments(session, app)]


@router.get("/{number}", response_model=ApplicationDetail, summary="申请详情", responses=ERRORS)
def get_application(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> ApplicationDetail:
    app = service.get_by_number(session, number)
    audited_view(session, actor, app, "application.read")
    return _detail(session, actor, app)


@router.post("/{number}/members/{person_id}/id-number", response_model=MemberOut,
             summary="补家庭成员的身份证号（申请时身份证号待补的成员；申请人、受托帮办人或本辖区工作人员）",
             responses={**ERRORS, 422: {"model": ErrorResponse, "description": "号码校验位不对、姓名和号码对不上、已在这户里"}})
def add_member_id(number: ApplicationNumber, person_id: DbId, body: MemberIdIn, session: SessionDep,
                  actor: ActorDep) -> MemberOut:
    """Checked by its check digit, kept encrypted with a masked copy, audited (application.add_member_id); the member
    may then sign the 核对授权书."""
    return _member(member_ids.add_member_id(session, actor, number, person_id, body.id_number, relation=body.relation))


@router.post("/{number}/actions/{action}", response_model=ApplicationDetail, summary="办理一步（受理、调查、公示、审核……）",
             responses=ERRORS)
def take_action(number: ApplicationNumber, action: ShortText(32), body: StepIn, session: SessionDep,
                actor: ActorDep) -> ApplicationDetail:
    app = service.get_by_number(session, number)
    service.act(session, actor, app, action, body)
    session.refresh(app)
    return _detail(session, actor, app)


@router.get("/{number}/progress", response_model=ProgressOut, summary="进度查询（申请人、帮办人、工作人员）", responses=ERRORS)
def get_progress(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> ProgressOut:
    app = service.get_by_number(session, number)
    audited_view(session, actor, app, "application.progress")
    # Her grandson is told "周桂英的低保申请", not "您的" (a tester filing for his grandmother was).
    mine = actor.kind == "citizen" and holds_phone(app.applicant, actor.phone_hash)
    return service.progress(app, "您的" if mine else f"{app.applicant.name}的")


@router.get("/{number}/timeline", response_model=list[TimelineEntry], summary="办理记录", responses=ERRORS)
def get_timeline(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> list[TimelineEntry]:
    app = service.get_by_number(session, number)
    audited_view(session, actor, app, "application.read_timeline")
    return service.timeline(app)


@router.get("/{number}/assessment", response_model=AssessmentOut, summary="按申报信息测算（工作人员）", responses=ERRORS)
def get_assessment(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> AssessmentOut:
    require_staff(actor)
    app = service.get_by_number(session, number)
    audited_view(session, actor, app, "application.read_assessment")
    return assessment_out(assess_application(session, app, clock.today()))


@router.get("/{number}/audit", response_model=list[AuditRow], summary="审计记录（管理员）", responses=ERRORS)
def get_audit_trail(number: ApplicationNumber, session: SessionDep, actor: ActorDep) -> list[AuditRow]:
    require_staff(actor, "admin")
    app = service.get_by_number(session, number)
    rows = entries_for(session, entity_type="application", entity_id=app.number)
    audit(session, actor=actor.label, channel=actor.channel, action="audit.read", entity_type="application",
          entity_id=app.number, detail={})
    return [AuditRow(seq=r.seq, at=r.at.isoformat(), actor=r.actor, channel=r.channel, action=r.action, detail=r.detail)
            for r in rows]


@supervision_router.get("/overdue", response_model=OverdueOut, summary="超时督办：逾期未办的申请", responses=ERRORS)
def get_overdue(
    session: SessionDep,
    actor: ActorDep,
    district_code: Annotated[AreaCode | None, Query(examples=["500103"])] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[DbOffset, Query()] = 0,
) -> OverdueOut:
    return supervision.overdue(session, today=clock.today(),
                               district_code=supervision.supervised_district(actor, district_code),
                               limit=limit, offset=offset)


@supervision_router.get("/completion", response_model=list[CompletionRow], summary="平均办结时长（工作日），按区县",
                        responses=ERRORS)
def get_completion(
    session: SessionDep,
    actor: ActorDep,
    # Years 1900-2099 only: "0000-01" passed the old pattern and date(0, 1, 1) was a 500.
    month: Annotated[Month, Query(examples=["2026-11"])],
) -> list[CompletionRow]:
    return supervision.completion(session, month=month, district_code=supervision.supervised_district(actor))



@supervision_router.post("/escalations", response_model=EscalationOut, status_code=201,
                         summary="督办一件超时的申请（区县审核人、管理员）：记入办理记录和审计", responses=ERRORS)
def post_escalation(session: SessionDep, actor: ActorDep, body: EscalationIn) -> EscalationOut:
    supervision.require_supervisor(actor)
    app = service.get_by_number(session, body.number)
    return supervision.escalate(session, actor, app, body.note, today=clock.today())


@supervision_router.get("/completion-by-month", response_model=list[MonthCompletion], responses=ERRORS,
                        summary="平均办结时长（工作日），按区县和月份：截至某月的最近几个月")
def get_completion_by_month(
    session: SessionDep,
    actor: ActorDep,
    last: Annotated[Month, Query(examples=["2026-11"])],
    months: Annotated[int, Query(ge=1, le=24)] = 6,
    district_code: Annotated[AreaCode | None, Query(examples=["500103"])] = None,
) -> list[MonthCompletion]:
    return supervision.completion_by_month(session, months=supervision.months_back(last, months),
                                           district_code=supervision.supervised_district(actor, district_code))


@supervision_router.get("/applications-per-day", response_model=list[DayTypeCount], responses=ERRORS,
                        summary="每天的申请数，按救助类型（默认本月；最长一年）")
def get_applications_per_day(
    session: SessionDep,
    actor: ActorDep,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    district_code: Annotated[AreaCode | None, Query(examples=["500103"])] = None,
) -> list[DayTypeCount]:
    district = supervision.supervised_district(actor, district_code)
    first, last = supervision.day_range(clock.today(), start, end)
    return supervision.submitted_per_day(session, start=first, end=last, district_code=district)


@supervision_router.get("/approval-rate", response_model=list[ApprovalRow], responses=ERRORS,
                        summary="批准率：这段时间审核确认的申请，按救助类型（默认本月）")
def get_approval_rate(
    session: SessionDep,
    actor: ActorDep,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    district_code: Annotated[AreaCode | None, Query(examples=["500103"])] = None,
) -> list[ApprovalRow]:
    district = supervision.supervised_district(actor, district_code)
    first, last = supervision.day_range(clock.today(), start, end)
    return supervision.approval_rate(session, start=first, end=last, district_code=district)
