"""Backend test fixtures: every test runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL.

With CI=true the PostgreSQL run is mandatory: a missing URL or server fails the run instead of
skipping it. Each database is created fresh and migrated with Alembic (so migrations are tested on
both); each test then runs inside a transaction that is rolled back.
"""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

os.environ.setdefault("ENVIRONMENT", "test")
for _key in ("SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY"):
    os.environ.setdefault(_key, f"test-{_key.lower()}-0123456789abcdef0123")

from backend.auth import throttle  # noqa: E402
from backend.core.db import get_session, make_engine, transaction  # noqa: E402
from backend.main import create_app  # noqa: E402
from backend.prestart import alembic_config  # noqa: E402
from backend.regions.seed import load_areas  # noqa: E402

CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


def _backends() -> list:
    params = [pytest.param("sqlite", id="sqlite")]
    if POSTGRES_URL or CI:
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    else:
        params.append(
            pytest.param(
                "postgresql",
                id="postgresql",
                marks=pytest.mark.skip(reason="set TEST_POSTGRES_URL to also run on PostgreSQL"),
            )
        )
    return params


def _create_postgres_database() -> tuple[str, callable]:
    if not POSTGRES_URL:
        pytest.fail("CI=true requires TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    admin_url = make_url(POSTGRES_URL)
    if admin_url.drivername == "postgresql":
        admin_url = admin_url.set(drivername="postgresql+psycopg")
    name = f"jiuzhu_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(f"PostgreSQL at {admin_url.render_as_string(hide_password=True)} is not usable: {exc}")

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url, drop = _create_postgres_database()
    try:
        yield url
    finally:
        drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    command.upgrade(alembic_config(database_url), "head")
    eng = make_engine(database_url)
    with Session(eng) as s, s.begin():
        load_areas(s)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Each test starts with no sign-in counts: the limiter's memory storage outlives a test."""
    throttle.reset()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test, commits included."""
    connection = engine.connect()
    outer = connection.begin()
    sess = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def client(session: Session) -> Iterator[TestClient]:
    app = create_app()

    def _session() -> Iterator[Session]:
        # Exactly production's commit/rollback (savepoints inside the test's outer transaction), so a
        # change that production would roll back is rolled back here too.
        yield from transaction(session)

    app.dependency_overrides[get_session] = _session
    with TestClient(app) as c:
        yield c


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


@pytest.fixture
def world(client: TestClient, session: Session):  # noqa: ANN201
    from tests.backend.world import (
        APPLICANT_PHONE, HELPER_PHONE, STRANGER_PHONE, World, citizen_headers, staff_headers,
    )

    world = World(
        client=client, session=session,
        caseworker=staff_headers(session, "cw_yuzhong", "caseworker", "500103"),
        reviewer=staff_headers(session, "rv_yuzhong", "reviewer", "500103"),
        other_caseworker=staff_headers(session, "cw_qijiang", "caseworker", "500110"),
        other_reviewer=staff_headers(session, "rv_qijiang", "reviewer", "500110"),
        admin=staff_headers(session, "admin_all", "admin", None),
        applicant=citizen_headers(APPLICANT_PHONE),
        helper=citizen_headers(HELPER_PHONE),
        stranger=citizen_headers(STRANGER_PHONE),
    )
    # The staff accounts must survive a request that fails and rolls back, as committed rows would.
    session.commit()
    return world


@pytest.fixture
def set_today(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Move 'today' (China time) for everything that asks backend.core.clock."""
    from backend.core import clock
    from tests.backend.world import at

    def _set(day):  # noqa: ANN001, ANN202
        monkeypatch.setattr(clock, "today", lambda: day)
        monkeypatch.setattr(clock, "now", lambda: at(day))

    return _set
