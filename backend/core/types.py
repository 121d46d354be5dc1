"""Column types shared by the models."""

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from backend.core import clock


def utcnow() -> datetime:
    return clock.now_utc()


class UtcDateTime(TypeDecorator):
    """A moment in time that reads back aware (UTC) on every database.

    SQLite has no time zones: SQLAlchemy stores a datetime's wall-clock digits and returns them naive,
    so a China-time value came back eight hours off, and API responses carried no offset. Values are
    stored in UTC and returned with tzinfo=UTC; PostgreSQL's timestamptz gets the same treatment.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, datetime):
            return value
        # A naive value is taken as UTC, as every reader in this code base already assumed.
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, datetime):
            return value
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, mapped_column(UtcDateTime(), default=utcnow)]
