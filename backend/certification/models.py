"""待遇资格认证 schedules."""

from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base


class CertificationSchedule(Base):
    """待遇资格认证 for one recipient: when it is due, and where it stands."""

    __tablename__ = "certification_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    interval_months: Mapped[int] = mapped_column()
    next_due: Mapped[date] = mapped_column(Date)
    # ok | reminded | overdue | suspension_proposed
    state: Mapped[str] = mapped_column(String(24), default="ok")
    last_certified_on: Mapped[date | None] = mapped_column(Date)
    last_method: Mapped[str | None] = mapped_column(String(16))  # face | staff_assisted
