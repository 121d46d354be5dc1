"""Questions about a person's own data ("委托书照片哪些人看得到", "照片你们存好久"), from data/privacy.yaml: the one
place they are answered. `cue` is the whole recogniser as one pattern, for the assistant (GET /policy/offer)."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from backend.core.templates import text_env
from backend.drafts.service import DRAFT_DAYS

PRIVACY_FILE = Path(__file__).with_name("data") / "privacy.yaml"
TOPIC = "个人信息"  # PolicyAnswer.term of these answers


@dataclass(frozen=True)
class Topic:
    key: str
    asks: re.Pattern[str]  # said with one of the data words
    alone: re.Pattern[str]  # enough by itself
    text: str


@dataclass(frozen=True)
class PrivacyAnswers:
    data: re.Pattern[str]
    topics: tuple[Topic, ...]
    publicity: str
    cue: str  # any topic, as one pattern: (?s)^(?=.*DATA).*(ASKS)|ALONE

    def asked(self, said: str | None) -> list[Topic]:
        """The topics a message asks, in the file's order; [] for any other message."""
        text = re.sub(r"\s+", "", said or "")
        if not text:
            return []
        named = bool(self.data.search(text))
        return [t for t in self.topics if t.alone.search(text) or (named and t.asks.search(text))]

    def answer(self, said: str | None) -> str | None:
        topics = self.asked(said)
        return "\n".join(t.text for t in topics) or None


@lru_cache
def get_privacy() -> PrivacyAnswers:
    raw = yaml.safe_load(PRIVACY_FILE.read_text(encoding="utf-8"))
    publicity = "".join(raw["publicity"].split())
    topics = tuple(
        Topic(key, re.compile(entry["asks"]), re.compile(entry["alone"]),
              text_env().from_string("".join(entry["text"].split())).render(draft_days=DRAFT_DAYS, publicity=publicity))
        for key, entry in raw["topics"].items()
    )
    data = "|".join(re.escape(w) for w in raw["data_words"])
    asks = "|".join(f"(?:{t.asks.pattern})" for t in topics)
    alone = "|".join(f"(?:{t.alone.pattern})" for t in topics)
    cue = f"(?s)^(?=.*(?:{data})).*(?:{asks})|{alone}"
    return PrivacyAnswers(re.compile(data), topics, publicity, cue)
