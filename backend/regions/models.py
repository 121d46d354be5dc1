"""Administrative areas that something refers to: the database's copy of their gazetteer entry.

The gazetteer (`backend/regions/gazetteer.py`, data/gazetteer.csv.gz) owns every code and name; a row
exists here once an application, household, call-back, complaint, delegation or staff account refers to
the place (`regions.service.ensure_area`), so foreign keys hold. Office contacts live in data/offices.yaml.
"""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base


class Area(Base):
    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # province | city | district | street
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    # Names the region whose rules apply here (eligibility/data/regions/, workflow variants), from the
    # `standards` map of data/offices.yaml; empty where we hold no standards.
    standards_region: Mapped[str | None] = mapped_column(String(32))
