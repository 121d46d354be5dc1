"""Areas: finding what a person names (search), the office that answers for an area, the `areas` rows
that other tables refer to (ensure_area), a district's areas."""

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backend.regions import matching
from backend.regions.gazetteer import Gazetteer, Place, get_gazetteer
from backend.regions.models import Area
from backend.regions.offices import Office, get_offices


@dataclass(frozen=True)
class Found:
    """A search result: the place, how sure we are, where it is and who answers for it."""
    place: Place
    match: str  # exact | close
    community: str | None
    full_name: str
    district: str | None
    city: str | None
    province: str | None
    office: Office
    standards_region: str | None


def known(code: str | None) -> Place | None:
    """The gazetteer's entry for a code, or None."""
    return get_gazetteer().get(code)


def _names(g: Gazetteer, place: Place) -> dict[str, str | None]:
    up = {p.level: p.name for p in [place, *g.ancestors(place.code)]}
    province = up.get("province")
    # A 直辖市 (重庆市) is its own city.
    city = up.get("city") or (province if province and province.endswith("市") else None)
    return {"district": up.get("district") if place.level == "street" else None, "city": city, "province": province}


def search(text: str, *, within: str | None = None, near: str | None = None, limit: int = matching.LIMIT) -> list[Found]:
    """Streets (or the 省/市/区县 named when no street is) for what a person said, best first."""
    g, book = get_gazetteer(), get_offices()
    return [Found(place=c.place, match=c.match, community=c.community, full_name=g.full_name(c.place.code),
                  office=book.office_for(g, c.place.code), standards_region=book.standards_region(g, c.place.code),
                  **_names(g, c.place))
            for c in matching.find(g, text, within=within, near=near, limit=limit)]


def area_code_of(value: str | None) -> str | None:
    """A gazetteer code as given, or the code of a region named as in `standards` (重庆 → 500000); else None."""
    if not value or known(value):
        return value or None
    return next((code for code, region in get_offices().standards.items() if region == value), None)


def office_for(code: str | None) -> Office:
    """Who answers for the area: its own office, the nearest configured one above it, else the hotline."""
    return get_offices().office_for(get_gazetteer(), code if known(code) else None)


def standards_region(code: str) -> str | None:
    return get_offices().standards_region(get_gazetteer(), code)


def ensure_area(session: Session, code: str | None) -> Area | None:
    """The `areas` row of a gazetteer place, its ancestors' rows created first; None for a code the
    gazetteer does not know. Rows that exist are left as they are (load_areas refreshes them at start),
    and two requests adding the same place at once both succeed (insert … on conflict do nothing)."""
    g = get_gazetteer()
    place = g.get(code)
    if place is None:
        return None
    existing = session.get(Area, place.code)
    if existing is not None:
        return existing
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for p in [*reversed(g.ancestors(place.code)), place]:
        session.execute(insert(Area).values(**_row(g, p)).on_conflict_do_nothing(index_elements=["code"]))
    return session.get(Area, place.code)


def _row(g: Gazetteer, p: Place) -> dict:
    return {"code": p.code, "name": p.name, "level": p.level, "parent_code": p.parent,
            "standards_region": get_offices().standards_region(g, p.code)}


def refresh_areas(session: Session) -> int:
    """Bring every `areas` row the gazetteer knows in line with it (names, tree, standards); rows it does
    not know (an older demo code) stay. Returns how many rows exist."""
    g = get_gazetteer()
    rows = session.scalars(select(Area)).all()
    for area in rows:
        place = g.get(area.code)
        if place is not None:
            for key, value in _row(g, place).items():
                if getattr(area, key) != value:
                    setattr(area, key, value)
    session.flush()
    return len(rows)


def district_of(session: Session, area: Area) -> Area | None:
    parent = session.get(Area, area.parent_code) if area.parent_code else None
    return parent if parent and parent.level == "district" else None


def codes_in_district(district_code: str | None) -> Select:
    """The district and its streets, as a subquery for `IN`."""
    return select(Area.code).where(or_(Area.parent_code == district_code, Area.code == district_code))
