"""工作人员协助签署: a caseworker or reviewer witnesses a person's signature of the 核对授权书 (no face check),
with the reason. One place for the API (POST …/signatures/staff-assisted) and the workbench.

`witnessed_sign` is the case page's way (for someone with no phone, or who cannot 刷脸): the caseworker of the
case's district who saw the person sign on paper or press a fingerprint at the home visit, or sign at the window,
says how and on which day, confirms she saw the person and checked the ID card, and may add a scan of the signed
paper (kept in the documents store). The last signature publishes AuthorizationCompleted as a face one does."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from backend.applications.access import view_basis
from backend.applications.service import get_by_number
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.authorizations import service
from backend.core import clock
from backend.core.errors import AppError, Conflict
from backend.documents.storage import Photo, keep, owner_of
from backend.people.models import Person
from backend.staff.relations import refuse_related_to_case

# How the caseworker saw the person sign (the form's choices, in its words).
HOW = {"home_visit": "入户时本人纸质签字或按手印", "window": "本人在窗口签字"}
SCAN_PURPOSE = "authorization_paper"


class NotWitnessed(AppError):
    status_code = 422
    code = "not_witnessed"


@dataclass(frozen=True)
class Witnessed:
    """What the caseworker says about the signature she saw."""

    how: str  # a key of HOW
    on: date
    identity_checked: bool  # she saw the person and checked him against his ID card
    note: str = ""


def staff_assisted_sign(session: Session, actor: Actor, number: str, person_id: int, note: str) -> Person:
    require_staff(actor, "caseworker", "reviewer")
    app = get_by_number(session, number)
    view_basis(session, actor, app)
    refuse_related_to_case(session, actor.staff_id, app)
    person = service.person_for(session, app, person_id)
    service.sign(session, app.id, person.id, channel="counter", session_id=None, method="staff_assisted")
    audit(session, actor=actor.label, channel=actor.channel, action="authorization.staff_assisted_sign",
          entity_type="application", entity_id=app.number, detail={"person": person.id, "note": note})
    return person


def _check(witnessed: Witnessed, submitted_on: date) -> None:
    if witnessed.how not in HOW:
        raise NotWitnessed("请选择怎么签的：入户时本人纸质签字或按手印，或者本人在窗口签字。")
    if not witnessed.identity_checked:
        raise NotWitnessed("请确认已经见到本人、并和身份证核对过，才能记录协助签署。")
    if witnessed.on > clock.today():
        raise NotWitnessed("签字日期不能晚于今天。")
    if witnessed.on < submitted_on:
        raise NotWitnessed("签字日期不能早于申请提交的日期。")


def witnessed_sign(session: Session, actor: Actor, number: str, person_id: int, witnessed: Witnessed,
                   scan: Photo | None = None) -> Person:
    """The signature a caseworker of the case's district saw, recorded with how, when, by whom and the scan of the
    paper; audited (authorization.staff_assisted_sign). Refused: another district (404), another role (403), a
    staff member related to the household, a member whose ID number is to come (身份证号待补, 409), one who has
    signed already (409), without the identity check confirmed or with a wrong day (422)."""
    require_staff(actor, "caseworker")
    app = get_by_number(session, number)
    view_basis(session, actor, app)
    refuse_related_to_case(session, actor.staff_id, app)
    person = service.person_for(session, app, person_id)
    if service.is_signed(session, app.id, person.id):
        raise Conflict(f"{person.name}已经签过核对授权书了。", code="already_signed")
    _check(witnessed, app.submitted_on)
    service.sign(session, app.id, person.id, channel="counter", session_id=None, method="staff_assisted",
                 witnessed_by_staff_id=actor.staff_id, witnessed_how=witnessed.how, witnessed_on=witnessed.on,
                 paper_scan=scan.name if scan else None)
    if scan is not None:
        keep(session, [scan], owner=owner_of(actor), purpose=SCAN_PURPOSE)  # written last
    audit(session, actor=actor.label, channel=actor.channel, action="authorization.staff_assisted_sign",
          entity_type="application", entity_id=app.number,
          detail={"person": person.id, "how": witnessed.how, "on": witnessed.on.isoformat(), "identity_checked": True,
                  "scan": scan.name if scan else None, "note": witnessed.note or HOW[witnessed.how]})
    return person
