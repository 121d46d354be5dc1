"""The work queue page (/staff/): what waits for me, by step, most urgent first.

The cases come from the one staff-list query (backend.applications.queue) with the caller's district
as access.district_scope gives it — the same scope as GET /api/v1/applications — and the list read is
audited as the API audits it. Nothing here decides who may see what.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from backend.applications import queue
from backend.applications.access import audit_list, district_scope
from backend.applications.catalog import WorkflowCatalog
from backend.applications.models import Application
from backend.applications.supervision import overdue_workdays
from backend.applications.workflow import get_catalog
from backend.auth.actor import Actor
from backend.core import say
from backend.core.workdays import get_calendar
from backend.workbench.pages import paginate


@dataclass(frozen=True)
class QueueFilters:
    step: str | None = None
    type_key: str | None = None
    street: str | None = None
    overdue: bool = False
    q: str | None = None
    page: int = 1

    def query_string(self, **changes: Any) -> str:
        """This page's query string with some values changed (links to a step, the next page)."""
        values = {"step": self.step, "type": self.type_key, "street": self.street,
                  "overdue": "1" if self.overdue else None, "q": self.q, "page": self.page}
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def type_label(key: str) -> str:
    atype, _, subtype = key.partition("/")
    return f"{atype}（{subtype}）" if subtype else atype


def _due(app: Application, today: date) -> dict[str, Any]:
    late_by = overdue_workdays(app.step_due_date, app.case_due_date, today) if app.is_open else None
    if late_by is not None:
        due = app.step_due_date if app.step_due_date and app.step_due_date < today else app.case_due_date
        return {"late": True, "text": f"已超时{late_by}个工作日" if late_by else "已过期限",
                "day": say.by_day(due) if due else ""}
    due = app.step_due_date or app.case_due_date  # a step without its own limit: the whole procedure's
    if due is None or not app.is_open:
        return {"late": False, "text": "", "day": ""}
    left = get_calendar().workdays_between(today, due)
    text = "今天到期" if left == 0 else f"还有{left}个工作日"
    return {"late": False, "text": text if app.step_due_date else f"全程{text}", "day": say.by_day(due)}


def _row(app: Application, streets: dict[str, str], catalog: WorkflowCatalog, today: date) -> dict[str, Any]:
    wf = catalog.for_application(app)
    return {"number": app.number, "name": app.applicant.name, "type": type_label(wf.key),
            "street": streets.get(app.area_code, app.area_code), "step": wf.statuses[app.status].label,
            "due": _due(app, today), "conflict": app.conflict_of_interest, "urgent": queue.is_urgent(app)}


def build(session: Session, actor: Actor, filters: QueueFilters, *, today: date) -> dict[str, Any]:
    """The page's context: rows, counts per step, filter options, pagination."""
    catalog = get_catalog()
    role = actor.role or ""
    steps = queue.steps_for(role, catalog)
    base = queue.CaseQuery(district_code=district_scope(actor), waiting_for=role,
                           type_key=filters.type_key if filters.type_key in catalog.workflows else None,
                           area_code=filters.street or None, overdue=filters.overdue, search=filters.q or None)
    q = replace(base, status=filters.step if filters.step in steps else None)
    pagination = paginate(queue.count(session, q, today=today), filters.page)
    apps = queue.find(session, q, today=today, limit=pagination.size, offset=pagination.offset, oldest_due_first=True)
    street_options = queue.streets(session, base, today=today)
    rows = [_row(a, dict(street_options), catalog, today) for a in apps]
    audit_list(session, actor, "application.list", [r["number"] for r in rows])
    by_status = queue.count_by_status(session, base, today=today)
    labels = queue.step_labels(catalog)
    return {
        "rows": rows, "pagination": pagination, "filters": filters,
        "counts": [{"key": k, "label": labels[k], "n": by_status.get(k, 0), "current": k == q.status} for k in steps],
        "all_count": sum(by_status.get(k, 0) for k in steps),
        "step_options": [(k, labels[k]) for k in steps],
        "type_options": [(k, type_label(k)) for k in catalog.workflows],
        "street_options": street_options,
        "page_qs": lambda n: filters.query_string(page=n),
        "step_qs": lambda key: filters.query_string(step=key, page=1),
        "today": today,
    }
