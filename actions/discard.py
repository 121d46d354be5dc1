"""Throwing an unfinished application away in the chat: "填错了 不要这个了 重新来", "删掉重新填", "作废" (a grid worker's
wrong draft could not be thrown away). Whatever question the words come to, the form asks once whether to
throw this application away; only a yes drops it — its answers in the conversation and the draft saved for the phone
(backend/drafts) — and the form starts again from its first question (the verified phone stays). A no keeps every
answer and asks the question again. Nothing is deleted before the yes."""

import re
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import corrections, drafts, form_first, parsing
from actions.retry import NEUTRAL

ASKED = "discard_asked"  # the question is pending (bot/domain.yml): the form asks it before anything else
QUESTION = "discard_confirmed"
NO = re.compile(r"不作废|不要作废|别作废|莫作废|不删|别删|莫删|不要删|接着|继续|算了|不用|^(/deny|不|不是|不要|没有|否)[。.!！]?$")
YES = re.compile(r"作废|删|重新|重来|确定|确认|不要了|不要这个|^/affirm$")


def asks_to_discard(text: str, tracker: Tracker) -> bool:
    """The words, with something filled in to throw away, and not a correction of one answer ("名字填错了，重新填…")."""
    worth = tracker.get_slot("draft_id") or any(k != "assistance_type" for k in drafts.answers(tracker))
    return bool(worth) and parsing.says_discard(text) and corrections.read_correction(text)[0] is None


class DiscardDraft:
    """Mixin for the application form's validator, first in its bases (the words may come to any question)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if tracker.get_slot("requested_slot") == QUESTION and form_first.is_resume(text):
            # "继续" to "作废吗" is a no (elsewhere it only asks the question again: actions/retry.py).
            kept = await self.validate_discard_confirmed(text, dispatcher, tracker, domain)
            return [SlotSet(k, v) for k, v in kept.items() if k != NEUTRAL]
        if tracker.get_slot("requested_slot") != QUESTION and asks_to_discard(text, tracker):
            # Only the words themselves, taken as the answer to the question asked, go: every answer stays until the yes.
            said = [k for k, v in tracker.slots_to_validate().items() if v == text]
            return [*(SlotSet(k, None) for k in said), SlotSet(ASKED, True), SlotSet("form_retries", None), SlotSet("ask_style", None)]
        return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]

    async def validate_discard_confirmed(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> dict[str, Any]:
        text = str(value or "").strip()
        if NO.search(text):
            dispatcher.utter_message(response="utter_discard_kept")
            return {QUESTION: None, ASKED: None, NEUTRAL: True}
        if YES.search(text) or parsing.is_bare_yes(text):
            await drafts.drop(tracker)
            dispatcher.utter_message(response="utter_discarded")
            return {**{k: None for k in drafts.CLOSED}, "paused_form": None, "street_candidates": None, QUESTION: None,
                    ASKED: None, "submission_key": f"chat-{uuid.uuid4().hex}"}
        return {QUESTION: None}  # neither: asked again (actions/retry.py)
