"""A half-filled application kept beyond the conversation (backend/drafts): saved when the form stops or pauses
and the phone is verified, found again by "继续" in a later conversation (after the phone's code), and thrown
away once filed. A helper who holds the principal's delegation already (a paper 授权委托书 verified at the
window) is asked no phone and no code: the backend says so (`held`)."""

import logging
import re
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import codes
from actions.face import on_sms
from actions.amount_answers import SAID, TO_CONFIRM
from actions.backend_client import BackendError, BackendUnavailable, call, get_client
from actions.members import LATER, MEMBER_SLOTS, NAMED, OWN_KEPT
from actions.said_facts import KIND_SAID

log = logging.getLogger(__name__)

# The answers a draft keeps: what the person said, never codes, tokens or the form's bookkeeping. The
# applicant's phone only for herself: a principal's phone would send her a consent code again on resume.
KEPT = (
    "assistance_type", "filing_for", "helper_kind", "helper_relation", "helper_name", "applicant_name", "applicant_id",
    "applicant_phone", "principal_no_phone", "street", "address_detail", "area_code", "hukou", "more_members", *MEMBER_SLOTS, "members", "monthly_income",
    "savings", "income_excluded", KIND_SAID, "reason", "skipped_slots", SAID, TO_CONFIRM, "precheck_heard", LATER, NAMED, OWN_KEPT,
)
PAUSE = codes.PAUSE
# Everything one application holds in the conversation: its answers and the form's state for it (not the verified phone).
CLOSED = (*KEPT, "draft_id", "held_for", "consent_code", "delegation_id", "confirmed", "form_retries", "ask_style", "open_checked")
# The helper's answers about herself, not about the person: kept when an application ends (filed, or her case found in
# hand), so a 网格员 filing for a second old person in the same chat is not asked who she is again. Never the relation
# (one person's 孙子 is not the next one's), never anything of the person filed for.
HELPER_OWN = ("helper_kind", "helper_name")
# The principal has no phone for a consent code: the form goes on and asks for her signed paper form at the end.
NO_PHONE = "principal_no_phone"


def answers(tracker: Tracker) -> dict[str, Any]:
    kept = {k: tracker.get_slot(k) for k in KEPT if tracker.get_slot(k) not in (None, [], {})}
    if kept.get("filing_for") == "other":
        kept.pop("applicant_phone", None)
    return kept


async def keep(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Save the application's answers for the verified phone, and say until when; nothing said when there is no
    verified phone yet (the conversation still keeps them) or nothing worth keeping."""
    token = tracker.get_slot("citizen_token")
    kept = answers(tracker)
    if not token or not (kept.get("applicant_name") or kept.get("applicant_id") or kept.get("street")):
        return []
    try:
        saved = await get_client().save_draft(token, kept, kind=kept.get("assistance_type"),
                                              applicant_name=kept.get("applicant_name"), applicant_id=kept.get("applicant_id"))
    except (BackendError, BackendUnavailable) as exc:
        log.warning("draft not saved: %s", type(exc).__name__)  # the conversation still has every answer
        return []
    dispatcher.utter_message(response="utter_draft_kept", until=saved["kept_until_said"])
    return [SlotSet("draft_id", float(saved["id"]))]


async def drop(tracker: Tracker) -> None:
    """The application is filed: its draft goes (quietly; a draft left behind only costs a question later)."""
    token, draft_id = tracker.get_slot("citizen_token"), tracker.get_slot("draft_id")
    if token and draft_id:
        try:
            await get_client().drop_draft(token, int(draft_id))
        except (BackendError, BackendUnavailable) as exc:
            log.warning("draft not dropped: %s", type(exc).__name__)


async def held(dispatcher: CollectingDispatcher, tracker: Tracker, name: str | None, id_number: str | None, *,
               again: bool = False) -> dict[str, Any]:
    """Slots for a helper whose delegation the backend already has: no phone, no code. A paper form still waiting
    for the caseworker pauses the form with the day it will have been looked at. Asked once per ID number, or
    `again` (the last step of a no-phone application)."""
    token = tracker.get_slot("citizen_token")
    if (tracker.get_slot("filing_for") != "other" or not token or not name or not id_number
            or tracker.get_slot("delegation_id") or (tracker.get_slot("held_for") == id_number and not again)):
        return {}
    slots: dict[str, Any] = {"held_for": id_number}
    if not again:
        await say_others(dispatcher, token, name, id_number)
    try:
        found = await get_client().held_delegation(token, {"name": name, "id_number": id_number})
    except (BackendError, BackendUnavailable):
        return slots  # none (404), or the backend will say it at the consent step: ask as before
    if found["status"] == "verified":
        # Said as she gave it: her code before, or her signed paper form (a code was once called a paper form).
        said = {"otp": "utter_delegation_held_code", "paper": "utter_delegation_held"}.get(found.get("method"))
        dispatcher.utter_message(response=said or "utter_delegation_held_any", applicant_name=name)
        return {**slots, "delegation_id": float(found["delegation_id"]), "consent_code": "ok"}
    dispatcher.utter_message(response="utter_delegation_waiting", applicant_name=name, due=found.get("due_said") or "")
    return {**slots, PAUSE: True}


async def say_others(dispatcher: CollectingDispatcher, token: str, name: str, id_number: str) -> None:
    """A helper starts this person's application and someone else is already on it (another phone's unfinished form,
    or a case in hand): the backend's rule and words (POST /drafts/application/others, at most the other helper's
    masked phone), with a person offered. The form goes on: a daughter and a grid worker may both mean well, the
    office sorts it out. (A tester's principal had open forms under three phones, with no word to any of them.)"""
    try:
        found = await get_client().draft_others(token, name, id_number)
    except (BackendError, BackendUnavailable):
        return  # nothing said: the submission still refuses a second open case
    if found.get("said"):
        dispatcher.utter_message(text=found["said"], buttons=[{"title": "找工作人员", "payload": "/request_human"}])


CLOSE = "action_close_application"
# What a helper whose filing is refused may do instead: follow it (with the person's consent), or ask a person.
INSTEAD = [{"title": "查进度", "payload": "/query_progress"}, {"title": "找工作人员", "payload": "/request_human"}]


class HeldDelegation:
    """Mixin for the application form's validator, after SharedValidators in the bases (which pauses the form on
    PAUSE): once the principal's name and ID number are both known, a delegation the helper already holds is
    found before any phone is asked; and once the caller may know it (her own verified phone, or a helper's
    delegation), an open case of the same type is said at once, not after every question (the form closes:
    close_form)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
        events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        now = {**tracker.slots, **{e["name"]: e.get("value") for e in events if e.get("event") == "slot"}}
        found = await held(dispatcher, tracker, now.get("applicant_name"), now.get("applicant_id"))
        now.update(found)
        events += [SlotSet(k, v) for k, v in found.items()]
        if PAUSE not in found and await already_open(dispatcher, tracker, now):
            return close_form(now)
        return events + ([SlotSet("open_checked", _open_key(now))] if _may_check_open(now) else [])


def close_form(now: dict[str, Any]) -> list[EventType]:
    """The form ends here and now, nothing more asked, and action_close_application follows (its draft goes). Ended,
    not rejected: Rasa's form ignores a rejection while it opens ("继续" after a pause) and asks its next question — a
    tester's grid worker got the read-back card right after "不用再交一次", and his "对，提交" was not understood. The
    check it answers is recorded (open_checked): a turn that sets a slot is never rejected as "nothing extracted"."""
    return [SlotSet("open_checked", _open_key(now)), ActiveLoop(None), SlotSet("requested_slot", None),
            FollowupAction(CLOSE)]


def _open_key(now: dict[str, Any]) -> str:
    return f"{now.get('applicant_id')}:{now.get('assistance_type')}"


def _may_check_open(now: dict[str, Any]) -> bool:
    """Name, ID number and type known, and the caller is her (a verified phone filing for herself) or holds her
    delegation; asked once for each person and type."""
    mine = now.get("filing_for") == "self" and now.get("citizen_token") and now.get("phone_verified")
    helper = now.get("filing_for") == "other" and now.get("citizen_token") and now.get("delegation_id")
    return bool((mine or helper) and now.get("applicant_name") and now.get("applicant_id") and now.get("assistance_type")
                and now.get("open_checked") != _open_key(now))


async def already_open(dispatcher: CollectingDispatcher, tracker: Tracker, now: dict[str, Any]) -> bool:
    """The backend's answer, in its words (her case's number and "查进度"), when one is open; False otherwise. A
    helper whose person's case someone else filed is told so in the drafts' words (say_filed)."""
    if not _may_check_open(now):
        return False
    try:
        await get_client().open_check(now["citizen_token"], now["applicant_name"], now["applicant_id"], now["assistance_type"])
    except BackendError as err:
        if err.code != "application_already_open":
            return False  # a wrong name is said at the submission, with both asked again
        if now.get("filing_for") != "other":
            dispatcher.utter_message(text=err.message)
        elif not await say_filed(dispatcher, now):
            dispatcher.utter_message(text=err.message, buttons=INSTEAD)
        return True
    except BackendUnavailable:
        return False
    return False


async def say_filed(dispatcher: CollectingDispatcher, now: dict[str, Any]) -> bool:
    """The person's case of this type, filed by someone else (POST /drafts/application/others with the type): the
    backend's words — not filed again, how to follow it (查进度 under her consent) or a person to ask — with both as
    buttons. False when it was not someone else's (his own earlier filing), or unknown."""
    try:
        found = await get_client().draft_others(now["citizen_token"], now["applicant_name"], now["applicant_id"],
                                                now["assistance_type"])
    except (BackendError, BackendUnavailable):
        return False
    if found.get("others") != "filed" or not found.get("said"):
        return False
    dispatcher.utter_message(text=found["said"], buttons=INSTEAD)
    return True


class ActionCloseApplication(Action):
    """Her case of this type is already being handled: the form closes (nothing to file twice), its draft goes."""

    def name(self) -> str:
        return "action_close_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        await drop(tracker)
        return ended()


def ended(*also: str) -> list[EventType]:
    """One application is over (filed, or her case already in hand): its form closed, nothing paused, every answer of
    it cleared but the helper's own (HELPER_OWN), so nothing of it lingers for a correction to land on or a next
    application to inherit."""
    return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("paused_form", None),
            *(SlotSet(k, None) for k in (*CLOSED, *also) if k not in HELPER_OWN)]


async def paper_step(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The read-back is confirmed and the principal has no phone: None when her paper form has been verified meanwhile
    (its delegation is now on the tracker, and the caller files at once, in the same action: a FollowupAction to the
    submission again left the rules with no next step after it, so the core fallback's "没太听懂" came right after the
    filing and took the confirming turn back — the form, every answer in it, open again for a correction to land on);
    otherwise its photo is asked for (web chat: an upload card; SMS: the window), every answer is saved, and "继续"
    after the caseworker's SMS files it."""
    s = tracker.get_slot
    found = await held(dispatcher, tracker, s("applicant_name"), s("applicant_id"), again=True)
    if found.get("delegation_id"):
        tracker.slots.update(found)
        return None
    if not found.get(PAUSE):
        await say_paper_way(dispatcher, tracker)
    saved = await keep(dispatcher, tracker)
    return [*(SlotSet(k, v) for k, v in found.items() if k != PAUSE), *saved, SlotSet("confirmed", None),
            SlotSet("paused_form", "application_form")]


async def say_paper_way(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """How the principal's signed paper form comes in: in the web chat, the upload card (the chat API also writes its
    link out as text, backend/chat/router.py); by SMS and WeChat, or when no link can be made, the window."""
    s = tracker.get_slot
    link = None
    if not on_sms(tracker) and tracker.get_latest_input_channel() != "wechat":  # the card is the web chat's
        body = {"principal": {"name": s("applicant_name"), "id_number": s("applicant_id")},
                "helper": {"name": s("helper_name"), "phone": s("verified_phone"), "kind": s("helper_kind") or "relative",
                           "relation": s("helper_relation")},
                "scope": ["apply", "query", "notices"],
                "consent": {"method": "paper", "form_reference": "对话中上传的照片", "area_code": s("area_code")}}
        link = await call(dispatcher, get_client().open_paper_link(s("citizen_token"), body))
    if link is not None:
        dispatcher.utter_message(response="utter_paper_form_upload", applicant_name=s("applicant_name"),
                                 json_message={"upload": link["upload_url"]})
    else:
        dispatcher.utter_message(response="utter_paper_form_window", applicant_name=s("applicant_name"))


# "委托书要怎么传", "委托书拍了发哪里", "委托书咋个交": how the signed paper form comes in, not the materials list.
ASKS_PAPER_UPLOAD = re.compile(r"委托书.{0,8}(上传|传|交|拍|发|递)|(上传|传|交|拍|发|递).{0,6}委托书")
ASKS_HOW = re.compile(r"怎么|咋|如何|哪|啥子|什么|么子|要不要|能不能|可不可以|可以|方法|办法|步骤|\?|？")


# "核对授权书（家庭经济状况核对的那个）…怎么签？是不是跟委托书一起拍？": the other paper, signed at the visit (signing_ways).
NAMES_CHECK_FORM = re.compile(r"(?<!委托)授权书|核对授权|经济状况核对")


def asks_paper_upload(text: str) -> bool:
    return bool(ASKS_PAPER_UPLOAD.search(text) and ASKS_HOW.search(text) and not NAMES_CHECK_FORM.search(text))


async def answer_paper_upload(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """"委托书要怎么传": a helper whose principal has no phone, far enough for the link (name, ID number, street),
    gets it now (or the window by SMS and WeChat); anyone else is told how it goes, and that the window takes it too."""
    s = tracker.get_slot
    ready = (s("filing_for") == "other" and s(NO_PHONE) and not s("delegation_id") and s("citizen_token")
             and s("applicant_name") and s("applicant_id") and s("area_code"))
    if ready:
        # "委托书照片已经传上去了，现在是什么情况？": a photo sent and waiting is said with its day, never a new link.
        found = await held(dispatcher, tracker, s("applicant_name"), s("applicant_id"), again=True)
        if not found.get(PAUSE) and not found.get("delegation_id"):
            await say_paper_way(dispatcher, tracker)
    else:
        dispatcher.utter_message(response="utter_paper_form_how")


class ActionPauseForm(Action):
    """The form stops asking (a lock-out, a principal with no phone, a paper form still waiting): every answer
    stays, and an application's answers are saved for the verified phone; "继续" resumes it."""

    def name(self) -> str:
        return "action_pause_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        saved = await keep(dispatcher, tracker) if tracker.active_loop_name == "application_form" else []
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("form_retries", None), SlotSet("ask_style", None),
                SlotSet("paused_form", tracker.active_loop_name), *saved]  # "继续" goes back to it (bot/data/rules.yml)


async def resume(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"继续" with nothing paused in this conversation: the phone's saved draft, after its code if not verified yet."""
    if not tracker.get_slot("citizen_token"):
        dispatcher.utter_message(response="utter_resume_which_phone")
        return [SlotSet("after_verify", "draft"), SlotSet("verify_phone", None), SlotSet("verify_code", None),
                FollowupAction("verify_form")]
    return await restore(dispatcher, tracker)


async def restore(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The newest draft's answers back in the form, which then asks only what is missing. Others are named."""
    token = tracker.get_slot("citizen_token")
    drafts = await call(dispatcher, get_client().my_drafts(token))
    if drafts is None:
        return []
    if not drafts:
        dispatcher.utter_message(response="utter_resume_nothing")
        return []
    draft, others = drafts[0], drafts[1:]
    kept = {k: v for k, v in (draft.get("answers") or {}).items() if k in KEPT}
    dispatcher.utter_message(response="utter_draft_found", label=draft["label"], day=draft["updated_said"])
    if others:
        dispatcher.utter_message(response="utter_draft_others", labels="、".join(d["label"] for d in others[:3]))
    tracker.slots.update(kept)
    found = await held(dispatcher, tracker, kept.get("applicant_name"), kept.get("applicant_id"))
    events: list[EventType] = [SlotSet(k, v) for k, v in kept.items()]
    events += [SlotSet("draft_id", float(draft["id"])), SlotSet("paused_form", None), SlotSet("form_retries", None),
               SlotSet("ask_style", None), SlotSet("submission_key", f"chat-{uuid.uuid4().hex}")]
    if found.pop(PAUSE, False):
        # Still waiting: that is all that is said, and the next message is hers (with no next action the core
        # fallback's "没太听懂" came third and took the turn back, the draft's answers with it: tester t5).
        return events + [SlotSet(k, v) for k, v in found.items()] + [SlotSet("paused_form", "application_form"),
                                                                     FollowupAction("action_listen")]
    return events + [SlotSet(k, v) for k, v in found.items()] + [FollowupAction("application_form")]


class ActionResume(Action):
    """"继续": the rules resume a form paused in this conversation themselves (after this action has cleared the
    mark); with nothing paused, the phone's application saved another day."""

    def name(self) -> str:
        return "action_resume"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        s = tracker.get_slot
        if not s("paused_form"):
            return [SlotSet("paused_form", None), *await resume(dispatcher, tracker)]
        if s("paused_form") == "application_form" and s("filing_for") == "other" and not s("delegation_id"):
            # The paper form may have been verified since the pause: looked up before the form opens again; still
            # waiting, that is all that is said (the form stays paused, nothing is asked).
            found = await held(dispatcher, tracker, s("applicant_name"), s("applicant_id"), again=True)
            if found.pop(PAUSE, False):
                return [*(SlotSet(k, v) for k, v in found.items()), SlotSet("paused_form", "application_form"),
                        FollowupAction("action_listen")]
            return [SlotSet("paused_form", None), *(SlotSet(k, v) for k, v in found.items())]
        return [SlotSet("paused_form", None), SlotSet("held_for", None)]
