"""One-time codes as people handle them: a resend asked for in their words ("重发", "没收到", "再发一次", "收不到"),
and a lock-out after too many wrong codes — said once, with its end time as people say it ("15分钟后，16:40以后"),
the form paused with every answer kept (action_pause_form, in actions/drafts.py), the way back and a person offered."""

import math
import re
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rasa_sdk.events import ActionExecutionRejected, EventType, FollowupAction

from actions.backend_client import BackendError, BackendUnavailable, Dispatcher
from actions.neutral import NEUTRAL

T = TypeVar("T")
CHINA = ZoneInfo("Asia/Shanghai")
RESEND = re.compile(r"重发|重新发|再发|没收到|没有收到|莫得收到|没得收到|收不到|没来|还没到|没到")
# The backend's answer when codes for this phone were tried too often (backend/auth/throttle.py "code_check").
LOCKED = (429, "too_many_requests")
WRONG = "wrong_code"  # the backend's code for a wrong or expired one (backend/auth/otp.py WrongCode)
# A validator returns this key when the form must pause (SharedValidators turns it into events).
PAUSE = "_pause_form"


def asks_resend(text: str) -> bool:
    """"重发" / "没收到" / "再发一次" / "收不到": a new code, not a wrong one (a message with a code in it is a code)."""
    return bool(RESEND.search(text)) and not re.search(r"\d{4,}", text)


# "等下我打电话问她", "我问下她", "等她回我": the person will ask whoever holds the phone — a wait, nothing to book.
ASKS_HOLDER = re.compile(r"我(先|去|再|马上)?(打(个)?电话|问(一?下|问)?|联系)(给|问)?(她|他|一?下)|等(她|他|老人|奶奶|外婆|我妈)(回|告诉|发|看)")


def waits_for_holder(text: str) -> bool:
    """He will phone or ask her for the code himself: the question stays open (never a call-back, never a wrong code)."""
    return bool(ASKS_HOLDER.search(text)) and not re.search(r"\d{4,}", text)


# "等下 奶奶在找短信 她不太会看", "稍等", "还在找": the code is coming — a wait, never a wrong code (no try counted).
WAITING = re.compile(r"等(一)?下|等等|稍等|等一会|等会|在找|找(一下|下)?短信|还没(看|找)|不太会看|不会看|马上|慢慢|莫急|别急|一会儿")


def waits(text: str) -> bool:
    """Words of waiting at a code question, with no code in them."""
    return bool(WAITING.search(text)) and not re.search(r"\d{4,}", text)


def asks_what(text: str) -> bool:
    """"验证码是啥子", "在哪里看": a question about the code, not a wrong one."""
    return bool(re.search(r"啥|什么|哪个|哪里|在哪|咋|怎么|是哪样|不懂|不晓得", text)) and not re.search(r"\d{4,}", text)


USED_UP = "code_used_up"  # the backend's word for a code that had all its tries (backend/auth/otp.py)


def said_until(seconds: int, now: datetime | None = None) -> tuple[int, str]:
    """(minutes, the time it ends in China) — "16:40", or "明天08:10" past midnight."""
    now = (now or datetime.now(CHINA)).astimezone(CHINA)
    until = now + timedelta(seconds=seconds)
    day = "" if until.date() == now.date() else "明天"
    return max(1, math.ceil(seconds / 60)), f"{day}{until:%H:%M}"


async def checked(dispatcher: Dispatcher, request: Awaitable[T]) -> tuple[T | None, dict[str, Any]]:
    """Like backend_client.call for a code being checked: a lock-out is said here (once) and asks the form to
    pause ({PAUSE: True}); any other failure is said as the backend put it."""
    try:
        return await request, {}
    except BackendUnavailable:
        dispatcher.utter_message(response="utter_backend_unavailable")
    except BackendError as err:
        seconds = (err.details or {}).get("retry_after_seconds") if isinstance(err.details, dict) else None
        if (err.status, err.code) == LOCKED and seconds:
            minutes, until = said_until(int(seconds))
            dispatcher.utter_message(response="utter_code_locked", minutes=minutes, until=until)
            return None, {PAUSE: True}
        if err.code == WRONG:
            # "验证码不对或已过期，请重新获取" left people guessing how: the way to a new one is said.
            dispatcher.utter_message(response="utter_code_wrong_or_old")
            return None, {}
        if err.code == USED_UP:
            # "作废了，说重发": the way on is said, every answer kept, and it is not one more wrong answer.
            dispatcher.utter_message(response="utter_code_used_up")
            return None, {NEUTRAL: True}
        dispatcher.utter_message(text=err.message)
    return None, {}


async def sent(dispatcher: Dispatcher, request: Awaitable[Any]) -> tuple[bool, dict[str, Any]]:
    """Like backend_client.call for a code being sent: when the phone had too many codes, that is said once with
    when to try again, and the form pauses ({PAUSE: True}) instead of asking for the phone again and again."""
    try:
        await request
        return True, {}
    except BackendUnavailable:
        dispatcher.utter_message(response="utter_backend_unavailable")
    except BackendError as err:
        if err.status == 429:
            details = err.details if isinstance(err.details, dict) else {}
            if details.get("limit") not in (None, "phone"):
                # Not the phone's codes: a helper's own ceiling for codes to other people's phones (or her chat's),
                # said as the backend put it; "这个手机号…太多了" made a grid worker think her own phone was blocked.
                dispatcher.utter_message(text=err.message)
                return False, {PAUSE: True}
            minutes, until = said_until(int(details.get("retry_after_seconds") or 3600))
            dispatcher.utter_message(response="utter_code_requests_locked", minutes=minutes, until=until)
            return False, {PAUSE: True}
        dispatcher.utter_message(text=err.message)
    return False, {}


def pause_events(form: str, events: list[EventType]) -> list[EventType]:
    """The validation's events for a paused form: what was answered stays, the form does not ask again, and
    action_pause_form closes it."""
    kept = [e for e in events if e.get("name") != PAUSE]
    return kept + [ActionExecutionRejected(form), FollowupAction("action_pause_form")]
