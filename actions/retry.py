"""One way every form handles an answer it cannot use, for every slot (no per-validator copies).

Unusable answers are counted per requested slot in `form_retries` ({slot: count}); the count goes when
the slot fills or the form asks something else. 1st: say it was not understood (the validator's own
explanation, or a plain one) and ask again. 2nd: `ask_style` = "help" selects the question's variation
with an example and buttons (bot/domain.yml, `condition: ask_style`). 3rd and later: offer a person, a
skip where the form can do without the answer, or a pause that keeps every answer; the question
alternates between its two wordings, so the same text is never asked three times in a row.
"""

import copy
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import codes, form_first, parsing, privacy
from actions.answers import amounts
from actions.neutral import NEUTRAL
BOOKKEEPING = ("form_retries", "ask_style", "requested_slot", NEUTRAL)


def _figure_for(slot: str, text: str) -> object:
    """A figure said for this very question: "一百五 存款不晓得" has one for the income, none for the savings."""
    income, savings = amounts.read_income_and_savings(text)
    return {"monthly_income": income, "savings": savings}.get(slot, amounts.read_amount(text))


SIMPLE = "simple"  # ask_style of a question's simpler wording (bot/domain.yml), for "啥意思" / "听不懂"


def _plainer(domain: DomainDict, form: str, slot: str, now: str | None) -> str | None:
    """The wording a question is asked in after "啥意思": its simple one where it has one, else its help one; the other
    (or the plain question) when that is the one just asked."""
    responses = (domain or {}).get("responses") or {}
    variations = responses.get(f"utter_ask_{form}_{slot}") or responses.get(f"utter_ask_{slot}") or []
    styles = {c.get("value") for v in variations for c in v.get("condition") or [] if c.get("name") == "ask_style"}
    return next(s for s in ((SIMPLE,) if SIMPLE in styles else ()) + ("help", None) if s != now)


class RetryingFormValidationAction(FormValidationAction, ABC):
    """Subclasses list the slots that may be skipped, with the value a skip records."""

    skippable: dict[str, Any] = {}
    # A question about her data is answered and the question asked again (actions/privacy.py); False where such
    # words are the answer itself (a complaint that her data leaked is the complaint).
    answers_privacy = True

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server does not register this base class as an action."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        before = (dict(tracker.get_slot("form_retries") or {}), tracker.get_slot("ask_style"))
        aimed = bool(requested) and requested in tracker.slots_to_validate()
        text = str(tracker.latest_message.get("text") or "")
        if aimed and form_first.rests(text):
            # "我歇一哈" (at the 户口 question once read as "不知道户口"): a pause, every answer kept; "继续嘛" resumes.
            dispatcher.utter_message(response="utter_rest")
            return codes.pause_events(self.form_name(), [SlotSet(requested, None)])
        if aimed and self.form_name() != "complaint_form" and form_first.complains(text):
            return form_first.complaint_instead(dispatcher, tracker, self.form_name())  # "投诉": the complaint, any form
        # "退休金一千出头 存款不清楚": a figure said with "不清楚" is an answer (approximate), never a skip that drops it.
        if aimed and requested in self.skippable and parsing.is_skip(text) and not _figure_for(requested, text):
            dispatcher.utter_message(response="utter_skipped")
            values = {requested: self.skippable[requested], "skipped_slots": [*(tracker.get_slot("skipped_slots") or []), requested],
                      **self.on_skip(requested, tracker)}
            tracker.slots.update(values)
            return [SlotSet(k, v) for k, v in values.items()] + self._state(tracker, before, {}, None)
        if aimed and (form_first.is_resume(text) or self.answers_privacy and await privacy.answered(dispatcher, text)):
            # "继续" after an interruption, or a question about her data answered ("委托书照片哪些人看得到"):
            # the question again, not a wrong answer.
            tracker.slots[requested] = None
            return [SlotSet(requested, None)] + self._state(tracker, before, *before)
        if aimed and form_first.asks_meaning(text) and "码" not in text:
            # "这个是啥子意思", "啥子哦", "听不懂": this question in plainer words with an example (its simple wording, else
            # its help one) and asked again; never the 低保 standard, never a wrong answer, never the same words again
            # (a tester's "啥子哦" got the question word for word). "啥子验证码哦": the code's validator explains.
            tracker.slots[requested] = None
            plainer = _plainer(domain, self.form_name(), requested, before[1])
            return [SlotSet(requested, None)] + self._state(tracker, before, before[0], plainer)
        said_before = len(dispatcher.messages)
        events = await super().get_validation_events(dispatcher, self._without_clearings(tracker), domain)
        values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        events = [e for e in events if e.get("name") not in (NEUTRAL, "ask_style", "form_retries")]
        if not aimed:
            return events + self._state(tracker, before, *before)
        if NEUTRAL in values:
            return events + self._state(tracker, before, before[0], None)
        if any(v is not None for k, v in values.items() if k not in BOOKKEEPING):
            return events + self._state(tracker, before, {}, None)
        count = int(before[0].get(requested, 0)) + 1
        if count == 1 and len(dispatcher.messages) == said_before:
            dispatcher.utter_message(response="utter_not_understood")
        if count >= 3:
            dispatcher.utter_message(response="utter_retry_offer_skip" if requested in self.skippable else "utter_retry_offer")
        style = "help" if count == 2 or (count > 3 and count % 2 == 0) else None
        if count == 1 and values.get("ask_style") == "help":
            style = "help"  # a bare 是的 to an either/or question: rephrase with the buttons at once
        return events + self._state(tracker, before, {requested: count}, style)

    def on_skip(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """What a skip records besides the skippable value (a form may keep more: a family member, actions/forms.py)."""
        return {}

    @staticmethod
    def _without_clearings(tracker: Tracker) -> Tracker:
        """The tracker without the slots an action just cleared (set to None) before opening the form: a
        cleared slot is nobody's answer, so no validator may call it wrong ("手机号好像不对" before the
        phone was even asked). rasa_sdk validates every slot in `slots_to_validate()`."""
        candidates = tracker.slots_to_validate()
        answers = {k: v for k, v in candidates.items() if v is not None}
        if len(answers) == len(candidates):
            return tracker
        trimmed = copy.copy(tracker)
        trimmed.slots_to_validate = lambda: dict(answers)  # type: ignore[method-assign]
        return trimmed

    @staticmethod
    def _state(tracker: Tracker, before: tuple[dict, str | None], retries: dict, style: str | None) -> list[dict]:
        """The events that move the count and the wording from what they were to what they are now."""
        events = []
        if before[0] != retries:
            events.append(SlotSet("form_retries", retries or None))
        if before[1] != style:
            events.append(SlotSet("ask_style", style))
        tracker.slots.update({"form_retries": retries or None, "ask_style": style})
        return events
