"""The one query behind staff case lists: GET /api/v1/applications and the workbench queue (/staff/).

`CaseQuery` says which cases: a district (None: every district — admins only, see access.district_scope),
and optionally the cases waiting for a staff role (`waiting_for`), a step (status), a type, a street,
only the overdue ones, or a search by number (JZ…, whole or its beginning) or applicant name.

Waiting for whom: the status's `owner` in data/workflows.yaml, with the conflict-of-interest rule of
the engine (workflow.acting_role: the reviewer takes the caseworker's steps). An admin's queue is every
step a caseworker or a reviewer acts on. Statuses the applicant owns (materials returned) or nobody
owns (paying, final) wait for no one on staff.
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from backend.applications.catalog import WorkflowCatalog
from backend.applications.models import Application
from backend.applications.schemas import EMERGENCY
from backend.applications.supervision import late
from backend.applications.workflow import acting_role, get_catalog
from backend.people.models import Person
from backend.regions.models import Area

STAFF_ROLES = ("caseworker", "reviewer")


@dataclass(frozen=True)
class CaseQuery:
    district_code: str | None
    waiting_for: str | None = None  # caseworker | reviewer | admin
    status: str | None = None
    type_key: str | None = None  # "低保", "临时救助/急难型" (catalog keys)
    area_code: str | None = None  # a street
    overdue: bool = False
    search: str | None = None


def _type_clause(key: str) -> ColumnElement[bool]:
    atype, _, subtype = key.partition("/")
    return and_(Application.assistance_type == atype,
                Application.subtype == subtype if subtype else Application.subtype.is_(None))


def waiting_for(role: str, catalog: WorkflowCatalog | None = None) -> ColumnElement[bool]:
    """Cases at a step `role` acts on (admin: any staff role), for every workflow of the catalogue."""
    catalog = catalog or get_catalog()
    roles = STAFF_ROLES if role == "admin" else (role,)
    clauses = []
    for wf in catalog.workflows.values():
        for conflict in (False, True):
            statuses = [s.key for s in wf.statuses.values()
                        if s.open and s.owner and acting_role(s.owner, conflict_of_interest=conflict) in roles]
            if statuses:
                clauses.append(and_(_type_clause(wf.key), Application.conflict_of_interest.is_(conflict),
                                    Application.status.in_(statuses)))
    return or_(*clauses) if clauses else false()


def steps_for(role: str, catalog: WorkflowCatalog | None = None) -> list[str]:
    """The statuses (steps) `role` may find in its queue, in the catalogue's order, each once."""
    catalog = catalog or get_catalog()
    roles = STAFF_ROLES if role == "admin" else (role,)
    keys: dict[str, None] = {}
    for wf in catalog.workflows.values():
        for s in wf.statuses.values():
            if s.open and s.owner and any(acting_role(s.owner, conflict_of_interest=c) in roles for c in (False, True)):
                keys[s.key] = None
    return list(keys)


def step_labels(catalog: WorkflowCatalog | None = None) -> dict[str, str]:
    """A label for each status key, for lists that mix types (the first workflow's wording of it)."""
    catalog = catalog or get_catalog()
    labels: dict[str, str] = {}
    for wf in catalog.workflows.values():
        for s in wf.statuses.values():
            labels.setdefault(s.key, s.label)
    return labels


def _where(q: CaseQuery, today: date, *, with_status: bool = True) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if q.district_code is not None:
        where.append(Application.district_code == q.district_code)
    if q.waiting_for:
        where.append(waiting_for(q.waiting_for))
    if q.status and with_status:
        where.append(Application.status == q.status)
    if q.type_key:
        where.append(_type_clause(q.type_key))
    if q.area_code:
        where.append(Application.area_code == q.area_code)
    if q.overdue:
        where.append(late(today))
    if q.search:
        text = q.search.strip()
        by_number = Application.number.contains(text.upper(), autoescape=True)
        by_name = Application.applicant_person_id.in_(select(Person.id).where(Person.name.contains(text, autoescape=True)))
        where.append(or_(by_number, by_name))
    return where


def is_urgent(app: Application) -> bool:
    """A 急难 case (临时救助/急难型, 先行救助: help first, paperwork after): marked 急 and first in every queue."""
    return (app.assistance_type, app.subtype) == EMERGENCY


def _urgent_clause() -> ColumnElement[bool]:
    return and_(Application.assistance_type == EMERGENCY[0], Application.subtype == EMERGENCY[1])


def _select(q: CaseQuery, today: date) -> Select:
    return select(Application).where(*_where(q, today))


def find(session: Session, q: CaseQuery, *, today: date, limit: int, offset: int,
         oldest_due_first: bool = False) -> list[Application]:
    """One page of cases: newest first (the API's order), or the most urgent first (the queue's: 急难 cases first
    (`is_urgent`), then the step's due date, else the whole procedure's; cases without either last)."""
    due = func.coalesce(Application.step_due_date, Application.case_due_date)
    order = ((~_urgent_clause(), due.is_(None), due, Application.id) if oldest_due_first
             else (Application.id.desc(),))
    return list(session.scalars(_select(q, today).order_by(*order).limit(limit).offset(offset)))


def count(session: Session, q: CaseQuery, *, today: date) -> int:
    return session.scalar(select(func.count()).select_from(Application).where(*_where(q, today))) or 0


def count_by_status(session: Session, q: CaseQuery, *, today: date) -> dict[str, int]:
    """How many cases are at each step, with every filter of `q` but the step itself."""
    rows = session.execute(select(Application.status, func.count()).where(*_where(q, today, with_status=False))
                           .group_by(Application.status))
    return {status: n for status, n in rows}


def streets(session: Session, q: CaseQuery, *, today: date) -> list[tuple[str, str]]:
    """The streets (code, name) that cases of `q` (the street filter left out) come from, by name."""
    codes = select(Application.area_code).where(*_where(replace(q, area_code=None), today)).distinct()
    return [(code, name) for code, name in session.execute(
        select(Area.code, Area.name).where(Area.code.in_(codes)).order_by(Area.name, Area.code))]
