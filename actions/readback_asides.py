"""A question asked at the read-back is answered, then ONE short line asks again — never the whole read-back, which
pushed a tester to submit (session 9, helper G8): "好久有人来我屋头看嘛", "啥子时候有人上门来看嘛 我腿不好走不动" get the
visit's time limits after filing (the backend's answer from the words, actions/visits.py TERM), "我以后咋个查嘛" how to
follow the application (actions/how_to_check.py). READBACK_SHORT tells action_ask_confirmed to say the short line."""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import fallback, health_said, how_to_check, parsing, visits

READBACK_SHORT = "readback_short"
# "我腿不好走不动", "要拄拐", "下不了楼": the visit comes to her, said so.
CANNOT_WALK = re.compile(r"走不动|走不得|走不了|腿不好|腿脚不好|腿脚不便|拄拐|行动不便|下不了楼|出不了门|动不了")


def type_wanted(text: str, tracker: Tracker) -> str | None:
    """"我要吃低保 咋个写的特困哦" at the read-back (read as a question about 特困, it got 特困's definition and the type
    stayed): the type she says she wants, when it is not the one on the application; None otherwise."""
    named = parsing.canonical_type(text)
    if not named or named == tracker.get_slot("assistance_type"):
        return None
    return named if re.search(rf"(要|想|吃|申请|办|是)[^，,。？?\s]{{0,3}}{named}", text) else None


async def answered(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """A question at the read-back answered (nothing filed yet: the time limits, never a case's own); False when the
    message is not one of these."""
    if how_to_check.answered(dispatcher, text) or health_said.answered(dispatcher, tracker, text):
        return True  # "我以后咋个查嘛"; "我腿不好 高血压 写上没得": from what was recorded
    found = await fallback.words_answer(text)
    if not found or found.get("term") != visits.TERM or not found.get("answer"):
        return False
    dispatcher.utter_message(text=found["answer"])
    if CANNOT_WALK.search(text):
        dispatcher.utter_message(response="utter_visit_comes_to_her")
    return True


def said_short(dispatcher: CollectingDispatcher, tracker: Tracker, fixes: list[dict]) -> list[EventType] | None:
    """The read-back asked again in one line with its buttons (its 改 buttons too: a newer message closes the older
    ones), when a question at it was just answered; None: the whole read-back as usual."""
    if not tracker.get_slot(READBACK_SHORT):
        return None
    dispatcher.utter_message(response="utter_readback_short", buttons=[
        {"title": "对，提交", "payload": "对，提交"}, {"title": "有地方要改", "payload": "有地方要改"}, *fixes])
    return [SlotSet(READBACK_SHORT, None)]
