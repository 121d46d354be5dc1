"""Whether two kinds of help can be had at once ("低保和特困能一起拿不"), from data/together.yaml: the one place these
answers are said. Checked in the policy answer before a type's own rules, so the question is never answered with one
type's amount (a tester asking four times got the 特困 standard or the eligibility quiz)."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TOGETHER_FILE = Path(__file__).with_name("data") / "together.yaml"
TOPIC = "同时享受"  # PolicyAnswer.term of these answers


@dataclass(frozen=True)
class Pair:
    key: str
    names: tuple[re.Pattern[str], ...]
    text: str


@lru_cache
def _file() -> tuple[re.Pattern[str], tuple[Pair, ...]]:
    raw = yaml.safe_load(TOGETHER_FILE.read_text(encoding="utf-8"))
    pairs = tuple(Pair(key, tuple(re.compile(n) for n in entry["names"]), "".join(entry["text"].split()))
                  for key, entry in raw["pairs"].items())
    return re.compile(raw["asks"]), pairs


def answer(said: str | None) -> str | None:
    """The answer when the message names both kinds of help of a pair and asks for them at once; None otherwise."""
    text = re.sub(r"\s+", "", said or "")
    asks, pairs = _file()
    if not text or not asks.search(text):
        return None
    return next((p.text for p in pairs if all(n.search(text) for n in p.names)), None)
