""""你们可不可以来屋头帮我弄": whether the street's staff can come to her home to help her apply, asked — answered, never
booked (a tester's 81-year-old got "按急事登记了…排在最前面" and a 急难报告 she never made on her progress).

Yes: for the old or disabled who cannot go out, the street's (社区's) staff come to the home — the 入户调查 is made there
anyway (backend/policy/visits.py), and the 核对授权书 is signed there on paper (backend/authorizations/ways.py
`staff_home_visit`). She is offered a normal call-back to arrange the visit (her words kept as its topic: never urgent
unless she says so, actions/callbacks.py is_urgent) or to apply here in the chat now.
"""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

CAN = re.compile(r"可不可以|能不能|能否|可以不|行不行|行不|得不得行|能不|可以.{0,12}[吗嘛噻][？?]?$|能.{0,12}[吗嘛][？?]?$|[？?]$")
HOME = re.compile(r"来(?:我)?(?:屋头|屋里|家里|家头|我家|我屋)|到(?:我)?(?:屋头|屋里|家里|我家)|上门|入户|屋头来|家里来")
# Said so: then the call-back is urgent as before (actions/callbacks.py URGENT).
HURRY = re.compile(r"马上|立刻|立即|赶紧|赶快|现在就|今天|等不(?:了|得|起)|(?<![不别莫没])急")
WHEN = re.compile(r"啥时候|什么时候|啥子时候|好久|哪天|几时|多久|来没来|还没来")
TOPIC = "请工作人员上门帮忙申请（行动不便）："


def asks(text: str) -> bool:
    """"你们可不可以来屋头帮我弄", "能不能上门帮我办": whether someone comes to the home, asked (not when, not in a hurry)."""
    t = re.sub(r"\s+", "", text or "")
    return not t.startswith("/") and bool(CAN.search(t) and HOME.search(t)) and not WHEN.search(t) and not HURRY.search(t)


def answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Yes, plainly; then a normal call-back to arrange it (her words its topic) or the application here, her choice."""
    said = str(tracker.latest_message.get("text") or "").strip()
    dispatcher.utter_message(response="utter_home_help")
    return [SlotSet("callback_topic", f"{TOPIC}{said}"[:200])]
