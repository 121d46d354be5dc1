"""Numbered menus over SMS: a basic phone cannot tap a button, so the buttons go out as "1. 低保 2. 特困"
and the reply "1" (also "1号", "１", "第一个", "选1") comes back as that button's payload.

The last menu sent to each conversation is remembered here, in the channel's process, for a while
(`MENU_TTL_SECONDS`); a bare digit with no menu, or out of range, goes to the bot as typed. With
several Rasa replicas behind one Twilio number, route a number's messages to one replica (Twilio
sends each conversation from one phone) or the digit falls back to plain text — never a wrong choice.
"""

import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

MENU_TTL_SECONDS = 30 * 60
MAX_CONVERSATIONS = 10_000
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# The whole reply is a choice: "1", "1号", "选1", "第1个", "第一个", "一", "1." — nothing else around it.
CHOICE = re.compile(r"^(?:选|选择|我选)?第?\s*(\d{1,2}|[一二两三四五六七八九十])\s*(?:号|个|项|条|种)?[.。、!！]?$")


@dataclass
class Menu:
    payloads: List[str]
    sent_at: float


def choice_number(text: str) -> Optional[int]:
    """The number a reply picks, or None when the reply is not just a choice."""
    m = CHOICE.match(text.strip().translate(FULLWIDTH))
    if m is None:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else CN_DIGITS[token]


class MenuMemory:
    """The last numbered menu per conversation. Thread-safe; oldest conversations are forgotten first."""

    def __init__(self, ttl: float = MENU_TTL_SECONDS, clock=time.monotonic):  # noqa: ANN001
        self.ttl = ttl
        self.clock = clock
        self._menus: Dict[str, Menu] = {}
        self._lock = threading.Lock()

    def remember(self, conversation: str, buttons: List[Dict[str, Any]]) -> None:
        payloads = [str(b.get("payload") or b.get("title") or "") for b in buttons]
        with self._lock:
            self._menus.pop(conversation, None)
            self._menus[conversation] = Menu(payloads, self.clock())
            while len(self._menus) > MAX_CONVERSATIONS:
                self._menus.pop(next(iter(self._menus)))

    def forget(self, conversation: str) -> None:
        with self._lock:
            self._menus.pop(conversation, None)

    def resolve(self, conversation: str, text: str) -> str:
        """The payload a digit reply picks from this conversation's last menu; otherwise the text itself."""
        number = choice_number(text)
        if number is None:
            return text
        with self._lock:
            menu = self._menus.get(conversation)
            if menu is None or self.clock() - menu.sent_at > self.ttl or not 1 <= number <= len(menu.payloads):
                return text
            # A menu answers once: "1" later in the conversation is not this menu's first choice again.
            del self._menus[conversation]
        return menu.payloads[number - 1] or text
