"""Help to repair a house, asked ("修房子有没得补助", "房子遭水淹了 修要补助不"), from data/house_repair.yaml: the one place
this answer is said. Checked in the policy answer before a type's own rules, so it is never one type's amount, and the
chat answers it as a question, never as a 急难 to report (a tester's question after her report opened a new one)."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from backend.core.templates import text_env
from backend.regions.offices import Office

HOUSE_FILE = Path(__file__).with_name("data") / "house_repair.yaml"
TOPIC = "修房子"  # PolicyAnswer.term of this answer


@dataclass(frozen=True)
class Question:
    house: re.Pattern[str]
    help: re.Pattern[str]
    asks: re.Pattern[str]
    text: str  # a jinja2 template given `office`


@lru_cache
def _file() -> Question:
    raw = yaml.safe_load(HOUSE_FILE.read_text(encoding="utf-8"))
    return Question(re.compile(raw["house"]), re.compile(raw["help"]), re.compile(raw["asks"]), raw["text"])


def answer(said: str | None, office: Office | None) -> str | None:
    """The answer when the message asks for help to repair a house; None otherwise."""
    text = re.sub(r"\s+", "", said or "")
    q = _file()
    if not (text and q.house.search(text) and q.help.search(text) and q.asks.search(text)):
        return None
    return text_env().from_string(q.text).render(office=office).strip()
