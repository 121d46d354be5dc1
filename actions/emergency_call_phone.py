"""Another number to call, said after a 急难 report or an urgent call-back was filed: "我手机快没电了 充电器也烧了 打我儿子
电话嘛 13594412807 他叫吴磊", "电话不对 打13594412807". A tester (a kitchen fire, his phone dying) got "没太听懂", then a
correction of his application due a day after the call-back, and "我儿子的电话改好没得" was still told his own number.

Now the call-back's number to call changes (POST /callbacks/{ref}/call-phone: encrypted, with who answers it, shown to
the staff, audited; backend/service_desk/call_phone.py) and is said back masked ("好，工作人员会打135****2807找吴磊");
a report that went as a 急难 application only gets it as a note its caseworker reads. Never a correction of the
application, never "没太听懂". Whatever is said later about the report names the new number (slot emergency_booked)."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked, parsing
from actions.answers.kin import KIN_PATTERN
from actions.answers.names import parse_name
from actions.backend_client import BackendError, BackendUnavailable, get_client

# "打我儿子电话嘛 135…", "电话不对 打135…", "改打135…", "打这个号码", "联系我儿子", "换个号码".
CALL_THIS = re.compile(r"打(?:我|给|到)?|改|换|联系|找|电话不对|号码不对|接电话|没电|关机")
WHOSE = re.compile(rf"(?:我|我的|我家|我屋头)?({KIN_PATTERN}|邻居|朋友|同事)(?:的)?(?:电话|手机|号码)")
NAMED = re.compile(r"(?:他|她)?(?:叫|名字叫|名字是|是)([\u4e00-\u9fff·]{2,5})")
# "我儿子的电话改好没得", "电话改了没有", "是不是打我儿子那个号": asks whether the change was made.
ASKS_CHANGED = re.compile(r"(?:电话|号码|手机).{0,4}(?:改好|改了|换了|换好|改过来|弄好)(?:没|了没|没得|没有|吗|嘛|不)")
REFERENCE = re.compile(r"^HD\d+$")
# "不是打我那个电话噻 打邻居那个4005的": the number to call named by its last four digits (never a whole number).
TAIL = re.compile(r"(?<!\d)(\d{4})(?!\d)")
NOT_MINE = re.compile(r"不是打我|别打我|莫打我|不要打我|不打我|没电|关机")


def contact_of(text: str) -> str | None:
    """Who answers the other number, as said: "吴磊（儿子）", "儿子", "吴磊"; None when not said."""
    kin = WHOSE.search(text)
    name = next((n for m in NAMED.finditer(text) if (n := parse_name(m.group(1)))), None)
    relation = kin.group(1) if kin else None
    if name and relation:
        return f"{name}（{relation}）"
    return name or relation


def asks_change(tracker: Tracker, text: str) -> str | None:
    """The other number to call, when one is said after a report was filed and it is not her own: else None."""
    if not tracker.get_slot(emergency_booked.SLOT) and not tracker.get_slot("callback_booked"):
        return None
    phone = parsing.parse_phone(text)
    kept = tracker.get_slot(emergency_booked.SLOT) or {}
    if not phone or not CALL_THIS.search(text) or phone == kept.get("phone"):
        return None
    return phone


def _callback_reference(tracker: Tracker) -> str | None:
    """The report's own call-back (HD…); a report filed as an application has none (its number to call is a note on
    it), and another call-back of the conversation is never changed for it. Without a report, the call-back booked."""
    kept = tracker.get_slot(emergency_booked.SLOT) or {}
    if kept:
        return kept["number"] if kept.get("number") and REFERENCE.match(kept["number"]) and not kept.get("application") else None
    ref = (tracker.get_slot("callback_booked") or {}).get("reference")
    return ref if ref and REFERENCE.match(ref) else None


async def change(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """"打我儿子电话嘛 13594412807 他叫吴磊" after filing: the call-back's number to call changed and said back masked; a
    report that went only as an application gets it as a note. None when no other number was said."""
    phone = asks_change(tracker, text)
    if not phone:
        return None
    contact = contact_of(text)
    kept = dict(tracker.get_slot(emergency_booked.SLOT) or {})
    ref, token = _callback_reference(tracker), tracker.get_slot("citizen_token")
    done = None
    try:
        if ref:
            done = await get_client().change_call_phone(token, ref, phone, contact, kept.get("phone"))
        elif kept.get("application") and token:
            note = f"【请改打这个号码】{contact or ''} {phone}".strip()
            done = await get_client().take_step(token, kept["application"], "add_information", note=note)
    except (BackendError, BackendUnavailable):
        done = None
    masked = parsing.mask_phone(phone)
    if done is None:
        dispatcher.utter_message(response="utter_call_phone_not_changed", phone_masked=masked)
        return []
    name = (contact or "").split("（")[0]
    dispatcher.utter_message(response="utter_call_phone_changed", phone_masked=masked, whom=f"找{name}" if name else "")
    events: list[EventType] = []
    if kept:
        events.append(SlotSet(emergency_booked.SLOT, {**kept, "phone_masked": masked, "call_contact": contact, "call_phone": phone}))
    booked = tracker.get_slot("callback_booked")
    if booked and (not kept or booked.get("reference") == ref):
        events.append(SlotSet("callback_booked", {**booked, "phone_masked": masked}))
    return events


def said_tail(tracker: Tracker, text: str) -> bool:
    """"不是打我那个电话噻 打邻居那个4005的": the number to call by its last four digits, after a report."""
    kept = tracker.get_slot(emergency_booked.SLOT) or tracker.get_slot("callback_booked") or {}
    return bool(kept and TAIL.search(text) and not parsing.parse_phone(text) and (CALL_THIS.search(text) or NOT_MINE.search(text))
                and re.search(r"电话|号|手机|打[^，。,\d]{0,8}\d{4}", text))


def said_changed(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"我儿子的电话改好没得", "打邻居那个4005的": the number now on the report, as it stands (changed, or still hers and
    how to change it)."""
    kept: dict[str, Any] = tracker.get_slot(emergency_booked.SLOT) or tracker.get_slot("callback_booked") or {}
    if not kept or not (ASKS_CHANGED.search(text) or said_tail(tracker, text)):
        return False
    tail = TAIL.search(text)
    same = tail is None or (kept.get("phone_masked") or "").endswith(tail.group(1))
    if (kept.get("call_contact") or kept.get("call_phone")) and same:
        name = (kept.get("call_contact") or "").split("（")[0]
        dispatcher.utter_message(response="utter_call_phone_is", phone_masked=kept.get("phone_masked"), whom=f"找{name}" if name else "")
    else:
        dispatcher.utter_message(response="utter_call_phone_unchanged", phone_masked=kept.get("phone_masked") or "您留的电话")
    return True


async def heard(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """Either of the above, before anything else reads the words (a correction, the fallback)."""
    events = await change(dispatcher, tracker, text)
    if events is not None:
        return events
    return [] if said_changed(dispatcher, tracker, text) else None
