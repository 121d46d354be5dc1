"""When the home visit (入户调查) comes, said from the workflow's own time limits (data/workflows.yaml), never a date
written in code: for a case, from its status, its step's deadline and the visit recorded on it; with no case, what
happens after filing. The visit's statuses are found by what their steps do — the step that records the visit (its
effect VISIT_RECORDED), and the one that leads into it — never by name. A tester's "入户核查啥时候来" went unanswered.
The wording is templates/applications/visit.txt.j2."""

from dataclasses import dataclass

from backend.applications.catalog import Workflow, get_catalog
from backend.applications.models import Application
from backend.core.templates import render_text

VISIT_RECORDED = "home_visit_done"  # the effect of the step that records the visit (applications/steps.py)


@dataclass(frozen=True)
class VisitSteps:
    received: str  # where a new application waits to be accepted (the initial status)
    waits: str | None  # where an accepted case waits for the visit to start (its time limit: the visit's start)
    made: str  # where the visit is made


def visit_steps(wf: Workflow) -> VisitSteps | None:
    """The statuses around the visit; None for a procedure without one (急难型: help first, paperwork after)."""
    order = list(wf.statuses)
    made = next((s for t in wf.transitions.values() if VISIT_RECORDED in t.effects for s in sorted(t.sources)), None)
    if made is None:
        return None
    into = {s for t in wf.transitions.values() if t.target == made for s in t.sources if order.index(s) < order.index(made)}
    return VisitSteps(wf.initial_status, max(into, key=order.index) if into else None, made)


def _workdays(wf: Workflow, status: str | None) -> int | None:
    return wf.statuses[status].due_workdays if status else None


def for_case(app: Application, whose: str = "您的") -> str | None:
    """Where this case stands with the visit: still to be accepted (and the days after that), due to start by its
    step's deadline, being made, or made (on the day recorded). None: no visit in its procedure, or the case is closed."""
    wf = get_catalog().for_application(app)
    steps, status = visit_steps(wf), wf.statuses[app.status]
    if steps is None or not status.open:
        return None
    order = list(wf.statuses)
    here, start = order.index(app.status), order.index(steps.waits or steps.made)
    stage = ("before" if here < start else "waits" if app.status == steps.waits else "made" if app.status == steps.made
             else "after")
    return render_text("applications/visit.txt.j2", stage=stage, whose=whose, number=app.number, label=status.label,
                       type_name=app.assistance_type + (f"（{app.subtype}）" if app.subtype else ""),
                       due=app.step_due_date, visited=app.home_visit_on, start_workdays=_workdays(wf, steps.waits))


def general(assistance_type: str, subtype: str | None = None, *, who: bool = False, can: bool = False,
            sign: str | None = None) -> str | None:
    """With no case: after filing, accepted within the first step's days, then the visit within the next step's
    (`who`: and who comes, when that was asked — the street's staff, at least two, the 社区's with them; `can`: whether
    staff come to the home was asked — yes, said first; `sign`: how the 核对授权书 is signed there, said with it)."""
    wf = get_catalog().get(assistance_type, subtype)
    steps = visit_steps(wf)
    if steps is None:
        return None
    return render_text("applications/visit.txt.j2", stage="general", type_name=assistance_type,
                       accept_workdays=_workdays(wf, steps.received), start_workdays=_workdays(wf, steps.waits), who=who,
                       can=can, sign=sign)
