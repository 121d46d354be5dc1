"""Who may see and act on an application.

Staff: only their own district (admins: read-only everywhere). Citizens: the applicant (same verified
phone) or a helper under an active delegation with the needed scope. Anyone else gets the same 404 as
for a number that does not exist, so guessing numbers tells nothing.
"""

from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core.errors import Forbidden, NotFound
from backend.delegations.repository import active_delegation
from backend.people.service import holds_phone
from backend.staff.relations import refuse_related_to_case


def not_found(number: str | None) -> NotFound:
    return NotFound(f"没有找到编号为{number}的申请，请核对编号。", code="application_not_found")


def district_scope(actor: Actor, requested: str | None = None) -> str | None:
    """The district a staff list or report covers: an admin's choice (None: all districts), otherwise the
    caller's own; asking for another district is refused."""
    if actor.role == "admin":
        return requested
    if requested and requested != actor.district_code:
        raise Forbidden("只能查看本辖区。", code="other_district")
    return actor.district_code


def view_basis(session: Session, actor: Actor, app: Application) -> str:
    """Why this actor may read the application: staff, admin, applicant or helper. Raises 403 otherwise."""
    if actor.kind == "staff":
        if actor.role == "admin":
            return "admin"
        if actor.district_code == app.district_code:
            return "staff"
        raise not_found(app.number)
    if actor.kind == "citizen":
        if holds_phone(app.applicant, actor.phone_hash):
            return "applicant"
        if active_delegation(session, principal_person_id=app.applicant_person_id,
                             helper_phone_hash=actor.phone_hash or "", scope="query"):
            return "helper"
        raise not_found(app.number)
    raise Forbidden("请先验证身份。", code="citizen_required")


def audited_view(session: Session, actor: Actor, app: Application, action: str) -> str:
    """Check the caller may read this case (404 otherwise) and record that they did: every read of a
    case's personal data leaves a row in the audit chain."""
    basis = view_basis(session, actor, app)
    audit(session, actor=actor.label, channel=actor.channel, action=action, entity_type="application",
          entity_id=app.number, detail={"basis": basis})
    return basis


def audit_list(session: Session, actor: Actor, action: str, numbers: list[str]) -> None:
    """A list shows applicants' names: it is a read of personal data like any other (API and pages)."""
    audit(session, actor=actor.label, channel=actor.channel, action=action, entity_type="application_list",
          entity_id=actor.district_code or "-", detail={"numbers": numbers})


def workflow_roles(session: Session, actor: Actor, app: Application) -> set[str]:
    """The workflow roles (applicant, caseworker, reviewer) this actor holds for this application."""
    if actor.kind == "staff":
        if actor.role == "admin":
            return set()
        if actor.district_code != app.district_code:
            raise not_found(app.number)
        # Related to the household: no step at all, whichever role the case was routed to.
        refuse_related_to_case(session, actor.staff_id, app)
        return {actor.role} if actor.role else set()
    if actor.kind == "citizen":
        if holds_phone(app.applicant, actor.phone_hash):
            return {"applicant"}
        if active_delegation(session, principal_person_id=app.applicant_person_id,
                             helper_phone_hash=actor.phone_hash or "", scope="apply"):
            return {"applicant"}
        view_basis(session, actor, app)  # 404 for strangers; a helper who may only look gets the 403 below
        raise Forbidden("您的授权只能查询，不能代办这一步。需要申请人另外授权。", code="no_delegation")
    raise Forbidden("请先验证身份。", code="citizen_required")


# Steps a helper takes only with the principal's own yes for that kind of step: the delegation's scope.
OWN_YES = {"withdraw": "withdraw"}


def require_own_yes(session: Session, actor: Actor, app: Application, action: str):  # noqa: ANN201
    """A helper withdraws a person's application only when she agreed to that too (scope "withdraw", added by a
    code to her phone or a paper form); the refusal names the delegation, so the chat can ask her for it.
    Returns the delegation whose yes is used (the caller spends it: one yes, one withdrawal), else None."""
    scope = OWN_YES.get(action)
    if scope is None or actor.kind != "citizen" or holds_phone(app.applicant, actor.phone_hash):
        return None
    helper = actor.phone_hash or ""
    if (agreed := active_delegation(session, principal_person_id=app.applicant_person_id, helper_phone_hash=helper,
                                    scope=scope)) is not None:
        return agreed
    held = active_delegation(session, principal_person_id=app.applicant_person_id, helper_phone_hash=helper, scope="apply")
    raise Forbidden("撤回申请要申请人本人同意。可以给本人的手机发一个验证码，本人同意了把验证码告诉您；"
                    "或者请本人自己来撤回。", code="no_delegation",
                    details={"delegation_id": held.id if held else None, "missing_scope": scope})
