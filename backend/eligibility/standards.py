"""Every local figure, one file per region (`data/regions/<region>.yaml`): the versioned 低保/特困
standards, the 低保边缘 factor and the asset limits. The pre-check, the county decision and the policy
answers all read them here, so an answer and a pre-check can never state different lines.

A standard is always looked up by region *and* date: a decision made on 2025-06-30 in Chongqing
uses the old figures, one made on 2025-07-01 the new ones.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from backend.core.money import to_cents
from backend.regions import service as areas

DATA_DIR = Path(__file__).with_name("data")
REGIONS_DIR = DATA_DIR / "regions"
# Which regions this deployment serves, in the order they are offered (the first is the default).
OFFER_FILE = DATA_DIR / "rules.yaml"


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
class Limits:
    edge_factor: Decimal  # 低保边缘: per-capita income below edge_factor × 低保 standard
    financial_assets_months: int
    max_homes: int


@dataclass(frozen=True)
class Relief:
    """临时救助 as the region's published rule sets it (`temporary_relief` in its file; only with a source): one grant
    at most `cap_months` months of the 低保 standard."""
    cap_months: Decimal
    source: str


@dataclass(frozen=True)
class Region:
    key: str
    full_name: str
    aliases: tuple[str, ...]
    areas: tuple[str, ...]
    versions: tuple[StandardVersion, ...]  # newest first
    limits: Limits
    relief: Relief | None = None  # None: no published 临时救助 amount here; the answer says it is set case by case

    def dibao(self, std: StandardVersion, *, rural: bool) -> Decimal:
        return to_cents(std.dibao.rural if rural else std.dibao.urban)

    def edge_line(self, std: StandardVersion, *, rural: bool) -> Decimal:
        """The 低保边缘 income line: the one computation behind the pre-check and the policy answer."""
        return to_cents(self.dibao(std, rural=rural) * self.limits.edge_factor)

    def financial_assets_limit(self, std: StandardVersion, *, rural: bool, size: int = 1) -> Decimal:
        """Savings and securities a household of `size` may hold: the standard × the local number of months × size."""
        return to_cents(self.dibao(std, rural=rural) * self.limits.financial_assets_months * size)

    def relief_cap(self, std: StandardVersion, *, rural: bool) -> Decimal | None:
        """The most one 临时救助 grant gives here (the standard × the months the rule names); None without a rule."""
        return to_cents(self.dibao(std, rural=rural) * self.relief.cap_months) if self.relief else None


def _factor(value: float | int | str) -> Decimal:
    """YAML's 1.5 is a float: through str() it is exact; 2.0 reads as 2, so every sentence says "2倍"."""
    d = Decimal(str(value))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _region(key: str, r: dict) -> Region:
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
    limits, relief = r["limits"], r.get("temporary_relief")
    return Region(
        key=key,
        full_name=r["full_name"],
        aliases=tuple(r.get("aliases", [])),
        areas=tuple(r.get("areas", [])),
        versions=tuple(versions),
        limits=Limits(
            edge_factor=_factor(limits["edge_factor"]),
            financial_assets_months=int(limits["financial_assets_months"]),
            max_homes=int(limits["max_homes"]),
        ),
        relief=Relief(_factor(relief["cap_months"]), relief["source"]) if relief else None,
    )


class StandardsCatalogue:
    def __init__(self, regions: dict[str, Region]):
        self._regions = regions
        self._names: dict[str, str] = {}
        for key, region in regions.items():
            for name in (key, region.full_name, *region.aliases, *region.areas):
                self._names[name] = key

    @classmethod
    def from_dir(cls, directory: Path = REGIONS_DIR, order: list[str] | None = None) -> "StandardsCatalogue":
        files = {p.stem: p for p in directory.glob("*.yaml")}
        keys = order if order is not None else sorted(files)
        return cls({key: _region(key, yaml.safe_load(files[key].read_text(encoding="utf-8"))) for key in keys})

    @property
    def default(self) -> Region:
        """Where a person is assumed to live until they say otherwise: the first region offered."""
        return next(iter(self._regions.values()))

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
        if hits:
            return self._regions[self._names[hits[0]]]
        # A street or a 社区 ("两路口", "石马河街道"): the gazetteer knows where it is, when every exact
        # match lies in the same region.
        served = {f.standards_region for f in areas.search(name) if f.match == "exact" and f.standards_region}
        return self._regions.get(served.pop()) if len(served) == 1 else None

    def in_force(self, region: Region, on: date) -> StandardVersion | None:
        for version in region.versions:
            if version.effective_from is None or version.effective_from <= on:
                return version
        return None


@lru_cache
def get_catalogue() -> StandardsCatalogue:
    offered = yaml.safe_load(OFFER_FILE.read_text(encoding="utf-8"))["regions"]
    return StandardsCatalogue.from_dir(REGIONS_DIR, order=offered)
