"""Face checks for people: consent first, reference faces, one-time links, verification and its result.

A passed check publishes FaceCheckPassed; what it counts for (a signature, a certification) is decided
by the packages that subscribe, never here."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.core.events import publish
from backend.facecheck.challenge import LivenessChallenge, LivenessResult
from backend.facecheck.engine import FaceRecognitionEngine
from backend.facecheck.events import FaceCheckPassed
from backend.facecheck.geometry import FaceEngine, encoding_from_bytes, encoding_to_bytes
from backend.facecheck.models import (
    REFERENCE_CONFIRMED, REFERENCE_PENDING, REFERENCE_REJECTED, AcceptedFrameKey, BiometricConsent, FaceReference, LivenessSession,
)
from backend.facecheck.verify import frame_hash, sequence_hash, verify_challenge
from backend.households.service import person_in
from backend.people.models import Person

CONSENT_TEXT_VERSION = "人脸识别单独同意书 v1 (2026-11)"
# Keeping a reference face is another purpose than one check, so it has its own consent and text
# (backend/facecheck/templates/facecheck/id_photo_consent.txt.j2).
REFERENCE_CONSENT_VERSION = "人脸参考信息单独同意书 v1 (2026-11)"
FACE_PURPOSES = ("authorization", "certification")
LINK_HOURS = 24
CHALLENGE_SECONDS = 120
MAX_ATTEMPTS = 3


class LinkInvalid(AppError):
    status_code = 410
    code = "link_invalid"
    message = "这个链接已经失效了。请在聊天里再要一个新链接，或者找社区工作人员帮忙。"


class NeedsConsent(AppError):
    status_code = 409
    code = "consent_required"
    message = "刷脸之前需要您先同意使用人脸信息。不同意也没关系，可以请工作人员上门办理。"


# The ways on when no reference face is on file, for clients that offer them as choices.
NO_REFERENCE_WAYS = ["id_card_photo", "staff_visit", "street_window"]


class NoReference(AppError):
    """Said before any camera step: a face check without a reference could only fail at the end."""

    status_code = 409
    code = "no_reference"
    message = ("还没有登记本人的照片，暂时不能刷脸。可以在网页聊天里拍一张身份证照片来登记；"
               "也可以请社区工作人员上门，或到街道（乡镇）社会救助窗口办理，一样有效。")

    def __init__(self) -> None:
        super().__init__(details={"ways": NO_REFERENCE_WAYS})


class ReferencePending(AppError):
    """A helper's upload of the card photo waits for a caseworker: until then no face check, and the ways on."""

    status_code = 409
    code = "reference_pending"
    message = ("身份证照片已经收到，等社区工作人员核实后就可以刷脸了。着急的话，也可以请社区工作人员上门，"
               "或到街道（乡镇）社会救助窗口办理，一样有效。")

    def __init__(self) -> None:
        super().__init__(details={"ways": ["staff_visit", "street_window"]})


@lru_cache
def get_face_engine() -> FaceEngine:
    return FaceRecognitionEngine()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def subject_for(session: Session, app: Application, person_id: int | None) -> Person:
    """Whose face an application's check is for: the applicant, or a named member or obligor of the household."""
    if person_id is None:
        return app.applicant
    return person_in(session, app.household_id, person_id)


def create_session(session: Session, *, person: Person, purpose: str, created_by: str, application: Application | None,
                   helper_person_id: int | None = None, delegation_id: int | None = None) -> tuple[str, LivenessSession]:
    token = secrets.token_urlsafe(24)
    row = LivenessSession(
        token_hash=_hash(token), person_id=person.id, purpose=purpose, application_id=application.id if application else None,
        challenge=[], nonce=secrets.token_urlsafe(16), expires_at=clock.now_utc() + timedelta(hours=LINK_HOURS),
        created_by=created_by, helper_person_id=helper_person_id, delegation_id=delegation_id, result={"attempts": 0},
    )
    issue_challenge(row)
    session.add(row)
    session.flush()
    audit(session, actor=created_by, channel="api", action=f"liveness.session_{purpose}", entity_type="person",
          entity_id=person.id, detail={"session": row.id, "helper": helper_person_id})
    return token, row


def issue_challenge(row: LivenessSession) -> list[str]:
    """A fresh random order and nonce, valid for two minutes: the link lasts a day, an answer does not."""
    fresh = LivenessChallenge.new(now=clock.now(), ttl=timedelta(seconds=CHALLENGE_SECONDS))
    row.challenge, row.nonce = list(fresh.actions), fresh.nonce
    row.result = {**(row.result or {}), "challenge_issued_at": fresh.issued_at.isoformat(),
                  "challenge_expires_at": fresh.expires_at.isoformat()}
    return fresh.prompts


def by_token(session: Session, token: str, *, for_update: bool = False,
             purposes: tuple[str, ...] = FACE_PURPOSES) -> LivenessSession:
    """A live link for one of `purposes`: an ID-photo link never opens a face check, nor the reverse."""
    query = select(LivenessSession).where(LivenessSession.token_hash == _hash(token), LivenessSession.purpose.in_(purposes))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.scalars(query).first()
    if row is None:
        raise LinkInvalid()
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if row.used_at is not None or expires <= clock.now():
        raise LinkInvalid()
    return row


def consented(session: Session, row: LivenessSession, version: str = CONSENT_TEXT_VERSION) -> bool:
    """The person's latest answer to this text (a consent to one purpose is not a consent to another)."""
    latest = session.scalars(select(BiometricConsent).where(BiometricConsent.person_id == row.person_id,
                                                            BiometricConsent.text_version == version)
                             .order_by(BiometricConsent.id.desc()).limit(1)).first()
    return bool(latest and latest.agreed)


def record_consent(session: Session, row: LivenessSession, agreed: bool, channel: str,
                   version: str = CONSENT_TEXT_VERSION) -> None:
    record_person_consent(session, person_id=row.person_id, agreed=agreed, channel=channel, version=version,
                          session_id=row.id, actor=f"person:{row.person_id}")


def record_person_consent(session: Session, *, person_id: int, agreed: bool, channel: str, version: str, actor: str,
                          session_id: int | None = None, staff_id: int | None = None, present: str | None = None) -> None:
    """One answer to one versioned text: on a link (the person's own), or given in front of staff (who
    recorded it, who was present)."""
    session.add(BiometricConsent(person_id=person_id, text_version=version, agreed=agreed, channel=channel,
                                 session_id=session_id, recorded_by_staff_id=staff_id, present=present))
    session.flush()
    audit(session, actor=actor, channel=channel, action="liveness.consent", entity_type="person", entity_id=person_id,
          detail={"agreed": agreed, "version": version, **({"present": present} if present else {})})


def set_reference(session: Session, *, person: Person, encoding, source: str, staff_id: int | None,  # noqa: ANN001
                  pending_under: int | None = None) -> FaceReference:
    """A new reference face for the person. Her own upload (through her verified phone) and a staff member's
    first one count at once. A helper's upload (`pending_under`, the delegation) and a staff member's that
    would replace a confirmed reference wait (pending) for a caseworker's review (review_reference), and the
    confirmed one stays in use meanwhile: nobody else silently replaces the face every check compares with.
    For a pending staff upload, `verified_by_staff_id` is the uploader until a second staff member reviews it."""
    pending = pending_under is not None or (staff_id is not None and has_reference(session, person.id))
    # A newer upload supersedes older ones still waiting; a confirmed one gives way only to a reference that counts.
    superseded = _current(person.id, REFERENCE_PENDING) if pending else select(FaceReference).where(
        FaceReference.person_id == person.id, FaceReference.active.is_(True))
    for old in session.scalars(superseded):
        old.active = False
    ref = FaceReference(person_id=person.id, encoding_cipher=get_vault().encrypt_bytes(encoding_to_bytes(encoding)),
                        source=source, verified_by_staff_id=staff_id, delegation_id=pending_under,
                        status=REFERENCE_PENDING if pending else REFERENCE_CONFIRMED)
    session.add(ref)
    session.flush()
    return ref


def _current(person_id: int, status: str):  # noqa: ANN202
    return select(FaceReference).where(FaceReference.person_id == person_id, FaceReference.active.is_(True),
                                       FaceReference.status == status)


def has_reference(session: Session, person_id: int) -> bool:
    """Whether a confirmed reference face is on file (its encoding is not read, so nothing to audit)."""
    return session.scalar(_current(person_id, REFERENCE_CONFIRMED).with_only_columns(FaceReference.id).limit(1)) is not None


def pending_reference(session: Session, person_id: int) -> FaceReference | None:
    return session.scalars(_current(person_id, REFERENCE_PENDING).limit(1)).first()


def missing_reference(session: Session, person_id: int) -> AppError:
    """Why there is no face check: no reference at all, or a helper's upload waiting for a caseworker."""
    return ReferencePending() if pending_reference(session, person_id) else NoReference()


def require_reference(session: Session, person_id: int) -> None:
    if not has_reference(session, person_id):
        raise missing_reference(session, person_id)


def review_reference(session: Session, ref: FaceReference, *, staff_id: int, reason: str, confirm: bool) -> None:
    """A caseworker checked by other means (home visit, 户籍 photo) whether the upload (a helper's, or another
    staff member's replacing a confirmed one) is her face: confirmed, it counts from now on and replaces the
    earlier one; rejected, it is no longer current (the confirmed one, if any, stays)."""
    if confirm:  # from now on this face counts, and the one it replaces no longer does
        for earlier in session.scalars(select(FaceReference).where(
                FaceReference.person_id == ref.person_id, FaceReference.active.is_(True), FaceReference.id != ref.id)):
            earlier.active = False
    ref.status = REFERENCE_CONFIRMED if confirm else REFERENCE_REJECTED
    ref.active = confirm
    ref.verified_by_staff_id, ref.reviewed_at, ref.review_reason = staff_id, clock.now_utc(), reason
    session.flush()


def pending_references(session: Session) -> list[FaceReference]:
    return list(session.scalars(select(FaceReference).where(FaceReference.active.is_(True),
                                                            FaceReference.status == REFERENCE_PENDING)
                                .order_by(FaceReference.created_at, FaceReference.id)))


def reference_of(session: Session, person_id: int):  # noqa: ANN201
    ref = session.scalars(_current(person_id, REFERENCE_CONFIRMED).order_by(FaceReference.id.desc()).limit(1)).first()
    if ref is None:
        raise missing_reference(session, person_id)
    audit(session, actor="system", channel="api", action="face.read_reference", entity_type="person", entity_id=person_id,
          detail={"reference": ref.id})
    return encoding_from_bytes(get_vault().decrypt_bytes(ref.encoding_cipher))


def prepare(session: Session, row: LivenessSession, frames: list[bytes]):  # noqa: ANN201
    """Everything the verification needs from the database, read before it runs off the event loop."""
    if not consented(session, row):
        raise NeedsConsent()
    reference = reference_of(session, row.person_id)
    hashes = [frame_hash(f) for f in frames]
    keys = [sequence_hash(hashes), *hashes]
    seen = set(session.scalars(select(AcceptedFrameKey.key).where(AcceptedFrameKey.key.in_(keys))))
    challenge = LivenessChallenge(nonce=row.nonce, actions=tuple(row.challenge),
                                  issued_at=datetime.fromisoformat(row.result["challenge_issued_at"]),
                                  expires_at=datetime.fromisoformat(row.result["challenge_expires_at"]))
    return reference, challenge, frozenset(seen)


def run_verification(engine: FaceEngine, reference, challenge: LivenessChallenge, frames: list[bytes], seen: frozenset,  # noqa: ANN001
                     *, mirrored: bool) -> LivenessResult:
    return verify_challenge(engine, reference, challenge, frames, now=clock.now(), seen_replay_keys=seen, mirrored=mirrored)


def record_result(session: Session, row: LivenessSession, result: LivenessResult, channel: str) -> dict:
    attempts = int((row.result or {}).get("attempts", 0)) + 1
    scores = result.to_dict()
    row.result = {**(row.result or {}), "attempts": attempts,
                  "last": {k: scores[k] for k in ("passed", "reasons", "observed", "match_distance", "ear_baseline", "ear_min",
                                                  "total_ms")}}
    retry = None
    if result.passed:
        row.passed, row.used_at = True, clock.now_utc()
        for key in result.replay_keys:
            if session.get(AcceptedFrameKey, key) is None:
                session.add(AcceptedFrameKey(key=key, session_id=row.id))
        publish(session, FaceCheckPassed(purpose=row.purpose, application_id=row.application_id, person_id=row.person_id,
                                         session_id=row.id, channel=channel))
    elif attempts < MAX_ATTEMPTS:
        # Another go with a fresh challenge: bad light, a slow turn or a late answer should not send people away.
        retry = issue_challenge(row)
    else:
        row.passed, row.used_at = False, clock.now_utc()
    session.flush()
    audit(session, actor=f"person:{row.person_id}", channel=channel, action=f"liveness.{row.purpose}", entity_type="person",
          entity_id=row.person_id, detail={"session": row.id, "passed": result.passed, "reasons": list(result.reasons),
                                           "helper": row.helper_person_id})
    return {"passed": result.passed, "reasons": list(result.reasons), "message": result.message, "retry_prompts": retry,
            "attempts_left": 0 if result.passed or retry is None else MAX_ATTEMPTS - attempts}
