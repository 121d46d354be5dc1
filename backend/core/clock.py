"""What day it is in China. Every rule that depends on 'today' asks here, so tests can pin it.

Every clock read in the backend goes through this module (tests/test_repository.py checks it):
a certification date or a deadline is the China date, never the server's UTC date.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(CHINA).date()


def now() -> datetime:
    return datetime.now(CHINA)


def now_utc() -> datetime:
    """The same instant as now(), in UTC: what gets stored. SQLite keeps a datetime's wall-clock digits
    and drops the offset, so every stored timestamp must be UTC for comparisons to hold."""
    return now().astimezone(UTC)
