"""A half-filled form kept for the phone that filled it, so an answer outlives the conversation.

An 80-year-old who stops to look for her 户口本, or a grid worker whose old man has no phone and must first
sign a paper form at the window, comes back days later and says "继续": what she had said is there. The
answers are stored encrypted (they hold names and ID numbers); only the verified phone that saved them
reads them, and every read is audited. A draft lives DRAFT_DAYS days after its last change.
"""

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import UtcDateTime


class FormDraft(Base):
    __tablename__ = "form_drafts"
    # One draft per phone, form and applicant: a grid worker may keep several old men's forms at once.
    __table_args__ = (UniqueConstraint("owner_phone_hash", "form", "subject_hash", name="uq_form_drafts_owner_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    form: Mapped[str] = mapped_column(String(32))  # service.FORMS
    # The applicant's ID number as a lookup hash; "" while it has not been said.
    subject_hash: Mapped[str] = mapped_column(String(64), default="")
    label: Mapped[str] = mapped_column(String(64))  # what the owner is shown: "低保 · 刘*芬"
    answers_cipher: Mapped[str] = mapped_column(Text)  # JSON of the form's answers, encrypted
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
