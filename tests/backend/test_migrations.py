"""Migrations upgrade, downgrade and upgrade again on each database, and match the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from backend.core.db import make_engine
from backend.models import Base
from backend.prestart import alembic_config
from backend.regions.seed import load_areas
from sqlalchemy.orm import Session


def test_models_match_the_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_downgrade_to_base_and_upgrade_again(database_url: str, engine: Engine) -> None:
    cfg = alembic_config(database_url)
    command.downgrade(cfg, "base")
    fresh = make_engine(database_url)
    try:
        assert set(inspect(fresh).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "head")
        assert {"areas", "applications", "audit_log", "delegations"} <= set(inspect(fresh).get_table_names())
        with Session(fresh) as s, s.begin():
            load_areas(s)  # later tests expect the reference data
    finally:
        fresh.dispose()


def test_prestart_seed_is_idempotent(session) -> None:
    from backend.regions.models import Area
    from backend.regions.seed import load_areas

    first = load_areas(session)
    second = load_areas(session)
    assert first == second == session.query(Area).count()
    street = session.get(Area, "500110003")  # the official code of 古南街道 (500110001 is 万盛街道)
    assert street.name == "古南街道" and street.parent_code == "500110" and street.standards_region == "重庆"
