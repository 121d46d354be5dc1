"""One workflow engine for every assistance type, driven by `data/workflows.yaml`.

The data says which statuses exist, who owns each step, its time limit, and which actions move a
case from where to where. The engine checks the actor's role, the current status and the named guards,
applies the named effects, sets the due dates on the official working-day calendar, writes the
timeline and the audit log. No handler branches on a status.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.applications.assessment import assess_application
from backend.applications.models import Application, ApplicationEvent, Decision, Payment
from backend.audit.service import record as audit
from backend.core import clock
from backend.core.errors import AppError, Conflict, Forbidden
from backend.core.workdays import WorkCalendar, get_calendar
from backend.authorizations.service import require_all_signed
from backend.monitoring.service import add_monitored
from backend.applications.notices import notify_step

DATA_FILE = Path(__file__).with_name("data") / "workflows.yaml"


class StepRefused(AppError):
    status_code = 409
    code = "step_refused"


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    owner: str | None
    due_workdays: int | None
    final: bool
    open: bool


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays, only the procedure's state changes
    roles: tuple[str, ...]
    guards: tuple[str, ...]
    effects: tuple[str, ...]


@dataclass(frozen=True)
class Workflow:
    key: str
    statuses: dict[str, Status]
    transitions: dict[str, Transition]
    publicity_days: int | None
    spot_check_ratio: float | None

    @property
    def open_statuses(self) -> frozenset[str]:
        return frozenset(k for k, s in self.statuses.items() if s.open)


@dataclass(frozen=True)
class RegionRules:
    case_limit_workdays: int | None = None
    publicity_in_workdays: bool = False
    publicity_days: dict[str, int] = field(default_factory=dict)
    review_delegated: bool = False


class WorkflowCatalog:
    def __init__(self, raw: dict[str, Any]):
        self.case_limits = raw["case_limits"]
        self.action_labels: dict[str, str] = raw.get("action_labels", {})
        self.owner_labels: dict[str, str] = raw.get("owner_labels", {})
        self.notices: dict[str, str | None] = raw.get("notices", {})
        self.workflows: dict[str, Workflow] = {}
        for key, spec in raw["types"].items():
            statuses = {
                name: Status(
                    key=name, label=s["label"], owner=s.get("owner"), due_workdays=s.get("due_workdays"),
                    final=bool(s.get("final", False)), open=bool(s.get("open", not s.get("final", False))),
                )
                for name, s in spec["statuses"].items()
            }
            open_set = {k for k, s in statuses.items() if s.open}
            transitions = {}
            for t in spec["transitions"]:
                sources: set[str] = set()
                for src in t["from"] if isinstance(t["from"], list) else [t["from"]]:
                    sources |= open_set if src == "open" else {src}
                roles = t["role"] if isinstance(t["role"], list) else [t["role"]]
                transitions[t["action"]] = Transition(
                    action=t["action"], sources=frozenset(sources), target=t.get("to"), roles=tuple(roles),
                    guards=tuple(t.get("guards", [])), effects=tuple(t.get("effects", [])),
                )
            for t in transitions.values():
                unknown = ({t.target} - {None} | t.sources) - set(statuses)
                if unknown:
                    raise ValueError(f"workflow {key}: action {t.action} names unknown statuses {unknown}")
                missing = (set(t.guards) - set(GUARDS)) | (set(t.effects) - set(EFFECTS))
                if missing:
                    raise ValueError(f"workflow {key}: action {t.action} names unknown guards/effects {missing}")
            self.workflows[key] = Workflow(
                key=key, statuses=statuses, transitions=transitions,
                publicity_days=spec.get("publicity_days"), spot_check_ratio=spec.get("spot_check_ratio"),
            )
        self.regions = {
            name: RegionRules(**{k: v for k, v in (r or {}).items()}) for name, r in (raw.get("regions") or {}).items()
        }

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> "WorkflowCatalog":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    @staticmethod
    def key_for(assistance_type: str, subtype: str | None) -> str:
        return f"{assistance_type}/{subtype}" if subtype else assistance_type

    def for_application(self, app: Application) -> Workflow:
        return self.get(app.assistance_type, app.subtype)

    def get(self, assistance_type: str, subtype: str | None) -> Workflow:
        key = self.key_for(assistance_type, subtype)
        if key not in self.workflows:
            raise Conflict(f"暂不支持在线办理“{key}”，请到街道（乡镇）社会救助窗口申请。", code="unsupported_type")
        return self.workflows[key]

    def region(self, name: str) -> RegionRules:
        return self.regions.get(name, RegionRules())


@lru_cache
def get_catalog() -> WorkflowCatalog:
    return WorkflowCatalog.from_file()


# ---------------------------------------------------------------- the engine


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

    @property
    def progress(self) -> dict[str, Any]:
        return self.app.progress


class WorkflowEngine:
    def __init__(self, session: Session, *, catalog: WorkflowCatalog | None = None,
                 calendar: WorkCalendar | None = None, today: date | None = None):
        self.session = session
        self.catalog = catalog or get_catalog()
        self.calendar = calendar or get_calendar()
        self.today = today or clock.now().date()

    def effective_roles(self, app: Application, transition: Transition) -> tuple[str, ...]:
        """Conflict-of-interest cases: the county (reviewer) takes every caseworker step."""
        if app.conflict_of_interest:
            return tuple("reviewer" if r == "caseworker" else r for r in transition.roles)
        return transition.roles

    def available_actions(self, app: Application, roles: set[str]) -> list[str]:
        wf = self.catalog.for_application(app)
        return [
            t.action for t in wf.transitions.values()
            if app.status in t.sources and roles & set(self.effective_roles(app, t))
        ]

    def submit(self, app: Application, *, actor_label: str, channel: str) -> None:
        wf = self.catalog.for_application(app)
        app.status = "submitted"
        app.is_open = True
        app.submitted_on = self.today
        app.progress = {"returns": 0}
        self._set_step_due(app, wf, None)
        event = self._event(app, "submit", None, "submitted", actor_label, channel, None, {})
        self._notify(app, wf, event, changed=True)

    def apply(self, app: Application, action: str, *, roles: set[str], actor_label: str, channel: str,
              step: StepInput) -> ApplicationEvent:
        wf = self.catalog.for_application(app)
        transition = wf.transitions.get(action)
        if transition is None:
            raise StepRefused(f"“{action}”不是这类申请的办理步骤。", code="unknown_action")
        allowed = self.effective_roles(app, transition)
        if not roles & set(allowed):
            if app.conflict_of_interest and "caseworker" in roles and "reviewer" in allowed:
                raise Forbidden("这件申请涉及工作人员近亲属，按规定由县级民政部门直接办理。", code="conflict_of_interest")
            raise Forbidden("您的岗位不能办理这一步。", code="wrong_role")
        if app.status not in transition.sources:
            raise StepRefused(
                f"申请现在是“{wf.statuses[app.status].label}”，不能办理这一步。", code="wrong_status",
                details={"status": app.status, "allowed_from": sorted(transition.sources)},
            )
        ctx = StepContext(self.session, app, wf, self.catalog.region(app.region), step, actor_label,
                          self.today, self.calendar, self.catalog)
        if app.progress is None:
            app.progress = {}
        for guard in transition.guards:
            GUARDS[guard](ctx)
        for effect in transition.effects:
            EFFECTS[effect](ctx)
        before = app.status
        if transition.target is not None:
            app.status = transition.target
            target = wf.statuses[transition.target]
            app.is_open = target.open
            if not target.open and app.closed_on is None:
                app.closed_on = self.today
            self._set_step_due(app, wf, ctx)
        event = self._event(app, action, before, app.status, actor_label, channel, step.note,
                            {k: v for k, v in step.data.items() if k not in SENSITIVE_KEYS})
        self._notify(app, wf, event, changed=before != app.status)
        return event

    def _notify(self, app: Application, wf: Workflow, event: ApplicationEvent, *, changed: bool) -> None:
        default = "step_changed" if changed else None
        template = self.catalog.notices.get(event.action, default)
        if template:
            self.session.flush()
            self.session.refresh(app, ["decision", "applicant"])
            notify_step(self.session, app, event, template=template, status_label=wf.statuses[app.status].label,
                        action_label=self.catalog.action_labels.get(event.action, event.action), today=self.today)

    def _set_step_due(self, app: Application, wf: Workflow, ctx: StepContext | None) -> None:
        status = wf.statuses[app.status]
        if not status.open:
            app.step_due_date = None
        elif app.status == "publicizing" and app.progress.get("publicity_until"):
            app.step_due_date = date.fromisoformat(app.progress["publicity_until"])
        elif status.due_workdays:
            app.step_due_date = self.calendar.add_workdays(self.today, status.due_workdays)
        else:
            app.step_due_date = None

    def _event(self, app: Application, action: str, before: str | None, after: str, actor_label: str,
               channel: str, note: str | None, data: dict[str, Any]) -> ApplicationEvent:
        event = ApplicationEvent(
            application_id=app.id, at=clock.now(), on_date=self.today, action=action, from_status=before,
            to_status=after, actor=actor_label, channel=channel, note=note, data=data,
        )
        self.session.add(event)
        self.session.flush()
        audit(self.session, actor=actor_label, channel=channel, action=f"application.{action}",
              entity_type="application", entity_id=app.number or app.id,
              detail={"from": before, "to": after, "note": note})
        return event


SENSITIVE_KEYS = {"id_number", "phone"}


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
    if ctx.progress.get("returns", 0) >= 1:
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
    if not ctx.progress.get("home_visit"):
        _refuse("还没有入户调查记录。", "home_visit_missing")


def g_authorization_signed(ctx: StepContext) -> None:
    require_all_signed(ctx.session, ctx.app)


def g_economic_check_recorded(ctx: StepContext) -> None:
    if not ctx.progress.get("economic_check"):
        _refuse("还没有家庭经济状况核对结果。", "economic_check_missing")


def g_note(ctx: StepContext) -> None:
    if not (ctx.step.note or "").strip():
        _refuse("请填写说明。", "note_required")


def g_reasons(ctx: StepContext) -> None:
    if not (ctx.step.note or "").strip():
        _refuse("请写明理由，会书面告知申请人。", "reasons_required")


def g_objection_is_open(ctx: StepContext) -> None:
    if not ctx.progress.get("objection"):
        _refuse("公示期间没有收到异议。", "no_objection")


def g_no_open_objection(ctx: StepContext) -> None:
    if ctx.progress.get("objection"):
        _refuse("公示中有异议，需要重新调查或组织民主评议。", "objection_open")


def g_publicity_over(ctx: StepContext) -> None:
    until = ctx.progress.get("publicity_until")
    if until and ctx.today < date.fromisoformat(until):
        _refuse(f"公示要到{until}才结束。", "publicity_running")


def g_spot_check_if_required(ctx: StepContext) -> None:
    if ctx.app.spot_check_required and not ctx.progress.get("spot_check"):
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


GUARDS: dict[str, Callable[[StepContext], None]] = {
    "phase_out_months": g_phase_out_months,
    "first_return": g_first_return,
    "missing_items": g_missing_items,
    "two_investigators": g_two_investigators,
    "check_results": g_check_results,
    "home_visit_recorded": g_home_visit_recorded,
    "economic_check_recorded": g_economic_check_recorded,
    "authorization_signed": g_authorization_signed,
    "note": g_note,
    "reasons": g_reasons,
    "objection_is_open": g_objection_is_open,
    "no_open_objection": g_no_open_objection,
    "publicity_over": g_publicity_over,
    "spot_check_if_required": g_spot_check_if_required,
    "not_extended": g_not_extended,
    "amount": g_amount,
}


# ---------------------------------------------------------------- effects


def case_limit(ctx: StepContext) -> int:
    region = ctx.region
    if region.case_limit_workdays:
        return region.case_limit_workdays
    limits = ctx.catalog.case_limits
    return limits["delegated_workdays"] if region.review_delegated else limits["workdays"]


def e_start_case_clock(ctx: StepContext) -> None:
    ctx.app.accepted_on = ctx.today
    ctx.app.case_due_date = ctx.calendar.add_workdays(ctx.today, case_limit(ctx))


def e_extend_case_clock(ctx: StepContext) -> None:
    ctx.app.extended = True
    ctx.app.case_due_date = ctx.calendar.add_workdays(ctx.app.accepted_on, ctx.catalog.case_limits["extended_workdays"])


def e_count_return(ctx: StepContext) -> None:
    ctx.progress["returns"] = ctx.progress.get("returns", 0) + 1
    ctx.progress["missing"] = [str(i).strip() for i in ctx.step.data["missing"] if str(i).strip()]


def e_home_visit_done(ctx: StepContext) -> None:
    ctx.progress["home_visit"] = {
        "investigators": sorted({str(n).strip() for n in ctx.step.data["investigators"]}),
        "visited_on": str(ctx.step.data.get("visited_on") or ctx.today),
        "video": bool(ctx.step.data.get("video", False)),
    }


def e_economic_check_done(ctx: StepContext) -> None:
    ctx.progress["economic_check"] = ctx.step.data["results"]


def e_restart_investigation(ctx: StepContext) -> None:
    ctx.progress.pop("home_visit", None)
    ctx.progress.pop("economic_check", None)
    ctx.progress.pop("publicity_from", None)
    ctx.progress.pop("publicity_until", None)


def e_open_publicity(ctx: StepContext) -> None:
    days = ctx.region.publicity_days.get(ctx.workflow.key, ctx.workflow.publicity_days or 7)
    if ctx.region.publicity_in_workdays:
        until = ctx.calendar.add_workdays(ctx.today, days)
    else:
        until = ctx.today + timedelta(days=days)
    ctx.progress["publicity_from"] = ctx.today.isoformat()
    ctx.progress["publicity_until"] = until.isoformat()
    amount = _amount(ctx)
    if amount is not None:
        ctx.progress["proposed_amount"] = str(amount)


def e_objection_open(ctx: StepContext) -> None:
    ctx.progress["objection"] = ctx.step.note


def e_close_objection(ctx: StepContext) -> None:
    ctx.progress["objection_history"] = [*ctx.progress.get("objection_history", []), ctx.progress.pop("objection", None)]
    if ctx.step.note:
        ctx.progress["democratic_review"] = ctx.step.note


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
    ctx.progress["spot_check"] = {"by": ctx.actor_label, "on": ctx.today.isoformat(), "note": ctx.step.note}


def _decide(ctx: StepContext, outcome: str, amount: Decimal | None, reasons: str, assessment=None) -> None:  # noqa: ANN001
    decision = Decision(
        application_id=ctx.app.id, outcome=outcome, monthly_amount=amount, reasons=reasons,
        decided_by=ctx.actor_label, decided_on=ctx.today,
        per_capita_income=assessment.per_capita_income if assessment else None,
        standard_applied=assessment.standard if assessment else None,
        standard_source=assessment.standard_source if assessment else None,
    )
    ctx.session.add(decision)
    ctx.progress["decision"] = {"outcome": outcome, "amount": str(amount) if amount is not None else None}


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


def _next_month(day: date) -> str:
    return f"{day.year + day.month // 12}-{day.month % 12 + 1:02d}"


def e_schedule_first_payment(ctx: StepContext) -> None:
    decision = ctx.session.scalars(select(Decision).where(Decision.application_id == ctx.app.id)).one()
    # Paid monthly by the payment run, starting the month after the decision.
    ctx.progress["first_payment_month"] = _next_month(decision.decided_on)


def e_record_advance_payment(ctx: StepContext) -> None:
    ctx.session.add(Payment(application_id=ctx.app.id, month=ctx.today.strftime("%Y-%m"), kind="advance",
                            amount=_amount(ctx), status="paid", paid_on=ctx.today))
    ctx.progress["advance_amount"] = str(_amount(ctx))


def e_decide_approved_as_paid(ctx: StepContext) -> None:
    _decide(ctx, "approved", Decimal(ctx.progress["advance_amount"]), ctx.step.note or "先行救助，已补办手续。")


def e_record_one_off_payment(ctx: StepContext) -> None:
    decision = ctx.session.scalars(select(Decision).where(Decision.application_id == ctx.app.id)).one()
    ctx.session.add(Payment(application_id=ctx.app.id, month=ctx.today.strftime("%Y-%m"), kind="one_off",
                            amount=decision.monthly_amount, status="paid", paid_on=ctx.today))


def e_suspend_payments(ctx: StepContext) -> None:
    ctx.app.payments_suspended = True


def e_resume_payments(ctx: StepContext) -> None:
    ctx.app.payments_suspended = False


def e_start_phase_out(ctx: StepContext) -> None:
    """渐退期: benefits continue for at most 6 months after income rose, then stop."""
    decision = ctx.session.scalars(select(Decision).where(Decision.application_id == ctx.app.id)).one()
    months = ctx.step.data["months"]
    amounts = ctx.step.data.get("amounts") or [str(decision.monthly_amount)] * months
    ctx.progress["phase_out"] = {"from_month": _next_month(ctx.today), "amounts": [str(Decimal(str(a))) for a in amounts]}


EFFECTS: dict[str, Callable[[StepContext], None]] = {
    "suspend_payments": e_suspend_payments,
    "resume_payments": e_resume_payments,
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
