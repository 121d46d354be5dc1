"""A correction asked with no case handed in, while the phone holds a saved application (tester t5): a grid worker
waiting for her old man's paper 委托书 to be checked said "正确的是5001…0019" in a new conversation and heard "这个手机号
下面没有还在办的申请，没有可以撤回或更正的" right after "您填过的都存着". The saved one is what she means: it is opened
again (actions/drafts.py restore) and corrected as the one being filled in (actions/requests.py correct_draft) — its
answer checked by its question, then the read-back; never a denial that it exists."""

from collections.abc import Callable

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import drafts
from actions.backend_client import call, get_client


async def saved_instead(dispatcher: CollectingDispatcher, tracker: Tracker,
                        correct: Callable[[CollectingDispatcher, Tracker, str], list[EventType]]) -> list[EventType] | None:
    """The phone's newest saved application, opened and corrected; None when it holds none."""
    saved = await call(dispatcher, get_client().my_drafts(tracker.get_slot("citizen_token")))
    if not saved:
        return None
    restored = await drafts.restore(dispatcher, tracker)
    kept = [e for e in restored if e.get("event") == "slot"]  # the form opens after the correction, not before it
    tracker.slots.update({e["name"]: e["value"] for e in kept})
    tracker.slots["paused_form"] = "application_form"
    return [*kept, *correct(dispatcher, tracker, tracker.get_slot("correction_said") or "")]
