"""The pre-check's household income as a household says it, and its savings said again later (the eligibility form).

"我有七百块养老金" to "全家一个月大概有多少收入？" leaves two things open: which pension it is (城乡居民基础养老金, not
counted, or a work unit's 退休金, counted: precheck.pension_unsettled), and, where others live with her, whether they have
an income too ("我有…" is hers alone). Each is asked once at the income question, before anything is computed (its
wordings: bot/domain.yml `utter_ask_monthly_income`, ask_style "pension" / "others"); meanwhile what she said waits in
`amount_to_confirm` (an amount waiting for a word on it). A tester's 83-year-old (700 养老金, her husband 800) was promised
低保 on an income of 0元.

"啥子意思嘛 存款有两万" at a question after the savings corrects the savings, and that question is asked again (a tester's
was ignored, and "老头儿有八百" said earlier stayed her savings).
"""

import inspect
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import corrections, parsing
from actions.amount_answers import SAID, TO_CONFIRM, form_order, take
from actions.answers.amounts import Amount, clause_amounts, labeled_clauses
from actions.answers.kin import KIN_PATTERN
from actions.neutral import NEUTRAL
from actions.precheck import BASIC_PENSION_MOST, NONE_EXCLUDED, PENSION_NAMED, UNSURE, helper_place, pension_unsettled
from actions.said_facts import KIND_SAID

PENSION, OTHERS = "pension", "others"  # the income question's two follow-ups (ask_style)
# "我有…", "我一个月…", "我的养老金…": hers alone; never "我们", "我家", "我和老伴", "我老伴有…".
HERS = re.compile(r"^(我|俺)(?!们|家|屋|俩|两|和|跟|与|同)")
HOUSEHOLD = re.compile(r"全家|家里|一家|屋头|我们|加起来|合起来|一共|总共|两个|俩|都")
# The answer to "您说的养老金是哪一种？" that names the basic one (its button: "城乡居民基础养老金（每月一两百）").
BASIC_SAID = re.compile(r"基础|居民|农村|农保|一两百|国家发|政府发|补贴")
NONE_SAID = re.compile(r"^(都)?(没有|没得|莫得|冇得|没|无|不有|木有)")


def hers_alone(text: str, household_size: Any) -> bool:
    """"我有七百块养老金" in a household of more than one: her own income, not the household's."""
    size = household_size if isinstance(household_size, (int, float)) else 1
    return size > 1 and bool(HERS.match(text.strip())) and not HOUSEHOLD.search(text) and parsing.parse_relation(text) is None


def waiting(slots: dict) -> dict | None:
    """The income said, waiting for the answer to one of the two follow-ups (None when none is asked)."""
    pending = slots.get(TO_CONFIRM) or {}
    return pending if pending.get("slot") == "monthly_income" and pending.get("ask") in (PENSION, OTHERS) else None


class HouseholdIncome:
    """Mixin for the pre-check's validator, first in its bases: the income's follow-ups and the savings said again."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        place = helper_place(tracker)  # "我在上海的" while doing it for her grandmother: not her place
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        aimed = requested in tracker.slots_to_validate()
        unknown = _kind_unknown(text, tracker.slots) if aimed and requested == "income_excluded" else []
        events = unknown or await self._income_events(dispatcher, tracker, domain)
        if aimed and requested == "monthly_income":
            events += _persons_summed(text, {**tracker.slots, **{e["name"]: e.get("value") for e in events if e.get("event") == "slot"}})
        tracker.slots.update({e["name"]: e["value"] for e in events + place if e.get("event") == "slot"})
        return events + place

    async def _income_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        aimed = bool(requested) and requested in tracker.slots_to_validate()
        if aimed and (again := await self._savings_said_later(requested, text, dispatcher, tracker, domain)) is not None:
            return again
        pending = waiting(tracker.slots)
        if aimed and requested == "monthly_income" and pending and (done := await _followed_up(pending, text, dispatcher, tracker)):
            tracker.slots.update({e["name"]: e["value"] for e in done})
            return done
        events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        if not aimed or requested != "monthly_income":
            return events
        after = {**tracker.slots, **{e["name"]: e.get("value") for e in events if e.get("event") == "slot"}}
        more = _follow_up(text, after) if pending is None else _still_waiting(pending, after)
        tracker.slots.update({e["name"]: e["value"] for e in more})
        return events + more

    async def _savings_said_later(self, requested: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> list[dict] | None:
        """"存款有两万" at a question after the savings: the savings corrected, the question asked now asked again."""
        order = form_order(tracker, domain)
        if "savings" not in order or requested not in order or order.index(requested) <= order.index("savings") \
                or tracker.get_slot("savings") is None:
            return None
        said = labeled_clauses(text).get("savings") or []
        if len(said) != 1:
            return None
        before, quiet = tracker.get_slot("savings"), CollectingDispatcher()
        out = getattr(self, "validate_savings")(said[0], quiet, tracker, domain)
        out = dict(await out if inspect.isawaitable(out) else out)
        out.pop(NEUTRAL, None)
        if out.get("savings") is None and out.get(TO_CONFIRM) is None:
            return None  # not read: the question asked reads the message as usual
        dispatcher.messages.extend(quiet.messages)  # a figure far above the usual is asked again, as at its own question
        if out.get("savings") is not None and float(out["savings"]) != float(before):
            label = next(f.label for f in corrections.FIELDS if f.key == "savings")
            dispatcher.utter_message(response="utter_corrected", label=label)
        elif out.get("savings") is not None:
            out = {"savings": before}  # the same figure again: nothing changes
        out[requested] = None
        tracker.slots.update(out)
        return [SlotSet(k, v) for k, v in out.items()]


def _persons_summed(text: str, after: dict) -> list[dict]:
    """"奶奶养老金一千二左右 爷爷退休工资两千多": each person's amount, added up (a tester's grandfather's 两千多 was dropped).
    Kinds that count, or a pension of a kind not known counted and said so (pension_assumed); a basic pension named
    ("基础养老金180") is the income_excluded question's, as before."""
    value, clauses = after.get("monthly_income"), labeled_clauses(text).get("monthly_income") or []
    if not isinstance(value, (int, float)) or waiting(after) is not None or len(clauses) < 2 or labeled_clauses(text).get("savings"):
        return []
    people = [(m.group(0) if (m := re.search(KIN_PATTERN, c)) else None) or (HERS.match(c) and "本人") for c in clauses]
    amounts = [a for c in clauses for a in clause_amounts(c)]
    if None in people or len(set(people)) < len(people) or len(amounts) != len(clauses) or BASIC_SAID.search(text):
        return []
    if any(a.negative or a.value <= BASIC_PENSION_MOST for a, c in zip(amounts, clauses) if "养老金" in c):
        return []  # a small pension: maybe the basic one, asked as before
    total = sum(a.value for a in amounts)
    said = {**(after.get(SAID) or {})}
    said.pop("monthly_income", None)
    if any(a.approximate for a in amounts) or "左右" in text:
        said["monthly_income"] = f"{parsing.as_typed(total)}多"
    unknown = any("养老金" in c and not PENSION_NAMED.search(c) for c in clauses)
    return [SlotSet("monthly_income", total), SlotSet(SAID, said or None), SlotSet("income_excluded", NONE_EXCLUDED),
            SlotSet("pension_assumed", unknown or None)]


def _kind_unknown(text: str, after: dict) -> list[dict]:
    """"不晓得是哪种…反正每个月一千二左右", "说不清楚" to "有没有基础养老金…": nothing known to leave out, so it is counted and
    the result says so (a tester's whole income was dropped and 全家每月1260元 promised)."""
    if not UNSURE.search(text) or BASIC_SAID.search(text) or after.get("income_excluded") == NONE_EXCLUDED:
        return []
    pension = "养老" in text or "养老" in str(after.get(KIND_SAID) or "") or "哪种" in text or "哪一种" in text
    return [SlotSet("income_excluded", NONE_EXCLUDED), SlotSet("pension_assumed", True if pension else None), SlotSet("form_retries", None)]


def _follow_up(text: str, after: dict) -> list[dict]:
    """After an income answer: the follow-up it needs, if any (the pension's kind first, then the others' income)."""
    value = after.get("monthly_income")
    if not isinstance(value, (int, float)) or waiting(after) is not None:
        return []
    pension, others = pension_unsettled(text, value), hers_alone(text, after.get("household_size"))
    if not (pension or others):
        return []
    pending = {"slot": "monthly_income", "value": value, "said": (after.get(SAID) or {}).get("monthly_income") or "",
               "ask": PENSION if pension else OTHERS, "others": others, "excluded": after.get("income_excluded")}
    return [SlotSet("monthly_income", None), SlotSet(TO_CONFIRM, pending), SlotSet("ask_style", pending["ask"])]


def _still_waiting(pending: dict, after: dict) -> list[dict]:
    """An answer to a follow-up that was not read: the same follow-up again (its plain wording, or the help one)."""
    if after.get("monthly_income") is not None or waiting(after) is None or after.get("ask_style") == "help":
        return []
    return [SlotSet("ask_style", pending["ask"])]


async def _followed_up(pending: dict, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """The answer to a follow-up, as events; None when it is not one (the income question reads it as usual)."""
    value = float(pending["value"])
    if corrections.bare_answer(text) is not None:
        return None  # "不对 是一千二": the household's income said again, read as such
    if pending["ask"] == PENSION:
        # Which pension: the basic one when she says so; otherwise, as large as it is, it counts. Its kind said ("退休工资")
        # joins the words filed with it; "不晓得是哪种" leaves them bare, and the caseworker is told (said_facts.py).
        excluded = f"城乡居民基础养老金每月{parsing.as_typed(value)}元" if BASIC_SAID.search(text) else NONE_EXCLUDED
        words = [SlotSet(KIND_SAID, f"{tracker.get_slot(KIND_SAID) or ''}（{text}）")] if PENSION_NAMED.search(text) else []
        words += [SlotSet("pension_assumed", True)] if excluded == NONE_EXCLUDED and not PENSION_NAMED.search(text) else []
        if pending.get("others"):
            follow = {**pending, "ask": OTHERS, "excluded": excluded}
            return [SlotSet("monthly_income", None), SlotSet("income_excluded", excluded), SlotSet(TO_CONFIRM, follow),
                    SlotSet("ask_style", OTHERS), SlotSet("form_retries", None), *words]
        return [SlotSet("monthly_income", value), SlotSet("income_excluded", excluded), SlotSet(TO_CONFIRM, None),
                SlotSet("ask_style", None), SlotSet("form_retries", None), *words]
    theirs = clause_amounts(text)
    if not theirs and parsing.parse_yes_no(text) is True and not NONE_SAID.match(text):
        # "有", "对" with no figure: how much is what the question asks next (never 对 to her own figure).
        return [SlotSet("monthly_income", None), SlotSet("income_excluded", pending.get("excluded")), SlotSet("ask_style", OTHERS)]
    said_none = bool(NONE_SAID.match(text)) or (parsing.parse_yes_no(text) is False and not UNSURE.search(text))
    if any(a.negative for a in theirs) or (not theirs and not said_none):
        return None  # "不晓得": not read; the follow-up again
    more = sum(a.value for a in theirs)
    found = Amount(value + more, approximate=bool(pending.get("said")) or any(a.approximate for a in theirs),
                   said="" if more else pending.get("said") or "")
    size = tracker.get_slot("household_size")
    slots = await take({"monthly_income": found}, dispatcher, tracker, household_size=int(size) if size else 1)
    slots["income_excluded"] = pending.get("excluded")  # hers, as read before (never the others' answer read again)
    return [SlotSet(k, v) for k, v in slots.items()] + [SlotSet("ask_style", None), SlotSet("form_retries", None)]
