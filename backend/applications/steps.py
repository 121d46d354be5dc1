"""The workflow's named guards and effects: each a check or a consequence, written once.

`data/workflows.yaml` names them on its transitions; the engine (`workflow.py`) runs them. Effects write
the case's typed state (the procedure columns of Application and the tables behind `case_state`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.applications import case_state
from backend.applications.assessment import assess_application
from backend.applications.catalog import RegionRules, Workflow, WorkflowCatalog
from backend.applications.models import Application, ApplicationEvent, Decision, Payment
from backend.core import say
from backend.core.errors import AppError
from backend.core.workdays import WorkCalendar
from backend.monitoring.service import add_monitored


class StepRefused(AppError):
    status_code = 409
    code = "step_refused"


@dataclass
class StepInput:
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class StepContext:
    session: Session
    app: Application
    workflow: Workflow
    region: RegionRules
    step: StepInput
    actor_label: str
    today: date
    calendar: WorkCalendar
    catalog: WorkflowCatalog


# ---------------------------------------------------------------- guards


def _refuse(message: str, code: str = "step_refused") -> None:
    raise StepRefused(message, code=code)


def _amount(ctx: StepContext, key: str = "amount") -> Decimal | None:
    raw = ctx.step.data.get(key)
    if raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        _refuse("金额格式不对。", "bad_amount")
    return value


def g_first_return(ctx: StepContext) -> None:
    if (ctx.app.returns_count or 0) >= 1:
        _refuse("补正材料只能一次性告知，已经退回过一次；请受理后在调查中核实，或作出不予受理的决定。", "already_returned")


def g_missing_items(ctx: StepContext) -> None:
    items = ctx.step.data.get("missing")
    if not isinstance(items, list) or not [i for i in items if str(i).strip()]:
        _refuse("请把需要补充的材料一次性全部列出来（missing）。", "missing_list_required")


def g_two_investigators(ctx: StepContext) -> None:
    names = {str(n).strip() for n in ctx.step.data.get("investigators", []) if str(n).strip()}
    if len(names) < 2:
        _refuse("入户调查需要至少2名调查人员共同签字。", "two_investigators_required")


def g_check_results(ctx: StepContext) -> None:
    if not isinstance(ctx.step.data.get("results"), dict) or not ctx.step.data["results"]:
        _refuse("请附上信息核对结果（results）。", "check_results_required")


def g_home_visit_recorded(ctx: StepContext) -> None:
    if ctx.app.home_visit_on is None:
        _refuse("还没有入户调查记录。", "home_visit_missing")



def g_economic_check_recorded(ctx: StepContext) -> None:
    if not ctx.app.economic_check_results:
        _refuse("还没有家庭经济状况核对结果。", "economic_check_missing")


def g_note(ctx: StepContext) -> None:
    if not (ctx.step.note or "").strip():
        _refuse("请填写说明。", "note_required")


def g_suspension_proposed(ctx: StepContext) -> None:
    if case_state.open_suspension_proposal(ctx.session, ctx.app) is None:
        _refuse("这个案子没有待确认的暂停发放建议。", "no_suspension_proposal")


def g_reasons(ctx: StepContext) -> None:
    if not (ctx.step.note or "").strip():
        _refuse("请写明理由，会书面告知申请人。", "reasons_required")


def g_objection_is_open(ctx: StepContext) -> None:
    if case_state.open_objection(ctx.session, ctx.app) is None:
        _refuse("公示期间没有收到异议。", "no_objection")


def g_no_open_objection(ctx: StepContext) -> None:
    if case_state.open_objection(ctx.session, ctx.app) is not None:
        _refuse("公示中有异议，需要重新调查或组织民主评议。", "objection_open")


def g_publicity_over(ctx: StepContext) -> None:
    until = ctx.app.publicity_until
    if until and ctx.today < until:
        _refuse(f"公示要到{say.day(until)}才结束。", "publicity_running")


def g_spot_check_if_required(ctx: StepContext) -> None:
    if ctx.app.spot_check_required and ctx.app.spot_check_on is None:
        _refuse("这件申请被抽中由县级核查，请先完成抽查。", "spot_check_required")


def g_not_extended(ctx: StepContext) -> None:
    if ctx.app.extended:
        _refuse("办理时限只能延长一次。", "already_extended")
    if ctx.app.accepted_on is None:
        _refuse("还没有受理，不需要延期。", "not_accepted")


def g_amount(ctx: StepContext) -> None:
    value = _amount(ctx)
    if value is None or value <= 0:
        _refuse("请填写救助金额（amount）。", "amount_required")


def g_phase_out_months(ctx: StepContext) -> None:
    months = ctx.step.data.get("months")
    if not isinstance(months, int) or not 1 <= months <= 6:
        _refuse("渐退期最长6个月，请填写1到6之间的月数（months）。", "phase_out_months")
    amounts = ctx.step.data.get("amounts")
    if amounts is not None and (not isinstance(amounts, list) or len(amounts) != months):
        _refuse("每月金额（amounts）的个数要和月数一致。", "phase_out_amounts")


# The steps that put a case forward for decision: whoever took one of them does not decide it (四眼原则).
PROPOSING = ("propose", "close_publicity", "democratic_review")


def _took(ctx: StepContext, actions: tuple[str, ...]) -> bool:
    return ctx.session.scalar(select(ApplicationEvent.id).where(
        ApplicationEvent.application_id == ctx.app.id, ApplicationEvent.action.in_(actions),
        ApplicationEvent.actor == ctx.actor_label).limit(1)) is not None


def g_not_who_proposed(ctx: StepContext) -> None:
    """The person who proposed a case (or closed its 公示) does not check or decide it: in a flagged case,
    where the county takes every step, that means two different reviewers."""
    if ctx.actor_label.startswith("staff:") and _took(ctx, PROPOSING):
        _refuse("这件申请是您提出审批意见的，按规定要由另一位工作人员审核决定。", "same_person")


def g_second_person_if_flagged(ctx: StepContext) -> None:
    """急难 in a flagged case: the reviewer who gave the aid does not also close the paperwork."""
    if ctx.app.conflict_of_interest and ctx.actor_label.startswith("staff:") and _took(ctx, ("emergency_aid",)):
        _refuse("这件申请涉及工作人员近亲属，先行救助和补办手续要由两位不同的工作人员办理。", "same_person")


GUARDS: dict[str, Callable[[StepContext], None]] = {
    "not_who_proposed": g_not_who_proposed,
    "second_person_if_flagged": g_second_person_if_flagged,
    "phase_out_months": g_phase_out_months,
    "first_return": g_first_return,
    "missing_items": g_missing_items,
    "two_investigators": g_two_investigators,
    "check_results": g_check_results,
    "home_visit_recorded": g_home_visit_recorded,
    "economic_check_recorded": g_economic_check_recorded,
    "note": g_note,
    "suspension_proposed": g_suspension_proposed,
    "reasons": g_reasons,
    "objection_is_open": g_objection_is_open,
    "no_open_objection": g_no_open_objection,
    "publicity_over": g_publicity_over,
    "spot_check_if_required": g_spot_check_if_required,
    "not_extended": g_not_extended,
    "amount": g_amount,
}

# Guards that read only the case, never the step's input: with them the workbench tells, before anything
# is typed, whether an action can be taken now (and why not). authorization_signed is registered by wiring.
STATE_GUARDS = frozenset({
    "first_return", "home_visit_recorded", "economic_check_recorded", "objection_is_open", "no_open_objection",
    "publicity_over", "spot_check_if_required", "not_extended", "authorization_signed", "suspension_proposed",
    "not_who_proposed", "second_person_if_flagged",
})


# ---------------------------------------------------------------- effects


def case_limit(ctx: StepContext) -> int:
    return ctx.catalog.case_limit(ctx.region)


def e_start_case_clock(ctx: StepContext) -> None:
    ctx.app.accepted_on = ctx.today
    ctx.app.case_due_date = ctx.calendar.add_workdays(ctx.today, case_limit(ctx))


def e_extend_case_clock(ctx: StepContext) -> None:
    ctx.app.extended = True
    ctx.app.case_due_date = ctx.calendar.add_workdays(ctx.app.accepted_on, ctx.catalog.case_limits["extended_workdays"])


def e_count_return(ctx: StepContext) -> None:
    ctx.app.returns_count = (ctx.app.returns_count or 0) + 1
    ctx.app.missing_materials = [str(i).strip() for i in ctx.step.data["missing"] if str(i).strip()]


def e_home_visit_done(ctx: StepContext) -> None:
    visited_on = ctx.step.data.get("visited_on")
    ctx.app.home_visit_investigators = sorted({str(n).strip() for n in ctx.step.data["investigators"]})
    ctx.app.home_visit_on = date.fromisoformat(str(visited_on)) if visited_on else ctx.today
    ctx.app.home_visit_video = bool(ctx.step.data.get("video", False))


def e_economic_check_done(ctx: StepContext) -> None:
    ctx.app.economic_check_results = ctx.step.data["results"]


def e_restart_investigation(ctx: StepContext) -> None:
    app = ctx.app
    app.home_visit_on = app.home_visit_investigators = app.home_visit_video = None
    app.economic_check_results = None
    app.publicity_from = app.publicity_until = None


def e_open_publicity(ctx: StepContext) -> None:
    days = ctx.region.publicity_days.get(ctx.workflow.key, ctx.workflow.publicity_days or 7)
    if ctx.region.publicity_in_workdays:
        until = ctx.calendar.add_workdays(ctx.today, days)
    else:
        until = ctx.today + timedelta(days=days)
    ctx.app.publicity_from = ctx.today
    ctx.app.publicity_until = until
    amount = _amount(ctx)
    if amount is not None:
        ctx.app.proposed_amount = amount


def e_objection_open(ctx: StepContext) -> None:
    case_state.raise_objection(ctx.session, ctx.app, note=ctx.step.note, on=ctx.today)


def e_close_objection(ctx: StepContext) -> None:
    case_state.close_objection(ctx.session, ctx.app, on=ctx.today, democratic_review=ctx.step.note or None)


def e_select_spot_check(ctx: StepContext) -> None:
    """Keep the share of cases the county checks itself at or above the type's ratio, per district."""
    ratio = ctx.workflow.spot_check_ratio
    if not ratio:
        return
    same = (Application.district_code == ctx.app.district_code, Application.assistance_type == ctx.app.assistance_type)
    reviewed = ctx.session.scalar(
        select(func.count(func.distinct(ApplicationEvent.application_id)))
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(*same, ApplicationEvent.action.in_(("close_publicity", "democratic_review")))
    ) or 0
    selected = ctx.session.scalar(
        select(func.count()).select_from(Application).where(*same, Application.spot_check_required.is_(True))
    ) or 0
    if selected < math.ceil(ratio * (reviewed + 1)):
        ctx.app.spot_check_required = True


def e_spot_check_done(ctx: StepContext) -> None:
    ctx.app.spot_check_by, ctx.app.spot_check_on, ctx.app.spot_check_note = ctx.actor_label, ctx.today, ctx.step.note


def _decide(ctx: StepContext, outcome: str, amount: Decimal | None, reasons: str, assessment=None) -> None:  # noqa: ANN001
    decision = Decision(
        application_id=ctx.app.id, outcome=outcome, monthly_amount=amount, reasons=reasons,
        decided_by=ctx.actor_label, decided_on=ctx.today,
        per_capita_income=assessment.per_capita_income if assessment else None,
        standard_applied=assessment.standard if assessment else None,
        standard_source=assessment.standard_source if assessment else None,
    )
    ctx.session.add(decision)


def e_decide_approved(ctx: StepContext) -> None:
    assessment = assess_application(ctx.session, ctx.app, ctx.today)
    result = assessment.result(ctx.app.assistance_type)
    override = _amount(ctx)
    if override is not None:
        if override <= 0:
            _refuse("金额必须大于0。", "bad_amount")
        reasons = (ctx.step.note or "").strip()
        if (result is None or not result.eligible or result.monthly_amount != override) and not reasons:
            _refuse("批准金额与测算结果不同，请写明理由。", "override_reason_required")
        _decide(ctx, "approved", override, reasons or (result.reason if result else ""), assessment)
        return
    if result is None or not result.eligible or result.monthly_amount is None:
        why = result.reason if result else "没有这类救助的测算规则。"
        _refuse(f"按测算不符合条件：{why} 如确需批准，请填写金额和理由。", "not_eligible")
    _decide(ctx, "approved", result.monthly_amount, result.reason, assessment)


def e_decide_rejected(ctx: StepContext) -> None:
    _decide(ctx, "rejected", None, ctx.step.note or "")


def e_monitor_rejected(ctx: StepContext) -> None:
    add_monitored(ctx.session, person_id=ctx.app.applicant_person_id, household_id=ctx.app.household_id,
                  category="申请未通过", source_application_id=ctx.app.id, since=ctx.today, note=ctx.step.note)


def e_schedule_first_payment(ctx: StepContext) -> None:
    decision = ctx.session.scalars(select(Decision).where(Decision.application_id == ctx.app.id)).one()
    # Paid monthly by the payment run, starting the month after the decision.
    ctx.app.first_payment_month = case_state.next_month(decision.decided_on)


def e_record_advance_payment(ctx: StepContext) -> None:
    ctx.session.add(Payment(application_id=ctx.app.id, month=ctx.today.strftime("%Y-%m"), kind="advance",
                            amount=_amount(ctx), status="paid", paid_on=ctx.today))
    ctx.app.advance_amount = _amount(ctx)


def e_decide_approved_as_paid(ctx: StepContext) -> None:
    _decide(ctx, "approved", ctx.app.advance_amount, ctx.step.note or "先行救助，已补办手续。")


def e_record_one_off_payment(ctx: StepContext) -> None:
    decision = ctx.session.scalars(select(Decision).where(Decision.application_id == ctx.app.id)).one()
    ctx.session.add(Payment(application_id=ctx.app.id, month=ctx.today.strftime("%Y-%m"), kind="one_off",
                            amount=decision.monthly_amount, status="paid", paid_on=ctx.today))


def e_suspend_payments(ctx: StepContext) -> None:
    ctx.app.payments_suspended = True
    case_state.settle_suspension_proposals(ctx.session, ctx.app, on=ctx.today, decision="suspended")


def e_dismiss_suspension(ctx: StepContext) -> None:
    case_state.settle_suspension_proposals(ctx.session, ctx.app, on=ctx.today, decision="dismissed")


def e_resume_payments(ctx: StepContext) -> None:
    ctx.app.payments_suspended = False


def e_start_phase_out(ctx: StepContext) -> None:
    """渐退期: benefits continue for at most 6 months after income rose, then stop."""
    decision = ctx.session.scalars(select(Decision).where(Decision.application_id == ctx.app.id)).one()
    months = ctx.step.data["months"]
    amounts = ctx.step.data.get("amounts") or [str(decision.monthly_amount)] * months
    case_state.set_phase_out(ctx.session, ctx.app, from_month=case_state.next_month(ctx.today),
                             amounts=[Decimal(str(a)) for a in amounts])


def register_guard(name: str, guard: Callable[[StepContext], None]) -> None:
    """A guard owned by another package (e.g. authorizations' "everyone has signed"), registered at start-up
    by backend.wiring so that applications never imports the packages that build on it."""
    GUARDS[name] = guard


EFFECTS: dict[str, Callable[[StepContext], None]] = {
    "suspend_payments": e_suspend_payments,
    "resume_payments": e_resume_payments,
    "dismiss_suspension": e_dismiss_suspension,
    "start_phase_out": e_start_phase_out,
    "start_case_clock": e_start_case_clock,
    "extend_case_clock": e_extend_case_clock,
    "count_return": e_count_return,
    "home_visit_done": e_home_visit_done,
    "economic_check_done": e_economic_check_done,
    "restart_investigation": e_restart_investigation,
    "open_publicity": e_open_publicity,
    "objection_open": e_objection_open,
    "close_objection": e_close_objection,
    "select_spot_check": e_select_spot_check,
    "spot_check_done": e_spot_check_done,
    "decide_approved": e_decide_approved,
    "decide_rejected": e_decide_rejected,
    "monitor_rejected": e_monitor_rejected,
    "schedule_first_payment": e_schedule_first_payment,
    "record_advance_payment": e_record_advance_payment,
    "decide_approved_as_paid": e_decide_approved_as_paid,
    "record_one_off_payment": e_record_one_off_payment,
}

