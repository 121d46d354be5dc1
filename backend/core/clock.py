"""What day it is in China. Every rule that depends on 'today' asks here, so tests can pin it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(CHINA).date()


def now() -> datetime:
    return datetime.now(CHINA)
