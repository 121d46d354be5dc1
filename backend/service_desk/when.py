"""When someone answers: the day a call-back or a complaint is due and the promise said to the person ("今天",
"12月8日（星期二）上午9:00一上班", "12月8日（星期二）下班前"), from the office's own hours (backend/regions/hours.py) and the
working-day calendar; and who is at work for an area now (GET /api/v1/on-duty: "今天晚上有人管没得").

An urgent request is worked on at once only while the office is at work, by URGENT_UNTIL; otherwise at its next
opening, said with its clock time where the hours are on file. A tester reporting a flood at 00:57 on a working day was
told "最迟今天" and "过了30分钟…我帮您催一次", as if someone were at work at one in the morning.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from backend.core import clock, say
from backend.core.workdays import get_calendar
from backend.regions import hours as office_hours
from backend.regions import service as regions
from backend.regions.hours import OfficeHours

# Working days to answer, from the day after filing: a call-back the next working day, a complaint in five.
DUE_WORKDAYS = {"complaint": 5, "callback": 1}
URGENT_UNTIL = time(16, 30)  # an urgent request asked by then, while the office is at work, is worked on that day


@dataclass(frozen=True)
class When:
    due: date  # answered by the end of this day
    today: bool  # urgent: someone is at work on it now (asked during the office's hours, by URGENT_UNTIL)
    promise: str  # when the call (or the answer) comes, as every sentence and the SMS say it
    opens: datetime | None = None  # urgent, asked after hours: when the office next opens


def hours_of(area_code: str | None) -> OfficeHours:
    """The hours of the office answering for the area; unknown (never said) when only the hotline answers: its
    "每天 24 小时" are the hotline's, not those of the staff who will call."""
    office = regions.office_for(area_code)
    return office_hours.read(office.office_hours if office.area_code else None)


def promise(due: date, *, today: bool, urgent: bool, at: time | None = None) -> str:
    """When a call-back is made, in the one wording the chat and the SMS both say ("会在{promise}打给您"): "今天";
    urgent but asked after hours, "12月8日（星期二）上午9:00一上班" (`at`: the opening, where the hours are on file; else
    "12月8日（星期二）一上班"); otherwise "12月8日（星期二）下班前". A tester read "12月8日前" in one sentence and
    "12月8日一上班" in the next."""
    if today:
        return "今天"
    return f"{say.day(due)}{say.clock_time(at) if at else ''}一上班" if urgent else f"{say.day(due)}下班前"


def when(kind: str, filed_at: datetime, *, urgent: bool, area_code: str | None) -> When:
    """The due day and the promise of a request filed at `filed_at` for the area (its office's hours)."""
    local = filed_at.astimezone(clock.CHINA)
    if not urgent:
        due = get_calendar().add_workdays(local.date(), DUE_WORKDAYS[kind])
        return When(due, False, promise(due, today=False, urgent=False))
    hours = hours_of(area_code)
    if hours.open_at(local) and (local.time() <= URGENT_UNTIL or hours.round_the_clock):
        return When(local.date(), True, promise(local.date(), today=True, urgent=True))
    opens = hours.next_opening(local)
    return When(opens.date(), False, promise(opens.date(), today=False, urgent=True, at=opens.time() if hours.known else None),
                opens)


@dataclass(frozen=True)
class OnDuty:
    """Who is at work for an area at a moment, and what an urgent request asked then is promised."""
    open_now: bool  # someone is at work at the office now
    promise: str  # an urgent request asked now: "今天", or its next opening ("…上午9:00一上班")
    hours_known: bool


def on_duty(area_code: str | None, at: datetime) -> OnDuty:
    hours = hours_of(area_code)
    urgent = when("callback", at, urgent=True, area_code=area_code)
    return OnDuty(open_now=hours.open_at(at.astimezone(clock.CHINA)), promise=urgent.promise, hours_known=hours.known)
