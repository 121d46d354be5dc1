"""After a 急难 report filed in this conversation (session 9, helper G10; a kitchen fire in 渝北, his wife in hospital):

- "医院要压金两千块 我身上没得钱" heard only "看病、住院的钱，还可以问问医疗救助": the deposit is answered from the backend's
  data (backend/policy/data/urgent_needs.yaml, 押金: 先行救助, the hospital's 住院处 asked to wait, 医疗救助 after 医保),
  his case's number said for the hospital, and the need put on the case as 【急需：押金】 for the caseworker;
- "今天晚上我去儿子那点挤一下 救助站就不去了" (read as stop) heard "好的。还有别的要帮忙的吗？": his plans go on the case as a
  note ("今晚住儿子家") with a short acknowledgement."""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked
from actions.answers.kin import KIN_PATTERN
from actions.backend_client import BackendError, BackendUnavailable, get_client

# The hospital's deposit (the wording is the backend's; this only tags the note and says his number).
DEPOSIT = re.compile(r"押金|压金|预交金|预缴金")
# "今天晚上我去儿子那点挤一下", "今晚住我女儿屋头", "我先去朋友家": where he sleeps tonight, his own plan.
STAYS = re.compile(rf"(今天晚上|今晚|晚上|这几天)?[^，。？?！!]{{0,4}}(?:去|到|在|住)(?:我)?({KIN_PATTERN}|朋友|亲戚|邻居)"
                   r"(?:那点|那里|那儿|那边|家|屋头|屋里|那)")
# "救助站就不去了", "不用安排住处", "不用管我住的": a help offered that he does not need.
DECLINES = re.compile(r"(?:救助站|住处|住的)[^，。？?！!]{0,4}(?:不去|不用|不要|莫)|不去救助站")
NOTE_MAX = 500


def stay_of(text: str) -> str | None:
    """"今晚住儿子家" from "今天晚上我去儿子那点挤一下"; None when no place of his own is said."""
    found = STAYS.search(text)
    if not found:
        return None
    when = "今晚" if found.group(1) in (None, "今天晚上", "今晚", "晚上") else found.group(1)
    return f"{when}住{found.group(2)}家"


def plans(text: str) -> str | None:
    """What the case's note says of his plans: "今晚住儿子家；不去救助站", or None when he says none."""
    said = [s for s in (stay_of(text), "不去救助站" if DECLINES.search(text) else None) if s]
    return "；".join(said) or None


async def note(tracker: Tracker, line: str) -> bool:
    """A line on his 急难 application for the caseworker (add_information); False when it did not go."""
    kept = tracker.get_slot(emergency_booked.SLOT) or {}
    token, number = tracker.get_slot("citizen_token"), kept.get("application")
    if not (token and number):
        return False
    try:
        await get_client().take_step(token, number, "add_information", note=line[:NOTE_MAX])
    except (BackendError, BackendUnavailable):
        return False
    return True


async def plans_heard(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """"今天晚上我去儿子那点挤一下 救助站就不去了" after a report: on the case, said back short; None otherwise."""
    kept = tracker.get_slot(emergency_booked.SLOT) or {}
    said = plans(text or "")
    if not kept or not said:
        return None
    if await note(tracker, f"【本人说】{said}（原话：{text}）"):
        dispatcher.utter_message(response="utter_emergency_plans_noted", said=said, number=kept.get("application"))
    else:
        dispatcher.utter_message(response="utter_emergency_plans_heard", said=said, number=kept.get("number") or "")
    return [FollowupAction("action_listen")]


def deposit_note(text: str) -> str:
    """The note on his case: the need first (【急需：押金】) for the caseworker, then his words."""
    return f"【急需：押金】{text}" if DEPOSIT.search(text) else text


def say_deposit_number(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """After the backend's deposit answer: his case's number to give the hospital. True when the deposit was said."""
    number = (tracker.get_slot(emergency_booked.SLOT) or {}).get("application")
    if not DEPOSIT.search(text):
        return False
    if number:
        dispatcher.utter_message(response="utter_emergency_deposit_number", number=number)
    return True
