"""Questions about a person's own data ("委托书照片哪些人看得到", "照片你们存好久", "人脸存起来做啥"), at any point:
answered from the backend (backend/policy/data/privacy.yaml, through GET /policy/answer), never booked as a
call-back, never taken for the answer to a form's question (the form asks its question again). Whether a
message is one is the backend's pattern (`privacy_cue` of GET /policy/offer, kept with the offer), so most
messages cost no request."""

import re

from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendUnavailable, get_client
from actions.fallback import answered_from_words

TOPIC = "个人信息"  # the backend's `term` for these answers


async def asks(text: str) -> bool:
    """Whether this message asks about her data (the backend's recogniser; False when it cannot be had)."""
    said = re.sub(r"\s+", "", text or "")
    if not said or said.startswith("/"):
        return False
    try:
        cue = (await get_client().offer()).get("privacy_cue")
    except (BackendError, BackendUnavailable):
        return False
    return bool(cue) and re.search(cue, said) is not None


async def answered(dispatcher: CollectingDispatcher, text: str) -> bool:
    """Say the answer when the message asks about her data; False (nothing said) otherwise."""
    return await asks(text) and await answered_from_words(dispatcher, text, only=TOPIC)
