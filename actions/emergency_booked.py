"""The 急难 report filed in this conversation, kept for "好久来人" (slot emergency_booked): when it was filed, its number,
who calls by when, on which phone, and the street's duty phone. A hurry within HURRY_AGAIN_MINUTES of the filing is told
just that, and nothing is recorded; only later is a hurry put on the case (actions/fallback.py, says_emergency_again).
A tester who wrote "好久来人" seconds after filing was told "已经又催了一次".

Imports no other action module: the fallback and the report (actions/emergency_report.py) both use it."""

import re
import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

SLOT = "emergency_booked"
HURRY_AGAIN_MINUTES = 30  # the one figure: sooner than this after the filing, a hurry is not recorded as a second one
OFFICE_KEYS = ("office_name", "duty_phone", "office_phone", "office_hours")
DESK_REFERENCE = re.compile(r"^(HD|TS)\d+$")  # a call-back's or a complaint's reference: never an application's number


FIRE = re.compile(r"火|烧|燃气|煤气")
MEDICAL = re.compile(r"住院|医院|病|伤|摔|车祸|中风|心梗|急诊|昏|晕|手术|ICU|流血|出血|难产")
POLICE = re.compile(r"偷|抢|骗|打人|被打|家暴|威胁|拐")


def emergency_advice(what: str) -> list[str]:
    """Which of 119 / 120 / 110 to call now for what was said (every one that applies; the general line else)."""
    in_hospital = bool(re.search(r"医院|住院", what))  # already there: "马上打120" is not what they need (a tester)
    found = [r for pattern, r in ((FIRE, "utter_emergency_fire"), (MEDICAL, "utter_emergency_medical"),
                                  (POLICE, "utter_emergency_police")) if pattern.search(what)
             and not (r == "utter_emergency_medical" and in_hospital)]
    if MEDICAL.search(what):
        found.append("utter_emergency_medical_aid")  # a hospital bill: 医疗救助 too (a tester never heard of it)
    return found or ["utter_emergency_danger"]


def now() -> float:
    return time.time()


def booked(*, number: str, application: str | None, caller: str, due: str | None, phone_masked: str | None,
           office: dict[str, Any], phone: str | None = None) -> SlotSet:
    """What "好久来人" is told: `application` is the 急难 application's number (None: it went as an urgent call-back,
    to `phone`, the reporter's: what is said after it is added to that call-back, actions/emergency_report.py)."""
    return SlotSet(SLOT, {"at": now(), "number": number, "application": application, "caller": caller, "due": due,
                          "phone_masked": phone_masked, "phone": phone, **{k: office.get(k) for k in OFFICE_KEYS}})


def application_of(tracker: Tracker) -> str | None:
    """The 急难 application filed in this conversation: never another case's number (an urgent call-back has none)."""
    kept = tracker.get_slot(SLOT)
    number = kept.get("application") if kept else tracker.get_slot("application_no")
    return None if number and DESK_REFERENCE.match(number) else number  # "我前头报了 HD000001" read as a case number


def recent(tracker: Tracker) -> bool:
    """Filed less than HURRY_AGAIN_MINUTES ago."""
    at = (tracker.get_slot(SLOT) or {}).get("at")
    return at is not None and now() - float(at) < HURRY_AGAIN_MINUTES * 60


def say_duty_phone(dispatcher: CollectingDispatcher, office: dict[str, Any]) -> None:
    """The street's duty mobile where on file, else its office's number, else plainly none and 12345 to call."""
    name = office.get("office_name")
    if office.get("duty_phone"):
        dispatcher.utter_message(response="utter_emergency_duty_phone", office_name=name, duty_phone=office["duty_phone"])
    elif office.get("office_phone"):
        dispatcher.utter_message(response="utter_emergency_office_phone", office_name=name, office_phone=office["office_phone"],
                                 office_hours=office.get("office_hours") or "工作日")
    elif name:
        dispatcher.utter_message(response="utter_emergency_no_duty_phone", office_name=name)
    else:
        dispatcher.utter_message(response="utter_callback_no_office")


def say_after_hours(dispatcher: CollectingDispatcher, created: dict[str, Any], what: str) -> None:
    """An urgent call-back the office cannot make today (asked after hours: the backend's `due_today` is false), after
    the line that says honestly when it calls (its `promise`): the duty mobile to call now where one is on file (the
    backend's `duty_phone`), else plainly none; 12345 to call now; 119/120/110 for what was said. A tester's fire at
    22:00 was promised "明天上午" and nothing to do in the night."""
    if created.get("duty_phone"):
        dispatcher.utter_message(response="utter_after_hours_duty_phone", office_name=created.get("office_name"),
                                 duty_phone=created["duty_phone"])
        if created.get("duty_told"):
            dispatcher.utter_message(response="utter_callback_duty_told")
    else:
        dispatcher.utter_message(response="utter_after_hours_no_duty_phone", office_name=created.get("caller"))
    dispatcher.utter_message(response="utter_after_hours_hotline")
    for advice in emergency_advice(what):
        dispatcher.utter_message(response=advice)


def say_filed(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"好久来人" right after filing: when it was filed, who calls on which phone by when, the duty phone, 110/119/120.
    False when nothing is kept (a report filed before this slot existed)."""
    kept = tracker.get_slot(SLOT)
    if not kept or not kept.get("at"):
        return False
    minutes = int((now() - float(kept["at"])) // 60)
    dispatcher.utter_message(response="utter_emergency_just_filed", number=kept["number"], caller=kept["caller"],
                             by=f"，最迟{kept['due']}" if kept.get("due") else "", phone_masked=kept.get("phone_masked") or "您留的电话",
                             ago="刚刚" if minutes < 1 else f"{minutes}分钟前", again=HURRY_AGAIN_MINUTES)
    say_duty_phone(dispatcher, kept)
    dispatcher.utter_message(response="utter_emergency_danger")
    return True
