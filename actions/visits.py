"""When the home visit comes ("入户核查啥时候来", "好久有人去", "啥时候有人来屋头看"), asked as a progress question. Her
case's own answer once her phone is known: the backend's ProgressOut.visit, from the case's status and its step's
deadline. The time limits after filing (the backend's answer from the words, term TERM, from the procedure's own
data): said at once while her phone is still to be checked, and when she has no case. No date and no number of days
is written here. A tester's question went unanswered (or was read as a greeting: nlu-data/followups_s8_c.yml)."""

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback

TERM = "入户调查时间"  # the backend's PolicyAnswer.term for when the visit comes (backend/policy/visits.py)
MODE = "visit"  # after_verify: the progress query asked when the visit comes


async def asked(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """A question about when the visit comes: the time limits said now while her phone is still to be checked (her
    case's answer comes after it), and the query marked as about the visit; None for any other question."""
    found = await fallback.words_answer(text)
    if not found or found.get("term") != TERM or not found.get("answer"):
        return None
    if not tracker.get_slot("phone_verified"):
        dispatcher.utter_message(text=found["answer"])
        dispatcher.utter_message(response="utter_visit_case_after_phone")
    return [SlotSet("after_verify", MODE)]


def said(progress: dict, mode: str | None) -> str | None:
    """Her case's visit, when that is what was asked (None: the progress as usual)."""
    return progress.get("visit") if mode == MODE else None


async def no_case(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """No case on her phone: the time limits after filing, unless said already (before her phone was checked, the
    message now is her code and says nothing about the visit)."""
    if tracker.get_slot("after_verify") != MODE:
        return
    found = await fallback.words_answer(str(tracker.latest_message.get("text") or ""))
    if found and found.get("term") == TERM and found.get("answer"):
        dispatcher.utter_message(text=found["answer"])
