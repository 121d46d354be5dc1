"""Facts said in the message that starts the pre-check are kept (session 10: 陈玉兰's "我养老金一千一 能不能吃低保" was then
asked "全家一个月大概有多少收入？"). The income said there fills the income question through its own validator (its checks,
its kind words); "我刚才说了噻 养老金" at that question re-uses what was said, or asks in simpler words quoting it."""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing
from actions.answers.amounts import labeled_clauses

FIRST = "precheck_first_said"  # the income words of the message that started the pre-check
SAID_BEFORE = re.compile(r"(刚才|刚刚|前面|先前|已经|早就|不是)(都|就|已经)?(说|讲|告诉你)(了|过|的)|说过了|讲过了")
INCOME_WORDS = re.compile(r"养老金|退休金|退休工资|工资|低保金|补贴|收入|打零工")


async def first_facts(validator, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,  # noqa: ANN001
                      text: str) -> list[dict]:
    """On the pre-check's first turn: the income the message says, taken by the income question's validator."""
    if not text or text.startswith("/") or tracker.get_slot("monthly_income") is not None:
        return []
    clauses = labeled_clauses(text).get("monthly_income") or []
    said = clauses[0] if len(clauses) == 1 else next((w for w in re.split(r"[\s，,。]", text) if INCOME_WORDS.search(w)), "")
    if not said:
        return []
    if parsing.read_amount(said, per_month=True) is None:
        return [SlotSet(FIRST, said[:40])]  # "我养老金 能不能吃低保": kept to quote at the income question
    slots = await validator.validate_monthly_income(said, dispatcher, tracker, domain)
    if slots.get("monthly_income") is None:
        return [SlotSet(FIRST, said[:40])]
    tracker.slots.update(slots)
    return [SlotSet(k, v) for k, v in slots.items()] + [SlotSet(FIRST, said[:40])]


async def said_before(validator, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,  # noqa: ANN001
                      text: str) -> list[dict] | None:
    """"我刚才说了噻 养老金" at the income question: the figure said before when there was one, else the question in simpler
    words with what she said; None when the message is not that."""
    first = tracker.get_slot(FIRST)
    if tracker.get_slot("requested_slot") != "monthly_income" or not first or not SAID_BEFORE.search(text):
        return None
    if parsing.read_amount(first, per_month=True) is not None:
        slots = await validator.validate_monthly_income(first, dispatcher, tracker, domain)
        if slots.get("monthly_income") is not None:
            return [SlotSet(k, v) for k, v in slots.items()]
    dispatcher.utter_message(response="utter_income_said_before", said=first)
    return [SlotSet("monthly_income", None)]
