"""What is said between the pre-check's questions that is not an answer to the one asked.

A question ("赡养费算不算收入", "有女儿能不能吃低保") is answered — whether an income counts from the backend's rules, any
other question as a policy question — and the same question is asked again, every answer kept (a tester's was taken as
the answer, or ignored). A progress query ("查进度", its button) pauses the pre-check, every answer kept, and goes where
progress is answered (action_progress_aside, actions/precheck_progress.py); "继续" comes back to the question asked.
"""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import fallback, form_first, parsing, policy, reason
from actions.amount_answers import ASKS_WHAT_COUNTS, HAS_FIGURE
from actions.answers.amounts import asks_whose_income
from actions.backend_client import BackendError, BackendUnavailable, get_client
from actions.policy import ActionAnswerPolicy
from actions import precheck_first, precheck_result
from actions.precheck import ILLNESS_ASKED, asks_about_family, parse_hukou

FORM = "eligibility_form"
PROGRESS_ASIDE = "action_progress_aside"
AMOUNT_SLOTS = ("monthly_income", "savings", "household_size", "applicant_age")
# A progress query in so many words: a case, its step or its approval ("查进度", "我的低保批了没"), never the pre-check's own
# "啥子情况" or "怎么样了".
CASE_WORDS = re.compile(r"进度|进展|批|审|申请|JZ\d", re.I)
MONEY = re.compile(r"收入|钱|费|金|工资|扣")  # "赡养费算不算收入" at the illness question: about income, not illness
# "不对 我在江北区", "我是在观音桥": where she is, put right at any of the pre-check's questions; never a yes ("是"), a no
# ("不对"), a figure or a phone number. The place's figures are its region's (GET /areas/search: standards_region).
PLACE_SAID = re.compile(r"^(?:不对|不是|错了|搞错了)?(?:我|我们|她|他|老人|老人家|我家|屋头)?(?:是|就是|其实是)?(?:在|住在|住)"
                        r"(?P<place>[\u4e00-\u9fa5]{2,12}?)(?:的|住|这边|那边|这点|那点|那儿|这儿)?(?:嘛|哦|噻|哈|啊|呀)?$")


# "好多钱嘛 能不能够交三千押金" (after asking about 临时救助) read as asking for the pre-check: a deposit, or how much
# 临时救助 gives, is a policy question (backend/policy: the deposit's ways and the amount), never the pre-check's quiz.
DEPOSIT = re.compile(r"押金|压金|预交金|预缴金")
RELIEF = re.compile(r"临时救助|临时补助|林时救助|急难")


def asks_help_instead(text: str, tracker: Tracker) -> bool:
    """Whether the message that started the pre-check asks about a deposit or 临时救助's amount instead."""
    t = text.strip()
    if not t or t.startswith("/"):
        return False
    relief = bool(RELIEF.search(t)) or tracker.get_slot("assistance_type") == "临时救助" or bool(tracker.get_slot("emergency_filed"))
    return bool(DEPOSIT.search(t)) or (relief and policy.asks_about_help(t, reported=True))


def asks_progress(text: str, intent: str | None) -> bool:
    t = text.strip()
    if t.startswith("/"):
        return t.startswith("/query_progress")  # the 查进度 button
    return (parsing.asks_progress(t) and bool(CASE_WORDS.search(t))) or (intent == "query_progress" and t in ("查进度", "进度"))


def asks_instead(slot: str, text: str) -> bool:
    """Whether an answer to the pre-check's question `slot` is a question of its own, which that question's validator does
    not answer itself ("高血压算不算" at the illness question, "是两个人加起来的嘛" at the income, a figure said with it)."""
    t = text.strip()
    if not t or t.startswith("/") or form_first.asks_meaning(t) or form_first.is_resume(t):
        return False  # "啥意思": the question itself, explained by its wording (actions/retry.py)
    if slot == "illness_or_disability" and ILLNESS_ASKED.search(t) and not asks_about_family(t) and not MONEY.search(t):
        return False  # "高血压算不算": what counts as 重病, said by the illness question's validator
    if slot == "monthly_income" and asks_whose_income(t):
        return False
    if slot == "hukou" and parse_hukou(t):
        return False  # "农村户口吗？": the answer, said unsure
    if slot in AMOUNT_SLOTS and HAS_FIGURE.search(re.sub(r"算不算|一下|一点", "", t)):
        return False  # "奶奶有个一千二的退休金 算不算": an answer too, read by the amount's validator
    return asks_about_family(t) or bool(ASKS_WHAT_COUNTS.search(t)) or reason.is_question(t)


async def place_put_right(dispatcher: CollectingDispatcher, text: str) -> list[dict] | None:
    """"不对 我在江北区" at a pre-check question: the region of that place (kept when the backend knows it), said back,
    and the question asked again; None when the message is not only a place."""
    m = PLACE_SAID.match(re.sub(r"[\s，,。.!！~～]", "", text))
    if m is None or not form_first.PLACE.search(m.group("place")) and len(m.group("place")) > 4:
        return None
    try:
        areas = await get_client().search_areas(m.group("place"))
    except (BackendError, BackendUnavailable):
        areas = []
    region = next((a.get("standards_region") for a in areas if a.get("standards_region")), None)
    if region is None and not form_first.PLACE.search(m.group("place")):
        return None  # "我是在屋头": no place anyone knows
    dispatcher.utter_message(response="utter_precheck_place_now", place=m.group("place"))
    return [SlotSet("region", region)] if region else []


async def answer(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[dict]:
    """The question answered: from the words where the backend can (an income's kind, a word, together, her data), whether
    children stand in the way, else as a policy question (its type and aspect as the NLU read them)."""
    if await fallback.answered_from_words(dispatcher, text):
        return []
    if asks_about_family(text):
        dispatcher.utter_message(response="utter_precheck_family_asked")
        return []
    events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
    return [e for e in events if e.get("name") == "region"]  # a place named: the pre-check's figures are that place's


def progress_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict]:
    """The pre-check waits (every answer kept, paused_form) and the progress query goes on (action_progress_aside)."""
    requested = tracker.get_slot("requested_slot")
    dispatcher.utter_message(response="utter_precheck_paused_for_progress")
    return [ActionExecutionRejected(FORM), ActiveLoop(None), *([SlotSet(requested, None)] if requested else []),
            SlotSet("requested_slot", None), SlotSet("form_retries", None), SlotSet("ask_style", None),
            SlotSet("paused_form", FORM), FollowupAction(PROGRESS_ASIDE)]


class PrecheckAsides:
    """Mixin for the pre-check's validator, first in its bases."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        message = tracker.latest_message or {}
        text = str(message.get("text") or "").strip()
        if not requested and precheck_result.answered(dispatcher, tracker, text):
            return precheck_result.not_started()  # "那我吃得到低保不" after a result: answered from it, no new questionnaire
        if not requested and (first := await precheck_first.first_facts(self, dispatcher, tracker, domain, text)):
            return first + await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        if requested == "monthly_income" and (again := await precheck_first.said_before(self, dispatcher, tracker, domain, text)):
            return again  # "我刚才说了噻 养老金": what she said before, or the question quoting it
        if not requested and asks_help_instead(text, tracker):
            # Answered as the question it is; no pre-check started (its first question never asked).
            events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
            return [*events, ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
        if requested and requested in tracker.slots_to_validate():
            if asks_progress(text, (message.get("intent") or {}).get("name")):
                return progress_instead(dispatcher, tracker)
            if not (requested == "hukou" and parse_hukou(text)) and (placed := await place_put_right(dispatcher, text)) is not None:
                tracker.slots[requested] = None
                return [SlotSet(requested, None), *placed]  # asked again as it was: no wrong answer counted
            if asks_instead(requested, text):
                events = await answer(dispatcher, tracker, text)
                tracker.slots[requested] = None
                return [SlotSet(requested, None), *events]  # asked again as it was: no wrong answer counted
        return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict | None:
        if not tracker.get_slot("requested_slot") and asks_help_instead(str(tracker.latest_message.get("text") or ""), tracker):
            return None  # answered instead (above): no first question asked
        return await super().next_requested_slot(dispatcher, tracker, domain)  # type: ignore[misc]
