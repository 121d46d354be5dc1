"""Column types shared by the models."""

from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import DateTime
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True), default=utcnow)]
