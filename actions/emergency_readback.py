"""急难: the report's questions in order, the street, and one read-back before it is filed.

A tester's report went out with nothing read back. Now, before filing, short lines say what will be sent — who, where,
what happened, the phone to call — and one tap ("对，报上去") files it; a person in panic is asked nothing more. One
answer said wrong is corrected through its own question's validator ("电话不对 13812345678", "街道是铜元局", "不是失火
是漏水") and read back again. "快点嘛" at the read-back files it.

A street named with words of not knowing ("铜元局那边 具体哪个社区不清楚") is the street the search finds (actions/streets.py);
only no street at all goes to the city's queue (a neighbour's "铜元局" report was told "报给市民政局")."""

import inspect
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import corrections, emergency, emergency_others, fallback, parsing, streets
from actions.callbacks import SAYS_UNKNOWN, phone_to_call
from actions.neutral import NEUTRAL
from actions.readback import CONFIRMS

Slots = dict[str, Any]
READ_BACK = emergency.READ_BACK
STREET_UNKNOWN = "unknown"  # the street could not be named: filed for the city queue (ActionSubmitEmergency)
# "报上去", "对 快点报嘛", "就这样报": file it.
SEND = re.compile(r"^(对|对的|对头|是|是的|没错|嗯|好|好的|可以|要得|行)?[，,、 ]*(快点?|赶紧|赶快|马上|就)?(这样)?"
                  r"(报|交|发)(上去|过去|出去|给街道)?(吧|嘛|哈|噻|了|撒|哦|啊)*[。.!！]*$")
# "出的事不对，是漏水": what happened, said again (corrections.py knows an application's fields, not this one).
WHAT_FIX = re.compile(r"^(出的事|出了啥事|出了什么事|发生的事|事情|情况)(那里|那儿|那一?项)?(不对|错了|写错了|说错了|搞错了|要改|改一下|改)"
                      r"[\s，,。:：]*(应该是|其实是|是)?(?P<value>.*)$")
# The read-back's fields, as corrections.py names them, and the slots an answer fills (cleared when asked again).
FIELDS = {"applicant_name": ("名字", ("applicant_name",)), "applicant_id": ("身份证", ("applicant_id",)),
          "applicant_phone": ("电话", ("applicant_phone",)), "street": ("街道", ("street", "area_code", "street_candidates")),
          "reason": ("出的事", ("emergency_what",))}
SHORT = 40  # what happened, as read back: its start


def _text(value: Any) -> str:
    return str(value or "").strip()


def _masked(phone: str | None) -> str | None:
    return parsing.mask_phone(phone) if phone and len(phone) == 11 else None


def lines(tracker: Tracker) -> list[str]:
    """Who, where, what happened, the phone to call: what the report will say."""
    s = tracker.get_slot
    who = emergency_others.who_line(tracker)  # "刘婆婆（大家这么喊她，不是身份证上的名字；您代报）"
    where = s("street") if s("area_code") and s("street") else "街道没说清，先交给市里，工作人员打电话问清楚"
    what = str(s("emergency_what") or "没说")
    what = what if len(what) <= SHORT else f"{what[:SHORT]}…"
    if emergency.unconfirmed(tracker):
        called = _masked(phone_to_call(tracker))
        phone = f"打给您 {called}（她本人还没确认）" if called else "没留电话"
    else:
        phone = _masked(phone_to_call(tracker) or s("applicant_phone")) or "没留电话"
    return [f"谁：{who}", f"在哪：{where}", f"出了啥事：{what}", f"电话：{phone}"]


class ActionAskEmergencyConfirmed(Action):
    """The read-back, one short line each, and one button: "对，报上去"."""

    def name(self) -> str:
        return "action_ask_emergency_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_emergency_readback", lines="\n".join(lines(tracker)))
        return []


def correction(text: str, tracker: Tracker) -> tuple[str, str, tuple[str, ...], str | None] | None:
    """(the slot, its label, the slots it clears, the new answer said with it) for "X不对，是Y"; None: no field named."""
    what = WHAT_FIX.match(text)
    if what:
        said = what.group("value").strip(" ，,。")
        return "emergency_what", "出的事", ("emergency_what",), said if len(said) >= 2 else None
    field, said = corrections.read_correction(text)
    if field is None or field.key not in FIELDS:
        return None
    label, clears = FIELDS[field.key]
    slot = field.key if field.key != "reason" else "emergency_what"
    if slot == "applicant_phone" and emergency.unconfirmed(tracker):
        slot, clears = "contact_phone", ("contact_phone",)  # her phone is not asked any more: the reporter's is called
    return slot, label, clears, said


class EmergencyReadBack:
    """Mixed into the 急难 form's validation action (before SharedValidators, whose validators it uses)."""

    STREET_UNKNOWN = STREET_UNKNOWN

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:  # noqa: ANN001
        # For someone else, "不晓得" to her ID number is an answer: not asked again (actions/emergency_others.py).
        no_id = (tracker.get_slot(emergency.ABOUT) or {}).get("id")
        return ["emergency_what", "applicant_name", *([] if no_id else ["applicant_id"]), *emergency.confirming_slots(tracker),
                "street", READ_BACK]

    def validate_emergency_what(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        return {"emergency_what": text[:300] if text else None}

    async def validate_street(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        if value == STREET_UNKNOWN or SAYS_UNKNOWN.search(text):
            # "铜元局那边 具体哪个社区不清楚": the street said is taken (the search's one exact street); else not known.
            named = await streets.read_street(text, CollectingDispatcher(), tracker, hukou=False) if value != STREET_UNKNOWN else {}
            if named.get("area_code"):
                return named
            if value != STREET_UNKNOWN:
                dispatcher.utter_message(response="utter_emergency_street_unknown")
            return {"street": STREET_UNKNOWN, "area_code": None, "street_candidates": None}
        return await super().validate_street(value, dispatcher, tracker, domain)  # type: ignore[misc]

    async def validate_emergency_confirmed(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        if value is True or text == "/affirm" or CONFIRMS.match(text) or SEND.match(text):
            return {READ_BACK: True}
        again: Slots = {READ_BACK: None, NEUTRAL: True}
        fixed = correction(text, tracker)
        if fixed is not None:
            return await self._correct(*fixed, dispatcher, tracker, domain)
        kind = emergency.aside(text)
        if kind == "when" and not fallback.ASKS_NUMBER.search(text):
            return {READ_BACK: True}  # "快点嘛", "好久来人": send it now, never another question
        if kind == "more":
            dispatcher.utter_message(response="utter_emergency_noted")
            urgent = await emergency.urgent_need(tracker, text)  # "她今晚住哪点": where to sleep tonight, now
            if urgent:
                dispatcher.utter_message(text=urgent)
            needs = {emergency.ABOUT: emergency.need_heard(tracker, text)["value"]} if urgent else {}
            return {"emergency_what": emergency.noted(tracker, text)["value"], **needs, **again}
        if not corrections.is_vague_no(text) and not re.search(r"\d", text) and (street := await self._street_named(text, tracker)):
            dispatcher.utter_message(response="utter_corrected", label="街道")  # "不是七星岗 是铜元局": the street, said again
            return {**street, **again}
        if corrections.is_vague_no(text) or parsing.parse_yes_no(text) is False:
            dispatcher.utter_message(response="utter_emergency_which_wrong")
            return again
        return {READ_BACK: None}

    @staticmethod
    async def _street_named(text: str, tracker: Tracker) -> Slots | None:
        """A street said alone at the read-back ("是铜元局", "不是七星岗 是铜元局"), as the search finds it exactly; None
        otherwise (the street question's own answers, confirmations and choices, stay with that question)."""
        said = re.split(r"是|在|住", text)[-1].strip(" ，,。")
        named = await streets.read_street(said, CollectingDispatcher(), tracker, hukou=False) if len(said) >= 2 else {}
        return named if named.get("area_code") and named.get("area_code") != tracker.get_slot("area_code") else None

    async def _correct(self, slot: str, label: str, clears: tuple[str, ...], said: str | None, dispatcher: CollectingDispatcher,
                       tracker: Tracker, domain: Any) -> Slots:
        """One answer corrected: the new answer through its question's validator, else that question asked again; then
        the read-back again."""
        again: Slots = {READ_BACK: None, NEUTRAL: True}
        if said:
            checked = getattr(self, f"validate_{slot}")(said, dispatcher, tracker, domain)
            checked = await checked if inspect.isawaitable(checked) else checked
            if checked.get(slot) is not None:
                if checked[slot] != tracker.get_slot(slot):
                    dispatcher.utter_message(response="utter_corrected", label=label)
                return {**checked, **again}
            if checked.get("street_candidates"):
                return {**checked, **again}  # several streets, or a near miss: chosen at the street question
        return {**{s: None for s in clears}, **again}
