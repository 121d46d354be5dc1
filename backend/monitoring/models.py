"""People in the low-income monitoring database (低收入人口动态监测). Rejected is not forgotten."""

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base


class MonitoredPerson(Base):
    __tablename__ = "monitored_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    category: Mapped[str] = mapped_column(String(32))  # 申请未通过, 低保边缘, 退出保障两年内, …
    source_application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    since: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(255))
