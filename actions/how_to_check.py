"""Questions with no form open that the assistant can answer, never "这个我帮不上忙" (session 9, helper G8):
"我以后咋个查嘛" is how to follow an application (ask here "办到哪一步了", an SMS at each step, the street window);
"我一个月就一百五十多块" said alone is an offer of the pre-check with that figure kept for it."""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing

# actions/amount_answers.py SAID (imported from there it would close a loop: fallback → here → amount_answers → fallback)
SAID = "amounts_said"

# "我以后咋个查嘛", "以后怎么查", "交了咋个晓得办到哪了", "在哪里查结果": how, never "查一下" (that is the progress query).
HOW = r"(咋个|怎么|怎样|咋|如何|啷个|在哪|哪里|哪儿|去哪)"
HOW_TO_CHECK = re.compile(HOW + r"(样)?(能|才能|可以|去)?(查|看|晓得|知道)(嘛|呢|哦|喃|啊|呀|到|得到)?"
                          r"(结果|进度|办到|到哪|批没批|批了没)?[嘛呢哦喃啊呀？?]*$|以后" + HOW + r"(查|看|晓得|知道)")
# "我一个月就一百五十多块", "一个月才两百": an income said alone, outside any form.
INCOME_SAID = re.compile(r"(一个月|每个月|月收入|每月|一月)(就|才|只有|只|收入|有|拿|领)*[^，,。！!？?]{0,4}\d|"
                         r"(一个月|每个月|每月|一月)(就|才|只有|只|有|拿|领)*[零一二两三四五六七八九十百千万几]")


def asks_how_to_check(text: str) -> bool:
    return bool(HOW_TO_CHECK.search(re.sub(r"\s", "", text or "")))


def answered(dispatcher: CollectingDispatcher, text: str) -> bool:
    """How to follow an application, when that is the question."""
    if not asks_how_to_check(text):
        return False
    dispatcher.utter_message(response="utter_how_to_check")
    return True


def income_offer(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """An income said with no form open and no pre-check heard: the pre-check offered, the figure kept for its income
    question (read back as said when approximate). None when the message is not that."""
    if tracker.active_loop.get("name") or tracker.get_slot("precheck_heard") or not INCOME_SAID.search(text or ""):
        return None
    found = parsing.read_amount(text, per_month=True)
    if found is None:
        return None
    said = {k: v for k, v in (tracker.get_slot(SAID) or {}).items() if k != "monthly_income"}
    if found.approximate:
        said["monthly_income"] = found.said or f"约{parsing.as_typed(found.value)}"  # as amount_answers.noted keeps it
    figure = said.get("monthly_income") or parsing.as_typed(found.value)
    dispatcher.utter_message(response="utter_offer_precheck_income", income=figure,
                             buttons=[{"title": "帮我测一测", "payload": "/check_eligibility"}, {"title": "先不用", "payload": "/deny"}])
    return [SlotSet("monthly_income", float(found.value)), SlotSet(SAID, said or None)]
