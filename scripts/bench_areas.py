#!/usr/bin/env python3
"""Benchmark: loading the national gazetteer, and `GET /api/v1/areas/search` latency.

    .venv/backend/bin/python scripts/bench_areas.py [--rounds 20]

Measures the first load of data/gazetteer.csv.gz in a fresh interpreter (the once-per-process cost), then
runs the real FastAPI app in-process (Starlette's test client: no network hop) over a mix of what people
say: exact names, a district named before the street, filler words, 社区 names, typos and homophones,
with and without `within`. Reports p50/p95/max in milliseconds, for the search alone and through HTTP.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("LOG_LEVEL", "WARNING")
for key in ("SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY"):
    os.environ.setdefault(key, f"bench-{key.lower()}-0123456789abcdef0123")

QUERIES = [
    ("两路口", None), ("渝中两路口街道", None), ("重庆市渝中区两路口街道", None), ("我住两路口那边", None),
    ("中山二路社区", None), ("两路囗街道", "500000"), ("俩路口", "500000"), ("七星刚", None), ("解放杯", None),
    ("大坪", "500000"), ("大平", "500000"), ("城关镇", None), ("城关镇", "420000"), ("渝中区", None),
    ("小笼坎", "500000"), ("我家住在新华路附近的", None), ("火星基地", None), ("武汉市洪山区珞南街道", None),
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def first_load() -> float:
    code = ("import time; t = time.perf_counter(); from backend.regions.gazetteer import get_gazetteer; "
            "get_gazetteer(); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip()) * 1000


def main() -> None:
    from fastapi.testclient import TestClient

    from backend.main import create_app
    from backend.regions import service

    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()

    loads = [first_load() for _ in range(3)]
    print(f"gazetteer first load (fresh process, import included): median {statistics.median(loads):.0f} ms "
          f"of {', '.join(f'{x:.0f}' for x in loads)}")

    service.search("预热")  # the index is built once per process; measured above
    direct, http = [], []
    with TestClient(create_app()) as client:
        for _ in range(args.rounds):
            for q, within in QUERIES:
                t = time.perf_counter()
                service.search(q, within=within)
                direct.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                resp = client.get("/api/v1/areas/search", params={"q": q, **({"within": within} if within else {})})
                http.append((time.perf_counter() - t) * 1000)
                assert resp.status_code == 200, resp.text
    for label, values in (("search (in process)", direct), ("GET /api/v1/areas/search", http)):
        print(f"{label}: {len(values)} requests, p50 {pct(values, 50):.1f} ms, p95 {pct(values, 95):.1f} ms, "
              f"max {max(values):.1f} ms")


if __name__ == "__main__":
    main()
