"""The supervision dashboard (督办, /staff/supervision): for county reviewers and admins.

Every figure comes from the API's own queries — backend.applications.supervision (超时督办 list, the
督办 itself, 平均办结时长, applications per day and type, approval rate) and
backend.certification.coverage — for the district supervision.supervised_district gives (a reviewer:
their district; an admin: all, or the one chosen; a caseworker: 403), the rule of the API's
GET /api/v1/supervision/… too; 督办 itself is supervision.require_supervisor, as on
POST /api/v1/supervision/escalations. Each chart (ECharts,
vendored in backend/static/vendor/echarts) has a plain table beside it that carries the same figures,
so the page reads without JavaScript and with a screen reader.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from backend.applications import service, supervision
from backend.applications.access import audit_list
from backend.auth.actor import Actor
from backend.certification.coverage import coverage
from backend.core import clock, say
from backend.core.db import SessionDep
from backend.core.fields import ApplicationNumber, AreaCode, Month, ShortText
from backend.regions.service import known
from backend.workbench.pages import paginate, render
from backend.workbench.signin import PREFIX, SignedInDep, csrf_guard
from backend.workbench.work_queue import type_label

PATH = f"{PREFIX}/supervision"
MONTHS_SHOWN = 6  # the monthly figures: the chosen month and the five before it
BACK_KEYS = {"district", "start", "end", "month", "page"}

router = APIRouter(prefix=PREFIX, include_in_schema=False, dependencies=[Depends(csrf_guard)])


@dataclass(frozen=True)
class DashFilters:
    district: str | None
    start: date
    end: date
    last_month: str
    page: int = 1

    def query_string(self, **changes: Any) -> str:
        values = {"district": self.district, "start": self.start.isoformat(), "end": self.end.isoformat(),
                  "month": self.last_month, "page": self.page}
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def filters_for(today: date, district: str | None, start: date | None, end: date | None, month: str | None,
                page: int) -> DashFilters:
    """Defaults: this month so far for the daily figures, the last six months for the monthly ones."""
    start, end = supervision.day_range(today, start, end)
    return DashFilters(district=district or None, start=start, end=end,
                       last_month=month or f"{today.year:04d}-{today.month:02d}", page=page)


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _overdue(session: Session, actor: Actor, district: str | None, page: int, today: date) -> dict[str, Any]:
    total = supervision.overdue(session, today=today, district_code=district, limit=1).total
    pagination = paginate(total, page)
    found = supervision.overdue(session, today=today, district_code=district, limit=pagination.size,
                                offset=pagination.offset)
    audit_list(session, actor, "supervision.overdue", [i.number for i in found.items])
    rows = [{"number": i.number, "type": type_label(i.assistance_type), "step": i.status_label,
             "district": _district_name(i.district_code), "late": i.overdue_workdays,
             "escalations": i.escalations,
             "last": say.day(i.last_escalated_on, weekday=False) if i.last_escalated_on else ""}
            for i in found.items]
    return {"rows": rows, "pagination": pagination}


def _district_name(code: str) -> str:
    place = known(code)
    return place.name if place else code


def _completion(session: Session, months: list[str], district: str | None) -> dict[str, Any]:
    rows = supervision.completion_by_month(session, months=months, district_code=district)
    names = sorted({(r.district_code, r.district_name) for r in rows})
    cell = {(r.month, r.district_code): r for r in rows}
    return {
        "months": [{"key": m, "label": say.month(m)} for m in months],
        "districts": [{"code": c, "name": n} for c, n in names],
        "cell": {f"{m}|{c}": {"avg": f"{r.average_workdays:g}", "closed": r.closed} for (m, c), r in cell.items()},
        "chart": {"x": [say.month(m) for m in months],
                  "series": [{"name": n, "data": [cell[(m, c)].average_workdays if (m, c) in cell else None
                                                  for m in months]} for c, n in names]},
    }


def _per_day(session: Session, f: DashFilters, district: str | None) -> dict[str, Any]:
    rows = supervision.submitted_per_day(session, start=f.start, end=f.end, district_code=district)
    types = sorted({r.assistance_type for r in rows})
    by_day: dict[date, dict[str, int]] = defaultdict(dict)
    for r in rows:
        by_day[r.on_date][r.assistance_type] = r.count
    days = [f.start + timedelta(days=i) for i in range((f.end - f.start).days + 1)]
    return {
        "types": [{"key": t, "label": type_label(t)} for t in types],
        "rows": [{"day": say.day(d, weekday=False), "counts": [by_day[d].get(t, 0) for t in types],
                  "total": sum(by_day[d].values())} for d in sorted(by_day)],
        "total": sum(r.count for r in rows),
        "chart": {"x": [say.day(d, weekday=False) for d in days],
                  "series": [{"name": type_label(t), "data": [by_day.get(d, {}).get(t, 0) for d in days]}
                             for t in types]},
    }


def _approval(session: Session, f: DashFilters, district: str | None) -> dict[str, Any]:
    rows = supervision.approval_rate(session, start=f.start, end=f.end, district_code=district)
    decided, approved = sum(r.decided for r in rows), sum(r.approved for r in rows)
    return {
        "rows": [{"type": type_label(r.assistance_type), "decided": r.decided, "approved": r.approved,
                  "rejected": r.decided - r.approved, "rate": _percent(r.rate)} for r in rows],
        "total": {"decided": decided, "approved": approved, "rejected": decided - approved,
                  "rate": _percent(approved / decided) if decided else "—"},
        "chart": {"x": [type_label(r.assistance_type) for r in rows],
                  "series": [{"name": "批准", "data": [r.approved for r in rows]},
                             {"name": "不予批准", "data": [r.decided - r.approved for r in rows]}]},
    }


def _coverage(session: Session, district: str | None, today: date) -> dict[str, Any]:
    rows = coverage(session, today=today, district_code=district)
    return {
        "rows": [{"district": r.district_name, "recipients": r.recipients, "current": r.current,
                  "overdue": r.overdue, "unscheduled": r.unscheduled, "rate": _percent(r.rate)} for r in rows],
        "chart": {"x": [r.district_name for r in rows],
                  "series": [{"name": "在有效期内", "data": [r.current for r in rows]},
                             {"name": "已过期限", "data": [r.overdue for r in rows]},
                             {"name": "还没排认证", "data": [r.unscheduled for r in rows]}]},
    }


def build(session: Session, actor: Actor, f: DashFilters, *, today: date) -> dict[str, Any]:
    district = supervision.supervised_district(actor, f.district)
    months = supervision.months_back(f.last_month, MONTHS_SHOWN)
    context = {
        "filters": f, "today": today, "is_admin": actor.role == "admin",
        "scope_name": _district_name(district) if district else "全部辖区",
        "district_options": supervision.districts_with_cases(session) if actor.role == "admin" else [],
        "range_text": f"{say.day(f.start, weekday=False)}至{say.day(f.end, weekday=False)}",
        "months_text": f"{say.month(months[0])}至{say.month(months[-1])}",
        "overdue": _overdue(session, actor, district, f.page, today),
        "completion": _completion(session, months, district),
        "per_day": _per_day(session, f, district),
        "approval": _approval(session, f, district),
        "coverage": _coverage(session, district, today),
        "page_qs": lambda n: f.query_string(page=n),
    }
    context["charts"] = {k: context[k]["chart"] for k in ("completion", "per_day", "approval", "coverage")}
    return context


@router.get("/supervision", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    who: SignedInDep,
    district: Annotated[AreaCode | None, Query()] = None,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    month: Annotated[Month | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: Annotated[ApplicationNumber | None, Query()] = None,
) -> HTMLResponse:
    today = clock.today()
    context = build(session, who.actor, filters_for(today, district or None, start, end, month or None, page),
                    today=today)
    return render(request, "staff/supervision.html", who, done=done, **context)


@router.post("/supervision/escalations")
def escalate(
    session: SessionDep,
    who: SignedInDep,
    number: Annotated[ApplicationNumber, Form()],
    note: Annotated[ShortText(500) | None, Form()] = None,
    back: Annotated[ShortText(500), Form()] = "",
) -> Response:
    """督办 from the list: the same service as POST /api/v1/supervision/escalations."""
    app = service.get_by_number(session, number)
    supervision.escalate(session, who.actor, app, (note or "").strip() or None, today=clock.today())
    kept = [(k, v) for k, v in parse_qsl(back) if k in BACK_KEYS]  # back to the same filters and page
    return RedirectResponse(f"{PATH}?{urlencode([*kept, ('done', number)])}#overdue", status_code=303)
