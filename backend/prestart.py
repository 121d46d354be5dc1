"""Prepare the database before the backend starts: wait for it, migrate to head, load reference and demo data.

Run as `python -m backend.prestart`. Safe to run any number of times.
"""

import logging
import os
import sys
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from backend.core.db import get_engine, get_sessionmaker
from backend.core.settings import get_settings
from backend.demo import demo_password, seed_demo
from backend.regions.seed import load_areas
from backend.wiring import register_all

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
log = logging.getLogger("backend.prestart")


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ALEMBIC_INI))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def wait_for_database(timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with get_engine().connect() as conn:
                conn.execute(text("SELECT 1"))
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"database not reachable after {timeout_s:.0f}s: {type(exc).__name__}") from exc
            time.sleep(1)


def main() -> None:
    register_all()  # the demo's signatures start economic checks
    settings = get_settings()
    if settings.is_sqlite:
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    wait_for_database()
    command.upgrade(alembic_config(settings.database_url), "head")
    with get_sessionmaker()() as session, session.begin():
        areas = load_areas(session)
    print(f"database ready: migrated to head, {areas} areas loaded", file=sys.stderr)
    if settings.environment == "development" and os.environ.get("DEMO_DATA", "1") != "0":
        password = demo_password()
        with get_sessionmaker()() as session, session.begin():
            accounts = seed_demo(session, password)
        print("demo staff accounts (password from DEMO_STAFF_PASSWORD in .env):", file=sys.stderr)
        for username, name, role in accounts:
            print(f"  {username:<22} {role:<11} {name}   password: {password}", file=sys.stderr)


if __name__ == "__main__":
    main()
