"""ID-card photos as reference faces (上传身份证照片): one-time upload links, bound to whom the caller may
act for, the separate consent to keep a reference, and the reference they make.

The chat asks for a link (the action server speaking with the conversation's verified citizen token);
the chat page uploads to it. The browser never holds the citizen token, and the link names its person:
nobody can choose whose reference an upload sets. Only the encoding is kept, encrypted; the photo is not.

A card photo never replaces a reference already on file: otherwise a helper under a delegation could put
his own face in place of the person's and pass every later check as her. Changing a reference is a
caseworker's job (POST /liveness/references/{person_id}).

For the same reason a card photo a helper uploads is only pending: a helper could photograph a card with
his own face on it as her first reference. It counts once a caseworker of her district has confirmed it
after checking by other means (POST /liveness/references/{person_id}/confirm, or /reject); no image is kept to look
at. The person's own upload (her own verified phone) counts at once, and replaces a pending one.
"""

import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_citizen
from backend.core import clock
from backend.core.errors import AppError
from backend.core.templates import render_text
from backend.delegations.repository import active_delegation
from backend.facecheck import service
from backend.facecheck.challenge import REASON_MESSAGES
from backend.facecheck.models import LivenessSession
from backend.people.models import Person
from backend.people.service import holds_phone

PURPOSE = "id_photo"
UPLOAD_MINUTES = 30
MAX_UPLOAD_ATTEMPTS = 5
MAX_PHOTO_BYTES = 8 * 1024 * 1024
# A helper may set the reference of a principal whose delegation lets them apply, sign or certify.
ACTING_SCOPES = ("apply", "sign", "certify")
STAFF_WAY = "也可以请社区工作人员上门，或到街道（乡镇）社会救助窗口登记照片。"


class NotActingFor(AppError):
    status_code = 403
    code = "not_acting_for"
    message = "只能给自己，或者授权您帮办的人登记照片。请本人来办，或者先办理授权委托。"


class ReferenceExists(AppError):
    status_code = 409
    code = "reference_exists"
    message = "已经登记过照片了，可以直接刷脸。要更换照片，请到街道（乡镇）社会救助窗口，由工作人员核实后更换。"


class PhotoTooLarge(AppError):
    status_code = 413
    code = "photo_too_large"
    message = f"照片太大了（超过{MAX_PHOTO_BYTES // (1024 * 1024)}MB）。请用手机相机直接拍，或者把照片压缩一下再传。"


class PhotoUnusable(AppError):
    """A photo that cannot be a reference; the failed attempt is counted, the link and consent stay."""

    status_code = 400
    keep_changes = True


def consent_text() -> str:
    return render_text("facecheck/id_photo_consent.txt.j2")


def acting_for(session: Session, actor: Actor, person: Person) -> int | None:
    """The delegation under which the caller acts for `person` (None: the person herself); 403 otherwise."""
    require_citizen(actor)
    if holds_phone(person, actor.phone_hash):
        return None
    for scope in ACTING_SCOPES:
        delegation = active_delegation(session, principal_person_id=person.id, helper_phone_hash=actor.phone_hash or "",
                                       scope=scope)
        if delegation is not None:
            return delegation.id
    raise NotActingFor()


def _room_for(session: Session, person_id: int, delegation_id: int | None) -> None:
    """A card photo may still be taken: no confirmed reference, and none pending unless she uploads herself."""
    if service.has_reference(session, person_id):
        raise ReferenceExists()
    if delegation_id is not None and service.pending_reference(session, person_id) is not None:
        raise service.ReferencePending()


def open_link(session: Session, actor: Actor, *, app: Application, person: Person, face_purpose: str) -> tuple[str, LivenessSession]:
    """A one-time upload link for `person`'s card photo, for the face check `face_purpose` that follows."""
    delegation_id = acting_for(session, actor, person)
    _room_for(session, person.id, delegation_id)
    token = secrets.token_urlsafe(24)
    row = LivenessSession(
        token_hash=service._hash(token), person_id=person.id, purpose=PURPOSE, application_id=app.id, challenge=[],
        nonce=secrets.token_urlsafe(16), expires_at=clock.now_utc() + timedelta(minutes=UPLOAD_MINUTES),
        created_by=actor.label, delegation_id=delegation_id, result={"attempts": 0, "for": face_purpose},
    )
    session.add(row)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="face.id_photo_link", entity_type="person",
          entity_id=person.id, detail={"link": row.id, "delegation": delegation_id, "for": face_purpose})
    return token, row


def by_token(session: Session, token: str, *, for_update: bool = False) -> LivenessSession:
    return service.by_token(session, token, for_update=for_update, purposes=(PURPOSE,))


def needs_consent(session: Session, row: LivenessSession) -> bool:
    return not service.consented(session, row, service.REFERENCE_CONSENT_VERSION)


def record_consent(session: Session, row: LivenessSession, agreed: bool) -> None:
    service.record_consent(session, row, agreed, "web", service.REFERENCE_CONSENT_VERSION)


def check_ready(session: Session, row: LivenessSession, photo: bytes) -> None:
    """Everything that must hold before a face in the photo is looked at: consent first, then the size."""
    if needs_consent(session, row):
        raise service.NeedsConsent("登记照片之前，需要本人先同意保存人脸信息。不同意也没关系，可以请工作人员上门办理。")
    _room_for(session, row.person_id, row.delegation_id)
    if len(photo) > MAX_PHOTO_BYTES:
        raise PhotoTooLarge()
    if not photo:
        raise PhotoUnusable(REASON_MESSAGES["bad_image"], code="bad_image")


def refuse_photo(session: Session, row: LivenessSession, reason: str) -> PhotoUnusable:
    """Count a failed photo and say why in plain words; after the last try the link closes (a person takes over)."""
    attempts = int((row.result or {}).get("attempts", 0)) + 1
    row.result = {**(row.result or {}), "attempts": attempts, "last": reason}
    last = attempts >= MAX_UPLOAD_ATTEMPTS
    if last:
        row.used_at, row.passed = clock.now_utc(), False
    session.flush()
    audit(session, actor=row.created_by, channel="web", action="face.id_photo_refused", entity_type="person",
          entity_id=row.person_id, detail={"link": row.id, "reason": reason, "attempts": attempts})
    message = REASON_MESSAGES.get(reason, REASON_MESSAGES["bad_image"])
    if last:
        message = f"{message}已经试了{attempts}次，这个链接关闭了。{STAFF_WAY}"
    return PhotoUnusable(message, code=reason, details={"attempts_left": max(0, MAX_UPLOAD_ATTEMPTS - attempts)})


def keep_reference(session: Session, row: LivenessSession, encoding) -> dict:  # noqa: ANN001
    """Store the encoding (encrypted) as the person's reference and close the link; the photo was never stored.
    A helper's upload is kept pending (see the module's docstring)."""
    _room_for(session, row.person_id, row.delegation_id)  # another upload may have finished meanwhile
    person = session.get(Person, row.person_id)
    ref = service.set_reference(session, person=person, encoding=encoding, source="id_card", staff_id=None,
                                pending_under=row.delegation_id)
    row.used_at, row.passed = clock.now_utc(), True
    session.flush()
    audit(session, actor=row.created_by, channel="web", action="face.set_reference", entity_type="person",
          entity_id=person.id, detail={"reference": ref.id, "source": "id_card", "link": row.id,
                                       "delegation": row.delegation_id, "status": ref.status})
    if row.delegation_id is not None:
        return {"message": service.ReferencePending.message, "next": (row.result or {}).get("for"), "status": ref.status}
    return {"message": "身份证照片登记好了，照片本身没有保存。接下来可以刷脸了。", "next": (row.result or {}).get("for"),
            "status": ref.status}
