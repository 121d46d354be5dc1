"""Working days on the official Chinese calendar (holidays and make-up working days, 调休).

Deadlines in social assistance are counted in working days: 30 for the whole 低保 procedure, 10 for
the county review, 15 for a 特困 investigation. National Day and Spring Festival weeks do not count;
the Saturdays worked in exchange do.
"""

import logging
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path

import chinese_calendar
import yaml

log = logging.getLogger(__name__)
EXTRA = Path(__file__).with_name("data") / "calendar_extra.yaml"


class WorkCalendar:
    def __init__(self, extra: dict[int, dict[str, set[date]]] | None = None):
        self._extra = extra or {}
        self._warned: set[int] = set()

    @classmethod
    def from_file(cls, path: Path = EXTRA) -> "WorkCalendar":
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        extra = {
            int(year): {"holidays": set(v.get("holidays", [])), "workdays": set(v.get("workdays", []))}
            for year, v in (raw.get("years") or {}).items()
        }
        return cls(extra)

    def is_workday(self, day: date) -> bool:
        if day.year in self._extra:
            spec = self._extra[day.year]
            if day in spec["workdays"]:
                return True
            if day in spec["holidays"]:
                return False
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                log.warning("no official calendar for %s: counting weekends only (provisional)", day.year)
            return day.weekday() < 5

    @cache  # noqa: B019 - one calendar per process; the arguments are small and repeat constantly
    def add_workdays(self, start: date, n: int) -> date:
        """The date `n` working days after `start` (the start day itself is not counted)."""
        day = start
        remaining = n
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    @cache  # noqa: B019
    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


@lru_cache
def get_calendar() -> WorkCalendar:
    return WorkCalendar.from_file()
