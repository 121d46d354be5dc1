"""The service desk's other queues: suspension proposals from certification (confirm or dismiss through the
workflow) — and the desk's tabs, shared by every desk page.

Confirming is the workflow's suspend_payments, dismissing its dismiss_suspension (applications.service.act:
its roles, guards, audit and events); the list is the open proposals of the cases in my district
(access.district_scope), audited as a list read.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.applications import service as applications
from backend.applications.case_state import open_suspension_proposal
from backend.applications.access import audit_list, audited_view, district_scope
from backend.applications.models import Application, SuspensionProposal
from backend.applications.schemas import StepIn
from backend.auth.actor import Actor, require_staff
from backend.core.db import SessionDep
from backend.core.errors import Conflict
from backend.core.fields import ApplicationNumber, Text
from backend.service_desk import service as desk
from backend.service_desk.service import KIND_LABELS, DeskFilters
from backend.workbench.pages import paginate, render
from backend.workbench.signin import PREFIX, SignedInDep, csrf_guard

# Included into backend.workbench.desk.router (prefix /staff/desk), which mounts it.
router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])
SUSPENSIONS = f"{PREFIX}/desk/suspensions"
DONE = {"suspended": "已暂停发放，并记入案卷。", "dismissed": "已不采纳暂停建议，继续发放。"}


def _open_proposals(actor: Actor):  # noqa: ANN202 - a select
    query = (select(SuspensionProposal, Application).join(Application, Application.id == SuspensionProposal.application_id)
             .where(SuspensionProposal.decided_on.is_(None)))
    scope = district_scope(actor)
    return query.where(Application.district_code == scope) if scope else query


def proposal_count(session: Session, actor: Actor) -> int:
    return session.scalar(select(func.count()).select_from(_open_proposals(actor).subquery())) or 0


def tabs(session: Session, actor: Actor, current: str, queue: str | None = None) -> list[dict[str, Any]]:
    """The desk's tabs with their counts: complaints, call-backs, suspension proposals; reference photos."""
    out = [{"label": label, "n": desk.count(session, actor, DeskFilters(kind=k, queue=queue)), "current": k == current,
            "href": f"{PREFIX}/desk?kind={k}" + (f"&queue={queue}" if queue else "")} for k, label in KIND_LABELS.items()]
    out.append({"label": "暂停发放建议", "n": proposal_count(session, actor), "current": current == "suspensions",
                "href": SUSPENSIONS})
    out.append({"label": "参考照片", "n": None, "current": current == "references", "href": f"{PREFIX}/desk/references"})
    return out


@router.get("/suspensions", response_class=HTMLResponse)
def suspensions(request: Request, session: SessionDep, who: SignedInDep,
                page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                done: Annotated[str | None, Query(max_length=16)] = None) -> HTMLResponse:
    """待遇资格认证逾期后系统提出的暂停发放建议: the oldest first; a caseworker decides, never the system."""
    actor = require_staff(who.actor)
    pagination = paginate(proposal_count(session, actor), page)
    found = session.execute(_open_proposals(actor).order_by(SuspensionProposal.proposed_on, SuspensionProposal.id)
                            .offset(pagination.offset).limit(pagination.size)).all()
    rows = [{"number": app.number, "name": app.applicant.name, "reason": p.reason, "proposed_on": p.proposed_on,
             "due_on": p.due_on, "can_decide": "suspend_payments" in applications.available_actions(session, actor, app)}
            for p, app in found]
    audit_list(session, actor, "suspension_proposal.list", [r["number"] for r in rows])
    return render(request, "staff/desk_suspensions.html", who, rows=rows, pagination=pagination,
                  counts=tabs(session, actor, "suspensions"), notice=DONE.get(done or ""),
                  page_qs=lambda n: f"page={n}")


@router.post("/suspensions/{number}")
def decide_suspension(session: SessionDep, who: SignedInDep, number: ApplicationNumber,
                      decision: Annotated[str, Form(pattern="^(suspend|dismiss)$")],
                      note: Annotated[Text(500, min_length=2), Form()]) -> RedirectResponse:
    """Confirm (suspend_payments) or dismiss (dismiss_suspension) through the workflow, with the reason."""
    app = applications.get_by_number(session, number)
    audited_view(session, who.actor, app, "application.view")  # another district: 404, as on the API
    action = "suspend_payments" if decision == "suspend" else "dismiss_suspension"
    if open_suspension_proposal(session, app) is None:  # decided meanwhile (the workflow may suspend any paying case)
        raise Conflict("这个案子没有待确认的暂停发放建议，可能已经有人处理了。", code="no_suspension_proposal")
    applications.act(session, who.actor, app, action, StepIn(note=note))
    return RedirectResponse(f"{SUSPENSIONS}?done={'suspended' if decision == 'suspend' else 'dismissed'}", status_code=303)

