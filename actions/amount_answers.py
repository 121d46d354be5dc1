"""Taking an amount of money someone said (income, savings, a family member's income), for every form.

Read by the one amount parser (actions/answers/amounts.py). A negative is refused kindly; an approximate
amount ("一百多", "几百块", "三四百") is kept with how it was said (slot `amounts_said`, {slot: said}) so the
read-back says it as approximate and the caseworker sees it noted; an amount far above what households
asking for assistance declare is asked again once (slot `amount_to_confirm`), and kept when the person
says it again or says 对. Where that ceiling lies is the backend's (GET /eligibility/plausible).
"""

import inspect
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import corrections, fallback, parsing
from actions.answers.amounts import Amount, asks_whose_income, labeled_clauses, read_income_and_savings
from actions.backend_client import BackendError, BackendUnavailable, get_client
from actions.retry import NEUTRAL

Slots = dict[str, Any]
SAID = "amounts_said"
TO_CONFIRM = "amount_to_confirm"
# How the question names the amount when it is asked again ("每月一百万元？…再说一下每月大概多少钱").
WHAT = {"monthly_income": "每月", "member_income": "每月", "savings": "存款"}
# What the backend has a ceiling for (a family member's income: as a household's, the cap matters most).
CHECKED = {"monthly_income": "monthly_income", "member_income": "monthly_income", "savings": "savings"}


def confirming(slot: str, text: str, tracker: Tracker) -> Amount | None:
    """The amount asked about again, when this answer says 对/是的 to it (with no other figure)."""
    pending = tracker.get_slot(TO_CONFIRM) or {}
    if pending.get("slot") != slot or parsing.read_amount(text) is not None:
        return None
    if parsing.is_bare_yes(text) or parsing.parse_yes_no(text) is True:
        return Amount(float(pending["value"]), approximate=bool(pending.get("said")), said=pending.get("said") or "")
    return None


def answered(slot: str, text: str, tracker: Tracker) -> dict[str, Amount | None]:
    """What an answer to the income or the savings question gives: the amount asked (or 对 to it asked again), and the
    savings said with the income where they are not known yet. "就高龄补贴一个月200 没得存款" is 200 and 0 (to the savings
    question 0, never 200: a tester's was)."""
    found = confirming(slot, text, tracker)
    if found is not None or not labeled_clauses(text).get("savings"):
        return {slot: found or parsing.read_amount(text, per_month=slot == "monthly_income")}
    income, savings = read_income_and_savings(text)
    if slot == "savings":
        return {"savings": savings}
    return {slot: income, **({"savings": savings} if savings is not None and tracker.get_slot("savings") is None else {})}


async def take(answers: dict[str, Amount | None], dispatcher: CollectingDispatcher, tracker: Tracker, *,
               household_size: int = 1) -> Slots:
    """The slots amount answers fill ({slot: what was read}, e.g. income and savings said together): each
    amount, or None with a kind word on why it is asked again. A None read says nothing here (the caller
    knows whether anything else in the answer counted)."""
    slots: Slots = {}
    kept: dict[str, Amount] = {}
    for slot, found in answers.items():
        value = await _take_one(slot, found, dispatcher, tracker, household_size, slots)
        if value is not None:
            kept[slot] = value
    if kept:
        slots[SAID] = noted(tracker, kept)
        slots.setdefault(TO_CONFIRM, None)
    return slots


async def _take_one(slot: str, found: Amount | None, dispatcher: CollectingDispatcher, tracker: Tracker, household_size: int,
                    slots: Slots) -> Amount | None:
    slots[slot] = None
    if found is None:
        return None
    if found.negative:
        dispatcher.utter_message(response="utter_amount_negative")
        return None
    pending = tracker.get_slot(TO_CONFIRM) or {}
    repeated = pending.get("slot") == slot and float(pending.get("value", -1)) == found.value
    if found.value > 0 and not repeated:
        check = await _check(slot, found.value, tracker, household_size)
        what, amount = WHAT.get(slot, "每月"), parsing.said_large(found.value)
        if check is not None and not check["allowed"]:
            dispatcher.utter_message(response="utter_amount_too_large", what=what, amount=amount,
                                     cap=parsing.said_large(float(check["cap"])))
            slots[TO_CONFIRM] = None
            return None
        if check is not None and check["outlier"]:
            dispatcher.utter_message(response="utter_amount_outlier", what=what, amount=amount)
            slots[TO_CONFIRM] = {"slot": slot, "value": found.value, "said": found.said if found.approximate else ""}
            slots[NEUTRAL] = True
            return None
    slots[slot] = found.value
    if pending.get("slot") == slot:
        slots[TO_CONFIRM] = None
    return found


def noted(tracker: Tracker, amounts: dict[str, Amount]) -> dict[str, str] | None:
    """`amounts_said` after these answers: an approximate one is noted as said, an exact one clears its note."""
    said = dict(tracker.get_slot(SAID) or {})
    for slot, found in amounts.items():
        if found.approximate:
            said[slot] = found.said or f"约{parsing.as_typed(found.value)}"
        else:
            said.pop(slot, None)
    return said or None


async def _check(slot: str, value: float, tracker: Tracker, household_size: int) -> dict | None:
    """The backend's word on this amount; None when there is no ceiling for it or the backend cannot say
    (the amount is then kept: a check that fails never stops a person)."""
    key = CHECKED.get(slot)
    if key is None:
        return None
    client = get_client()
    try:
        region = tracker.get_slot("street") or tracker.get_slot("region") or (await client.offer())["default_region"]
        answer = await client.plausible(region, household_size, **{key: value})
    except (BackendUnavailable, BackendError):
        return None
    return answer.get(key)


# "退休金算不算收入啊", "养老金不是说不算收入嘛": a question about what counts, asked where an amount was asked.
ASKS_WHAT_COUNTS = re.compile(r"算不算|算收入|算进|算吗|算不|要不要算|扣不扣|能不能扣|能扣|不是说.{0,8}不算")
HAS_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千万]")


async def asked_instead(slot: str, text: str, dispatcher: CollectingDispatcher) -> Slots | None:
    """The question answered first (the backend's rules, actions/fallback.py); with no figure said, the amount is
    asked again without counting a wrong answer (a tester's "你还没回答我 退休金算收入吗" was kept as 存款0元). "每月收入是两个人
    加起来的嘛": the household's, said in one sentence, and asked again (a tester's was not answered)."""
    if slot == "monthly_income" and asks_whose_income(text):
        dispatcher.utter_message(response="utter_income_is_household")
        return {slot: None, NEUTRAL: True}
    if not ASKS_WHAT_COUNTS.search(text) or not await fallback.answered_from_words(dispatcher, text):
        return None
    if HAS_FIGURE.search(re.sub(r"算不算|一下|一点", "", text)):
        return None  # "奶奶有个一千二的退休金" goes on to be read as the amount
    return {slot: None, NEUTRAL: True}


class LastAmountCorrected:
    """Mixin for a form's validator (before RetryingFormValidationAction in the bases): "不对 是一千二" with no field
    named, while the next question is asked, corrects the last amount asked, then that question again (a tester's was
    ignored, or taken for the next answer)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        said = corrections.bare_answer(str((tracker.latest_message or {}).get("text") or ""))
        # Where the question asked is a figure of its own (age, household, a member's income), the figure answers it.
        own = requested in (None, "confirmed", "member_income", "household_size", "applicant_age")
        last = last_amount_asked(tracker, domain) if said and not own else None
        if last is None or parsing.read_amount(said or "") is None:
            return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        if _member_income_since(tracker, domain):
            # A family member's income was said after hers: "不对 是一千九" may mean either (a tester's went into 存款).
            # Nothing is guessed: she is asked which, and the question asked now comes again.
            dispatcher.utter_message(response="utter_which_wrong")
            tracker.slots[requested] = None
            return [SlotSet(requested, None)]
        checked = getattr(self, f"validate_{last}")(said, dispatcher, tracker, domain)
        checked = dict(await checked if inspect.isawaitable(checked) else checked)
        checked.pop(NEUTRAL, None)
        if checked.get(last) is not None:
            dispatcher.utter_message(response="utter_corrected", label=next(f.label for f in corrections.FIELDS if f.key == last))
        tracker.slots[requested] = None
        return [SlotSet(k, v) for k, v in checked.items()] + [SlotSet(requested, None)]


def form_order(tracker: Tracker, domain: DomainDict) -> list[str]:
    """The open form's questions in the domain's order."""
    return list(((domain.get("forms") or {}).get(tracker.active_loop_name or "") or {}).get("required_slots") or [])


def last_amount_asked(tracker: Tracker, domain: DomainDict) -> str | None:
    """The amount question answered last before the question now asked (the form's order), if any."""
    order = form_order(tracker, domain)
    requested = tracker.get_slot("requested_slot")
    before = order[:order.index(requested)] if requested in order else []
    return next((s for s in reversed(before) if s in ("monthly_income", "savings") and tracker.get_slot(s) is not None), None)


def _member_income_since(tracker: Tracker, domain: DomainDict) -> bool:
    """Whether the question now asked comes after a family member's income (the form's order) and a member was added."""
    order = form_order(tracker, domain)
    requested = tracker.get_slot("requested_slot")
    if "member_income" not in order or requested not in order:
        return False
    member_section = order.index(requested) > order.index("savings") if "savings" in order else False
    return member_section and bool(tracker.get_slot("members"))
