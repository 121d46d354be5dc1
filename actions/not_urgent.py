"""No emergency: a pre-check answer the NLU read as one, and "没得急事" inside the 急难 report.

An 81-year-old answered the pre-check's "有没有儿女…有能力照顾您" with "儿子在广东 一分钱都不拿回来": the NLU read it
as report_emergency and she got "别着急…有危险请马上打119" and the 急难 name question; "我又莫得啥子危险 119做啥子" and
"不是急事 我是问低保" were then "这个好像不是名字", "不要不要 我不报" was taken as her name. Now an answer to a pre-check
question is its answer unless it names a real danger (fire, water, an injury, a hospital now, no food or bed tonight:
DANGER), and any denial of an emergency inside the report leaves it, nothing filed, back to what she was doing (the form
it paused, or her question answered).
"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing

# A real danger, now: what makes a message an emergency whatever question it answers.
DANGER = re.compile(r"着火|失火|起火|火灾|烧了|烧伤|烧到|冒烟|淹|涨水|发水|进水|垮了|塌了|受伤|伤了|流血|摔倒|摔伤|跌倒|晕倒|昏倒|"
                    r"车祸|抢救|住院|医院|救护车|(?:没|莫|冇)(?:得|有)?(?:饭|东西)?吃|断顿|饿|(?:没|莫|冇)(?:得|有)?地方(?:住|睡)|"
                    r"睡哪|住哪|露宿|被困|困住|救命|打人|闹事")
# "没得急事", "不是急事", "我又莫得啥子危险", "不要不要 我不报", "报啥子急难哦": no emergency, or no report wanted.
NO_EMERGENCY = re.compile(r"(?:没|莫|冇|不)(?:得|有|是)?(?:啥子|啥|什么|么子|哪样|个)?(?:急事|危险|急难|紧急|要紧事)|"
                          r"不是(?:急|要紧)|(?:119|120|110)(?:做|干)(?:啥|什么)|(?:啥子|啥|什么)急难")
NO_REPORT = re.compile(r"(?:不|莫|别|不用|不要)(?:要)?报(?![得上])|不要不要|(?:报|报告)(?:啥子|啥|什么)")
DENIES = re.compile(f"{NO_EMERGENCY.pattern}|{NO_REPORT.pattern}")
# What she was doing instead ("我是问低保"): a type or a question, answered as a policy question.
ASKS = re.compile(r"问|想|咨询|了解|办|申请|能不能|可不可以|[？?吗嘛]")
LEFT = ("emergency_what", "emergency_for", "emergency_about", "emergency_confirmed", "form_retries", "ask_style")


def names_danger(text: str) -> bool:
    return bool(DANGER.search(text or ""))


def denies(text: str) -> bool:
    """Whether a message says there is no emergency, or no report wanted, and names no danger."""
    t = (text or "").strip()
    return not t.startswith("/") and bool(DENIES.search(t)) and not names_danger(t)


def stops_report(tracker: Tracker, text: str) -> bool:
    """Inside the 急难 report: no report wanted ("我不报"), or no emergency where what was reported names no danger ("火灭了
    莫得危险了" after a fire is not that: the report goes on)."""
    if not denies(text):
        return False
    return bool(NO_REPORT.search(text)) or not names_danger(str(tracker.get_slot("emergency_what") or ""))


def leave_report(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The 急难 report stops, nothing filed, and she goes back: the form it paused (the pre-check, her application) asks
    its question again with every answer kept; otherwise her question ("我是问低保") is answered, or she is asked what
    she wants, a person offered."""
    text = str((tracker.latest_message or {}).get("text") or "").strip()
    requested = tracker.get_slot("requested_slot")
    paused = tracker.get_slot("paused_form")
    left = [ActionExecutionRejected("emergency_form"), ActiveLoop(None), *([SlotSet(requested, None)] if requested else []),
            SlotSet("requested_slot", None), *(SlotSet(s, None) for s in LEFT)]
    if paused and paused != "emergency_form":
        dispatcher.utter_message(response="utter_not_urgent_back")
        return [*left, SlotSet("paused_form", None), FollowupAction(paused)]
    if parsing.canonical_type(text) or ASKS.search(DENIES.sub("", text)):
        dispatcher.utter_message(response="utter_not_urgent")
        return [*left, FollowupAction("action_answer_policy")]
    dispatcher.utter_message(response="utter_not_urgent")
    dispatcher.utter_message(response="utter_not_urgent_what_now")
    return [*left, FollowupAction("action_listen")]


class NotUrgent:
    """Mixin for the pre-check's validator (first in its bases): "我没得急事" at one of its questions is no answer to it
    (never the "没有" of "有没有儿女…"): said back, and the same question asked again, nothing counted."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        if requested and requested in tracker.slots_to_validate() and denies(text) and not re.search(r"\d", text):
            dispatcher.utter_message(response="utter_not_urgent_precheck")
            tracker.slots[requested] = None
            return [SlotSet(requested, None)]
        return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
