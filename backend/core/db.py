"""Database engine and sessions.

The engine is built lazily from settings (no I/O at import time). A request gets one session; the
dependency commits when the handler returns (before the response leaves) and rolls back when it
raises, so services never commit.
"""

from collections.abc import Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from backend.core.errors import AppError
from backend.core.settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """`foreign_keys=False` only for migrations: SQLite rebuilds a table to alter it, which the
    references from other tables would otherwise refuse. `hide_parameters`: a failed statement's
    error (logged, or shown in a trace) must not carry the bound values — names, phones, ID numbers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _):  # noqa: ANN001
            # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that
            # SAVEPOINTs and rollbacks behave as on PostgreSQL (SQLAlchemy's pysqlite recipe).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            # IMMEDIATE: take the write lock at the start. A deferred transaction that has read and then
            # writes after another connection (the SMS worker, say) committed fails at once with
            # "database is locked" instead of waiting; this way it waits its turn (busy_timeout).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def transaction(session: Session) -> Iterator[Session]:
    """The one rule for a unit of work: commit when the body returns, roll back when it raises
    (unless the error says what it wrote must stay, like a counted wrong code). Production and the
    tests' session override both go through here, so a test sees exactly what production commits."""
    try:
        yield session
        session.commit()
    except AppError as exc:
        session.commit() if exc.keep_changes else session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise


def release(session: Session) -> None:
    """Commit what the request has done so far before slow work that needs no database (a face check).
    SQLite has one write lock for the whole file: holding it through 0.6 s of dlib would stall every
    other request. The request's dependency still commits or rolls back what comes after."""
    session.commit()


def get_session() -> Iterator[Session]:
    session = get_sessionmaker()()
    try:
        yield from transaction(session)
    finally:
        session.close()


# scope="function": the dependency's exit (the commit) runs when the handler returns, *before* the
# response is sent. With the default request scope FastAPI sends the response first, so a client could
# act on a 200 whose row was never committed (or whose commit then failed).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
