"""Which of her applications a withdrawal or a correction is about, when she has several: each named with its type and
the day it was handed in ("JZ…12（特困，11月24日交的）"), a button each, and the answer read as people say it ("db那个",
"低保那个", "特困的", "尾号09", "第二个"). A tester got "您有几件申请：JZ…12、JZ…09。是哪一件？" with nothing to tell them apart."""

import re
from datetime import date
from typing import Any

from actions import parsing

# Short forms typed on a phone: "db" for 低保, "tk" for 特困.
ALIASES = {"db": "低保", "dibao": "低保", "tk": "特困", "lsjz": "临时救助", "临时": "临时救助"}
ORDINALS = {"第一": 0, "第1": 0, "头一": 0, "第二": 1, "第2": 1, "第三": 2, "第3": 2}


def _day(value: Any) -> str | None:
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return f"{d.month}月{d.day}日"


def label(app: dict[str, Any]) -> str:
    """"JZ20261124000012（特困，11月24日交的）"."""
    day = _day(app.get("submitted_on"))
    parts = [p for p in (app.get("assistance_type"), f"{day}交的" if day else None) if p]
    return f"{app['number']}（{'，'.join(parts)}）" if parts else app["number"]


def listed(mine: list[dict[str, Any]]) -> str:
    return "、".join(label(a) for a in mine)


def buttons(mine: list[dict[str, Any]], intent: str) -> list[dict[str, str]]:
    return [{"title": label(a), "payload": f'/{intent}{{"application_no":"{a["number"]}"}}'} for a in mine[:6]]


def kind_said(text: str) -> str | None:
    low = text.lower()
    return parsing.canonical_type(text) or next((kind for word, kind in ALIASES.items() if word in low), None)


def picked(text: str, mine: list[dict[str, Any]]) -> str | None:
    """The number of the one the words pick, None when they pick none or several."""
    numbers = [a["number"] for a in mine]
    by_number = [n for n in numbers if n in text.upper()]
    tails = re.findall(r"(?<![\dA-Za-z])\d{2,6}(?!\d)", text)
    by_tail = [n for n in numbers if any(n.endswith(t) for t in tails)]
    kind = kind_said(text)
    by_kind = [a["number"] for a in mine if kind and a.get("assistance_type") == kind]
    by_order = [numbers[i] for word, i in ORDINALS.items() if word in text and i < len(numbers)]
    for found in (by_number, by_tail, by_kind, by_order):
        if len(set(found)) == 1:
            return found[0]
    return None
