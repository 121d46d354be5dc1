"""Biometric consent, reference faces, liveness sessions (one-time links) and the replay keys of accepted frames."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class BiometricConsent(Base):
    """单独同意: recorded before any face is processed, with the version of the text that was shown."""

    __tablename__ = "biometric_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    text_version: Mapped[str] = mapped_column(String(32))
    agreed: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("liveness_sessions.id"))
    # Given in front of staff (a reference photo they upload or take): who recorded it, and who was present.
    recorded_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    present: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[Timestamp]


# A reference counts for face checks only when confirmed: an ID card photo a helper uploaded under a
# delegation is pending until a caseworker of the person's district has checked by other means (the home
# visit, the 户籍 photo) that the face is hers.
# A caseworker who finds it is not her face rejects it (it stops being current; another upload may follow).
REFERENCE_CONFIRMED = "confirmed"
REFERENCE_PENDING = "pending"
REFERENCE_REJECTED = "rejected"


class FaceReference(Base):
    """The 128-d encoding, encrypted. The image it came from is not kept."""

    __tablename__ = "face_references"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    encoding_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(16))  # id_card | staff_selfie
    # The staff member who took or checked it: for a helper's upload, the caseworker who confirmed or rejected it.
    verified_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[Timestamp]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default=REFERENCE_CONFIRMED, server_default=REFERENCE_CONFIRMED)
    # Uploaded by a helper under this delegation (None: the person herself, or staff).
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_reason: Mapped[str | None] = mapped_column(String(200))


class LivenessSession(Base):
    """One face check, reached by a one-time link: the challenge, who it is for, and the outcome."""

    __tablename__ = "liveness_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # authorization | certification
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    challenge: Mapped[list[str]] = mapped_column(JSON)
    nonce: Mapped[str] = mapped_column(String(32), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Guardian mode: a helper holds the phone; the person's face is still the one verified.
    helper_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    passed: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[Timestamp]


class AcceptedFrameKey(Base):
    """Hashes of accepted frame sequences and frames: a replayed recording is refused."""

    __tablename__ = "accepted_frame_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("liveness_sessions.id"))
