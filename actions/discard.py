"""Throwing an unfinished application away in the chat: "填错了 不要这个了 重新来", "删掉重新填", "作废" (a grid worker's
wrong draft could not be thrown away). Whatever question the words come to, the form asks once whether to
throw this application away; only a yes drops it — its answers in the conversation and the draft saved for the phone
(backend/drafts) — and the form starts again from its first question (the verified phone stays). A no keeps every
answer and asks the question again. Nothing is deleted before the yes.

Outside the form ("那个草稿不要了 删了", "陈德明这份不办了 作废", after the phone's code): the phone's saved drafts are
named, the chosen one is thrown away after one confirmation (withdraw_form's question, asked in these words), and a
paper 授权委托书 still waiting for its check for that person is withdrawn too, so no caseworker checks it for nothing."""

import re
import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import corrections, drafts, form_first, parsing
from actions.backend_client import BackendError, BackendUnavailable, call, get_client
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


# ---- outside the form: a saved draft thrown away (actions/requests.py routes "作废" / "草稿不要了" here)
ABOUT_DRAFT = re.compile(r"草稿|没填完|没交的|还没交|没交上|填得|填的那")
DROPS = re.compile(r"删|不要了|不办了|不填了|作废|扔了")
CHOSEN = "discard_draft"  # the draft the question is about: {id, label, name, id_number, filing_for}


def about_draft(text: str) -> bool:
    """"这个填得乱七八糟的 不要了 我重新填", "那个草稿不要了 删了", "陈德明这份不办了 作废"."""
    return parsing.says_discard(text) or bool(ABOUT_DRAFT.search(text) and DROPS.search(text))


def _which(found: list[dict[str, Any]], said: str) -> dict[str, Any] | None:
    """The one named (her name or the label as listed), or the only one."""
    named = [d for d in found if (d.get("answers") or {}).get("applicant_name") and d["answers"]["applicant_name"] in said
             or d["label"] in said]
    return named[0] if len(named) == 1 else found[0] if len(found) == 1 else None


async def start_outside(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After the phone's code: which saved draft, then "确定作废…吗" (withdraw_form). No draft: a submitted case
    is what she means, unless she spoke of a draft."""
    said = str(tracker.get_slot("correction_said") or "")
    found = await call(dispatcher, get_client().my_drafts(tracker.get_slot("citizen_token")))
    if found is None:
        return [SlotSet("after_verify", None)]
    if not found:
        if ABOUT_DRAFT.search(said):
            dispatcher.utter_message(response="utter_no_drafts_to_discard")
            return [SlotSet("after_verify", None)]
        return [SlotSet("after_verify", "withdraw"), FollowupAction("action_after_verify")]
    chosen = _which(found, said)
    if chosen is None:
        labels = [d["label"] for d in found[:5]]
        dispatcher.utter_message(response="utter_discard_which", labels="、".join(labels), example=labels[0],
                                 buttons=[{"title": f"作废{label}", "payload": f"作废{label}那份"} for label in labels])
        return [SlotSet("after_verify", None)]
    answers = chosen.get("answers") or {}
    kept = {"id": chosen["id"], "label": chosen["label"], "name": answers.get("applicant_name"),
            "id_number": answers.get("applicant_id"), "filing_for": answers.get("filing_for")}
    return [SlotSet(CHOSEN, kept), SlotSet("withdraw_confirmed", None), FollowupAction("withdraw_form")]


def confirmation(text: str, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """The answer to "确定作废…吗": a no keeps it, a yes throws it away; anything else is asked again."""
    if NO.search(text) or parsing.parse_yes_no(text) is False:
        return {"withdraw_confirmed": False}
    if YES.search(text) or parsing.is_bare_yes(text):
        return {"withdraw_confirmed": True}
    dispatcher.utter_message(response="utter_discard_draft_say_it")
    return {"withdraw_confirmed": None, NEUTRAL: True}


async def answered_outside(dispatcher: CollectingDispatcher, tracker: Tracker, *, kept: bool = False) -> list[EventType]:
    """The draft goes (with a paper delegation still waiting for that person), or stays, as answered."""
    chosen = tracker.get_slot(CHOSEN) or {}
    events: list[EventType] = [SlotSet(CHOSEN, None), SlotSet("withdraw_confirmed", None), SlotSet("after_verify", None)]
    if not chosen:
        return events
    if kept or tracker.get_slot("withdraw_confirmed") is not True:
        dispatcher.utter_message(response="utter_discard_draft_kept", label=chosen["label"])
        return events
    token = tracker.get_slot("citizen_token")
    try:
        await get_client().drop_draft(token, int(chosen["id"]))
    except BackendUnavailable:
        dispatcher.utter_message(response="utter_backend_unavailable")
        return events
    except BackendError as err:
        dispatcher.utter_message(text=err.message)
        return events
    dispatcher.utter_message(response="utter_draft_discarded", label=chosen["label"])
    await _withdraw_paper(dispatcher, token, chosen)
    here = tracker.get_slot("draft_id") == chosen["id"] or (chosen.get("id_number") and
                                                            tracker.get_slot("applicant_id") == chosen["id_number"])
    if here:  # the same application, paused in this conversation: its answers go too ("继续" does not bring it back)
        events += [*(SlotSet(k, None) for k in drafts.CLOSED), SlotSet("paused_form", None)]
    return events


async def _withdraw_paper(dispatcher: CollectingDispatcher, token: str, chosen: dict[str, Any]) -> None:
    """A paper 授权委托书 for her still waiting for the caseworker's check: withdrawn (revoked), or, if the backend
    will not, plainly that it may still be looked at."""
    if chosen.get("filing_for") != "other" or not chosen.get("name") or not chosen.get("id_number"):
        return
    try:
        found = await get_client().held_delegation(token, {"name": chosen["name"], "id_number": chosen["id_number"]})
    except (BackendError, BackendUnavailable):
        return  # none waiting (404): nothing to withdraw
    if found.get("status") != "pending":
        return
    try:
        await get_client().revoke_delegation(token, int(found["delegation_id"]), "帮办人不办这份申请了")
    except (BackendError, BackendUnavailable):
        dispatcher.utter_message(response="utter_discard_paper_left", applicant_name=chosen["name"])
        return
    dispatcher.utter_message(response="utter_discard_paper_withdrawn", applicant_name=chosen["name"])
