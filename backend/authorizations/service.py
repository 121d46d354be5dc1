"""The 家庭经济状况核对授权书: who must sign it, who has, and what completes it.

A signature comes from a passed face check (FaceCheckPassed for purpose "authorization") or from a
caseworker who saw the person (staff-assisted). The last one publishes AuthorizationCompleted, which
starts the economic check (backend.economic_check subscribes).
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.authorizations.events import AuthorizationCompleted
from backend.authorizations.models import AuthorizationSignature
from backend.core.errors import AppError
from backend.core.events import publish
from backend.facecheck.events import FaceCheckPassed
from backend.households.service import people_of, person_in
from backend.people.models import Person
from backend.people.service import require_id_number

AUTHORIZATION_DOCUMENT = "家庭经济状况核对授权书 v1 (2026-11)"


class NotAllSigned(AppError):
    status_code = 409
    code = "authorization_unsigned"


def signers(session: Session, app: Application) -> list[Person]:
    """Everyone who must sign the 核对授权书: each household member, and each obligor living elsewhere."""
    return people_of(session, app.household_id)


def sign(session: Session, application_id: int, person_id: int, *, channel: str, session_id: int | None, method: str,
         **witnessed: object) -> None:
    """Record a signature; when the last signer has signed, AuthorizationCompleted is published (once: a
    second signature by the same person is a no-op, so it cannot start the check again). `witnessed`: the
    columns of a staff-assisted one (witnessed_by_staff_id, witnessed_how, witnessed_on, paper_scan)."""
    require_id_number(session.get(Person, person_id))  # 身份证号待补: pending until the number is added
    already = session.scalar(select(AuthorizationSignature.id).where(
        AuthorizationSignature.application_id == application_id, AuthorizationSignature.person_id == person_id).limit(1))
    if already is not None:
        return
    session.add(AuthorizationSignature(application_id=application_id, person_id=person_id, document_version=AUTHORIZATION_DOCUMENT,
                                       channel=channel, liveness_session_id=session_id, method=method, **witnessed))
    session.flush()
    app = session.get(Application, application_id)
    if all(s["signed"] for s in signature_status(session, app)):
        publish(session, AuthorizationCompleted(application_id=application_id))


def on_face_check_passed(session: Session, event: FaceCheckPassed) -> None:
    if event.purpose == "authorization" and event.application_id:
        sign(session, event.application_id, event.person_id, channel=event.channel, session_id=event.session_id, method="face")


def require_all_signed(session: Session, app: Application) -> None:
    """The economic check needs everyone's signature (by face, or staff-assisted) on the 核对授权书:
    every way of starting it or recording its results asks here first."""
    missing = [s for s in signature_status(session, app) if not s["signed"]]
    if missing:
        names = "、".join(s["name"] for s in missing)
        pending = "、".join(s["name"] for s in missing if s["id_pending"])
        then = f"{pending}的身份证号待补，补上才能签。" if pending else ""
        raise NotAllSigned(f"还差{names}没有签核对授权书。{then}签齐了（刷脸或工作人员协助签署）才能开始家庭经济状况核对。",
                           details={"unsigned": [{"person_id": s["person_id"], "name": s["name"],
                                                  **({"id_pending": True} if s["id_pending"] else {})} for s in missing]})


def is_signed(session: Session, application_id: int, person_id: int) -> bool:
    return session.scalar(select(AuthorizationSignature.id).where(
        AuthorizationSignature.application_id == application_id, AuthorizationSignature.person_id == person_id).limit(1)) is not None


def signature_status(session: Session, app: Application) -> list[dict]:
    signed = {s.person_id: s for s in session.scalars(select(AuthorizationSignature)
                                                      .where(AuthorizationSignature.application_id == app.id))}
    # id_pending: 身份证号待补 — not signed, and cannot be until the number is added.
    return [{"person_id": p.id, "name": p.name, "signed": p.id in signed, "id_pending": p.id_pending,
             "signed_at": signed[p.id].signed_at.isoformat() if p.id in signed else None,
             "method": signed[p.id].method if p.id in signed else None,
             "witnessed_how": signed[p.id].witnessed_how if p.id in signed else None,
             "witnessed_on": signed[p.id].witnessed_on.isoformat() if p.id in signed and signed[p.id].witnessed_on else None,
             "paper_scan": signed[p.id].paper_scan if p.id in signed else None} for p in signers(session, app)]


def person_for(session: Session, app: Application, person_id: int | None) -> Person:
    if person_id is None:
        return app.applicant
    return person_in(session, app.household_id, person_id)
