"""An ID number found after the 急难 report ("我找到他身份证了 500222194203060034"). A report for someone else without her
ID number goes to the street as an urgent call-back to the reporter (actions/emergency_report.py); the number found
later is put on that call-back (POST /callbacks/{reference}/id-number: checked by its check digit, kept encrypted,
audited) and she is told so. A tester could not add it anywhere: it was "没太听懂", or the start of an application.

Imports no other action module but the leaves it needs: the fallback and the report both use it."""

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked, parsing
from actions.backend_client import BackendError, BackendUnavailable, call, get_client

ID_SAID = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
WRONG_ID = "invalid_id_number"  # the backend's code for a number whose check digit (or birth date) is wrong


def found_id(tracker: Tracker, text: str) -> str | None:
    """The 18-character ID number said after a 急难 report that went as a call-back in this conversation; None when
    nothing like one is said, or the report went as an application (filed with her ID number)."""
    kept = tracker.get_slot(emergency_booked.SLOT) or {}
    if not tracker.get_slot("emergency_filed") or kept.get("application") or not kept.get("number"):
        return None
    m = ID_SAID.search(re.sub(r"[\s-]", "", parsing.spoken_digits(text)).upper().replace("Ｘ", "X"))
    return m.group(0) if m else None


async def attach(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """The number found, on the report; a wrong one said why and asked again. False: no such number said."""
    number = found_id(tracker, text)
    if number is None:
        return False
    kept = tracker.get_slot(emergency_booked.SLOT)
    refused: list[str] = []
    added = await call(dispatcher, get_client().add_found_id(tracker.get_slot("citizen_token"), kept["number"], number,
                                                             kept.get("phone")), refused)
    if added is not None:
        dispatcher.utter_message(response="utter_emergency_id_added", masked=added["id_masked"], number=added["reference"],
                                 caller=kept.get("caller") or "街道")
    elif WRONG_ID in refused:
        dispatcher.utter_message(response="utter_emergency_id_again")  # the backend said what is wrong (call)
    return True


async def put_on(tracker: Tracker, reference: str, phone: str | None) -> bool:
    """His ID number, given in the report that went as the urgent call-back `reference`, put on it for its staff (kept
    encrypted, shown masked): the topic carries only its masked form. Quietly False when the backend does not take it
    (the masked number is in the record all the same)."""
    number = tracker.get_slot("applicant_id")
    if not number or not reference:
        return False
    try:
        await get_client().add_found_id(tracker.get_slot("citizen_token"), reference, number, phone)
    except (BackendError, BackendUnavailable):
        return False
    return True
