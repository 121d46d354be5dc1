"""Several people's incomes said in one answer to the application's income question ("奶奶退休金1200 爷爷养老金二百多"):
the household's income is their sum, hers is hers, and each other's part waits (`incomes_named`) for the family member
it belongs to, whose row it goes on when he is added (a tester's grandmother's 1200 was lost and 200多 filed as hers).
Whose each amount is: the kin word said with it, seen from the helper's side and turned to the applicant's (members.py);
a helper's "奶奶" when the applicant is a woman (her ID number) is the applicant herself."""

import re
from typing import Any

from rasa_sdk import Tracker

from actions import members, parsing
from actions.answers.amounts import Amount, read_amount
from actions.answers.kin import KIN
from actions.precheck import BASIC_PENSION_MOST, PENSION_NAMED
from actions.said_facts import KIND_SAID

NAMED = members.NAMED
SELF = "本人"
MALE, FEMALE = ("爷爷", "外公", "姥爷", "祖父", "爸", "父亲", "老汉", "老公", "丈夫"), ("奶奶", "外婆", "姥姥", "祖母", "妈", "母亲", "老娘", "老婆", "妻子")
PARTS = re.compile(r"[，,。；;！!\s]+")
SAVINGS = re.compile(r"存款|存折|积蓄|存了|存的")


def _whose(clause: str, tracker: Tracker) -> str | None:
    """本人, what the person is to the applicant ("配偶"), or None when the clause names no one."""
    m = members.KIN_SAID.search(clause)
    helper = tracker.get_slot("helper_relation") if tracker.get_slot("filing_for") == "other" else None
    if m is None:
        own = re.search(r"自己|本人|^我(?![们家屋])", clause) if not helper else re.search(r"^(她|他|老人)|自己|本人", clause)
        return SELF if own else None
    if helper and m.group("whose") in (None, "我") and KIN[m.group("kin")] == parsing.INVERSE.get(helper):
        male = parsing.id_male(tracker.get_slot("applicant_id"))
        word = m.group("kin")
        if male is not None and word in (MALE if male else FEMALE):
            return SELF  # the grandson's "奶奶" is his grandmother, the applicant
    return members.relation_said(clause, tracker)


def read(text: str, tracker: Tracker) -> dict[str, Any] | None:
    """{"amount": the household's, "own": her own words, "others": their parts} when the answer gives her income and
    someone else's; None for one person's (or the household's) income, read as before."""
    said: list[tuple[str, Amount, str]] = []
    pieces = [p for p in PARTS.split(text) if p and not SAVINGS.search(p)]
    for i, piece in enumerate(pieces):
        amount = read_amount(piece, per_month=True) if re.search(r"\d|[一二两三四五六七八九十百千万]", piece) else None
        if amount is None or amount.negative:
            continue
        # "一千三 奶奶刚说的": whose it is may come in the words next to it.
        who = _whose(piece, tracker) or next((w for p in pieces[i + 1:i + 2] if read_amount(p) is None
                                              for w in [_whose(p, tracker)] if w), None)
        if who is None:
            return None
        said.append((who, amount, piece))
    whose = [w for w, _, _ in said]
    if len(said) < 2 or SELF not in whose or len(set(whose)) < len(whose):
        return None
    total = sum(a.value for _, a, _ in said)
    rough = any(a.approximate for _, a, _ in said)
    others = [{"relation": w, "income": a.value, "income_words": p, **({"income_said": a.said or f"约{parsing.as_typed(a.value)}"}
               if a.approximate else {})} for w, a, p in said if w != SELF]
    return {"amount": Amount(total, approximate=rough, said=f"{parsing.as_typed(total)}多" if rough else ""),
            "own": next(p for w, _, p in said if w == SELF), "others": others}


def earning(later: list[dict] | None) -> list[dict]:
    """Those whose ID number is to come and whose income was said: on their own income line, like any member."""
    return [m for m in later or [] if m.get("income") is not None]


def pension_kind_note(later: list[dict] | None) -> str:
    """A small 养老金 said with no kind on a member's row: which one it is, for the caseworker (never dropped)."""
    unsure = [f"{m['name']}每月{m.get('income_said') or parsing.as_typed(m['income'])}元" for m in earning(later)
              if "养老金" in (m.get(KIND_SAID) or "") and not PENSION_NAMED.search(m.get(KIND_SAID) or "")
              and float(m["income"]) <= BASIC_PENSION_MOST]
    return f"（养老金没说是哪一种：{'、'.join(unsure)}，请工作人员核实）" if unsure else ""


def placed(others: list[dict] | None, tracker: Tracker) -> dict[str, Any]:
    """The parts said for others put on the rows of those listed already without an ID number (the income said again at
    the read-back: "两百多是爷爷的"); the rest wait for their member."""
    later = tracker.get_slot(members.LATER) or []
    if not others or not later:
        return {NAMED: others or None}
    rows, waiting = [], list(others)
    for m in later:
        row, left = members.with_income({k: v for k, v in m.items() if k not in ("income", "income_said", KIND_SAID)},
                                        _Parts(waiting))
        rows.append(row if "income" in row else m)
        waiting = left or []
    return {members.LATER: rows, NAMED: waiting or None}


class _Parts:
    """The parts still waiting, read as members.with_income reads the tracker."""

    def __init__(self, parts: list[dict]) -> None:
        self.parts = parts

    def get_slot(self, name: str) -> Any:
        return self.parts if name == NAMED else None
