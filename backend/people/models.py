"""A person known to the system: applicant, household member, obligor or helper.

The ID number and the phone number are stored encrypted; a keyed hash of each finds the person.
"""

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_cipher: Mapped[str | None] = mapped_column(String(255))
    id_masked: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(2))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_cipher: Mapped[str | None] = mapped_column(String(255))
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    created_at: Mapped[Timestamp]

    @property
    def id_pending(self) -> bool:
        """No ID number on record: a household member whose number is to come (身份证号待补), or a helper known by phone."""
        return self.id_hash is None
