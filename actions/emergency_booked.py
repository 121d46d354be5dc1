"""The 急难 report filed in this conversation, kept for "好久来人" (slot emergency_booked): when it was filed, its number,
who calls by when, on which phone, its area, and the street's duty phone. A hurry within HURRY_AGAIN_MINUTES of the
filing is told just that, and nothing is recorded; only later is a hurry put on the case (`hurry`). A tester who wrote
"好久来人" seconds after filing was told "已经又催了一次".

Whether anyone is at work now is the backend's answer (GET /on-duty, backend/service_desk/when.py), asked each time:
at night she hears when the office opens, the duty mobile where one is on file (never one made up), 12345 to call
herself and 119/120/110 — never "会尽快打电话" or "我帮您催一次", which nobody would see before morning. A daughter
reporting her father's flood at 00:57 was told "最迟今天" and "过了30分钟还没接到电话，再跟我说，我帮您催一次".
"今天晚上有人管没得" is answered from the same facts (`answer_on_duty`).

Imports no other action module: the fallback and the report (actions/emergency_report.py) both use it."""

import re
import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendUnavailable, get_client

SLOT = "emergency_booked"
HURRY_AGAIN_MINUTES = 30  # the one figure: sooner than this after the filing, a hurry is not recorded as a second one
OFFICE_KEYS = ("office_name", "duty_phone", "office_phone", "office_hours")
DESK_REFERENCE = re.compile(r"^(HD|TS)\d+$")  # a call-back's or a complaint's reference: never an application's number


FIRE = re.compile(r"火|烧|燃气|煤气")
# Water, a collapse, someone trapped: 119 too (消防救援 handles floods and rescues, not fires only).
RESCUE = re.compile(r"淹|水灾|洪水|涨水|进水|漫水|泡水|被水|冲走|泥石流|滑坡|塌|垮|被困|困住|困在|出不来|被埋|埋了|压住|压到|被压")
MEDICAL = re.compile(r"住院|医院|病|伤|摔|车祸|中风|心梗|急诊|昏|晕|手术|ICU|流血|出血|难产")
POLICE = re.compile(r"偷|抢|骗|打人|被打|家暴|威胁|拐")


# "火已经灭了", "火早就灭了", "火扑灭了", "消防走了", "火熄了": the fire is out — 119 is no longer what he needs.
# "我家昨晚着火了", "昨天屋头失火": a fire of last night is out too (a tester heard "火还没灭…打119" five times for one).
FIRE_OUT = re.compile(r"火[^，,。]{0,4}(?:灭|熄|扑灭|扑熄|打熄|浇熄)|消防[^，,。]{0,4}(?:走|来过|弄好|扑灭)|(?:喊|叫|让)我打119|"
                      r"(?:昨晚|昨天|昨夜|昨儿|前天|前几天|前两天|上个?(?:星期|礼拜|周|月))[^，,。]{0,6}(?:着火|失火|起火|火灾|烧)")
# Each safety line once a conversation (the report's slot keeps which were said): a tester heard 119 five times and
# "值班电话我这里还没有登记" on almost every reply. The two missing-duty-phone lines are one.
ONCE = {"utter_emergency_fire": "fire", "utter_emergency_rescue": "rescue", "utter_emergency_danger": "danger",
        "utter_emergency_medical": "medical", "utter_emergency_police": "police", "utter_emergency_medical_aid": "medical_aid",
        "utter_after_hours_no_duty_phone": "no_duty", "utter_emergency_no_duty_phone": "no_duty"}


def emergency_advice(what: str) -> list[str]:
    """Which of 119 / 120 / 110 to call now for what was said (every one that applies; the general line else)."""
    in_hospital = bool(re.search(r"医院|住院", what))  # already there: "马上打120" is not what they need (a tester)
    fire_out = bool(FIRE_OUT.search(what))  # "火已经灭了 厨房烧了": 119 not said for it (a tester heard it five times)
    found = [r for pattern, r in ((FIRE, "utter_emergency_fire"), (RESCUE, "utter_emergency_rescue"),
                                  (MEDICAL, "utter_emergency_medical"), (POLICE, "utter_emergency_police")) if pattern.search(what)
             and not (r == "utter_emergency_medical" and in_hospital) and not (r == "utter_emergency_fire" and fire_out)]
    if "utter_emergency_fire" in found and "utter_emergency_rescue" in found:
        found.remove("utter_emergency_rescue")  # "火还没灭、有人困在里面" already says 119
    if MEDICAL.search(what) and "押金" not in what:
        # a hospital bill: 医疗救助 too (a tester never heard of it); a deposit has its own answer (urgent_needs.yaml)
        found.append("utter_emergency_medical_aid")
    return found if found or fire_out else ["utter_emergency_danger"]


def now() -> float:
    return time.time()


def booked(*, number: str, application: str | None, caller: str, due: str | None, phone_masked: str | None,
           office: dict[str, Any], phone: str | None = None) -> SlotSet:
    """What "好久来人" is told: `application` is the 急难 application's number (None: it went as an urgent call-back,
    to `phone`, the reporter's: what is said after it is added to that call-back, actions/emergency_report.py).
    `office`: an area search's answer (its `code`) or the call-back's (its `area_code`): whose hours are asked later."""
    return SlotSet(SLOT, {"at": now(), "number": number, "application": application, "caller": caller, "due": due,
                          "phone_masked": phone_masked, "phone": phone, "area_code": office.get("code") or office.get("area_code"),
                          **{k: office.get(k) for k in OFFICE_KEYS}})


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


def say_night(dispatcher: CollectingDispatcher, duty: dict[str, Any], what: str = "") -> None:
    """Nobody is at work now: the duty mobile to call where one is on file, else plainly none; 12345 to call herself;
    119/120/110 for what was said (the general line else)."""
    if duty.get("duty_phone"):
        dispatcher.utter_message(response="utter_after_hours_duty_phone", office_name=duty.get("office_name") or duty.get("caller"),
                                 duty_phone=duty["duty_phone"])
        if duty.get("duty_told"):
            dispatcher.utter_message(response="utter_callback_duty_told")
    else:
        dispatcher.utter_message(response="utter_after_hours_no_duty_phone", office_name=duty.get("caller"))
    dispatcher.utter_message(response="utter_after_hours_hotline")
    for advice in emergency_advice(what):
        if duty.get("fire_out") and advice in ("utter_emergency_fire", "utter_emergency_danger"):
            continue  # "火已经灭了消防走了" was said (actions/emergency_next.py): 119 not again
        dispatcher.utter_message(response=advice)


def say_after_hours(dispatcher: CollectingDispatcher, created: dict[str, Any], what: str) -> None:
    """An urgent call-back the office cannot make today (asked after hours: the backend's `due_today` is false), after
    the line that says honestly when it calls (its `promise`): the duty mobile to call now where one is on file (the
    backend's `duty_phone`), else plainly none; 12345 to call now; 119/120/110 for what was said. A tester's fire at
    22:00 was promised "明天上午" and nothing to do in the night."""
    say_night(dispatcher, created, what)


async def on_duty(tracker: Tracker) -> dict[str, Any] | None:
    """Who is at work now for the report's area (else the conversation's street): the backend's answer, None when it
    cannot be had (then nothing is promised that depends on it)."""
    area = (tracker.get_slot(SLOT) or {}).get("area_code") or tracker.get_slot("area_code")
    try:
        return await get_client().on_duty(area)
    except (BackendError, BackendUnavailable):
        return None


def can_hurry(tracker: Tracker) -> bool:
    """A hurry can be put on the report: its application with her token, or the call-back it went as, with its phone."""
    kept = tracker.get_slot(SLOT) or {}
    if kept.get("application"):
        return bool(tracker.get_slot("citizen_token"))
    return bool(kept.get("number") and (kept.get("phone") or tracker.get_slot("citizen_token")))


def _ago(kept: dict[str, Any]) -> str:
    minutes = int((now() - float(kept["at"])) // 60)
    return "刚刚" if minutes < 1 else f"{minutes}分钟前"


async def say_booked(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"好久来人" right after filing: when it was filed, who calls on which phone by when, the duty phone, 110/119/120 —
    while the office is at work, and "我帮您催一次" only when a hurry can be recorded; at night, when the office opens
    and what to call now. False when nothing is kept (a report filed before this slot existed)."""
    kept = tracker.get_slot(SLOT)
    if not kept or not kept.get("at"):
        return False
    duty = await on_duty(tracker)
    phone_masked = kept.get("phone_masked") or "您留的电话"
    if duty is not None and not duty.get("open_now"):
        dispatcher.utter_message(response="utter_emergency_filed_night", number=kept["number"], ago=_ago(kept),
                                 caller=duty.get("caller") or kept["caller"], promise=duty["promise"], phone_masked=phone_masked)
        say_night(dispatcher, {**kept, **duty})
        return True
    urgeable = duty is not None and can_hurry(tracker)
    dispatcher.utter_message(response="utter_emergency_just_filed" if urgeable else "utter_emergency_just_filed_no_hurry",
                             number=kept["number"], caller=kept["caller"], by=f"，最迟{kept['due']}" if kept.get("due") else "",
                             phone_masked=phone_masked, ago=_ago(kept), again=HURRY_AGAIN_MINUTES)
    say_duty_phone(dispatcher, kept)
    if not kept.get("fire_out"):
        dispatcher.utter_message(response="utter_emergency_danger")
    return True


HURRY_NOTE = "【再次催促，请尽快回电】"


async def hurry(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"好久打电话来嘛 等不起了", HURRY_AGAIN_MINUTES or more after the report filed here: the hurry put on it (a note on its
    application, or added to the call-back it went as — never another case, never a second ticket), and said as it
    is: while the office is at work, "又催了一次" with when the call is due; at night, that it is noted for the morning,
    when the office opens and what to call now. False when no report was filed here."""
    kept = tracker.get_slot(SLOT) or {}
    number = application_of(tracker)  # the 急难 case, never another one filed in this conversation
    if not number and not kept.get("number"):
        return False
    duty = await on_duty(tracker)
    token, note = tracker.get_slot("citizen_token"), f"{HURRY_NOTE}{text}"
    recorded = None
    try:
        if number and token:
            recorded = await get_client().take_step(token, number, "add_information", note=note[:500])
        elif not number and can_hurry(tracker):
            recorded = await get_client().request_callback(token, {"phone": kept.get("phone"), "area_code": kept.get("area_code"),
                                                                   "urgent": True, "topic": note[:200]})
    except (BackendError, BackendUnavailable):
        recorded = None
    reference = number or kept["number"]
    if duty is not None and not duty.get("open_now"):
        dispatcher.utter_message(response="utter_emergency_noted_night" if recorded else "utter_emergency_filed_night",
                                 number=reference, ago=_ago(kept) if kept.get("at") else "之前", caller=duty.get("caller"),
                                 promise=duty["promise"], phone_masked=kept.get("phone_masked") or "您留的电话")
        say_night(dispatcher, {**kept, **duty})
    elif recorded is not None and number and recorded.get("step_due_day"):
        dispatcher.utter_message(response="utter_emergency_urged", number=number, due=recorded["step_due_day"])
    elif recorded is not None and not number:
        dispatcher.utter_message(response="utter_emergency_urged_callback", number=recorded["reference"], caller=recorded["caller"],
                                 promise=recorded.get("promise") or recorded.get("due_day"),
                                 phone_masked=kept.get("phone_masked") or "您留的电话")
    else:
        dispatcher.utter_message(response="utter_emergency_added_call", number=reference)
    return True


# "今天晚上有人管没得", "晚上有没有人", "半夜有没得人值班": whether anyone is at work (not a request for a call-back).
OFF_HOURS = re.compile(r"晚上|今晚|夜里|夜间|半夜|深夜|凌晨|这么晚|这会儿|这阵|现在|周末|礼拜天|星期天|放假|节假日|过年|下班")
AT_WORK = re.compile(r"有人|有没(?:有|得)人|有莫得人|有得人|值班|上班|人管|管不管|管没|谁管|哪个管|人在")
REQUEST = re.compile(r"找|转|喊|叫.{0,3}(?:人|工作人员)|打给我|打电话给我|回电|联系我|帮我报|我要投诉")


def asks_on_duty(text: str) -> bool:
    """Asks whether anyone is at work now or tonight — never a request for a person or a call-back."""
    return bool(OFF_HOURS.search(text) and AT_WORK.search(text)) and not REQUEST.search(text) and not re.search(r"\d{6,}", text)


async def answer_on_duty(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"今天晚上有人管没得": after a report filed here, that report as it stands now (`say_booked`); else for her street,
    whether its office is at work now, or plainly nobody until it opens, with what to call now; with no street known,
    that it depends on the street, 12345 and 110/119/120. False when the backend cannot say."""
    if tracker.get_slot(SLOT):
        return await say_booked(dispatcher, tracker)
    if not tracker.get_slot("area_code"):
        dispatcher.utter_message(response="utter_duty_phone_needs_street")
        return True
    duty = await on_duty(tracker)
    if duty is None:
        return False
    if duty.get("open_now"):
        dispatcher.utter_message(response="utter_on_duty_open", caller=duty["caller"], office_hours=duty.get("office_hours") or "工作日")
        return True
    dispatcher.utter_message(response="utter_on_duty_closed", caller=duty["caller"], promise=duty["promise"])
    say_night(dispatcher, duty, text)
    return True


def told(messages: list[dict[str, Any]], before: list[str] = ()) -> list[str]:  # noqa: B006
    """Which safety lines have been said: those before and those in `messages`."""
    return list(dict.fromkeys([*before, *(ONCE[m["response"]] for m in messages if m.get("response") in ONCE)]))


def once(dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """After a report filed here: a safety line said before in this conversation is left out of this reply, and
    those said now are kept on the report's slot. `events`: the action's own, with that slot set last in them."""
    kept = next((e["value"] for e in reversed(events) if e.get("event") == "slot" and e.get("name") == SLOT), None) \
        or tracker.get_slot(SLOT)
    if not kept:
        return events
    before = list(kept.get("told") or [])
    dispatcher.messages[:] = [m for m in dispatcher.messages if ONCE.get(m.get("response") or "") not in before]
    now_told = told(dispatcher.messages, before)
    if now_told == before:
        return events
    at = next((i for i, e in enumerate(events) if e.get("event") == "followup"), len(events))
    return [*events[:at], SlotSet(SLOT, {**kept, "told": now_told}), *events[at:]]
