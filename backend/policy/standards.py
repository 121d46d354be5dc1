"""The versioned 低保/特困 standards, read from `data/standards.yaml`.

A standard is always looked up by region *and* date: a decision made on 2025-06-30 in Chongqing
uses the old figures, one made on 2025-07-01 the new ones.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "standards.yaml"


@dataclass(frozen=True)
class UrbanRural:
    urban: float
    rural: float


@dataclass(frozen=True)
class StandardVersion:
    region: str
    effective_from: date | None
    effective_label: str | None
    source: str
    dibao: UrbanRural
    tekun: UrbanRural | None


@dataclass(frozen=True)
class Region:
    key: str
    full_name: str
    aliases: tuple[str, ...]
    areas: tuple[str, ...]
    versions: tuple[StandardVersion, ...]  # newest first


class StandardsCatalogue:
    def __init__(self, regions: dict[str, Region]):
        self._regions = regions
        self._names: dict[str, str] = {}
        for key, region in regions.items():
            for name in (key, region.full_name, *region.aliases, *region.areas):
                self._names[name] = key

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> "StandardsCatalogue":
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        regions: dict[str, Region] = {}
        for key, r in raw["regions"].items():
            versions = []
            for v in r["versions"]:
                tekun = v.get("tekun")
                versions.append(
                    StandardVersion(
                        region=key,
                        effective_from=v["effective_from"],
                        effective_label=v.get("effective_label"),
                        source=v["source"],
                        dibao=UrbanRural(**v["dibao"]),
                        tekun=UrbanRural(**tekun) if tekun else None,
                    )
                )
            versions.sort(key=lambda s: s.effective_from or date.min, reverse=True)
            regions[key] = Region(
                key=key,
                full_name=r["full_name"],
                aliases=tuple(r.get("aliases", [])),
                areas=tuple(r.get("areas", [])),
                versions=tuple(versions),
            )
        return cls(regions)

    @property
    def regions(self) -> list[Region]:
        return list(self._regions.values())

    def resolve(self, name: str | None) -> Region | None:
        """Map what a person typed (重庆市, 渝中区, 江城) to a region we hold standards for."""
        if not name:
            return None
        name = name.strip()
        if name in self._names:
            return self._regions[self._names[name]]
        # "重庆渝中区", "我在武汉武昌" : the longest known name contained in the text wins.
        hits = sorted((n for n in self._names if n in name), key=len, reverse=True)
        return self._regions[self._names[hits[0]]] if hits else None

    def in_force(self, region: Region, on: date) -> StandardVersion | None:
        for version in region.versions:
            if version.effective_from is None or version.effective_from <= on:
                return version
        return None


@lru_cache
def get_catalogue() -> StandardsCatalogue:
    return StandardsCatalogue.from_file()
