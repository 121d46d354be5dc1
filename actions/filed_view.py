"""What a filed application says now, for "申请里现在写的啥 家里几口人 爷爷的身份证号补上了没": a question about the case
is answered from the case (who, the household, whose ID number is still to come, the materials still missing),
never taken for a correction; "没填错 就想看看" at the correction question files nothing. The backend's application
detail (`GET /applications/{number}`) is the one owner of what is on the case."""

import re
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

# A question: 吗/没/啥/几/怎么/多少/？ ("补上了没", "写的啥", "几口人", "算进去没有").
ASKS = re.compile(r"吗|嘛[\s？?]*$|(没|没有)[\s？?]*$|进去没|[了上](没|没有)|有没有|是不是|啥|什么|几[口个位样]|怎么|咋|多少|[？?]|对不对|看看|看一下|查一下")
# At "哪里填错了": it was not a correction ("没填错", "不是要改", "就想看看").
DECLINES = re.compile(r"^\s*(没|没有|没得)(填|写)?错|不是要改|不是改|不用改|不要改|不需要改|(就|只)(是)?想?(看看|看一下|问问|问一下)|"
                      r"(看看|看一下|问问)就(行|好|可以)")


def asks(text: str) -> bool:
    """The words ask about the case (a question), whatever else they name."""
    return bool(ASKS.search(text or ""))


def declines(text: str) -> bool:
    """Said at the correction question: nothing is to be corrected."""
    return bool(DECLINES.search(text or ""))


def _member(m: dict[str, Any]) -> str:
    relation = m.get("relation") or ""
    return f"{m['name']}（{relation}）" if relation and relation != "本人" else m["name"]


def say(dispatcher: CollectingDispatcher, number: str, app: dict[str, Any]) -> None:
    """The case as filed, in a few lines: the type and where it stands, the household by name, whose ID number is
    still to come, what materials are still missing, and how to put something right."""
    members = app.get("members") or []
    dispatcher.utter_message(response="utter_filed_view", number=number, applicant_name=app.get("applicant_name") or "",
                             assistance_type=app.get("assistance_type") or "", status_label=app.get("status_label") or "",
                             size=len(members) or 1, members="、".join(_member(m) for m in members) or app.get("applicant_name") or "")
    pending = "、".join(m["name"] for m in members if m.get("id_pending"))
    if pending:
        dispatcher.utter_message(response="utter_member_ids_still_needed", names=pending)
        dispatcher.utter_message(response="utter_member_ids_how", names=pending)
    else:
        dispatcher.utter_message(response="utter_filed_view_ids_done")
    missing = "、".join((app.get("progress") or {}).get("missing") or [])
    if missing:
        dispatcher.utter_message(response="utter_filed_view_missing", missing=missing)
    dispatcher.utter_message(response="utter_filed_view_to_fix")
