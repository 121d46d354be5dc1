"""Who may see and act on an application.

Staff: only their own district (admins: read-only everywhere). Citizens: the applicant (same verified
phone) or a helper under an active delegation with the needed scope. Anyone else: 403.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.auth.actor import Actor
from backend.core import clock
from backend.core.errors import Forbidden
from backend.delegations.models import Delegation
from backend.people.models import Person


def active_delegation(session: Session, *, principal_person_id: int, helper_phone_hash: str, scope: str) -> Delegation | None:
    candidates = session.scalars(
        select(Delegation)
        .join(Person, Person.id == Delegation.helper_person_id)
        .where(
            Delegation.principal_person_id == principal_person_id,
            Person.phone_hash == helper_phone_hash,
            Delegation.revoked_at.is_(None),
        )
        .order_by(Delegation.id.desc())
    ).all()
    moment = clock.now()
    return next((d for d in candidates if scope in d.scope and d.active_at(moment)), None)


def view_basis(session: Session, actor: Actor, app: Application) -> str:
    """Why this actor may read the application: staff, admin, applicant or helper. Raises 403 otherwise."""
    if actor.kind == "staff":
        if actor.role == "admin":
            return "admin"
        if actor.district_code == app.district_code:
            return "staff"
        raise Forbidden("只能查看本辖区的申请。", code="other_district")
    if actor.kind == "citizen":
        if app.applicant.phone_hash and app.applicant.phone_hash == actor.phone_hash:
            return "applicant"
        if active_delegation(session, principal_person_id=app.applicant_person_id,
                             helper_phone_hash=actor.phone_hash or "", scope="query"):
            return "helper"
        raise Forbidden("您没有查看这件申请的授权。需要申请人授权后才能代查。", code="no_delegation")
    raise Forbidden("请先验证身份。", code="citizen_required")


def workflow_roles(session: Session, actor: Actor, app: Application) -> set[str]:
    """The workflow roles (applicant, caseworker, reviewer) this actor holds for this application."""
    if actor.kind == "staff":
        if actor.role == "admin":
            return set()
        if actor.district_code != app.district_code:
            raise Forbidden("只能办理本辖区的申请。", code="other_district")
        return {actor.role} if actor.role else set()
    if actor.kind == "citizen":
        if app.applicant.phone_hash and app.applicant.phone_hash == actor.phone_hash:
            return {"applicant"}
        if active_delegation(session, principal_person_id=app.applicant_person_id,
                             helper_phone_hash=actor.phone_hash or "", scope="apply"):
            return {"applicant"}
        raise Forbidden("您没有代办这件申请的授权。", code="no_delegation")
    raise Forbidden("请先验证身份。", code="citizen_required")
