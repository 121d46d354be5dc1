"""What was stored, by whom and how large: the count behind the daily upload limit (the file itself is on
disk, sealed; see storage)."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import UtcDateTime


class StoredDocument(Base):
    __tablename__ = "stored_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    file: Mapped[str] = mapped_column(String(80))  # the file's name under DOCUMENTS_DIR
    # Who uploaded it: "phone:<lookup hash of the verified phone>" or "staff:<id>" (storage.owner_of).
    owner: Mapped[str] = mapped_column(String(80), index=True)
    purpose: Mapped[str] = mapped_column(String(24))  # visit_photo | paper_form
    size: Mapped[int] = mapped_column(Integer)  # bytes kept (before sealing)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
