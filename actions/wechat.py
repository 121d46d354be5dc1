"""WeChat conversations (sender id `wechat:<openid>`): binding the OpenID after a phone code, and a bound
user's citizen token without a new code. The backend owns the bindings and says the words; failures
here never stop a form — the person is simply asked for a code as everywhere else."""

import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendUnavailable, get_client

log = logging.getLogger(__name__)
PREFIX = "wechat:"


def openid_of(tracker: Tracker) -> str | None:
    sender = tracker.sender_id or ""
    return sender[len(PREFIX):] or None if sender.startswith(PREFIX) else None


async def bound_session(tracker: Tracker, dispatcher: CollectingDispatcher, phone: str | None = None) -> dict[str, Any] | None:
    """In a WeChat conversation whose OpenID is bound (to `phone`, when given): the slots of a verified
    phone, said to the person; otherwise None, and a code is sent as usual."""
    openid = openid_of(tracker)
    if openid is None:
        return None
    try:
        found = await get_client().wechat_session(openid, phone)
    except (BackendError, BackendUnavailable) as err:  # not bound, or WeChat not configured: a code as usual
        log.info("no wechat session: %s", getattr(err, "code", type(err).__name__))
        return None
    dispatcher.utter_message(text=found["reply"])
    return {"citizen_token": found["citizen_token"], "verified_phone": phone or found["phone"], "phone_verified": True,
            "verify_code": "ok"}


async def bind_after_code(tracker: Tracker, dispatcher: CollectingDispatcher, token: str, phone: str) -> None:
    """After a phone code was verified in a WeChat conversation: tie the OpenID to that phone and say so."""
    openid = openid_of(tracker)
    if openid is None:
        return
    try:
        answer = await get_client().wechat_bind(openid, token, phone)
    except BackendError as err:  # e.g. this WeChat speaks for another phone: the backend says what to do
        dispatcher.utter_message(text=err.message)
        return
    except BackendUnavailable:
        log.warning("wechat binding not made: backend unavailable or WeChat not configured")
        return
    dispatcher.utter_message(text=answer["reply"])
