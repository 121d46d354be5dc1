"""Who answers for an area (data/offices.yaml): its office, else the nearest one above it, else the hotline;
and which region's rules apply there. The gazetteer owns names; this file owns phone numbers."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from backend.regions.gazetteer import Gazetteer

OFFICES_FILE = Path(__file__).with_name("data") / "offices.yaml"


@dataclass(frozen=True)
class Office:
    office_name: str
    office_phone: str | None  # None: no real number on file yet (say so, and give the hotline to call)
    office_hours: str | None
    alert_phone: str | None  # the 急难 duty mobile; None: not on file
    # The area whose entry answers (None: the hotline); configured: the area asked about has its own entry.
    area_code: str | None
    configured: bool
    supervision_phone: str | None = None  # its 监督电话 for complaints about its work; None: not on file (never made up)


@dataclass(frozen=True)
class OfficeBook:
    standards: dict[str, str]
    offices: dict[str, dict]
    hotline: dict

    def office_for(self, gazetteer: Gazetteer, code: str | None) -> Office:
        """The area's own office, else the nearest configured area above it, else the hotline."""
        chain = [code, *(p.code for p in gazetteer.ancestors(code))] if code else []
        for c in chain:
            entry = self.offices.get(c)
            if entry:
                phone, alert, supervision = entry.get("office_phone"), entry.get("alert_phone"), entry.get("supervision_phone")
                return Office(entry["office_name"], str(phone) if phone else None, entry.get("office_hours"),
                              str(alert) if alert else None, c, configured=c == code,
                              supervision_phone=str(supervision) if supervision else None)
        h = self.hotline
        return Office(h["office_name"], str(h["office_phone"]), h.get("office_hours"), None, None, configured=False)

    def standards_region(self, gazetteer: Gazetteer, code: str) -> str | None:
        """The region whose standards apply: the first of the area and its ancestors in `standards`."""
        return next((self.standards[c] for c in [code, *(p.code for p in gazetteer.ancestors(code))]
                     if c in self.standards), None)


def read_offices(path: Path = OFFICES_FILE) -> OfficeBook:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return OfficeBook(standards={str(k): v for k, v in data["standards"].items()},
                      offices={str(k): v for k, v in (data.get("offices") or {}).items()}, hotline=data["hotline"])


@cache
def get_offices() -> OfficeBook:
    return read_offices()
