#!/usr/bin/env python3
"""Benchmark: submit-application and progress-query latency, and the overdue list for 100,000 open cases.

    .venv/backend/bin/python scripts/bench_workflow.py [--database-url URL] [--requests 200] [--open 100000]

Runs the real FastAPI app in-process (Starlette's test client: no network hop) on a fresh database
(a temporary SQLite file by default, the embedded mode). Reports p50/p95 in milliseconds.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ENVIRONMENT", "test")
for key in ("SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY"):
    os.environ.setdefault(key, f"bench-{key.lower()}-0123456789abcdef0123")


def _han(i: int) -> str:
    """A number written in Han digits: a person's name never holds a digit (backend/core/fields.py)."""
    return "".join("零一二三四五六七八九"[int(d)] for d in str(i))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--open", type=int, default=100_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    os.environ["DATABASE_URL"] = url

    from alembic import command
    from fastapi.testclient import TestClient
    from sqlalchemy import insert

    from backend.applications import supervision
    from backend.applications.models import Application
    from backend.auth.security import issue_token
    from backend.core.crypto import get_vault
    from backend.core.db import get_engine, get_sessionmaker
    from backend.demo import demo_id
    from backend.main import create_app
    from backend.prestart import alembic_config
    from backend.regions.seed import load_areas

    command.upgrade(alembic_config(url), "head")
    with get_sessionmaker()() as s, s.begin():
        load_areas(s)
    import logging

    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)
    client = TestClient(app)
    phone = "13800009999"
    token, _ = issue_token({"sub": get_vault().lookup_hash(phone), "kind": "citizen"}, 120)
    headers = {"Authorization": f"Bearer {token}"}

    submit_ms, progress_ms, numbers = [], [], []
    for i in range(args.requests):
        body = {
            "assistance_type": "低保", "area_code": "500103001", "channel": "chat",
            "members": [
                {"name": f"申请人{_han(i)}", "relation": "本人", "id_number": demo_id("500103", date(1950, 1, 1) + timedelta(days=i), 1), "phone": phone,
                 "incomes": [{"category": "工资性", "kind": "工资", "monthly_amount": 300}]},
                {"name": f"配偶{_han(i)}", "relation": "配偶", "id_number": demo_id("500103", date(1951, 1, 1) + timedelta(days=i), 2)},
            ],
        }
        t = time.perf_counter()
        resp = client.post("/api/v1/applications", json=body, headers={**headers, "Idempotency-Key": f"bench-{uuid.uuid4()}"})
        submit_ms.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 201, resp.text
        numbers.append(resp.json()["number"])
    for n in numbers:
        t = time.perf_counter()
        resp = client.get(f"/api/v1/applications/{n}/progress", headers=headers)
        progress_ms.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200

    # 100,000 open applications, a third of them late.
    with get_sessionmaker()() as s, s.begin():
        first = s.get(Application, 1)
        today = date(2026, 11, 20)
        rows = [
            {
                "number": f"BENCH{i:09d}", "assistance_type": "低保", "household_id": first.household_id,
                "applicant_person_id": first.applicant_person_id, "area_code": "500103001",
                "district_code": "500103" if i % 2 else "500110", "region": "重庆", "channel": "web",
                "filed_by": "bench", "status": "investigating", "is_open": True, "submitted_on": today - timedelta(days=40),
                "accepted_on": today - timedelta(days=39), "step_due_date": today + timedelta(days=(i % 3) * 5 - 5),
                "case_due_date": today + timedelta(days=10), "conflict_of_interest": False,
                "spot_check_required": False, "extended": False, "version": 1,
            }
            for i in range(args.open)
        ]
        t = time.perf_counter()
        for k in range(0, len(rows), 10_000):
            s.execute(insert(Application), rows[k:k + 10_000])
        load_s = time.perf_counter() - t
    with get_sessionmaker()() as s:
        t = time.perf_counter()
        page = supervision.overdue(s, today=today, district_code=None, limit=100)
        page_ms = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        full = supervision.overdue(s, today=today, district_code=None, limit=args.open)
        full_s = time.perf_counter() - t
        t = time.perf_counter()
        district = supervision.overdue(s, today=today, district_code="500103", limit=100)
        district_ms = (time.perf_counter() - t) * 1000

    dialect = get_engine().dialect.name
    print(f"database: {dialect}; {args.requests} submissions (2-person households) and progress queries, in-process")
    print(f"submit application   p50 {statistics.median(submit_ms):6.1f} ms   p95 {pct(submit_ms, 95):6.1f} ms")
    print(f"progress query       p50 {statistics.median(progress_ms):6.1f} ms   p95 {pct(progress_ms, 95):6.1f} ms")
    print(f"overdue list over {args.open:,} open applications ({full.total:,} late; loaded in {load_s:.1f} s):")
    print(f"  first page (100) with total count: {page_ms:7.1f} ms")
    print(f"  one district, first page:          {district_ms:7.1f} ms   ({district.total:,} late)")
    print(f"  the whole list ({len(full.items):,} rows):       {full_s * 1000:7.1f} ms")
    assert page.total == full.total == len(full.items)


if __name__ == "__main__":
    main()
