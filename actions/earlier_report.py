"""An earlier report asked about in a new conversation: "我昨天报的火灾那个 咋个样了 还没得人打电话来".

A tester (胡建国, his flat burnt the night before) asked this the next day and was asked his phone and street and
filed a second call-back (HD000004); "你们好久打电话来" was then read as a street. A question about an earlier report is a
progress query: his phone verified (a number said in the message is that phone: the code goes to it at once, it is
never asked again), then what his phone may see — his 急难 application, or the urgent call-back it went as, each with
its status (action_after_verify: GET /applications/mine and POST /service-desk/mine, the backend's one answer) —
never a new call-back for a status question.

Imports no other action module but leaves: the call-back and the 急难 report both use it."""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import codes, emergency_booked, emergency_others, parsing
from actions.backend_client import get_client

# "我昨天报的火灾那个", "前几天报了急难", "昨晚报的": a report made before this conversation.
BEFORE = re.compile(r"(?:昨天|昨晚|昨天晚上|前天|前几天|前两天|上午|下午|早上|之前|前头|上次|先前|那天)[^，。,.\s]{0,4}报(?:的|了|过|上)")
# "咋个样了", "还没得人打电话来", "好久来人", "办得怎么样": how it stands.
HOW = re.compile(r"咋个样|怎么样|咋样|啥情况|什么情况|进度|到哪|办得|办了没|还没|没得人|没人|莫得人|好久|多久|啥时候|什么时候|"
                 r"有人管|管没管|有没有人|有没得人|打电话来|来人")
PROGRESS = "progress"  # after_verify: what his phone shows (actions/journeys.py ActionAfterVerify)


def asks(tracker: Tracker, text: str) -> bool:
    """A question about a report made before this conversation (nothing reported or booked here)."""
    if not text or text.startswith("/") or tracker.get_slot("emergency_filed") or tracker.get_slot(emergency_booked.SLOT) \
            or tracker.get_slot("callback_booked"):
        return False
    earlier = BEFORE.search(text) or emergency_others.REPORTED.search(text) or emergency_others.REFERENCE.search(text)
    return bool(earlier and HOW.search(text))


async def start(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType]:
    """What his phone shows once verified; a phone said in the message gets its code at once (never asked again)."""
    events: list[EventType] = [SlotSet("after_verify", PROGRESS), SlotSet("callback_topic", None)]
    if tracker.get_slot("phone_verified") and tracker.get_slot("citizen_token"):
        return [*events, FollowupAction("action_after_verify")]
    phone = parsing.parse_phone(text)
    if phone:
        ok, paused = await codes.sent(dispatcher, get_client().request_code(phone))
        if ok:
            dispatcher.utter_message(response="utter_code_sent")
            return [*events, SlotSet("verify_phone", phone), SlotSet("verify_code", None), FollowupAction("verify_form")]
        events += [SlotSet(k, v) for k, v in paused.items()]
    dispatcher.utter_message(response="utter_earlier_report_phone")
    return [*events, SlotSet("verify_phone", None), SlotSet("verify_code", None), FollowupAction("verify_form")]
