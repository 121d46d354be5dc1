#!/usr/bin/env python3
"""Benchmark: the monthly payment run for 100,000 recipients, and SMS dispatch throughput.

    .venv/backend/bin/python scripts/bench_sms.py [--recipients 100000] [--messages 5000] [--database-url URL]

The payment run works on a fresh database (a temporary SQLite file by default). The dispatcher sends
through the real Twilio client to the local fake Twilio server, run as a separate process.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ENVIRONMENT", "test")
for key in ("SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY"):
    os.environ.setdefault(key, f"bench-{key.lower()}-0123456789abcdef0123")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    os.environ["DATABASE_URL"] = url

    from alembic import command
    from sqlalchemy import func, insert, select, update

    from backend.applications.models import Application, Decision
    from backend.core.crypto import get_vault
    from backend.core.db import get_engine, get_sessionmaker
    from backend.households.models import Household
    from backend.notifications.dispatcher import Dispatcher
    from backend.notifications.models import Notice
    from backend.notifications.providers import TwilioProvider
    from backend.payments.run import run as payment_run
    from backend.people.models import Person
    from backend.prestart import alembic_config
    from backend.regions.seed import load_areas
    from tests.fakes.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER

    command.upgrade(alembic_config(url), "head")
    vault = get_vault()
    n = args.recipients
    t = time.perf_counter()
    with get_sessionmaker()() as s, s.begin():
        load_areas(s)
        household = Household(area_code="500103001", is_rural=False)
        s.add(household)
        s.flush()
        cipher = vault.encrypt("13800000000")  # one phone's cipher reused: encryption is not what is measured
        s.execute(insert(Person), [{"name": f"受助人{i}", "phone_hash": vault.lookup_hash(f"138{i:08d}"), "phone_cipher": cipher,
                                    "phone_masked": "138****0000", "created_at": datetime.now(UTC)} for i in range(1, n + 1)])
        first_person = s.scalar(select(func.min(Person.id)))
        s.execute(insert(Application), [{
            "number": f"BENCH{i:09d}", "assistance_type": "低保", "household_id": household.id,
            "applicant_person_id": first_person + i, "area_code": "500103001", "district_code": "500103", "region": "重庆",
            "channel": "web", "filed_by": "bench", "status": "paying", "is_open": False, "submitted_on": date(2026, 9, 1),
            "first_payment_month": "2026-11", "conflict_of_interest": False, "spot_check_required": False,
            "payments_suspended": i % 50 == 0, "extended": False, "version": 1, "created_at": datetime.now(UTC),
        } for i in range(n)])
        first_app = s.scalar(select(func.min(Application.id)))
        s.execute(insert(Decision), [{"application_id": first_app + i, "outcome": "approved", "monthly_amount": Decimal(470),
                                      "reasons": "基准测试", "decided_by": "bench", "decided_on": date(2026, 10, 20)} for i in range(n)])
    setup_s = time.perf_counter() - t

    with get_sessionmaker()() as s:
        t = time.perf_counter()
        summary = payment_run(s, "2026-12", date(2026, 12, 10))
        run_s = time.perf_counter() - t
        t = time.perf_counter()
        again = payment_run(s, "2026-12", date(2026, 12, 10))
        rerun_s = time.perf_counter() - t

    fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.twilio_server"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        base = fake.stdout.readline().strip()
        with get_sessionmaker()() as s, s.begin():
            # Send only the first --messages notices; the rest stay out of the measurement.
            cutoff = s.scalar(select(Notice.id).order_by(Notice.id).offset(args.messages).limit(1))
            if cutoff:
                s.execute(update(Notice).where(Notice.id >= cutoff).values(status="held"))
        provider = TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, api_base=base)
        dispatcher = Dispatcher(provider, workers=16, batch=500)
        with get_sessionmaker()() as s:
            t = time.perf_counter()
            stats = dispatcher.run_until_empty(s)
            send_s = time.perf_counter() - t
        dispatcher.close()
    finally:
        fake.terminate()

    print(f"database: {get_engine().dialect.name}; setup of {n:,} recipients {setup_s:.1f} s")
    print(f"payment run, {n:,} recipients: {run_s:6.1f} s  ({summary.paid:,} payments, {summary.notices:,} notices, "
          f"{summary.suspended:,} suspended skipped; {summary.paid / run_s:,.0f} recipients/s)")
    print(f"same month again:            {rerun_s:6.1f} s  ({again.paid} new payments, {again.already_paid:,} already paid)")
    print(f"dispatch {stats.sent:,} SMS to the fake Twilio server: {send_s:5.1f} s = {stats.sent / send_s:,.0f} messages/s "
          f"(16 sending threads, batches of 500)")
    assert again.paid == 0 and stats.sent == min(args.messages, summary.notices)


if __name__ == "__main__":
    main()
