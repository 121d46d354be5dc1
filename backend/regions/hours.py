"""An office's hours as the office data writes them (data/offices.yaml, `office_hours`: "工作日 9:00-12:00 14:00-17:30",
"每天 24 小时"): whether someone is at work there at a moment, and when it next opens. The one reader of that text.

An office with no hours on file is taken to keep a working day's usual hours (USUAL) for these sums, but its opening is
never said as a clock time (`known` is false): a 急难 report at 00:57 is told "12月8日（星期二）一上班", not a made-up 9:00.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backend.core.workdays import get_calendar

SPAN = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})")
ROUND_THE_CLOCK = re.compile(r"24\s*小时|全天")
EVERY_DAY = re.compile(r"每天|每日|天天|全年")
USUAL = ((time(9, 0), time(12, 0)), (time(14, 0), time(17, 0)))  # assumed only, never said
LOOK_AHEAD_DAYS = 40  # the longest run of days off (Spring Festival and its weekends) is far shorter


@dataclass(frozen=True)
class OfficeHours:
    spans: tuple[tuple[time, time], ...]  # within a day, in order
    every_day: bool  # else working days only (the official calendar, 调休 included)
    known: bool  # the hours are on file: its opening may be said with its clock time
    round_the_clock: bool = False

    def works_on(self, day: date) -> bool:
        return self.every_day or get_calendar().is_workday(day)

    def open_at(self, moment: datetime) -> bool:
        """Someone is at work there at this moment (China time)."""
        if self.round_the_clock:
            return True
        now = moment.time()
        return self.works_on(moment.date()) and any(start <= now < end for start, end in self.spans)

    def next_opening(self, moment: datetime) -> datetime:
        """When work next starts after this moment (the moment itself for an office that never closes)."""
        if self.round_the_clock:
            return moment
        for offset in range(LOOK_AHEAD_DAYS):
            day = moment.date() + timedelta(days=offset)
            if not self.works_on(day):
                continue
            for start, _ in self.spans:
                opening = datetime.combine(day, start, tzinfo=moment.tzinfo)
                if opening > moment:
                    return opening
        raise ValueError("no opening within LOOK_AHEAD_DAYS")  # a calendar that is all holidays: a data error


def read(text: str | None) -> OfficeHours:
    """The hours an office's text says; USUAL (not said) when none is on file or none can be read from it."""
    text = (text or "").strip()
    if ROUND_THE_CLOCK.search(text):
        return OfficeHours(spans=((time(0), time.max),), every_day=True, known=True, round_the_clock=True)
    spans = tuple(sorted((time(int(a), int(b)), time(int(c), int(d))) for a, b, c, d in SPAN.findall(text)
                         if int(a) < 24 and int(c) < 24 and int(b) < 60 and int(d) < 60 and (int(a), int(b)) < (int(c), int(d))))
    if not spans:
        return OfficeHours(spans=USUAL, every_day=False, known=False)
    return OfficeHours(spans=spans, every_day=bool(EVERY_DAY.search(text)), known=True)
