"""超时督办 and 平均办结时长: what is late, and how long cases take, per district; the 督办 itself, and the
supervision dashboard's figures (applications per day and type, approval rate). Certification coverage
lives with certification (backend/certification/coverage.py), which depends on this package."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from backend.applications.access import district_scope, view_basis
from backend.applications.models import Application, ApplicationEvent, Decision
from backend.applications.schemas import CompletionRow, OverdueItem, OverdueOut
from backend.applications.supervision_schemas import ApprovalRow, DayTypeCount, EscalationOut, MonthCompletion
from backend.applications.workflow import get_catalog
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.core import clock
from backend.core.errors import Conflict
from backend.core.workdays import get_calendar
from backend.regions.models import Area


def late(today: date) -> ColumnElement[bool]:
    """超时: an open case whose step or whole procedure is past its due date (the one definition)."""
    return and_(
        Application.is_open.is_(True),
        or_(Application.step_due_date < today, Application.case_due_date < today),
    )


def overdue_workdays(step_due: date | None, case_due: date | None, today: date) -> int | None:
    """Working days since the earlier of the passed due dates; None when neither has passed."""
    passed = [d for d in (step_due, case_due) if d is not None and d < today]
    return get_calendar().workdays_between(min(passed), today) if passed else None


def overdue(session: Session, *, today: date, district_code: str | None, limit: int = 100, offset: int = 0) -> OverdueOut:
    late_now = late(today)
    where = [late_now] if district_code is None else [late_now, Application.district_code == district_code]
    total = session.scalar(select(func.count()).select_from(Application).where(*where)) or 0
    rows = session.execute(
        select(Application.id, Application.number, Application.assistance_type, Application.subtype, Application.status,
               Application.district_code, Application.step_due_date, Application.case_due_date)
        .where(*where)
        .order_by(func.coalesce(Application.case_due_date, Application.step_due_date), Application.step_due_date, Application.id)
        .limit(limit).offset(offset)
    ).all()
    catalog = get_catalog()
    escalated = escalations_of(session, [row[0] for row in rows])
    items = []
    for app_id, number, atype, subtype, status, district, step_due, case_due in rows:
        times, last = escalated.get(app_id, (0, None))
        items.append(OverdueItem(
            number=number, assistance_type=atype + (f"/{subtype}" if subtype else ""),
            status_label=catalog.get(atype, subtype).statuses[status].label, district_code=district,
            step_due_date=step_due, case_due_date=case_due,
            overdue_workdays=overdue_workdays(step_due, case_due, today) or 0, escalations=times,
            last_escalated_on=last,
        ))
    return OverdueOut(as_of=today, total=total, items=items)


def completion(session: Session, *, month: str, district_code: str | None) -> list[CompletionRow]:
    year, mon = (int(x) for x in month.split("-"))
    start = date(year, mon, 1)
    end = date(year + mon // 12, mon % 12 + 1, 1)
    query = (
        select(Application.district_code, Area.name, Application.submitted_on, Decision.decided_on)
        .join(Decision, Decision.application_id == Application.id)
        .join(Area, Area.code == Application.district_code)
        .where(Decision.decided_on >= start, Decision.decided_on < end)
    )
    if district_code:
        query = query.where(Application.district_code == district_code)
    calendar = get_calendar()
    spans: dict[tuple[str, str], list[int]] = defaultdict(list)
    for district, name, submitted, decided in session.execute(query):
        spans[(district, name)].append(calendar.workdays_between(submitted, decided))
    return [
        CompletionRow(district_code=d, district_name=n, closed=len(v), average_workdays=round(sum(v) / len(v), 1))
        for (d, n), v in sorted(spans.items())
    ]


# --- 督办 and the dashboard's figures (staff pages at /staff/supervision and the API share these) ---

SUPERVISORS = ("reviewer", "admin")  # who supervises: the county reviewer and the admin, never a caseworker
ESCALATE = "supervise"  # the timeline action of a 督办 (its label: workflows.yaml action_labels)


def require_supervisor(actor: Actor) -> Actor:
    return require_staff(actor, *SUPERVISORS)


def supervised_district(actor: Actor, requested: str | None = None) -> str | None:
    """Who may read the supervision figures, and for which district — the one rule of the 督办 page and of
    every GET /api/v1/supervision/…: reviewers their own district, admins all (None) or the one asked for;
    caseworkers none (403)."""
    return district_scope(require_supervisor(actor), requested)


def escalations_of(session: Session, application_ids: list[int]) -> dict[int, tuple[int, date]]:
    """application id → (how many 督办, the last one's day)."""
    if not application_ids:
        return {}
    rows = session.execute(
        select(ApplicationEvent.application_id, func.count(), func.max(ApplicationEvent.on_date))
        .where(ApplicationEvent.action == ESCALATE, ApplicationEvent.application_id.in_(application_ids))
        .group_by(ApplicationEvent.application_id)
    ).all()
    return {app_id: (n, last) for app_id, n, last in rows}


def escalate(session: Session, actor: Actor, app: Application, note: str | None, *, today: date) -> EscalationOut:
    """督办 a late case: an entry on its timeline (who, when, how late, the note) and in the audit trail."""
    require_supervisor(actor)
    view_basis(session, actor, app)  # another district's case: 404, as everywhere
    late_by = overdue_workdays(app.step_due_date, app.case_due_date, today) if app.is_open else None
    if late_by is None:
        raise Conflict("这件申请没有超时，不需要督办。", code="not_overdue")
    session.add(ApplicationEvent(
        application_id=app.id, at=clock.now(), on_date=today, action=ESCALATE, from_status=app.status,
        to_status=app.status, actor=actor.label, channel=actor.channel, note=note,
        data={"overdue_workdays": late_by},
    ))
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action=f"application.{ESCALATE}",
          entity_type="application", entity_id=app.number, detail={"overdue_workdays": late_by, "note": note})
    count = escalations_of(session, [app.id])[app.id][0]
    return EscalationOut(number=app.number, on_date=today, overdue_workdays=late_by, escalations=count)


def months_back(last: str, count: int) -> list[str]:
    """`count` months ending with `last` ("2026-11"), oldest first."""
    year, mon = (int(x) for x in last.split("-"))
    index = year * 12 + mon - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def completion_by_month(session: Session, *, months: list[str], district_code: str | None) -> list[MonthCompletion]:
    """平均办结时长 per district and month: `completion` for each month."""
    return [MonthCompletion(month=m, **row.model_dump())
            for m in months for row in completion(session, month=m, district_code=district_code)]


def _type_label(atype: str, subtype: str | None) -> str:
    return atype + (f"/{subtype}" if subtype else "")


def submitted_per_day(session: Session, *, start: date, end: date, district_code: str | None) -> list[DayTypeCount]:
    """Applications filed per day and type, `start` to `end` inclusive."""
    query = (
        select(Application.submitted_on, Application.assistance_type, Application.subtype, func.count())
        .where(Application.number.is_not(None), Application.submitted_on >= start, Application.submitted_on <= end)
        .group_by(Application.submitted_on, Application.assistance_type, Application.subtype)
        .order_by(Application.submitted_on, Application.assistance_type, Application.subtype)
    )
    if district_code:
        query = query.where(Application.district_code == district_code)
    return [DayTypeCount(on_date=d, assistance_type=_type_label(t, s), count=n)
            for d, t, s, n in session.execute(query)]


def approval_rate(session: Session, *, start: date, end: date, district_code: str | None) -> list[ApprovalRow]:
    """Decisions taken `start` to `end` per type: how many, how many approved, the share approved."""
    query = (
        select(Application.assistance_type, Application.subtype, Decision.outcome, func.count())
        .join(Decision, Decision.application_id == Application.id)
        .where(Decision.decided_on >= start, Decision.decided_on <= end)
        .group_by(Application.assistance_type, Application.subtype, Decision.outcome)
    )
    if district_code:
        query = query.where(Application.district_code == district_code)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for atype, subtype, outcome, n in session.execute(query):
        pair = counts[_type_label(atype, subtype)]
        pair[0] += n
        pair[1] += n if outcome == "approved" else 0
    return [ApprovalRow(assistance_type=t, decided=d, approved=a, rate=round(a / d, 4))
            for t, (d, a) in sorted(counts.items())]


def districts_with_cases(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every district with an application: an admin's district filter."""
    rows = session.execute(
        select(Area.code, Area.name)
        .where(Area.code.in_(select(Application.district_code).distinct()))
        .order_by(Area.code)
    ).all()
    return [(code, name) for code, name in rows]


LONGEST_RANGE_DAYS = 366


def day_range(today: date, start: date | None, end: date | None) -> tuple[date, date]:
    """The days a daily figure covers: by default this month so far; never past today, at most a year."""
    end = min(end or today, today)
    start = start or end.replace(day=1)
    if start > end:
        start, end = end, start
    return max(start, end - timedelta(days=LONGEST_RANGE_DAYS - 1)), end
