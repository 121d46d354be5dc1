"""Numbered menus over SMS and WeChat: a basic phone cannot tap a button (and a 公众号 text reply has
none), so the buttons go out as "1. 低保 2. 特困" and the reply "1" (also "1号", "１", "第一个", "选1")
comes back as that button's payload.

The last menu sent to each conversation is remembered for a while (`MENU_TTL_SECONDS`); a bare digit
with no menu, or out of range, goes to the bot as typed. Where: in the channel's process, or — when
SMS_MENU_DB names a file, as `make run` does for its two Rasa workers — in that SQLite file, shared by
every worker of the machine (bot/local_state.py). With Rasa replicas on several machines behind one
Twilio number, route a number's messages to one replica (Twilio sends each conversation from one phone)
or the digit falls back to plain text — never a wrong choice.
"""

import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Protocol, Tuple

from bot.local_state import SQLiteMenus

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


class MenuStore(Protocol):
    def get(self, conversation: str) -> Optional[Tuple[List[str], float]]: ...
    def put(self, conversation: str, payloads: List[str], sent_at: float) -> None: ...
    def delete(self, conversation: str) -> None: ...


class InProcessMenus:
    """Menus in this process only. Thread-safe; oldest conversations are forgotten first."""

    def __init__(self) -> None:
        self._menus: Dict[str, Menu] = {}
        self._lock = threading.Lock()

    def get(self, conversation: str) -> Optional[Tuple[List[str], float]]:
        with self._lock:
            menu = self._menus.get(conversation)
        return (menu.payloads, menu.sent_at) if menu else None

    def put(self, conversation: str, payloads: List[str], sent_at: float) -> None:
        with self._lock:
            self._menus.pop(conversation, None)
            self._menus[conversation] = Menu(payloads, sent_at)
            while len(self._menus) > MAX_CONVERSATIONS:
                self._menus.pop(next(iter(self._menus)))

    def delete(self, conversation: str) -> None:
        with self._lock:
            self._menus.pop(conversation, None)


class MenuMemory:
    """The last numbered menu per conversation."""

    def __init__(self, ttl: float = MENU_TTL_SECONDS, clock=time.time, store: Optional[MenuStore] = None):  # noqa: ANN001
        self.ttl = ttl
        self.clock = clock
        self.store: MenuStore = store or InProcessMenus()

    @classmethod
    def from_env(cls) -> "MenuMemory":
        path = os.environ.get("SMS_MENU_DB")
        return cls(store=SQLiteMenus(path, MENU_TTL_SECONDS) if path else None)

    def remember(self, conversation: str, buttons: List[Dict[str, Any]]) -> None:
        payloads = [str(b.get("payload") or b.get("title") or "") for b in buttons]
        self.store.put(conversation, payloads, self.clock())

    def numbered(self, conversation: str, text: str, buttons: List[Dict[str, Any]]) -> str:
        """The text with its buttons as numbered choices; the menu is remembered for the reply."""
        choices = "\n".join(f"{i}. {b['title']}" for i, b in enumerate(buttons, start=1))
        self.remember(conversation, buttons)
        return f"{text}\n{choices}\n（回复前面的数字或直接打字）"

    def forget(self, conversation: str) -> None:
        self.store.delete(conversation)

    def resolve(self, conversation: str, text: str) -> str:
        """The payload a digit reply picks from this conversation's last menu; otherwise the text itself."""
        number = choice_number(text)
        if number is None:
            return text
        menu = self.store.get(conversation)
        if menu is None or self.clock() - menu[1] > self.ttl or not 1 <= number <= len(menu[0]):
            return text
        # A menu answers once: "1" later in the conversation is not this menu's first choice again.
        self.store.delete(conversation)
        return menu[0][number - 1] or text
