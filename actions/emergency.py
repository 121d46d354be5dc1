"""What a person in an emergency says between the 急难 report's questions, heard as what it is.

A man whose house burnt was asked his name and wrote "我婆娘手烧伤了 在医院头 莫得钱交医药费 咋个办嘛"; asked his
phone, "好久来人". Both were read as wrong answers ("这个好像不是名字", "手机号好像不对"). Now more of what happened is
added to the report's description, and "when will someone come" / "the duty number" is answered; then the same
question is asked again, and neither counts as a wrong answer.
"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_reporter, fallback, not_urgent, parsing
from actions.answers.kin import KIN_PATTERN, TITLES
from actions.backend_client import BackendError, BackendUnavailable, get_client

ASIDE_SLOTS = ("applicant_name", "applicant_id", "applicant_phone", "verify_code")
# "呜呜", "救命", "娃儿在哭", "咋个办嘛": fear, not an answer. One warm line and the same question (any of the form's).
DISTRESS, distressed = fallback.DISTRESS, fallback.distressed  # one owner (actions/fallback.py)
WHEN = re.compile(r"好久|多久|什么时候|啥时候|几时|马上|快点|等不及|来人|有没有人|有没得人|"
                  r"(?:没|莫)(?:得|有)?人(?:来|打|管)|还没(?:来|到|打)|(?:咋个|怎么|为啥)还没")  # "咋个还没人来"
# More of the trouble: people, injuries, money, a roof, food.
TROUBLE = re.compile(r"医院|住院|烧伤|受伤|伤了|病|押金|医药费|医疗费|莫得钱|没得钱|没钱|没有钱|交不起|房子|烧光|烧了|垮了|淹了|"
                     r"没地方住|莫得地方|没得地方|没有地方|住哪|睡哪|没得吃|莫得吃|娃儿|孩子|老人|婆娘|老伴|老公|老婆")


def aside(text: str) -> str | None:
    """"when" (a question about help coming or the number), "more" (more of what happened), or None (an answer)."""
    if re.search(r"\d{6,}", text) or len(text) < 3:
        return None  # an ID, phone or code is an answer to these questions ("押金3000" is not); a short reply is one too
    if fallback.ASKS_NUMBER.search(text) or (WHEN.search(text) and not TROUBLE.search(text)):
        return "when"
    return "more" if TROUBLE.search(text) else None


# The person cannot confirm with a code ("她在医院 手机没带身上 收不到", "没有手机", "急得很 直接报给街道嘛"): an emergency
# never waits on it. The report goes to the street as a helper's, unconfirmed by the person (actions/journeys.py).
UNCONFIRMED = "unconfirmed"  # verify_code's value then: no code asked, filed as an urgent call-back to the reporter
UNCONFIRMED_NOTE = "帮办人代报，本人未确认（收不到验证码）"
CANNOT_CONFIRM = re.compile(r"收不到|手机(?:也|都)?(?:没|没有|莫|莫得|没得)带|没带手机|(?:手机|电话)[^，。,.]{0,3}不在(?:身上|身边|手上)|"
                            r"直接(?:报|给|交|送|跟|找)|报给街道|不要验证码|不用验证码|等不(?:到|了|及)验证码|没(?:有|得)?法收")
CONFIRM_SLOTS = ("applicant_phone", "verify_code")


def cannot_confirm(slot: str | None, text: str) -> bool:
    """While her phone or its code is asked: she cannot receive one, or the reporter will not wait for it."""
    if slot not in CONFIRM_SLOTS or re.search(r"\d{4,}", text) or fallback.ASKS_NUMBER.search(text):
        return False
    return bool(CANNOT_CONFIRM.search(text)) or parsing.says_no_phone(text)


# "急事求助" (the web chat's button says "家里出急事了，要帮忙"), "有急事", "救命": that something happened, not what.
BARE_EMERGENCY = re.compile(r"(?:我|我们)?(?:家里|屋头|这边)?(?:有|遇到|出|发生)?了?(?:个|点)?(?:急事|急难|紧急情况|大事|事情?)了?"
                            r"(?:要|需要|想|请)?(?:帮忙|帮助|求助|救助|帮下忙|帮一下|帮帮我|你们帮忙)?|急事求助|求助|救命|快帮帮我|帮帮我|急")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)")


def says_nothing_happened(text: str) -> bool:
    """"急事求助", "家里出急事了，要帮忙": that there is trouble, not which."""
    return bool(BARE_EMERGENCY.fullmatch(re.sub(r"[，,。！!？?、\s啊呀哦嘛]", "", text or "")))


def describes_emergency(text: str) -> bool:
    """"老伴住院了，莫得钱交住院费" says what happened; "有急事" / "救命" / "急事求助" does not (then it is asked)."""
    return len(re.sub(r"[，,。！!？?、\s啊呀哦嘛]", "", text or "")) >= 4 and not says_nothing_happened(text)


def noted(tracker: Tracker, text: str) -> SlotSet:
    """More of what happened, added to what the report says as said (never said twice; an ID number said with it is
    kept apart, never in the words the street reads); "家里出急事了，要帮忙" before it said nothing, so it goes."""
    what = tracker.get_slot("emergency_what") or ""
    text = re.sub(r"\s{2,}", " ", ID_NUMBER.sub(" ", text)).strip()
    if not text or text[:300] in what:
        return SlotSet("emergency_what", what or None)
    if not what or says_nothing_happened(what):
        return SlotSet("emergency_what", text[:300])
    return SlotSet("emergency_what", f"{what}；{text}"[:300])


def unconfirmed(tracker: Tracker) -> bool:
    return tracker.get_slot("verify_code") == UNCONFIRMED


def confirming_slots(tracker: Tracker) -> list[str]:
    """Her phone and its code; once she cannot confirm, neither again: the reporter's own phone unless one is verified."""
    if unconfirmed(tracker):
        return [] if tracker.get_slot("citizen_token") and tracker.get_slot("verified_phone") else ["contact_phone"]
    slots = ["applicant_phone"]
    if not tracker.get_slot("citizen_token") or tracker.get_slot("verified_phone") != tracker.get_slot("applicant_phone"):
        slots.append("verify_code")
    return slots


# "帮她报", "帮我邻居报一下", "我是替隔壁王婆婆报的": the reporter reports for someone else (a tester got the global
# fallback). Taken as that (emergency_for), and the question asked is asked again; said with an answer, both are kept.
PEOPLE = "|".join(sorted({*KIN_PATTERN.split("|"), *TITLES} - {"本人", "自己"}, key=len, reverse=True))
FOR_OTHER = re.compile(rf"(帮|替|代)(我的|我家|我们|我)?(她|他|人家|别人|隔壁[^\s，,。]{{0,3}}|{PEOPLE})[^\s，,。]{{0,3}}?"
                       r"(报(?!了?警|销|名|案)|反映)")  # never "帮她报了警"
FOR_OTHER_FILLERS = re.compile(r"[\s，,。.!！~～]|一下|一哈|下|嘛|吧|哈|噻|撒|的|是|我|了|呢|啊|个|就|要|来|嗯|好")
FOR_OTHER_SLOT = "emergency_for"  # "other" once said (the read-back says so, the caseworker reads it with the report)
# For someone else, what else was heard: {"called": True} (the name is what people call her, not her ID's), "reporter"
# ("邻居", "儿子"), "id" (why there is no ID number, as said), "her_phone" ("没有手机"), "needs" (a night without a bed or
# food, as said). Read by actions/emergency_others.py for the read-back and the street's record.
ABOUT = "emergency_about"
# ABOUT's "id_check": the name said against the ID number's record (actions/emergency_name_check.py): "ok", "asked" (said
# once that they do not match, which is right asked), ID_UNVERIFIED (filed all the same, the number noted as not matching).
ID_CHECK, ID_UNVERIFIED = "id_check", "unverified"
READ_BACK = "emergency_confirmed"  # the read-back's answer (actions/emergency_readback.py)


def heard_anyway(slot: str | None, text: str) -> bool:
    """Inside the 急难 form, an answer whatever the NLU read: "帮她报" (then the question again), the reporter's own tie
    or name ("我是他女儿何静", kept as hers), and anything said to the read-back (actions/form_first.py leaves it only for
    a bare "找工作人员" or "算了")."""
    return for_someone_else(text) is not None or slot == READ_BACK or \
        slot in ASIDE_SLOTS and bool(emergency_reporter.tie_said(text) or emergency_reporter.own_name(text))


def for_someone_else(text: str) -> bool | None:
    """True: only that she reports for someone else ("帮她报"); False: that and an answer ("帮我妈报 她叫陈美兰");
    None: not said."""
    m = FOR_OTHER.search(text)
    if not m:
        return None
    return not FOR_OTHER_FILLERS.sub("", text[:m.start()] + text[m.end():])


class EmergencyAsides:
    """Mixin for the 急难 form's validator (first in the bases)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        text = str(tracker.latest_message.get("text") or "").strip()
        if requested in tracker.slots_to_validate() and not_urgent.stops_report(tracker, text):
            return not_urgent.leave_report(dispatcher, tracker)  # "不是急事 我是问低保": nothing filed, back to what she did
        other = for_someone_else(text) if requested in tracker.slots_to_validate() else None
        if other:
            dispatcher.utter_message(response="utter_emergency_for_other")  # then the question asked, again
            return [SlotSet(FOR_OTHER_SLOT, "other"), SlotSet(requested, None)]
        events = await self._asides(dispatcher, tracker, domain, requested, text)
        return events + ([SlotSet(FOR_OTHER_SLOT, "other")] if other is False else [])

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> dict | None:
        text = str(tracker.latest_message.get("text") or "")
        if tracker.slots.get("requested_slot") is None and not_urgent.stops_report(tracker, text):
            return None  # left (not_urgent.leave_report): nothing more is asked here
        return await super().next_requested_slot(dispatcher, tracker, domain)  # type: ignore[misc]

    async def _asides(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any, requested: str | None,
                      text: str) -> list[dict]:
        if requested in tracker.slots_to_validate() and cannot_confirm(requested, text):
            # Once is enough: no code, no loop. Her phone (if said) stays with the report; a phone to call the
            # reporter back on is asked next when none is verified (required_slots).
            dispatcher.utter_message(response="utter_emergency_unconfirmed")
            more = [noted(tracker, text)] if TROUBLE.search(text) else []
            return [SlotSet("verify_code", UNCONFIRMED), *more] + ([SlotSet(requested, None)] if requested == "applicant_phone" else [])
        if requested and requested in tracker.slots_to_validate() and distressed(text):
            dispatcher.utter_message(response="utter_emergency_calm")  # never "没太听懂", never a wrong name
            return [SlotSet(requested, None)]
        kind = aside(text) if requested in ASIDE_SLOTS and requested in tracker.slots_to_validate() else None
        if kind and requested == "applicant_name" and parsing.split_name_and_id(text)[0]:
            kind = None  # "陈建国 我老婆在医院": a name is in it, the validator takes it
        if kind == "when":
            if not await fallback.answered_office_phone(dispatcher, tracker, text):  # "铜元局街道的值班电话"
                dispatcher.utter_message(response="utter_emergency_when")
            return [SlotSet(requested, None)]
        if kind == "more":
            dispatcher.utter_message(response="utter_emergency_noted")
            urgent = await urgent_need(tracker, text)  # "今晚住哪点 娃儿还小": where to sleep tonight, said now
            if urgent:
                dispatcher.utter_message(text=urgent)
            return [SlotSet(requested, None), noted(tracker, text)] + ([need_heard(tracker, text)] if urgent else [])
        return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]


URGENT_TOPIC = "急需"  # the backend's PolicyAnswer.term for a night without a bed or food (backend/policy/needs.py)


def need_heard(tracker: Tracker, text: str) -> SlotSet:
    """A night without a bed or food, as said, kept for the street's record (ABOUT "needs")."""
    about = dict(tracker.get_slot(ABOUT) or {})
    needs = about.get("needs")
    return SlotSet(ABOUT, {**about, "needs": (f"{needs}；{text}" if needs and text not in needs else needs or text)[:120]})


async def urgent_need(tracker: Tracker, text: str) -> str | None:
    """The backend's answer when an aside says she has nowhere to sleep or nothing to eat; None otherwise, and
    quietly None when the backend does not answer (the aside is kept in the report either way)."""
    try:
        body = await get_client().policy_answer(assistance_type="临时救助", aspect="标准", region=tracker.get_slot("region"),
                                                area_code=tracker.get_slot("area_code"), said=text[:200])
    except (BackendError, BackendUnavailable):
        return None
    return body.get("answer") if body.get("term") == URGENT_TOPIC else None
