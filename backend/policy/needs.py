"""What to do tonight without a bed or food ("今晚住哪点", "娃儿没得地方住"), from data/urgent_needs.yaml: the one
place these answers are said. Checked in the policy answer before the other answers, so the assistant's fallback and
forms (which ask /policy/answer) give it wherever it is asked."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from backend.core.templates import text_env
from backend.regions.offices import Office

NEEDS_FILE = Path(__file__).with_name("data") / "urgent_needs.yaml"
TOPIC = "急需"  # PolicyAnswer.term of these answers


@dataclass(frozen=True)
class Need:
    key: str
    asks: re.Pattern[str]
    text: str  # a jinja2 template given `office`


@lru_cache
def _file() -> tuple[tuple[Need, ...], str]:
    raw = yaml.safe_load(NEEDS_FILE.read_text(encoding="utf-8"))
    return tuple(Need(key, re.compile(entry["asks"]), entry["text"]) for key, entry in raw["needs"].items()), raw["call_now"]


def get_needs() -> tuple[Need, ...]:
    return _file()[0]


def said_in(said: str | None) -> list[Need]:
    """The needs a message says ("今晚没得地方睡" → 住处), in the file's order."""
    text = re.sub(r"\s+", "", said or "")
    return [n for n in get_needs() if n.asks.search(text)] if text else []


def answer(said: str | None, office: Office) -> str | None:
    """The answer to each need the message says, in the file's order; None for any other message."""
    found = said_in(said)
    if not found:
        return None
    # Rendered, then the folded lines' spaces dropped (Chinese has none; the tags keep theirs until rendered).
    call_now = text_env().from_string(_file()[1]).render(office=office)
    return "\n".join("".join(text_env().from_string(n.text).render(call_now=call_now).split()) for n in found)
