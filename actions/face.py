"""Face links in the chat, and what comes before them.

A link goes out only when the backend has a reference face for the person (it answers 409 no_reference
otherwise, before any camera step). Then the web chat asks for a photo of the ID card (the chat page shows
an upload button for the one-time link the backend makes, and says the intent payload `then` when the
photo is kept, so the same journey continues); on SMS, or when the person cannot, the staff path.
A helper whose delegation lacks the scope (guardian mode needs "certify", signing "sign") is offered a
code to the principal's phone on record; the principal's answer adds the scope (scope_form), and the
face link follows. The backend decides everything; these only converse.
"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import codes
from actions.backend_client import BackendError, BackendUnavailable, get_client

# The intent that asks for each kind of face check: said again by the chat page once a photo is kept,
# and by the button that accepts the code to the principal.
ASK_AGAIN = {"authorization": "/sign_authorization", "certification": "/certify_liveness"}
# "不撤了", "不撤了 点错了" while her code for a withdrawal is awaited: nothing withdrawn (only "算了" used to stop it).
WITHDRAW_OFF = re.compile(r"不撤|别撤|不要撤|莫撤|先不撤|点错|按错|弄错了|搞错了|算了|不用了")
SCOPE_WORDS = {"sign": "刷脸签核对授权书", "certify": "刷脸做待遇资格认证", "withdraw": "撤回这一次的申请"}


def on_sms(tracker: Tracker) -> bool:
    return tracker.sender_id.startswith("sms:") or tracker.get_latest_input_channel() == "twilio"


async def ask(dispatcher: CollectingDispatcher, request: Any) -> tuple[Any, BackendError | None]:
    """The backend's answer, or its refusal (kept, the caller decides what to say); None after an outage."""
    try:
        return await request, None
    except BackendError as err:
        return None, err
    except BackendUnavailable:
        dispatcher.utter_message(response="utter_backend_unavailable")
        return None, None


async def issue_face_link(dispatcher: CollectingDispatcher, tracker: Tracker, token: str, number: str,
                          mode: str) -> list[EventType]:
    """A face link for `mode` (authorization | certification), or the step that must come first."""
    link, err = await ask(dispatcher, get_client().face_link(token, number, mode))
    if link is not None:
        dispatcher.utter_message(response=f"utter_face_link_{mode}", link=link["link"], json_message={"link": link["link"]})
        return []
    if err is None:
        return []
    if err.code == "no_reference":
        return await _ask_for_reference(dispatcher, tracker, token, number, mode)
    details = err.details if isinstance(err.details, dict) else {}
    if err.code == "no_delegation" and details.get("delegation_id"):
        return await _offer_scope(dispatcher, tracker, token, mode, int(details["delegation_id"]), str(details["missing_scope"]))
    dispatcher.utter_message(text=err.message)
    return []


async def _ask_for_reference(dispatcher: CollectingDispatcher, tracker: Tracker, token: str, number: str,
                             mode: str) -> list[EventType]:
    if on_sms(tracker):
        dispatcher.utter_message(response="utter_no_reference_staff")
        return []
    opened, err = await ask(dispatcher, get_client().id_photo_link(token, number, mode))
    if opened is None:
        if err is not None:
            dispatcher.utter_message(text=err.message)
            dispatcher.utter_message(response="utter_no_reference_staff")
        return []
    dispatcher.utter_message(response="utter_id_photo_ask",
                             json_message={"upload": opened["upload_url"], "then": ASK_AGAIN[mode]})
    return []


async def _offer_scope(dispatcher: CollectingDispatcher, tracker: Tracker, token: str, mode: str, delegation_id: int,
                       scope: str) -> list[EventType]:
    """First ask whether to send the code (the helper says the same thing again to accept); then send it."""
    offered = tracker.get_slot("scope_offered") or {}
    if offered.get("delegation_id") != delegation_id or offered.get("scope") != scope:
        dispatcher.utter_message(response="utter_scope_offer", scope_words=SCOPE_WORDS.get(scope, scope), again=ASK_AGAIN[mode])
        return [SlotSet("scope_offered", {"delegation_id": delegation_id, "scope": scope})]
    sent, err = await ask(dispatcher, get_client().send_scope_code(token, delegation_id, scope))
    if sent is None:
        if err is not None:
            dispatcher.utter_message(text=err.message)
        return [SlotSet("scope_offered", None)]
    dispatcher.utter_message(response="utter_scope_code_sent", phone_masked=sent["phone_masked"])
    return [SlotSet("scope_code", None), FollowupAction("scope_form")]


class ValidateScopeForm(FormValidationAction):
    """The code the principal received: it adds the scope, and then the face link is issued again."""

    def name(self) -> str:
        return "validate_scope_form"

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        text = str((tracker.latest_message or {}).get("text") or "")
        if tracker.get_slot("after_verify") == "withdraw" and not text.startswith("/") and WITHDRAW_OFF.search(text):
            number = tracker.get_slot("application_no")
            dispatcher.utter_message(response="utter_withdraw_kept" if number else "utter_nothing_withdrawn", number=number)
            return [ActionExecutionRejected(self.form_name()), ActiveLoop(None), SlotSet("requested_slot", None),
                    *(SlotSet(k, None) for k in ("scope_code", "scope_offered", "withdraw_confirmed", "after_verify", "paused_form")),
                    FollowupAction("action_listen")]
        return await super().get_validation_events(dispatcher, tracker, domain)

    async def validate_scope_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        text = str(value or "")
        code = "".join(c for c in text if c.isdigit())
        offered = tracker.get_slot("scope_offered") or {}
        if not code and offered.get("delegation_id") and codes.asks_resend(text):
            # "奶奶说没收到", "重发": her code again, within the same limits (a tester was told "验证码是6位数字" forever).
            sent, err = await ask(dispatcher, get_client().send_scope_code(tracker.get_slot("citizen_token"),
                                                                          int(offered["delegation_id"]), offered["scope"]))
            if sent is not None:
                dispatcher.utter_message(response="utter_scope_code_resent", phone_masked=sent["phone_masked"])
            elif err is not None:
                dispatcher.utter_message(text=err.message)
            return {"scope_code": None}
        if not code:
            # Nothing typed yet (the form opening clears the slot), the words that started this ("确定撤回"), or another
            # question: the question is simply asked again, which says how to resend or stop (never "验证码是6位数字"
            # before a code was typed, as a tester was told).
            return {"scope_code": None}
        if len(code) != 6 or not offered.get("delegation_id"):
            dispatcher.utter_message(response="utter_scope_code_invalid")
            return {"scope_code": None}
        added, err = await ask(dispatcher, get_client().add_scope(tracker.get_slot("citizen_token"),
                                                                   int(offered["delegation_id"]), offered["scope"], code))
        if added is None:
            if err is not None and err.code == codes.WRONG:
                dispatcher.utter_message(response="utter_code_wrong_or_old")  # with the way to a new one
            elif err is not None:
                dispatcher.utter_message(text=err.message)
            return {"scope_code": None}
        dispatcher.utter_message(response="utter_scope_added", scope_words=SCOPE_WORDS.get(offered["scope"], offered["scope"]))
        return {"scope_code": "ok", "scope_offered": None}
