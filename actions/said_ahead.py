"""Facts said ahead of their question in the application form are kept (what a message says for the form's other
questions: actions/answers/all_at_once.py).

Each goes through its own question's validator, with its checks (the ID number's, the street's, an amount's
plausibility, the principal's code); a fact its validator does not take is left for its own question, asked as usual
and told why then. What was kept is said in one line, not asked again, and read back at the end like every answer.
"""

import inspect
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import codes, corrections, first_answers
from actions.answers.all_at_once import found
from actions.drafts import NO_PHONE, held
from actions.members import MEMBER_SLOTS
from actions.precheck import NO_QUESTION
from actions.retry import NEUTRAL

Slots = dict[str, Any]
# Questions whose answers are about someone or something else (a family member, a code) or end the form.
NOT_HERE = ("confirmed", *MEMBER_SLOTS, "verify_code", "consent_code", "scope_code")
RETRY_WORDS = ("utter_not_understood", "utter_retry_offer", "utter_retry_offer_skip")
BOOKKEEPING = ("form_retries", "ask_style")


class SaidAhead:
    """Mixin for the application form's validator, after HeldDelegation and before ReadBack in the bases: the question
    asked is answered first (its validator, its retries), then what the message says for the questions still to come."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        field = corrections.read_correction(text)[0] if text else None
        corrected = field is not None and field.key != requested and tracker.get_slot(field.key) not in (None, "")
        # An interruption the form steps aside for (nothing filled) is not read here: its rule answers it.
        answered = requested is None or requested in tracker.slots_to_validate()
        before = {k: tracker.get_slot(k) for k in (*BOOKKEEPING, "hukou")}
        said_before = len(dispatcher.messages)
        events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        if requested == "assistance_type" and (both := first_answers.both_wanted(text)):
            # "两个都要 临时救助也要 低保也要": yes, both; the first now, the other offered once it is filed.
            dispatcher.utter_message(response="utter_both_types", now=both[0], later=both[1])
            events = [e for e in events if e.get("name") != requested]
            events += [SlotSet(requested, both[0]), SlotSet(first_answers.ALSO_WANTED, both[1])]
        if (not text or text.startswith("/") or corrected or not answered or requested in NOT_HERE
                or any(e.get("event") != "slot" or e.get("name") == codes.PAUSE for e in events)):
            return events
        now = {**tracker.slots, **{e["name"]: e.get("value") for e in events}}
        tracker.slots.update(now)
        kept, named = await self._take_ahead(text, requested, now, before, dispatcher, tracker, domain)
        if not named:
            return events + [SlotSet(k, v) for k, v in kept.items()]
        if requested in FREE_TEXT and now.get(requested) and _only(text, [found(text, now.get("filing_for"))[k] for k in named]):
            # "农村户口" to "为什么申请": the 户口, not her reason (a tester's was read back as 原因：农村户口).
            events = [e for e in events if e.get("name") != requested] + [SlotSet(requested, None)]
            now[requested] = None
            tracker.slots[requested] = None
        if requested and now.get(requested) in (None, ""):
            # Not the answer to the question asked, but to others: no wrong answer; the question comes again plainly.
            events = [e for e in events if e.get("name") not in BOOKKEEPING]
            events += [SlotSet(k, before[k]) for k in BOOKKEEPING if tracker.slots.get(k) != before[k]]
            tracker.slots.update({k: before[k] for k in BOOKKEEPING})
            dispatcher.messages[said_before:] = [m for m in dispatcher.messages[said_before:] if m.get("response") not in RETRY_WORDS]
        labels = {f.key: f.label for f in corrections.FIELDS}
        dispatcher.utter_message(response="utter_noted_ahead", labels="、".join(labels[k] for k in named))
        return events + [SlotSet(k, v) for k, v in kept.items()]

    async def _take_ahead(self, text: str, requested: str | None, now: Slots, before: Slots, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> tuple[Slots, list[str]]:
        """The slots the facts fill, and the facts kept."""
        kept: Slots = {}
        named: list[str] = []
        for slot, said in found(text, now.get("filing_for")).items():
            if slot == requested or not _open(slot, now):
                continue
            if slot == "applicant_phone" and now.get("filing_for") == "other":
                if said == now.get("verified_phone"):
                    continue  # the helper's own number, said for a call-back: never hers
                # A delegation the helper already holds needs no phone; one still waiting pauses the form.
                delegation = await held(dispatcher, tracker, now.get("applicant_name"), now.get("applicant_id"))
                kept.update(delegation)
                now.update(delegation)
                tracker.slots.update(delegation)
                if codes.PAUSE in delegation:
                    break  # the form pauses (actions/codes.py): nothing more now
                if now.get("delegation_id"):
                    continue
            quiet = CollectingDispatcher()
            out = getattr(self, f"validate_{slot}")(said, quiet, tracker, domain)
            out = dict(await out if inspect.isawaitable(out) else out)
            if out.get(slot) in (None, "") or codes.PAUSE in out or (slot == "hukou" and out["hukou"] == before.get("hukou")):
                continue  # not taken (its own question asks it, and says why then), or nothing new
            out.pop(NEUTRAL, None)
            if slot == "hukou":  # said outright: the street's guess of a moment ago is not said
                dispatcher.messages[:] = [m for m in dispatcher.messages if m.get("response") != "utter_hukou_assumed"]
                quiet.messages = [m for m in quiet.messages if m.get("response") != "utter_hukou_assumed"]
            dispatcher.messages.extend(quiet.messages)
            kept.update(out)
            now.update(out)
            tracker.slots.update(out)
            named.append(slot)
        return kept, named


FREE_TEXT = ("reason",)  # questions any words answer: a message that only says other facts is not their answer


def _only(text: str, facts: list[str]) -> bool:
    """Whether the facts are all the message says (fewer than two Han characters left without them)."""
    rest = text
    for said in facts:
        rest = rest.replace(str(said), "")
    return len(re.findall(r"[\u4e00-\u9fa5]", rest)) < 2


def _open(slot: str, now: Slots) -> bool:
    """Whether a fact may fill its slot now: still empty, and what it is checked with already known."""
    filing = now.get("filing_for")
    if slot == "hukou":
        # 户口 said outright wins over the street's guess; before the street, the street would guess over it; where it
        # does not matter it is not asked.
        return bool(now.get("area_code")) and now.get("hukou") != NO_QUESTION
    if now.get(slot) not in (None, ""):
        return False
    if slot in ("applicant_name", "applicant_id"):
        return filing in ("self", "other")
    if slot == "applicant_phone":
        # Hers, with a code: for a helper only once he is verified and her name and ID number are known (the consent).
        return filing == "self" or (filing == "other" and bool(now.get("citizen_token") and now.get("applicant_name")
                                                               and now.get("applicant_id")) and not now.get(NO_PHONE))
    if slot == "more_members":
        return not now.get("members")
    return True
