"""The national gazetteer: every 省/市/县/乡镇(街道) with its official code, read from `data/gazetteer.csv.gz`.

Owns codes, names and the tree. Built once per process on first use (about half a second) and kept in
memory: a search never touches the database. Codes: 6 digits for 省/市/县 (500000, 500103), 9 for
乡镇/街道 (500103004 = the official 500103004000). `scripts/import_gazetteer.py` writes the file;
`data/gazetteer_corrections.yaml` corrects the source's faults (with their reasons) as it is loaded.
"""

import csv
import gzip
import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")
LEVELS = ("province", "city", "district", "street")
# What a name may end with, longest first: "两路口街道" is also said "两路口".
SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗",
            "街道办事处", "街道", "林区", "地区", "新区", "矿区", "苏木", "省", "市", "区", "县", "旗", "镇", "乡", "盟")


_LAST_CHARS = {s[-1] for s in SUFFIXES}


def stem(name: str) -> str:
    """The name without its administrative suffix, if at least two characters are left: 两路口街道 → 两路口."""
    if not name or name[-1] not in _LAST_CHARS:
        return name
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    level: str  # province | city | district | street
    parent: str | None
    name: str
    pinyin: tuple[str, ...]
    stem: str  # the name without its suffix: 两路口 for 两路口街道


@dataclass
class Gazetteer:
    places: dict[str, Place]
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # name or stem → codes, per level group: admin (省市县) and street.
    admin_names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    street_names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # character / pinyin syllable of a street's stem → street codes, for close matches.
    by_char: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_syllable: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # 社区/村 name or stem → the street codes it belongs to (重庆 only, see data/gazetteer.yaml).
    communities: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    longest_street_stem: int = 0  # characters: bounds what a close match can be (matching._close)

    def get(self, code: str | None) -> Place | None:
        return self.places.get(code) if code else None

    def ancestors(self, code: str) -> list[Place]:
        """The place's parents, nearest first (a street: its district, then city, then province)."""
        out, place = [], self.places.get(code)
        while place is not None and place.parent:
            place = self.places.get(place.parent)
            if place is not None:
                out.append(place)
        return out

    def lineage(self, code: str) -> set[str]:
        """The place's own code and every ancestor's."""
        return {code, *(p.code for p in self.ancestors(code))}

    def full_name(self, code: str) -> str:
        """重庆市渝中区两路口街道: the names from the province down."""
        place = self.places[code]
        return "".join(p.name for p in reversed(self.ancestors(code))) + place.name

    def count(self, level: str) -> int:
        return sum(1 for p in self.places.values() if p.level == level)


def _rows(name: str) -> list[list[str]]:
    """The rows of a gzipped CSV file of data/, without its header."""
    text = gzip.decompress((DATA_DIR / name).read_bytes()).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))[1:]


def build(places: list[Place], communities: list[tuple[str, str]] = ()) -> Gazetteer:
    g = Gazetteer(places={p.code: p for p in places})
    for p in places:
        if p.parent:
            g.children[p.parent].append(p.code)
        names = g.street_names if p.level == "street" else g.admin_names
        names[p.name].append(p.code)
        if p.stem != p.name:
            names[p.stem].append(p.code)
        if p.level == "street":
            g.longest_street_stem = max(g.longest_street_stem, len(p.stem))
            for ch in p.stem:
                g.by_char[ch].add(p.code)
            for syl in p.pinyin[: len(p.stem)]:
                g.by_syllable[syl].add(p.code)
    for street, name in communities:
        if street in g.places:
            for key in {name, stem_community(name)}:
                if len(key) >= 2 and key not in SUFFIXES:
                    g.communities[key].append(street)
    return g


def stem_community(name: str) -> str:
    for suffix in ("社区居委会", "居委会", "村委会", "社区", "村"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def corrections() -> list[dict]:
    """data/gazetteer_corrections.yaml: what the source gets wrong, each with its reason."""
    return yaml.safe_load((DATA_DIR / "gazetteer_corrections.yaml").read_text(encoding="utf-8"))["corrections"]


def corrected(places: list[Place], fixes: list[dict]) -> list[Place]:
    """The places with each correction applied: the places added, the streets moved to their district (a code
    already there: the source listed the street twice, that listing is kept). A move whose source code is
    missing or names another place (a re-import renumbered them) is refused: the table must be checked."""
    by_code = {p.code: p for p in places}
    for fix in fixes:
        for a in fix.get("add", ()):
            by_code.setdefault(a["code"], Place(a["code"], a["level"], a["parent"], a["name"],
                                                tuple(a["pinyin"].split()), stem(a["name"])))
        for old, (new, name) in fix.get("move", {}).items():
            source = by_code.pop(old, None)
            if source is None or source.name != name or new[:6] not in by_code:
                raise ValueError(f"gazetteer_corrections.yaml ({fix['id']}): {old} {name} → {new} does not fit the data")
            by_code.setdefault(new, Place(new, source.level, new[:6], source.name, source.pinyin, source.stem))
    return list(by_code.values())


@cache
def get_gazetteer() -> Gazetteer:
    places = corrected([Place(code, level, parent or None, name, tuple(pinyin.split()), stem(name))
                        for code, level, parent, name, pinyin in _rows("gazetteer.csv.gz")], corrections())
    communities = [(street, name) for street, name in _rows("communities.csv.gz")]
    return build(places, communities)
