"""超时督办 and 平均办结时长: what is late, and how long cases take, per district."""

from collections import defaultdict
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from backend.applications.models import Application, Decision
from backend.applications.schemas import CompletionRow, OverdueItem, OverdueOut
from backend.applications.workflow import get_catalog
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
        select(Application.number, Application.assistance_type, Application.subtype, Application.status,
               Application.district_code, Application.step_due_date, Application.case_due_date)
        .where(*where)
        .order_by(func.coalesce(Application.case_due_date, Application.step_due_date), Application.step_due_date, Application.id)
        .limit(limit).offset(offset)
    ).all()
    catalog = get_catalog()
    items = []
    for number, atype, subtype, status, district, step_due, case_due in rows:
        items.append(OverdueItem(
            number=number, assistance_type=atype + (f"/{subtype}" if subtype else ""),
            status_label=catalog.get(atype, subtype).statuses[status].label, district_code=district,
            step_due_date=step_due, case_due_date=case_due,
            overdue_workdays=overdue_workdays(step_due, case_due, today) or 0,
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
