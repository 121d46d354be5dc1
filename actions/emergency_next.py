"""After a 急难 report filed in this conversation: "咋个办嘛" is told what happens next, "一上班是几点嘛 我等不到那个时候"
the office's opening time (or plainly that none is on file) and what to do before then, and once the fire is said to be
out ("火已经灭了消防走了") 119 is not said again.

A tester (a kitchen fire at 04:20, his wife in hospital) heard "这个我帮不上忙…12345" to "咋个办嘛" twice inside his open
case, the fallback to "火早就灭了 你咋个一直喊我打119", and "这个我帮不上忙" to "一上班是几点嘛". When the office calls is the
backend's one answer (GET /on-duty, backend/service_desk/when.py) in every reply."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked, how_to_check

FIRE_OUT = emergency_booked.FIRE_OUT  # one owner (actions/emergency_booked.py)
# "咋个办嘛", "怎么办", "那我现在咋整": what now.
WHAT_NOW = re.compile(r"咋个办|咋办|怎么办|怎么弄|咋整|咋个弄|咋个搞|那我(?:现在)?(?:该)?(?:咋个|怎么|干啥|做啥)")
# "一上班是几点嘛", "几点上班", "几点有人", "上班时间": the office's opening time.
OPENS = re.compile(r"几点|好多点|上班时间|办公时间|几时上班|啥时候上班|什么时候上班|哪个时候上班")


def asks_next(text: str) -> bool:
    """"咋个办嘛", "一上班是几点嘛": a question about what comes next, not more of what happened."""
    return bool(WHAT_NOW.search(text) or OPENS.search(text))


def fire_out(tracker: Tracker, text: str = "") -> bool:
    """The fire was said to be out, now or earlier in this conversation (kept on the report's slot)."""
    return bool(FIRE_OUT.search(text or "")) or bool((tracker.get_slot(emergency_booked.SLOT) or {}).get("fire_out"))


def fire_out_heard(tracker: Tracker) -> list[EventType]:
    """Kept on the report's slot, so later replies leave 119 out."""
    kept = tracker.get_slot(emergency_booked.SLOT)
    return [SlotSet(emergency_booked.SLOT, {**kept, "fire_out": True})] if kept and not kept.get("fire_out") else []


def without_fire(advice: list[str], tracker: Tracker, text: str = "") -> list[str]:
    """119 for a fire left out once the fire is out ("火已经灭了消防走了" matched 火 and heard "火还没灭…打119")."""
    if not fire_out(tracker, text):
        return advice
    return [a for a in advice if a not in ("utter_emergency_fire", "utter_emergency_danger")]


async def say_when(dispatcher: CollectingDispatcher, tracker: Tracker, duty: dict[str, Any] | None) -> None:
    """Who calls, when (the backend's promise) and on which phone."""
    kept = tracker.get_slot(emergency_booked.SLOT) or {}
    phone = kept.get("phone_masked") or "您留的电话"
    if duty is None:
        dispatcher.utter_message(response="utter_emergency_next_no_time", number=kept.get("number"), phone_masked=phone)
    elif duty.get("open_now"):
        dispatcher.utter_message(response="utter_emergency_next_today", number=kept.get("number"), caller=duty.get("caller"),
                                 promise=duty.get("promise"), phone_masked=phone)
    else:
        dispatcher.utter_message(response="utter_emergency_next_night", number=kept.get("number"), caller=duty.get("caller"),
                                 promise=duty.get("promise"), phone_masked=phone)


def say_before_then(dispatcher: CollectingDispatcher, tracker: Tracker, duty: dict[str, Any] | None) -> None:
    """What to do before the call: the duty mobile where on file, else plainly none; 12345; tonight's steps."""
    if duty and not duty.get("open_now"):
        if duty.get("duty_phone"):
            dispatcher.utter_message(response="utter_after_hours_duty_phone", office_name=duty.get("caller"), duty_phone=duty["duty_phone"])
        else:
            dispatcher.utter_message(response="utter_after_hours_no_duty_phone", office_name=duty.get("caller"))
        dispatcher.utter_message(response="utter_after_hours_hotline")
    dispatcher.utter_message(response="utter_emergency_tonight")
    if not fire_out(tracker):
        dispatcher.utter_message(response="utter_emergency_danger")


async def answer(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """After a report filed here: the fire out, the opening time, or what now; None when none of these (or no report)."""
    if not tracker.get_slot(emergency_booked.SLOT) or not text or text.startswith("/"):
        return None
    out = bool(FIRE_OUT.search(text))
    opens, what_now = bool(OPENS.search(text)), bool(WHAT_NOW.search(text))
    if not (out or opens or what_now):
        return None
    events = fire_out_heard(tracker) if out else []
    if out:
        tracker.slots[emergency_booked.SLOT] = {**tracker.get_slot(emergency_booked.SLOT), "fire_out": True}
        dispatcher.utter_message(response="utter_emergency_fire_out")
    duty = await emergency_booked.on_duty(tracker)
    if opens:
        hours = (duty or {}).get("office_hours")
        if hours:
            dispatcher.utter_message(response="utter_emergency_office_opens", caller=duty.get("caller"), office_hours=hours,
                                     promise=duty.get("promise"))
        else:
            dispatcher.utter_message(response="utter_emergency_office_hours_unknown", caller=(duty or {}).get("caller") or "街道")
    else:
        await say_when(dispatcher, tracker, duty)
    say_before_then(dispatcher, tracker, duty)
    return events


class ActionOutOfScope(Action):
    """"咋个办嘛", "一上班是几点嘛" read as out of scope: after a report filed here, answered for that report; else
    "这个我帮不上忙"."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return emergency_booked.once(dispatcher, tracker, await self._run(dispatcher, tracker))  # each safety line once

    async def _run(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        events = await answer(dispatcher, tracker, str(tracker.latest_message.get("text") or ""))
        if events is not None:
            return events
        if how_to_check.answered(dispatcher, str(tracker.latest_message.get("text") or "")):
            return []  # "我以后咋个查嘛" (session 9, helper G8)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []
