"""Finding areas: what a person names (search), the office that answers for an area, a district's areas."""

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from backend.regions.models import Area


def search(session: Session, text: str, *, limit: int = 10) -> list[Area]:
    """Streets first, then districts, whose name (or its stem) is in what was said, or that contain it.

    "渝中区七星岗街道", "七星岗", "七星岗街道那边" all find 七星岗街道."""
    text = text.strip()
    areas = session.scalars(select(Area).where(Area.level.in_(("street", "district")))).all()

    def matches(a: Area) -> bool:
        stem = a.name.removesuffix("街道").removesuffix("镇").removesuffix("乡").removesuffix("区").removesuffix("县")
        return a.name in text or (len(stem) >= 2 and stem in text) or text in a.name

    return sorted((a for a in areas if matches(a)), key=lambda a: (a.level != "street", a.code))[:limit]


def district_of(session: Session, area: Area) -> Area | None:
    parent = session.get(Area, area.parent_code) if area.parent_code else None
    return parent if parent and parent.level == "district" else None


def office_for(session: Session, area_code: str | None) -> Area | None:
    """The nearest area up the tree that has an office phone (a street without one falls back to its district)."""
    area = session.get(Area, area_code) if area_code else None
    while area is not None and not area.office_phone and area.parent_code:
        area = session.get(Area, area.parent_code)
    return area


def codes_in_district(district_code: str | None) -> Select:
    """The district and its streets, as a subquery for `IN`."""
    return select(Area.code).where(or_(Area.parent_code == district_code, Area.code == district_code))
