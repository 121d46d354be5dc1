"""The principal's consent when a helper files for her: her phone for the code, the code (resent in the helper's
words), or no phone at all — then the form goes on and her signed paper form's photo comes at the end
(actions/drafts.py)."""

import re
import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import codes, parsing, principal_phone
from actions.backend_client import call, get_client
from actions import drafts
from actions.drafts import NO_PHONE
from actions.retry import NEUTRAL

Slots = dict[str, Any]
CODE_SECONDS = 5 * 60  # how long a code stands (backend/auth/otp.py CODE_MINUTES)
NONE_AT_ALL = re.compile(r"(他|她)?(都)?(没得|没有|莫得|冇得|没|无|不有)(手机|电话)?[。.!！的]?")


def no_phone(text: str) -> bool:
    """"她没得手机", "不晓得她电话", a bare "没有": she has none to receive a code."""
    return parsing.says_no_phone(text) or bool(NONE_AT_ALL.fullmatch(text))


# {ID number: phone} of the principals whose phone was said in this conversation: re-applying for her (after a
# withdrawal, her consent held) keeps her phone instead of "不用填" (bot/domain.yml; never in a draft).
PHONES = "principal_phones"
REFUSED = "name_refused"
SENT = "consent_sent"  # where and when her code went last (bot/domain.yml), so resuming does not send another  # the ID number whose name the backend refused once (bot/domain.yml)


async def name_refused(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The backend refused the applicant's name for her ID number (the name of someone already on record; a name
    only this helper registered is corrected there). Once: both asked again, every other answer kept. Again for
    the same number: no third round (a tester looped on "对不上") — the window or a person, everything kept."""
    id_number = tracker.get_slot("applicant_id")
    if tracker.get_slot(REFUSED) != id_number:
        return [SlotSet(REFUSED, id_number), SlotSet("applicant_name", None), SlotSet("applicant_id", None),
                SlotSet("confirmed", None), SlotSet("submission_key", None), FollowupAction("application_form")]
    dispatcher.utter_message(response="utter_name_still_refused", applicant_name=tracker.get_slot("applicant_name"))
    saved = await drafts.keep(dispatcher, tracker)
    return [SlotSet("confirmed", None), SlotSet("submission_key", None), SlotSet("paused_form", "application_form"), *saved]


def _code_still_valid(tracker: Tracker, phone: str) -> bool:
    """Her code went to this phone under CODE_SECONDS ago (the slot SENT: "phone|epoch seconds")."""
    sent_phone, _, at = str(tracker.get_slot(SENT) or "").partition("|")
    try:
        return sent_phone == phone and time.time() - float(at) < CODE_SECONDS
    except ValueError:
        return False


def _people(tracker: Tracker, phone: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    s = tracker.get_slot
    principal = {"name": s("applicant_name"), "id_number": s("applicant_id"), "phone": phone}
    helper = {"name": s("helper_name"), "phone": s("verified_phone"), "kind": s("helper_kind") or "relative",
              "relation": s("helper_relation"),
              "own_phones": principal_phone.helper_phones(tracker)}
    return principal, helper


def _without_phone(dispatcher: CollectingDispatcher) -> Slots:
    # No phone for her code: the form goes on, and her signed paper form's photo comes at the end.
    dispatcher.utter_message(response="utter_principal_no_phone")
    # No longer her phone's question (asked again at the read-back, it stays asked while it is the question).
    # No requested_slot here: the next question is the form's own (with NO_PHONE, never her phone again); set to None,
    # Rasa asked her phone once more in the same turn and read the next answer as a phone.
    return {"applicant_phone": None, "consent_code": None, NO_PHONE: True, NEUTRAL: True}


def phone_events(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """After a turn of a helper's form: her phone just given is remembered for her ID number; with her consent held and
    no phone yet (re-applying), the one remembered is hers again (never while her phone is being asked)."""
    now = {**tracker.slots, **{e["name"]: e.get("value") for e in events if e.get("event") == "slot"}}
    id_number, phone, known = now.get("applicant_id"), now.get("applicant_phone"), dict(now.get(PHONES) or {})
    if now.get("filing_for") != "other" or not id_number or any(e.get("event") == "action_execution_rejected" for e in events):
        return []
    if phone and known.get(id_number) != phone:
        return [SlotSet(PHONES, {**known, id_number: phone})]
    if not phone and known.get(id_number) and now.get("delegation_id") and now.get("requested_slot") != "applicant_phone":
        return [SlotSet("applicant_phone", known[id_number])]
    return []


class PrincipalConsent:
    """Mixin for the application form's validator, before SharedValidators (whose applicant phone is her own)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        return events + phone_events(tracker, events)

    async def validate_applicant_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Slots:
        if tracker.get_slot("filing_for") != "other":
            return await super().validate_applicant_phone(value, dispatcher, tracker, domain)  # type: ignore[misc]
        text = str(value or "").strip()
        held = bool(tracker.get_slot("delegation_id"))
        if no_phone(text) and held:
            # Her consent is held: no phone is fine, and the form goes on to the read-back.
            dispatcher.utter_message(response="utter_principal_phone_left_out", applicant_name=tracker.get_slot("applicant_name"))
            return {"applicant_phone": None, "requested_slot": None, NEUTRAL: True}
        if no_phone(text):
            return _without_phone(dispatcher)
        if (said := principal_phone.read(text, dispatcher, tracker)) is not None:
            return said  # his own number, the one he signed in with, or a way out: never read as hers
        phone = parsing.parse_phone(text)
        if phone is None:
            dispatcher.utter_message(response="utter_phone_invalid")
            return {"applicant_phone": None}
        if held:
            # Her consent is held already (her code before, or her paper form): her phone is noted, no code is sent.
            return {"applicant_phone": phone, NO_PHONE: None}
        if _code_still_valid(tracker, phone):
            # The form resuming re-checks her phone: the code sent to it still stands ("重发" sends a new one).
            return {"applicant_phone": phone}
        principal, helper = _people(tracker, phone)
        refused: list[str] = []
        sent = await call(dispatcher, principal_phone.unless_helpers(
            get_client().send_consent_code(tracker.get_slot("citizen_token"), principal, helper), refused), refused)
        if principal_phone.IS_HELPER in refused:
            return principal_phone.choices(dispatcher, tracker)
        if "name_mismatch" in refused:
            # The name and the ID number do not belong together: both are asked again (not the phone, in a loop).
            return {"applicant_phone": None, "applicant_name": None, "applicant_id": None, NEUTRAL: True}
        if sent is not None and sent.get("phone_masked") not in (None, parsing.mask_phone(phone)):
            # A recorded person's code goes to the phone on record, not the one typed here: say where.
            dispatcher.utter_message(text=sent["message"])
        if sent is None:
            return {"applicant_phone": None, "consent_code": None}
        return {"applicant_phone": phone, "consent_code": None, SENT: f"{phone}|{time.time():.0f}", NO_PHONE: None}

    async def validate_consent_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Slots:
        if value == "ok" and tracker.get_slot("delegation_id"):
            return {"consent_code": "ok"}
        text = str(value or "").strip()
        principal, helper = _people(tracker, tracker.get_slot("applicant_phone"))
        if codes.asks_resend(text):
            # Grandma's code again, to the principal's phone, through the same endpoint and limits.
            if await call(dispatcher, get_client().send_consent_code(tracker.get_slot("citizen_token"), principal, helper)) is not None:
                dispatcher.utter_message(response="utter_code_resent_principal", applicant_name=principal["name"])
            return {"consent_code": None, NEUTRAL: True}
        if not re.search(r"\d", text) and no_phone(text.replace("本人", "")):
            return _without_phone(dispatcher)  # "她没得手机，那个号是我的": the paper way, here too
        code = parsing.parse_code(text)
        if code is None:
            # No digits typed ("等她回我", a resume): nothing was wrong, the question stays open.
            dispatcher.utter_message(response="utter_code_wrong" if re.search(r"\d", text) else "utter_consent_code_wait")
            return {"consent_code": None, NEUTRAL: True}
        body = {"principal": principal, "helper": helper, "scope": ["apply", "query", "notices"],
                "consent": {"method": "otp", "code": code}}
        created, paused = await codes.checked(dispatcher, get_client().create_delegation(tracker.get_slot("citizen_token"), body))
        if created is None:
            return {"consent_code": None, **paused}
        return {"consent_code": "ok", "delegation_id": float(created["id"])}
