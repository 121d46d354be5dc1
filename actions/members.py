"""A household member who cannot be added now: "那不加她了" leaves her out; "她身份证烧了 号码记不到" at the ID
question keeps her name for the caseworker ("身份证号待补") instead of asking for the number again and again
(seen by a tester: "您输入的是5位", "9位", "3位" to every way of saying it)."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

MEMBER_SLOTS = ("member_name", "member_id", "member_relation", "member_income")
LATER = "members_later"  # [{"name", "relation"}]: in the household, ID number to be added by the caseworker
NOT_ADDING = re.compile(r"不加(了|她|他|这个|这位)|不用加|别加|莫加|不要加|算了不加|那就不加|不填(她|他)了")
NO_ID = re.compile(r"记不到|记不得|不记得|不晓得|不知道|忘了|烧了|丢了|掉了|没带|找不到|莫得身份证|没有身份证|没得身份证|以后补|后面补|回头补")


def left_out(slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any] | None:
    """The slots when this answer leaves the member in progress out (or for later); None when it does not."""
    cleared = {s: None for s in MEMBER_SLOTS}
    if NOT_ADDING.search(text):
        dispatcher.utter_message(response="utter_member_left_out")
        return {**cleared, "more_members": None}
    if slot == "member_id" and NO_ID.search(text) and not re.search(r"\d{6,}", text):
        name = tracker.get_slot("member_name") or "这位家人"
        dispatcher.utter_message(response="utter_member_id_later", name=name)
        later = [*(tracker.get_slot(LATER) or []), {"name": name, "relation": tracker.get_slot("member_relation")}]
        return {**cleared, LATER: later, "more_members": None}
    return None


def later_note(later: list[dict] | None) -> str:
    """For the caseworker (the reason) and the read-back: who is in the household without an ID number yet."""
    names = "、".join(m["name"] for m in later or [])
    return f"（家里还有{names}，身份证号待补，请工作人员核实）" if names else ""
