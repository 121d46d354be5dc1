"""Administrative areas: city → district (区县) → street/town (街道/乡镇), with each office's contact.

Staff belong to a district; applications belong to a street; a person who asks for a human is
called back by their street office, whose phone and hours live here.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base


class Area(Base):
    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # city | district | street
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    # Names the file in eligibility/data/regions/ whose standards apply here.
    standards_region: Mapped[str] = mapped_column(String(32))
    office_name: Mapped[str | None] = mapped_column(String(128))
    office_phone: Mapped[str | None] = mapped_column(String(32))
    office_hours: Mapped[str | None] = mapped_column(String(128))
    # The duty mobile that gets an SMS at once for 急难 reports.
    alert_phone: Mapped[str | None] = mapped_column(String(20))
