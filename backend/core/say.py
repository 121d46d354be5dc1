"""How dates, amounts and factors are said to people — the one owner, for Python and templates alike.

- a day: "11月27日（星期五）"; the year only when it is not this year ("2027年1月4日（星期一）");
- a deadline: "11月27日（星期五）前";
- an amount: "770元", "470.50元" (backend.core.money.yuan, re-exported here);
- a factor: "2倍", "1.5倍" (never "2.0倍");
- a month: "2026年11月" from "2026-11";
- a moment (staff pages: timelines, answers, audit): "11月25日（星期三）08:35", China time;
- a clock time said to people: "上午9:00", "下午2:00" (an office's opening);
- a monthly grant and a one-off grant are different things: `grant` says which.

Registered as jinja filters (`day`, `by_day`, `moment`, `yuan`, `times`, `month`) in core/templates.py, so no
template and no response ever prints an ISO date. "This year" is the China date (core/clock.py).
"""

from datetime import UTC, date, datetime, time
from decimal import Decimal

from backend.core import clock
from backend.core.money import yuan

WEEKDAYS = "一二三四五六日"

__all__ = ["day", "by_day", "moment", "clock_time", "full_date", "yuan", "times", "month", "grant"]


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def full_date(value: date | str) -> str:
    """2025-07-01 → "2025年7月1日": for dates that belong to a document (a standard's start), not a deadline."""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日"


def day(value: date | str, *, today: date | None = None, weekday: bool = True) -> str:
    """2026-11-27 → "11月27日（星期五）"; another year's date keeps its year; weekday=False: "11月27日"."""
    d = _as_date(value)
    this_year = (today or clock.today()).year
    head = f"{d.month}月{d.day}日" if d.year == this_year else full_date(d)
    return f"{head}（星期{WEEKDAYS[d.weekday()]}）" if weekday else head


def by_day(value: date | str, *, today: date | None = None) -> str:
    """A deadline: "11月27日（星期五）前"."""
    return f"{day(value, today=today)}前"


def moment(value: datetime, *, today: date | None = None) -> str:
    """A point in time, in China: "11月25日（星期三）08:35" (another year's keeps its year). A naive value is
    UTC, as the database keeps it (SQLite hands times back without their zone)."""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(clock.CHINA)
    return f"{day(local.date(), today=today)}{local:%H:%M}"


def clock_time(value: time) -> str:
    """9:00 → "上午9:00", 14:00 → "下午2:00", 12:30 → "中午12:30", 19:30 → "晚上7:30", 5:00 → "凌晨5:00"."""
    hour = value.hour
    part = "凌晨" if hour < 6 else "上午" if hour < 12 else "中午" if hour < 13 else "下午" if hour < 18 else "晚上"
    return f"{part}{hour if hour <= 12 else hour - 12}:{value.minute:02d}"


def times(value: Decimal | float | int | str) -> str:
    """1.5 → "1.5倍", 2.0 → "2倍"."""
    d = Decimal(str(value))
    text = str(d.quantize(Decimal(1))) if d == d.to_integral_value() else format(d.normalize(), "f")
    return f"{text}倍"


def month(value: str) -> str:
    """"2026-11" → "2026年11月"."""
    year, mon = value.split("-")[:2]
    return f"{int(year)}年{int(mon)}月"


def grant(amount: Decimal | float | int | str, *, one_off: bool) -> str:
    """"每月770元" for a monthly benefit, "一次性发放2000元" for a one-off grant (临时救助)."""
    return f"一次性发放{yuan(amount)}" if one_off else f"每月{yuan(amount)}"
