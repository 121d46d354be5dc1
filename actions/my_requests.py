"""What she filed besides applications, said with her progress: her 急难 reports that went to the street as urgent
call-backs (HD…), her call-backs and her complaints (TS…), each with its status, who handles it and by when.

A woman who had reported a 急难 and filed a complaint asked "查进度" and was told "这个手机号下面还没有申请记录". Which
requests her phone may see, and the line said for each, are the backend's (POST /service-desk/mine,
backend/service_desk/own.py); this module only says them, naming those filed in this chat with the phone they were
filed with."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked
from actions.backend_client import BackendError, BackendUnavailable, get_client
from actions.complaints import FILED

# after_verify modes that are not a progress query: a payment or a face link is not asked about these.
NOT_PROGRESS = ("payment", "authorization", "certification")


def named(tracker: Tracker) -> list[dict[str, Any]]:
    """The requests filed in this chat, each with the phone it was filed with: her complaints (complaints_filed) and
    the 急难 report that went as an urgent call-back (emergency_booked; one filed as an application is a case)."""
    found = [{"reference": c["reference"], "phone": c.get("phone")} for c in tracker.get_slot(FILED) or [] if c.get("reference")]
    report = tracker.get_slot(emergency_booked.SLOT) or {}
    if report.get("number") and not report.get("application"):
        found.append({"reference": report["number"], "phone": report.get("phone")})
    return found


async def say(dispatcher: CollectingDispatcher, tracker: Tracker, token: str | None, *, alone: bool = False) -> bool:
    """Her requests, after her applications' progress; `alone`: she has no application (then instead of "还没有申请
    记录"). False when there is none to say, the query is not about progress, or the backend does not answer (the
    progress already said stands)."""
    if tracker.get_slot("after_verify") in NOT_PROGRESS:
        return False
    try:
        mine = await get_client().my_requests(token, named(tracker))
    except (BackendError, BackendUnavailable):
        return False
    if not mine:
        return False
    lines = "\n".join(r["said"] for r in mine)
    dispatcher.utter_message(response="utter_my_requests_only" if alone else "utter_my_requests", lines=lines)
    return True
