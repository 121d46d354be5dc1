"""The service desk's other queues: suspension proposals from certification (confirm or dismiss through the
workflow), paper delegations helpers handed in (verify or reject: delegations.paper) and those in force —
and the desk's tabs, shared by every desk page.

Confirming is the workflow's suspend_payments, dismissing its dismiss_suspension (applications.service.act:
its roles, guards, audit and events); the list is the open proposals of the cases in my district
(access.district_scope), audited as a list read.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.applications import service as applications
from backend.applications.case_state import open_suspension_proposal
from backend.applications.access import audit_list, audited_view, district_scope
from backend.applications.models import Application, SuspensionProposal
from backend.applications.schemas import StepIn
from backend.auth.actor import Actor, require_staff
from backend.audit.service import record as audit
from backend.core import clock
from backend.core.db import SessionDep
from backend.core.errors import Conflict
from backend.core.fields import ApplicationNumber, DbId, ShortText, Text
from backend.delegations import paper
from backend.delegations.models import VERIFIED, Delegation
from backend.delegations.schemas import HELPER_KIND_LABELS, SCOPE_LABELS
from backend.documents.storage import photo_response
from backend.service_desk import service as desk
from backend.staff.models import StaffUser
from backend.service_desk.service import KIND_LABELS, DeskFilters
from backend.workbench.pages import paginate, render
from backend.workbench.signin import PREFIX, SignedInDep, csrf_guard

# Included into backend.workbench.desk.router (prefix /staff/desk), which mounts it.
router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])
SUSPENSIONS = f"{PREFIX}/desk/suspensions"
PAPER_DONE = {"verified": "已核验，帮办人现在可以替本人办理了，短信已告诉他。", "rejected": "已退回，短信已告诉帮办人原因。"}
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
    out.append({"label": "纸质委托书", "n": paper.pending_count(session, actor), "current": current == "delegations", "href": f"{PREFIX}/desk/delegations"})
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



# ---------------------------------------------------------------- paper delegations

def _in_force(actor: Actor):  # noqa: ANN202 - a select
    """Verified paper delegations of my district (admins: every district), still in force."""
    query = select(Delegation).where(Delegation.consent_method == "paper", Delegation.status == VERIFIED,
                                     Delegation.revoked_at.is_(None), Delegation.expires_at > clock.now_utc())
    scope = district_scope(actor)
    return query.where(Delegation.district_code == scope) if scope else query


def _row(session: Session, d: Delegation, staff: dict[int, str]) -> dict[str, Any]:
    return {"id": d.id, "beside": paper.beside(session, d), "principal": d.principal.name, "principal_id": d.principal.id_masked or "",
            "principal_phone": d.principal.phone_masked, "helper": d.helper.name,
            "kind": HELPER_KIND_LABELS.get(d.helper_kind, d.helper_kind), "relation": d.helper_relation,
            "scope": "、".join(SCOPE_LABELS.get(s, s) for s in d.scope), "evidence": d.consent_evidence,
            "verified_by": staff.get(d.verified_by_staff_id, "—"), "created": d.created_at.astimezone(clock.CHINA).date(),
            "expires": d.expires_at.astimezone(clock.CHINA).date(), "note": d.review_note, "photo": bool(d.form_photo),
            "due": paper.due_on(d), "overdue": paper.due_on(d) < clock.today()}


@router.get("/delegations", response_class=HTMLResponse)
def paper_delegations(request: Request, session: SessionDep, who: SignedInDep,
                      page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                      show: Annotated[str, Query(pattern="^(pending|verified)$")] = "pending",
                      done: Annotated[str | None, Query(max_length=16)] = None) -> HTMLResponse:
    """书面授权委托书: the ones helpers handed in, waiting for a caseworker (the oldest first, with the day to
    verify by, the photo, and verify/reject forms: delegations.paper), or those in force in my district and
    who verified them (a form entered by the caseworker who saw it is verified when entered). Each says what stands
    beside it (paper.beside): the same person's delegation to another helper, another helper's form with this very
    photo — a tester's caseworker verified a second helper's form whose photo was the first helper's, unwarned."""
    actor = require_staff(who.actor)
    if show == "pending":
        pagination = paginate(paper.pending_count(session, actor), page)
        found = paper.pending(session, actor, offset=pagination.offset, limit=pagination.size)
    else:
        pagination = paginate(session.scalar(select(func.count()).select_from(_in_force(actor).subquery())) or 0, page)
        found = session.scalars(_in_force(actor).order_by(Delegation.created_at.desc(), Delegation.id.desc())
                                .offset(pagination.offset).limit(pagination.size)).all()
        audit(session, actor=actor.label, channel=actor.channel, action="delegation.list", entity_type="delegation_list",
              entity_id=actor.district_code or "-", detail={"ids": [d.id for d in found]})
    staff = {s.id: s.display_name for s in session.scalars(select(StaffUser).where(
        StaffUser.id.in_({d.verified_by_staff_id for d in found if d.verified_by_staff_id})))}
    return render(request, "staff/desk_delegations.html", who, rows=[_row(session, d, staff) for d in found], pagination=pagination,
                  show=show, can_review=actor.role in ("caseworker", "reviewer"), notice=PAPER_DONE.get(done or ""),
                  counts=tabs(session, actor, "delegations"), page_qs=lambda n: f"show={show}&page={n}")


@router.get("/delegations/{delegation_id}/photo")
def paper_form_photo(session: SessionDep, who: SignedInDep, delegation_id: DbId) -> Response:
    """The photo of the signed form, decrypted (another district: 404); each look is audited."""
    return photo_response(*paper.form_photo(session, who.actor, delegation_id))


@router.post("/delegations/{delegation_id}")
def review_paper(session: SessionDep, who: SignedInDep, delegation_id: DbId,
                 decision: Annotated[str, Form(pattern="^(verify|reject)$")],
                 note: Annotated[ShortText(200, min_length=2), Form()]) -> RedirectResponse:
    """Verified (with how she checked) or rejected (with the reason the helper is texted)."""
    paper.review(session, who.actor, delegation_id, note, verify=decision == "verify")
    return RedirectResponse(f"{PREFIX}/desk/delegations?done={'verified' if decision == 'verify' else 'rejected'}",
                            status_code=303)
