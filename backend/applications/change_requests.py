"""A change request (更正) or more of what happened (补充情况) on a submitted case, from the person or her helper.

Recorded only on the case it is meant for: the request says whose case it means (`meant_for`: the number, and
the principal's name or ID number), and a case whose applicant is someone else is refused — a grid worker's
"改身份证" for her second old man once landed on her first one's case. A helper always says whose; the person
herself may. The timeline says who asked: "帮办人（李敏）要求更正", not "申请人要求更正" (catalog.event_label).
"""

from typing import Any

from sqlalchemy.orm import Session

from backend.applications.catalog import ASKED_BY
from backend.applications.models import Application
from backend.applications.schemas import StepIn
from backend.auth.actor import Actor
from backend.core.errors import AppError
from backend.delegations.repository import active_delegation
from backend.people.service import find_by_id_number, holds_phone, same_name

CHANGES = ("request_change", "add_information")
MEANT_FOR = "meant_for"


class NotThisPersonsCase(AppError):
    status_code = 409
    code = "not_this_persons_case"


class WhoseCaseUnsaid(AppError):
    status_code = 422
    code = "meant_for_required"
    message = "要说清楚是哪一位的申请（姓名或身份证号），更正才能记上。"


def helper_name(session: Session, actor: Actor, app: Application) -> str | None:
    """The name of the helper taking this step for the applicant (her delegation's helper); None for herself."""
    if actor.kind != "citizen" or holds_phone(app.applicant, actor.phone_hash):
        return None
    held = active_delegation(session, principal_person_id=app.applicant_person_id, helper_phone_hash=actor.phone_hash or "",
                             scope="apply")
    return held.helper.name if held is not None else None


def check_meant_for(session: Session, app: Application, meant: dict[str, Any] | None) -> None:
    """Refuses unless the case is the one meant: the same number (when said), and its applicant has the name or the
    ID number said. Only the name said is repeated in the refusal (never the applicant's)."""
    meant = meant or {}
    name, id_number = meant.get("name"), meant.get("id_number")
    if not name and not id_number:
        raise WhoseCaseUnsaid()
    person = find_by_id_number(session, id_number) if id_number else None
    if ((meant.get("number") and meant["number"] != app.number)
            or (name and same_name(name) != same_name(app.applicant.name))
            or (id_number and (person is None or person.id != app.applicant_person_id))):
        who = f"{name}的" if name else "您说的这一位的"
        raise NotThisPersonsCase(f"申请{app.number}不是{who}，更正没有记上。请说清楚是哪一位的哪一件申请；"
                                 "也可以说“找工作人员”。", details={"number": app.number})


def prepared(session: Session, actor: Actor, app: Application, action: str, step: StepIn) -> StepIn:
    """The step as it is recorded: checked against whose case it is meant for (a change request by a helper must
    say), `meant_for` left out of the record, and who asked noted when it was her helper."""
    data = dict(step.data)
    meant = data.pop(MEANT_FOR, None)  # whatever the step: it may carry an ID number, never stored
    if action not in CHANGES:
        return step.model_copy(update={"data": data}) if meant is not None else step
    helper = helper_name(session, actor, app)
    if meant is not None or (helper is not None and action == "request_change"):
        check_meant_for(session, app, meant)
    data.pop(ASKED_BY, None)  # never the caller's own word
    if helper:
        data[ASKED_BY] = f"帮办人（{helper}）"
    return step.model_copy(update={"data": data})
