"""Promises that are kept: a call-back is booked only with a phone to call and says who calls by when (without
a phone, the office's real number and hours, or plainly that none is on file and 12345 to call); a complaint
carries a way to answer the person, or says plainly that nobody can; a submitted application is withdrawn
(a workflow step, after a confirmation) or corrected (a change request on the case's timeline, for the
caseworker). Anything the bot cannot do, it says so and offers a person."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import complaints, corrections, discard, drafts, face, fallback, filed_view, parsing, wechat
from actions import draft_fix, emergency_call_phone, which_case
from actions.backend_client import BackendError, BackendUnavailable, call, get_client
from actions.retry import NEUTRAL, RetryingFormValidationAction
# The call-backs live in actions/callbacks.py; their names are still read here by the forms and the 急难 report.
from actions.callbacks import (  # noqa: F401
    NO_CONTACT, ActionRequestCallback, ContactPhone, ValidateCallbackForm, _text, office_of, phone_to_call, say_office,
)

# after_verify modes handled here: withdraw, correct; where a withdrawal stands ("撤了没有"), taking one back ("恢复"),
# and throwing away an unfinished application outside its form (actions/discard.py).
CHANGES = ("withdraw", "correct", "status", "restore", "discard", "view")  # view: what the case says (filed_view.py)
# Said about a withdrawal: not to do it after all, whether it was done, and wanting a withdrawn one back.
KEEPS_IT = re.compile(r"别撤|不撤|不要撤|莫撤|先不撤|(?<![不没别莫])(?<!不想)(?<!不用)(?<!不要)(还是要办|还要办|接着办|继续办)")
ASKS_STATE = re.compile(r"撤(了|掉|成|回)?(没|了没|成功了?没|了吗|掉了吗|成功了?吗)|撤没撤|还在不在|还在吗|还在没|在不在了|还作数|还算数|还有没有")
RESTORE = re.compile(r"恢复|撤回来|还原|弄回来|找回来|要回来|撤销撤回|取消撤回|重新打开")
# 催一下: a progress query that asks to hurry the case (actions/journeys.py reads it; answered below).
HURRY = re.compile(r"催|搞快|快点|快些|快一点|加快|抓紧|太慢|好慢|咋个还|怎么还|为啥还|为什么还|等了好久|等好久|拖")
# A correction that already says what is right ("应该是刘淑芬", "少填了我孙子") needs no further question.
# "名字写错了，是王德贵": what is right said after what is wrong, too.
SAYS_WHAT_IS_RIGHT = re.compile(r"应该是|应是|改成|改为|正确的是|其实是|实际是|写成|不是.{1,12}是|是[\u4e00-\u9fff·]{2,5}[\s，,。]*不是|"
                                r"(错了|不对)[\s，,。]*是\s*[^\s，,。!！]{2}|"
                                r"少填|漏填|多填|\d{3,}|"
                                r"(?:我|她|他|本人|老人|名字|应该)叫[\u4e00-\u9fff]{2}|名字是[\u4e00-\u9fff]{2}")
# Said where the correction is asked, these are commands, never the correction ("进度" was filed as one).
def only_asks(text: str) -> bool:
    """A question about the case ("补上了没", "写的啥") or "没填错 就想看看": nothing to correct, nothing filed."""
    return not text.startswith("/") and (filed_view.declines(text) or (filed_view.asks(text) and not SAYS_WHAT_IS_RIGHT.search(text)))


COMMANDS = re.compile(r"^(查|看|问)?(一下)?(进度|办到哪|结果)|^(找|转|要)?(个)?(工作人员|人工|真人|客服)|^(算了|取消|不改了|不更正了|不用了|退出)")


class ActionFileComplaint(Action):
    """A complaint, with the phone the answer goes to (verified, or typed); without one it is filed all the
    same and the person is told that nobody can answer her back."""

    def name(self) -> str:
        return "action_file_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        # One about the 急难 report filed here is linked to it and answered as urgently (actions/complaints.py).
        return await complaints.file(dispatcher, tracker)


class ActionStartChange(Action):
    """撤回 / 更正 a submitted application: who is asking is verified first (the rules), then action_after_verify
    hands over to `after_verify` below."""

    def name(self) -> str:
        return "action_start_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        withdraw = tracker.latest_message.get("intent", {}).get("name") == "withdraw_application"
        said = _text(tracker.latest_message.get("text"))
        mode = "withdraw" if withdraw else "correct"
        if not withdraw and (other := await emergency_call_phone.heard(dispatcher, tracker, said)) is not None:
            return [*other, FollowupAction("action_listen")]  # "电话不对 打135…" after a report: whom to call, not the case
        if not withdraw and drafting(tracker, said):
            return correct_draft(dispatcher, tracker, said)  # the one being filled in, never a case handed in
        if not withdraw and only_asks(said):
            mode = "view"  # "申请里现在写的啥 家里几口人": answered from the case, never a correction
        filed = tracker.get_slot(complaints.FILED) or []
        if withdraw and complaints.asked_about(said, filed) in ("withdraw", "mistake") and (
                complaints.TICKET.search(said) or complaints.ABOUT.search(said) or not tracker.get_slot("application_no")):
            await complaints.answer_about(dispatcher, tracker, complaints.asked_about(said, filed), said)  # "第二个能不能撤了": her complaint
            return []
        if withdraw and not said.startswith("/"):
            if RESTORE.search(said):
                mode = "restore"  # "能不能把刚才撤的恢复": never a second withdrawal
            elif ASKS_STATE.search(said):
                mode = "status"  # "撤了没有 申请还在不在": where it stands, no withdrawal offered
            elif KEEPS_IT.search(said):
                return await keep_it(dispatcher, tracker)  # "先别撤": nothing withdrawn, said plainly
            elif discard.about_draft(said):
                mode = "discard"  # "那个草稿不要了 删了": the unfinished one, not a case
        if mode == "withdraw" and not SAYS_WITHDRAW.search(said) and not said.startswith("/"):
            # Read as a withdrawal with no word of one ("我摔了那个 有人来没得"): never start taking a case back.
            if not await fallback.before_not_understood(dispatcher, tracker):
                dispatcher.utter_message(response="utter_default")
            return []
        return await start(dispatcher, tracker, mode, said)


async def start(dispatcher: CollectingDispatcher, tracker: Tracker, mode: str, said: str) -> list[EventType]:
    """The change asked for, and the phone to verify first when it is not (the rules, or `discard_instead`). A
    button answering "是哪一位的" (its payload names the case) keeps what was said before."""
    chosen = said.startswith("/") and tracker.get_slot("after_verify") == mode and tracker.get_slot("correction_said")
    events: list[EventType] = [SlotSet("after_verify", mode), SlotSet("withdraw_confirmed", None),
                               SlotSet("correction_said", (tracker.get_slot("correction_said") if chosen else said)[:500]),
                               SlotSet("correction_text", None), SlotSet(WHOSE, None)]
    if tracker.get_slot("phone_verified"):
        return events
    if (bound := await wechat.bound_session(tracker, dispatcher)) is not None:
        return events + [SlotSet("verify_phone", bound["verified_phone"])] + [SlotSet(k, v) for k, v in bound.items()]
    return events + [SlotSet("verify_phone", None), SlotSet("verify_code", None)]


WHOSE = "correction_for"  # whose case a correction is about, as the conversation settled it (sent as meant_for)


def drafting(tracker: Tracker, said: str) -> bool:
    """A correction while an application is being filled in here (stopped by a name that does not go with its ID
    number, "算了", a pause): it is about that one, unless the words point at a case handed in ("JZ…", "交上去的")."""
    return (tracker.get_slot("paused_form") == "application_form" and bool(drafts.answers(tracker))
            and not corrections.about_submitted(said))


def correct_draft(dispatcher: CollectingDispatcher, tracker: Tracker, said: str) -> list[EventType]:
    """The application being filled in, corrected: the answer named is asked again (with the new one said, it is
    checked by its question), or with none named the form goes on to its read-back and its 改 buttons. Nothing is
    sent to any case handed in (a grid worker's "改身份证" for her second old man once landed on her first one's)."""
    field, value = corrections.read_correction(said)
    name = tracker.get_slot("applicant_name")
    whose = f"{name}这份" if name and tracker.get_slot("filing_for") == "other" else "这份"
    events: list[EventType] = [SlotSet("paused_form", None), SlotSet("after_verify", None), SlotSet("correction_said", None),
                               SlotSet("correction_text", None), SlotSet("confirmed", None), SlotSet("submission_key", None)]
    if field is None:
        dispatcher.utter_message(response="utter_correct_draft", whose=whose)
        return [*events, FollowupAction("application_form")]
    dispatcher.utter_message(response="utter_correct_draft_field", whose=whose, label=field.label)
    events += [SlotSet(slot, None) for slot in field.clears]
    if value and field.key != "more_members":
        events.append(SlotSet(field.key, value))  # checked by its question's validator as the form opens
    return [*events, FollowupAction("application_form")]


def whose_cases(dispatcher: CollectingDispatcher, tracker: Tracker, mine: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The cases a correction may be about: the one whose number was said (or chosen), those of the person named, or
    all when they are one person's. A helper's several people, none named: which one is asked (a button each, the
    name masked) and None returned — never the case the conversation spoke of last."""
    words = " ".join(t for t in (tracker.get_slot("correction_said"), tracker.latest_message.get("text")) if t)
    named = [a for a in mine if a["number"] in words]
    if named:
        return named
    people = list(dict.fromkeys(a["applicant_name"] for a in mine if a.get("applicant_name")))
    said = [p for p in people if p in words]
    if len(said) == 1:
        return [a for a in mine if a.get("applicant_name") == said[0]]
    if len(people) <= 1:
        return mine
    dispatcher.utter_message(response="utter_correct_whose", buttons=[
        {"title": f"{corrections.mask_name(a.get('applicant_name'))}（{a.get('assistance_type') or '申请'}）",
         "payload": f'/correct_application{{"application_no":"{a["number"]}"}}'} for a in mine[:6]])
    return None


async def discard_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"这个填得乱七八糟的 不要了 我重新填" read as a stop with no form open: the saved draft thrown away (after the
    phone's code if needed: then the rule "phone verified" goes on to action_after_verify), never "好的" and kept."""
    events = await start(dispatcher, tracker, "discard", _text(tracker.latest_message.get("text")))
    if not tracker.get_slot("phone_verified"):
        return events + [FollowupAction("verify_form")]
    tracker.slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return events + await after_verify(dispatcher, tracker)


async def after_verify(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Which application, whether it may still be withdrawn or corrected online, then the confirmation
    (withdrawal) or the change request (correction)."""
    token, mode = tracker.get_slot("citizen_token"), tracker.get_slot("after_verify")
    if mode == "discard":
        return await discard.start_outside(dispatcher, tracker)
    mine = await call(dispatcher, get_client().my_applications(token))
    if mine is None:
        return [SlotSet("citizen_token", None), SlotSet("phone_verified", False)]
    if mode in ("correct", "view") and (mine := whose_cases(dispatcher, tracker, mine)) is None:
        return []  # "是哪一位的申请": asked, with a button for each
    numbers = [a["number"] for a in mine]
    number = tracker.get_slot("application_no") if tracker.get_slot("application_no") in numbers else None
    withdrawn = [a["number"] for a in mine if a.get("status") == "withdrawn"]
    if mode == "restore" and number is None and len(withdrawn) == 1:
        number = withdrawn[0]  # "刚才撤的": the one withdrawn
    # "低保那个撤了", "db那个", "尾号09": the one she picked wins over the one the conversation last spoke of (which_case.py).
    number = which_case.picked(tracker.get_slot("correction_said") or "", mine) or number
    if number is None and len(numbers) > 1:
        intent = "withdraw_application" if mode == "withdraw" else "correct_application"
        dispatcher.utter_message(response="utter_change_which", numbers=which_case.listed(mine), example=numbers[0],
                                 verb={"withdraw": "撤回", "correct": "更正"}.get(mode, "查"), buttons=which_case.buttons(mine, intent))
        return []
    number = number or (numbers[0] if numbers else None)
    app = await call(dispatcher, get_client().application(token, number)) if number else None
    if app is None:
        if number is None and mode == "correct" and (fixed := await draft_fix.saved_instead(dispatcher, tracker, correct_draft)):
            return fixed  # none handed in, one saved: that one corrected (actions/draft_fix.py)
        if number is None:
            dispatcher.utter_message(response="utter_no_open_application")
        return []
    if mode == "view":
        filed_view.say(dispatcher, number, app)
        return [SlotSet("application_no", number), SlotSet("after_verify", None), SlotSet("correction_said", None)]
    if mode in ("status", "restore"):
        say_state(dispatcher, number, app)
        return [SlotSet("application_no", number), SlotSet("after_verify", None)]
    step = "withdraw" if mode == "withdraw" else "request_change"
    if step not in app["available_actions"]:
        dispatcher.utter_message(response="utter_cannot_withdraw" if mode == "withdraw" else "utter_cannot_correct",
                                 number=number, status_label=app["status_label"])
        return [SlotSet("application_no", number)]
    if mode == "withdraw" and tracker.get_slot("withdraw_confirmed") is True and tracker.get_slot("scope_code") == "ok":
        # The principal's code just added her yes: the withdrawal the helper confirmed is done now.
        return [SlotSet("scope_code", None), *await withdraw(dispatcher, tracker, number, [
            SlotSet("application_no", number), SlotSet("withdraw_confirmed", None), SlotSet("after_verify", None)])]
    if mode == "withdraw":
        dispatcher.utter_message(response="utter_withdraw_which", number=number, assistance_type=app["assistance_type"],
                                 status_label=app["status_label"])
        return [SlotSet("application_no", number), SlotSet("withdraw_confirmed", None), FollowupAction("withdraw_form")]
    whose = next((a.get("applicant_name") for a in mine if a["number"] == number), None) or app.get("applicant_name")
    tracker.slots[WHOSE] = whose
    if SAYS_WHAT_IS_RIGHT.search(tracker.get_slot("correction_said") or ""):
        return [SlotSet("application_no", number), *await file_correction(dispatcher, tracker, number, app)]
    return [SlotSet("application_no", number), SlotSet(WHOSE, whose), FollowupAction("correction_form")]


# Only these take an application back: "要得", "好", "嗯" are how an old lady says she heard ("要得" withdrew a
# tester's 低保 after "我摔了那个 有人来没得" was read as a withdrawal).
SAYS_WITHDRAW = re.compile(r"撤|取消|不要了|不办了|不申请了|不申请|退回|不搞了|不弄了")
CONFIRMS_WITHDRAW = re.compile(r"确定撤|确认撤|撤回|撤了|撤吧|撤掉|要撤|就撤|取消吧|确定取消|不要了|不办了")


def say_state(dispatcher: CollectingDispatcher, number: str, app: dict[str, Any]) -> None:
    """Where a case stands after talk of withdrawing it: withdrawn for good (no way back online, applying again, a
    person), or still there and going on."""
    if app.get("status") == "withdrawn":
        dispatcher.utter_message(response="utter_withdrawn_for_good", number=number)
    else:
        dispatcher.utter_message(response="utter_withdraw_not_yet", number=number)


async def keep_it(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"先别撤" outside the confirmation: nothing is withdrawn, said plainly (or, if it already was, that)."""
    token, number = tracker.get_slot("citizen_token"), tracker.get_slot("application_no")
    app = await call(dispatcher, get_client().application(token, number)) if token and number else None
    if app is not None and app.get("status") == "withdrawn":
        say_state(dispatcher, number, app)
    elif number:
        dispatcher.utter_message(response="utter_withdraw_kept", number=number)
    else:
        dispatcher.utter_message(response="utter_nothing_withdrawn")
    return [*stop_withdrawing(), FollowupAction("action_listen")]


def stop_withdrawing() -> list[EventType]:
    return [SlotSet("withdraw_confirmed", None), SlotSet("after_verify", None), SlotSet("scope_offered", None),
            SlotSet("scope_code", None)]


class ValidateWithdrawForm(RetryingFormValidationAction):
    def name(self) -> str:
        return "validate_withdraw_form"

    def validate_withdraw_confirmed(self, value, dispatcher, tracker, domain) -> dict[str, Any]:  # noqa: ANN001
        text = _text(value)
        if isinstance(value, bool):
            return {"withdraw_confirmed": value}
        if tracker.get_slot("after_verify") == "discard":
            return discard.confirmation(text, dispatcher)  # "作废…吗": its own words
        if ASKS_STATE.search(text) or KEEPS_IT.search(text):
            return {"withdraw_confirmed": False}  # "撤了没有": not withdrawn, and said so (below)
        if re.search(r"不撤|别撤|不要撤|莫撤|接着办|算了|继续办", text) or parsing.parse_yes_no(text) is False:
            return {"withdraw_confirmed": False}
        if CONFIRMS_WITHDRAW.search(text):
            return {"withdraw_confirmed": True}
        # "要得", "好", "确定": not enough to take a case back; asked again with the words that do.
        dispatcher.utter_message(response="utter_withdraw_say_it")
        return {"withdraw_confirmed": None, NEUTRAL: True}


class ActionWithdrawApplication(Action):
    """The answer to "确定要撤回…吗" (withdraw_form): 确定 withdraws it (the workflow's step); 不撤了 keeps it."""

    def name(self) -> str:
        return "action_withdraw_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.get_slot("after_verify") == "discard":
            return await discard.answered_outside(dispatcher, tracker)
        number = tracker.get_slot("application_no")
        events: list[EventType] = [SlotSet("withdraw_confirmed", None), SlotSet("after_verify", None)]
        if not number or not tracker.get_slot("citizen_token"):
            return events
        if tracker.get_slot("withdraw_confirmed") is not True:
            asked = ASKS_STATE.search(_text(tracker.latest_message.get("text")))
            dispatcher.utter_message(response="utter_withdraw_not_yet" if asked else "utter_withdraw_kept", number=number)
            return events
        return await withdraw(dispatcher, tracker, number, events)


class ActionAskWithdrawConfirmed(Action):
    """withdraw_form's question: "确定要撤回…吗", or for a saved draft thrown away outside its form, "确定作废…吗"."""

    def name(self) -> str:
        return "action_ask_withdraw_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        chosen = tracker.get_slot(discard.CHOSEN)
        if tracker.get_slot("after_verify") == "discard" and chosen:
            dispatcher.utter_message(response="utter_ask_discard_draft", label=chosen["label"])
        else:
            dispatcher.utter_message(response="utter_ask_withdraw_confirmed")
        return []


def say_hurry(dispatcher: CollectingDispatcher, tracker: Tracker, progress: dict[str, Any],
              area_code: str | None) -> list[EventType]:
    """"能不能催一下", after where the case stands (said just before): the current step's time limit, and a call-back
    from the office handling it offered (the call-back's topic says which case, for the staff; the case's street
    places it when the conversation knows none, so no street is asked)."""
    current = progress.get("current") or {}
    number = progress.get("number") or ""
    if not current:
        return []  # finished: nothing to hurry, the progress said how it ended
    if current.get("due_said"):
        dispatcher.utter_message(response="utter_hurry_due", who=current.get("who") or "工作人员", due=current["due_said"])
    else:
        dispatcher.utter_message(response="utter_hurry_no_due", who=current.get("who") or "工作人员")
    placed = [SlotSet("area_code", area_code)] if area_code and not tracker.get_slot("area_code") else []
    return [SlotSet("callback_topic", f"催办：申请{number}（{current.get('label') or ''}）"[:200]), *placed]


class ActionStopChange(Action):
    """"先别撤" / "算了" while a withdrawal is being confirmed or waits for the principal's code: plainly that nothing
    was withdrawn and the application goes on (never "先放一放", and "继续" does not start the withdrawal again). The
    principal's code asked for anything else stops like every form (action_cancel's words)."""

    def name(self) -> str:
        return "action_stop_change"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        left = [ActiveLoop(None), SlotSet("requested_slot", None)]
        number = tracker.get_slot("application_no")
        if tracker.get_slot("after_verify") == "discard":
            return [*left, *await discard.answered_outside(dispatcher, tracker, kept=True)]
        if tracker.active_loop_name == "withdraw_form" or tracker.get_slot("after_verify") == "withdraw":
            dispatcher.utter_message(response="utter_withdraw_kept" if number else "utter_nothing_withdrawn", number=number)
            return [*left, *stop_withdrawing(), SlotSet("paused_form", None)]
        dispatcher.utter_message(response="utter_stopped")
        return [*left, SlotSet("paused_form", tracker.active_loop_name)]


async def withdraw(dispatcher: CollectingDispatcher, tracker: Tracker, number: str, events: list[EventType]) -> list[EventType]:
    """The workflow's withdrawal. A helper without the principal's own yes to it (the backend refuses, naming the
    delegation) gets a code sent to the principal's phone; her code adds the yes (scope_form), then it is done."""
    token = tracker.get_slot("citizen_token")
    done, err = await face.ask(dispatcher, get_client().take_step(token, number, "withdraw"))
    if done is not None:
        dispatcher.utter_message(response="utter_withdrawn", number=number)
        return events
    details = err.details if err is not None and isinstance(err.details, dict) else {}
    if err is None or err.code != "no_delegation" or not details.get("delegation_id"):
        if err is not None:
            dispatcher.utter_message(text=err.message)
        return events
    dispatcher.utter_message(response="utter_withdraw_needs_principal")
    offered = {"delegation_id": int(details["delegation_id"]), "scope": str(details["missing_scope"])}
    sent, err = await face.ask(dispatcher, get_client().send_scope_code(token, offered["delegation_id"], offered["scope"]))
    if sent is None:
        if err is not None:
            dispatcher.utter_message(text=err.message)
        return events
    dispatcher.utter_message(response="utter_scope_code_sent", phone_masked=sent["phone_masked"])
    # Still withdrawing, already confirmed: once her code is in, action_after_verify withdraws without asking again.
    return [SlotSet("scope_offered", offered), SlotSet("scope_code", None), SlotSet("after_verify", "withdraw"),
            SlotSet("withdraw_confirmed", True), FollowupAction("scope_form")]


class ValidateCorrectionForm(RetryingFormValidationAction):
    def name(self) -> str:
        return "validate_correction_form"

    def validate_correction_text(self, value, dispatcher, tracker, domain) -> dict[str, Any]:  # noqa: ANN001
        text = _text(value)
        if COMMANDS.match(text):
            dispatcher.utter_message(response="utter_correction_not_command")
            return {"correction_text": None, NEUTRAL: True}
        return {"correction_text": text[:500] if len(text) >= 2 and not parsing.is_bare_yes(text) else None}


def name_fix(said: str, app: dict[str, Any] | None) -> tuple[str, str | None] | None:
    """A name put right ("我奶奶名字填错了 是陈秀珍不是陈秀贞", "不是陈秀贞是陈秀珍", "名字应该是陈秀珍"): (the right name, the
    one filed: as said, else the application's name one character away from it); None for any other correction."""
    right, wrong = corrections.right_and_wrong(said)
    right, wrong = parsing.parse_name(right or ""), parsing.parse_name(wrong or "")
    if not right or not (re.search(r"名字|姓名|名|叫", said) or wrong):
        return None
    filed = [m.get("name") or "" for m in (app or {}).get("members") or []]
    typo = [n for n in filed if len(n) == len(right) and n != right and sum(a != b for a, b in zip(n, right)) == 1]
    return right, wrong or (typo[0] if len(typo) == 1 else None)


async def file_correction(dispatcher: CollectingDispatcher, tracker: Tracker, number: str,
                          app: dict[str, Any] | None = None) -> list[EventType]:
    """The change request on the case's timeline, with what the person said, for the caseworker. A name is changed by
    the staff (the applicant's identity is theirs to check): the note says which name becomes which, and she is told
    plainly that the application keeps the old one until then."""
    said = [t for t in (tracker.get_slot("correction_said"), tracker.get_slot("correction_text")) if t]
    note = "；".join(dict.fromkeys(said))
    named = next((fix for t in reversed(said) if (fix := name_fix(t, app))), None)
    if named and named[1]:
        note = f"姓名更正：{named[1]}改为{named[0]}（原话：{note}）"
    whose = tracker.get_slot(WHOSE) or (app or {}).get("applicant_name")
    meant_for = {"number": number, **({"name": whose} if whose else {})}  # the backend records it on that case only
    done = await call(dispatcher, get_client().take_step(tracker.get_slot("citizen_token"), number, "request_change",
                                                         note=note[:2000], data={"meant_for": meant_for}))
    if done is not None and named:
        dispatcher.utter_message(response="utter_correction_name_filed", right=named[0], wrong=named[1] or "原来的名字",
                                 number=number, due=done.get("step_due_day") or "近几个工作日")
    elif done is not None:
        dispatcher.utter_message(response="utter_correction_filed", number=number, due=done.get("step_due_day") or "近几个工作日")
    return [SlotSet("correction_said", None), SlotSet("correction_text", None), SlotSet("after_verify", None),
            SlotSet(WHOSE, None)]


class ActionFileCorrection(Action):
    """What to correct was asked (correction_form): now the change request goes to the caseworker."""

    def name(self) -> str:
        return "action_file_correction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        number, token = tracker.get_slot("application_no"), tracker.get_slot("citizen_token")
        if not number or not token:
            return [SlotSet("correction_text", None)]
        if only_asks(tracker.get_slot("correction_text") or ""):
            return await nothing_to_correct(dispatcher, tracker, number)
        try:
            app = await get_client().application(token, number)  # the name filed, for a name put right
        except (BackendError, BackendUnavailable):
            app = None
        return await file_correction(dispatcher, tracker, number, app)


async def nothing_to_correct(dispatcher: CollectingDispatcher, tracker: Tracker, number: str) -> list[EventType]:
    """"没填错 就想看看" at "哪里填错了": nothing goes to the caseworker; what the case says is shown instead."""
    dispatcher.utter_message(response="utter_correction_none")
    app = await call(dispatcher, get_client().application(tracker.get_slot("citizen_token"), number))
    if app is not None:
        filed_view.say(dispatcher, number, app)
    return [SlotSet("correction_said", None), SlotSet("correction_text", None), SlotSet("after_verify", None),
            SlotSet(WHOSE, None)]
