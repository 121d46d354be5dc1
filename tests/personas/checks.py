"""What a persona's conversation must have left in the backend: her `saved` expectations against what it stored.

Names, ID numbers, phones and the street default to her facts; amounts are a number or a [low, high] range
(an approximate amount is saved as some value inside what she said); `approximate: true` asks that the
read-back and the stored application both mark the amount as approximate (约/大约/左右/多).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tests.personas.driver import Conversation
from tests.personas.stored import Backend, Member, Stored

APPROXIMATE = re.compile(r"约|大约|大概|左右|多|以上|估")


def _amount_ok(got: Decimal, want: Any) -> bool:
    if isinstance(want, list):
        return Decimal(str(want[0])) <= got <= Decimal(str(want[1]))
    return got == Decimal(str(want))


def _expected(conv: Conversation, key: str) -> Any:
    p = conv.persona
    if key in p.saved:
        value = p.saved[key]
        return p.fill(value) if isinstance(value, str) else value
    return p.facts.get({"area": "area_code"}.get(key, key))


def _member_problems(got: Member, want: dict[str, Any], conv: Conversation) -> list[str]:
    problems = []
    for key, attr in (("name", "name"), ("relation", "relation"), ("id", "id_number")):
        if key in want and getattr(got, attr) != conv.persona.fill(str(want[key])):
            problems.append(f"member {key}: saved {getattr(got, attr)!r}, said {conv.persona.fill(str(want[key]))!r}")
    if "income" in want and not _amount_ok(got.income, want["income"]):
        problems.append(f"member {got.name} income: saved {got.income}, said {want['income']}")
    return problems


def application_problems(conv: Conversation, stored: Stored) -> list[str]:
    """Every difference between what she said and what the backend stored."""
    problems: list[str] = []
    a = stored.applicant

    def differ(label: str, got: Any, want: Any) -> None:
        if want is not None and got != want:
            problems.append(f"{label}: saved {got!r}, she said {want!r}")

    differ("name", a.name, _expected(conv, "name"))
    differ("ID number", a.id_number, _expected(conv, "id"))
    differ("phone", a.phone, _expected(conv, "phone"))
    differ("street (area code)", stored.area_code, _expected(conv, "area"))
    differ("assistance type", stored.assistance_type, conv.persona.saved.get("type"))
    differ("subtype", stored.subtype, conv.persona.saved.get("subtype"))
    differ("status", stored.status, conv.persona.saved.get("status", "withdrawn" if conv.persona.outcome == "withdrawn" else None))
    if (hukou := conv.persona.saved.get("hukou")) is not None:
        differ("户口", "rural" if stored.rural else "urban", hukou)
    if (income := conv.persona.saved.get("income")) is not None and not _amount_ok(a.income, income):
        problems.append(f"income: saved {a.income} ({', '.join(a.income_kinds)}), she said {income}")
    if (savings := conv.persona.saved.get("savings")) is not None and not _amount_ok(stored.savings, savings):
        problems.append(f"savings: saved {stored.savings}, she said {savings}")
    for pattern in conv.persona.saved.get("reason_has", []):
        if not re.search(conv.persona.fill(pattern), stored.reason):
            problems.append(f"reason: saved {stored.reason!r}, should have {pattern!r}")
    for pattern in conv.persona.saved.get("reason_not", []):
        if re.search(conv.persona.fill(pattern), stored.reason):
            problems.append(f"reason: saved {stored.reason!r}, must not have {pattern!r}")
    if "members" in conv.persona.saved:
        wanted = conv.persona.saved["members"] or []
        if len(stored.others) != len(wanted):
            problems.append(f"members: saved {[m.name for m in stored.others]}, she named {[w.get('name') for w in wanted]}")
        else:
            for got, want in zip(stored.others, wanted):
                problems.extend(_member_problems(got, want, conv))
    if conv.persona.saved.get("approximate"):
        income_line = next((line for line in conv.readback.splitlines() if "收入" in line), "")
        if not APPROXIMATE.search(income_line):
            problems.append(f"the read-back does not mark the amount as approximate: {income_line!r}")
        marks = [*a.income_kinds, *stored.asset_notes, stored.reason]
        if not any(APPROXIMATE.search(m or "") for m in marks):
            problems.append(f"the stored application does not mark the amount as approximate: {marks!r}")
    return problems


def desk_problems(conv: Conversation, backend: Backend, table: str) -> list[str]:
    """A call-back request or complaint that can be answered: it exists, with her phone (and her street)."""
    items = backend.desk_items(table)
    if not items:
        return [f"no {table} row was stored"]
    problems: list[str] = []
    phone, area = _expected(conv, "phone"), conv.persona.saved.get("area")
    hers = [i for i in items if i["phone"] == phone] if phone else items
    if not hers:
        return [f"{table}: none with her phone {phone} (the newest: phone {items[0]['phone']!r}, "
                f"“{items[0].get('text') or items[0].get('topic')}”)"]
    item = hers[0]
    if area and item["area_code"] != area:
        problems.append(f"{table}: street saved {item['area_code']!r}, she lives in {area!r}")
    for pattern in conv.persona.saved.get("text_has", []):
        said = item.get("text") or item.get("topic") or ""
        if not re.search(conv.persona.fill(pattern), said):
            problems.append(f"{table}: saved {said!r}, should have {pattern!r}")
    return problems
