"""A person, always: a call-back is booked only with a phone to call and says who calls by when — in the backend's one
wording of the promise (`promise`: "今天", "…一上班", "…下班前") —, or without a phone the office's real number and
hours, or plainly that none is on file and 12345 to call. Right after an application is filed the call-back goes to
its street, on the verified phone, and says so instead of asking again; an emergency said at one of its questions
leaves for the 急难 report (split from actions/requests.py, which re-exports these names)."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import earlier_report, emergency, emergency_booked, emergency_call_phone, emergency_others, fallback, parsing, privacy, streets
from actions import home_help
from actions.backend_client import BackendError, BackendUnavailable, call, get_client
from actions.retry import RetryingFormValidationAction

NO_CONTACT = "不留"  # contact_phone when the person would rather not leave a number (or has none)
DECLINES = re.compile(r"不留|不想留|不用留|匿名|不方便|算了不留")


def _text(value: Any) -> str:
    return str(value or "").strip()


def phone_to_call(tracker: Tracker) -> str | None:
    """The verified phone, else the one typed to be called on (never recorded as the person's phone)."""
    if tracker.get_slot("citizen_token") and tracker.get_slot("verified_phone"):
        return tracker.get_slot("verified_phone")
    contact = tracker.get_slot("contact_phone")
    return contact if contact and contact != NO_CONTACT else None


async def office_of(dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The office answering for the street the conversation knows ({} when none is known)."""
    code, street = tracker.get_slot("area_code"), tracker.get_slot("street")
    if not code or not street:
        return {}
    areas = await call(dispatcher, get_client().search_areas(street))
    return next((a for a in areas or [] if a["code"] == code), {})


OFFICE_SAID = ("utter_callback_office", "utter_callback_general", "utter_callback_no_office")


def say_office(dispatcher: CollectingDispatcher, office: dict[str, Any], said: tuple[str, str, str] = OFFICE_SAID) -> None:
    """The office's real number and hours; or plainly that none is on file, and 12345 to call (not to wait for).
    `said`: the responses for (with a phone, without one, no office known)."""
    with_phone, without_phone, no_office = said
    if office.get("office_phone"):
        dispatcher.utter_message(response=with_phone, office_name=office["office_name"],
                                 office_phone=office["office_phone"], office_hours=office.get("office_hours") or "工作日")
    elif office:
        dispatcher.utter_message(response=without_phone, office_name=office["office_name"],
                                 office_hours=office.get("office_hours") or "工作日")
    else:
        dispatcher.utter_message(response=no_office)


class ContactPhone:
    """contact_phone, for the call-back and complaint forms: where to call, so no code is needed."""

    def validate_contact_phone(self, value, dispatcher, tracker, domain) -> dict[str, Any]:  # noqa: ANN001
        text = _text(value)
        if text == NO_CONTACT or DECLINES.search(text) or parsing.says_no_phone(text):
            return {"contact_phone": NO_CONTACT}
        phone = parsing.parse_phone(text)
        if phone is None:
            dispatcher.utter_message(response="utter_phone_invalid")
        return {"contact_phone": phone}


# Something happened ("屋头着火了", "老伴晕倒了"): an emergency, whatever question it answers.
HAPPENED = re.compile(r"救命|着火|失火|火灾|烧了|烧伤|住院|抢救|出事|晕倒|昏倒|摔倒|摔伤|车祸|没饭吃|断顿|淹了|塌了|垮了")
# Cannot wait: called back the same day, first in the queue, the duty mobile told (backend service_desk).
URGENT = re.compile(rf"马上|立刻|立即|赶紧|赶快|现在就|等不(了|得|起)|(?<![不别莫])急|值班|{HAPPENED.pattern}")


def is_urgent(tracker: Tracker, topic: str | None) -> bool:
    """Urgent when said so, or asked from inside the 急难 report."""
    return bool(URGENT.search(topic or "")) or tracker.active_loop_name == "emergency_form" or \
        tracker.get_slot("paused_form") == "emergency_form"


UNKNOWN_STREET = "不晓得"  # the street could not be named: the call-back goes to the city queue
SAYS_UNKNOWN = re.compile(r"不晓得|不知道|说不清|不清楚|记不得|不记得|搞不清")


class ValidateCallbackForm(ContactPhone, RetryingFormValidationAction):
    """A phone to call (when none is verified) and the street, so the right office calls or is named."""

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:  # noqa: ANN001
        verified = tracker.get_slot("citizen_token") and tracker.get_slot("verified_phone")
        return ([] if verified else ["contact_phone"]) + ([] if tracker.get_slot("area_code") else ["street"])

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list[dict]:
        said = _text(tracker.latest_message.get("text"))
        asked = tracker.get_slot("requested_slot")
        if asked in tracker.slots_to_validate() and says_emergency(tracker, said):
            return emergency_instead(dispatcher, tracker, said, self.form_name())
        return await super().get_validation_events(dispatcher, tracker, domain)

    async def validate_street(self, value, dispatcher, tracker, domain) -> dict[str, Any]:  # noqa: ANN001
        if value == UNKNOWN_STREET or SAYS_UNKNOWN.search(_text(value)):
            return {"street": UNKNOWN_STREET, "area_code": None, "street_candidates": None}
        return await streets.read_street(_text(value), dispatcher, tracker, hukou=False)


def says_emergency(tracker: Tracker, text: str) -> bool:
    """What happened, said where a phone or a street was asked (whatever the NLU read it as)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return not text.startswith("/") and (intent == "report_emergency" or bool(HAPPENED.search(text)))


def emergency_instead(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, form: str) -> list[EventType]:
    """"屋头着火了" to "请留一个能接电话的手机号": the call-back's questions stop and the 急难 report starts with what was
    said, as the rules do for report_emergency in every other form (utter_emergency_first, action_read_emergency,
    emergency_form); the form the call-back interrupted still waits for "继续". Already reported in this conversation:
    action_read_emergency adds it to that case. (A tester's fire was answered "手机号好像不对".)"""
    left = [ActionExecutionRejected(form), ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("callback_topic", None),
            SlotSet("form_retries", None), SlotSet("ask_style", None)]
    if tracker.get_slot("emergency_filed") and (tracker.get_slot("application_no") or tracker.get_slot(emergency_booked.SLOT)):
        return [*left, FollowupAction("action_read_emergency")]  # the report went as an application or a call-back
    dispatcher.utter_message(response="utter_emergency_first")
    paused = tracker.get_slot("paused_form")
    what = [] if tracker.get_slot("emergency_what") else [SlotSet("emergency_what", text[:300])]
    return [*left, SlotSet("paused_form", None if paused == "emergency_form" else paused), *what,
            FollowupAction("emergency_form")]


async def case_place(tracker: Tracker) -> dict[str, Any]:
    """The street of the application this conversation just filed (or spoke of), for a call-back asked with no street
    known: the filing resets the form's street, and "喊个人打电话给我嘛" right after "已提交" was asked it again.
    {} when there is none (or the backend does not say: then the street is asked as before)."""
    number, token = tracker.get_slot("application_no"), tracker.get_slot("citizen_token")
    if tracker.get_slot("area_code") or not number or not token or tracker.get_slot("street") == UNKNOWN_STREET:
        return {}
    try:
        mine = await get_client().my_applications(token)
    except (BackendError, BackendUnavailable):
        return {}
    case = next((a for a in mine or [] if a.get("number") == number and a.get("area_code")), None)
    return {"area_code": case["area_code"], "number": number} if case else {}


class ActionRequestCallback(Action):
    """A person, always: a call-back booked with a phone to call (asked for when none is verified), or the
    office's own number and hours when there is no phone."""

    def name(self) -> str:
        return "action_request_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return emergency_booked.once(dispatcher, tracker, await self._run(dispatcher, tracker))  # each safety line once

    async def _run(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        said = _text(tracker.latest_message.get("text"))
        if await privacy.answered(dispatcher, said):
            # "照片你们存好久" read as asking for a person: answered, and no call-back she never asked for (inside a
            # form, its rule asks the form's question again).
            return []
        if home_help.asks(said):
            return home_help.answer(dispatcher, tracker)  # "你们可不可以来屋头帮我弄": answered, a visit offered, never booked
        if not tracker.active_loop_name and (other := await emergency_call_phone.heard(dispatcher, tracker, said)) is not None:
            return other  # "你们打我邻居的电话嘛139…" after a report: that report's number to call, never a second call-back
        if not tracker.active_loop_name and earlier_report.asks(tracker, said):
            return await earlier_report.start(dispatcher, tracker, said)  # "我昨天报的火灾那个 咋个样了": its status, no new call-back
        if await fallback.answered_office_phone(dispatcher, tracker, said):
            return []  # "南坪街道值班电话": that office's number, or plainly none on file and 12345 to call
        if emergency_booked.asks_on_duty(said) and await emergency_booked.answer_on_duty(dispatcher, tracker, said):
            return []  # "今天晚上有人管没得": who is at work now, or nobody until the office opens and what to call now
        if not tracker.active_loop_name and tracker.get_slot("emergency_filed") and fallback.ASKS_NUMBER.search(said):
            say_office(dispatcher, await office_of(dispatcher, tracker))  # "有没得值班电话" after the report: a number or plainly none
            return []
        if not tracker.active_loop_name and await fallback.says_emergency_again(dispatcher, tracker, said):
            return []
        if fallback.asks_after_callback(tracker, _text(tracker.latest_message.get("text"))) and not tracker.active_loop_name:
            said = _text(tracker.latest_message.get("text"))
            fallback.say_callback_again(dispatcher, tracker.get_slot("callback_booked"), said)  # the one booked, not a second
            return []
        if not tracker.active_loop_name and emergency.aside(said) == "when" and await emergency_others.tell_filed(dispatcher, tracker, said):
            return []  # "咋个还没人来" after the call-back: that one again, never the phone asked again
        if fallback.ASKS_NUMBER.search(_text(tracker.latest_message.get("text"))) and not tracker.get_slot("area_code"):
            # "有没得值班电话" with no street known: no number to give yet, said plainly, with what can be done now.
            dispatcher.utter_message(response="utter_duty_phone_needs_street")
        # "能不能打我电话啊 奶奶耳朵不好 打186…": the number said with the request is the one to call (an explicit number,
        # never recorded as anyone's), not the verified phone (a grandson signed in with his grandmother's).
        from_form = tracker.latest_action_name == "callback_form"
        given = None if from_form or emergency_others.in_report(tracker) else parsing.parse_phone(said)
        phone = given or phone_to_call(tracker)
        # What was asked, for the staff to read: this message, or the one kept while the phone was asked; never a
        # button's payload (the staff read "/request_human"), never the answer to the call-back's own question ("铜元局").
        asked = emergency_others.said_words(tracker.get_slot("callback_topic")) or (None if from_form else emergency_others.said_words(said))
        reporting = emergency_others.in_report(tracker)  # asked in the middle of the 急难 report: the call-back IS it
        done: list[EventType] = [SlotSet("contact_phone", None), SlotSet("callback_topic", None)]
        if tracker.get_slot("street") == UNKNOWN_STREET:
            done.append(SlotSet("street", None))
        filed = await case_place(tracker) if phone else {}  # the street of the case just filed, on its verified phone
        area_code = tracker.get_slot("area_code") or filed.get("area_code")
        unplaced = not area_code and tracker.get_slot("street") != UNKNOWN_STREET
        if phone is None and tracker.get_slot("contact_phone") != NO_CONTACT or unplaced:
            # Ask where to call and where she lives (callback_form), then come back here; a form that was asking
            # waits with every answer kept ("继续" goes back to it).
            left = tracker.active_loop_name
            if left and left != "callback_form":
                dispatcher.utter_message(response="utter_callback_pauses_form")
            return [SlotSet("callback_topic", asked), FollowupAction("callback_form")] + (
                [SlotSet("paused_form", left)] if left and left != "callback_form" else [])
        if phone is None:
            say_office(dispatcher, await office_of(dispatcher, tracker))
            return done
        # The 急难 report's record (what happened, for whom, the needs heard, who reports) when asked during it.
        topic = emergency_others.record(tracker, asked) if reporting else asked
        if filed:
            topic = f"{topic or ''}（申请{filed['number']}）"[:200]
        urgent = is_urgent(tracker, topic)
        body = {"phone": phone, "area_code": area_code, "topic": topic, "urgent": urgent}
        created = await call(dispatcher, get_client().request_callback(tracker.get_slot("citizen_token"), body))
        if created is None:
            return done
        # When the call comes is the backend's one wording (`promise`), in every sentence that says it.
        said = {"reference": created["reference"], "caller": created["caller"], "due_day": created["due_day"],
                "promise": created.get("promise"), "phone_masked": parsing.mask_phone(phone)}
        if reporting:
            # The report went as this call-back: what is said next is added to it, "好久来人" is told it, and the
            # report's questions end (a tester was asked the name again right after, and filed a second one).
            done += emergency_others.called_back(created, phone, said["phone_masked"], created) + emergency_others.report_ended(tracker)
        if created.get("existing"):
            # This phone's call-back is open already (asked in another conversation): that one, never a second.
            kept = fallback.booked(created, said["phone_masked"], urgent)
            fallback.say_callback_again(dispatcher, kept["value"], asked or "")
            if reporting:
                dispatcher.utter_message(response="utter_emergency_in_callback")  # added to the open one (backend)
            if urgent:
                dispatcher.utter_message(response="utter_emergency_danger")
            return done + [kept]
        if urgent and not created.get("due_today"):
            # After hours: when the office calls, honestly; the duty mobile, 12345 and 119/120/110 for the night.
            dispatcher.utter_message(response="utter_callback_urgent_later", **said)
            if reporting:
                dispatcher.utter_message(response="utter_emergency_in_callback")
            emergency_booked.say_after_hours(dispatcher, created, f"{tracker.get_slot('emergency_what') or ''} {asked or ''}")
        elif urgent:
            dispatcher.utter_message(response="utter_callback_urgent_today", **said)
            if created.get("duty_told"):
                dispatcher.utter_message(response="utter_callback_duty_told")
            if reporting:
                dispatcher.utter_message(response="utter_emergency_in_callback")
            dispatcher.utter_message(response="utter_emergency_danger")
        elif filed:
            # Nothing asked again: the street and the phone of the application just filed, said so she can tell.
            dispatcher.utter_message(response="utter_callback_booked_as_filed", number=filed["number"], **said)
        else:
            dispatcher.utter_message(response="utter_callback_booked" if area_code else "utter_callback_city", **said)
        if created.get("sms_sent"):
            dispatcher.utter_message(response="utter_callback_sms_sent")
        if created.get("office_phone") and area_code:
            say_office(dispatcher, created)
        return done + [fallback.booked(created, said["phone_masked"], urgent)]
