"""授权委托书: a helper may act for a person only under an active delegation.

Who (the helper), for whom (the principal), what for (scope), how the principal consented (a one-time
code on their phone, or a paper form a caseworker verified), until when, and whether it was revoked.
A paper form a helper hands in (its photo) is pending until a caseworker of the principal's district
verifies it; pending or rejected, it gives no rights (`active_at`).
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime
from backend.people.models import Person

HELPER_KINDS = ("relative", "grid_worker", "volunteer", "community_police", "staff")
# withdraw: never by default. Taking back a person's application needs her own yes (a code to her phone adds
# it, or a paper form), not only the helper's word.
SCOPES = ("apply", "query", "sign", "certify", "notices", "withdraw")

# The verification of the consent (delegations.status). An OTP delegation and a paper form entered by the
# caseworker who saw it are verified at once; a paper form a helper submitted waits for a caseworker.
PENDING = "pending"
VERIFIED = "verified"
REJECTED = "rejected"


class Delegation(Base):
    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    helper_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    helper_kind: Mapped[str] = mapped_column(String(24))
    helper_relation: Mapped[str | None] = mapped_column(String(16))  # e.g. 女儿, 网格员
    scope: Mapped[list[str]] = mapped_column(JSON)
    consent_method: Mapped[str] = mapped_column(String(16))  # otp | paper
    consent_evidence: Mapped[str] = mapped_column(String(255))
    verified_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # Paper forms: the district (区县) whose caseworker verified (or, pending, must verify) the form.
    district_code: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default=VERIFIED, server_default=VERIFIED)
    # A submitted paper form: its photo (a documents.storage reference name), and the caseworker's review:
    # when, and how she checked it (verified) or why not (rejected); verified_by_staff_id is who.
    form_photo: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    review_note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[Timestamp]
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(128))

    principal: Mapped[Person] = relationship(foreign_keys=[principal_person_id])
    helper: Mapped[Person] = relationship(foreign_keys=[helper_person_id])

    def active_at(self, when: datetime) -> bool:
        expires = self.expires_at if self.expires_at.tzinfo else self.expires_at.replace(tzinfo=when.tzinfo)
        return self.status == VERIFIED and self.revoked_at is None and expires > when
