"""What the words of the procedure mean ("受理是啥子意思"), from data/terms.yaml: the one place they are said."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from backend.policy.privacy import get_privacy

TERMS_FILE = Path(__file__).with_name("data") / "terms.yaml"


@dataclass(frozen=True)
class Term:
    key: str
    text: str


@dataclass(frozen=True)
class Glossary:
    words: tuple[tuple[str, Term], ...]  # longest word first
    asks_meaning: re.Pattern[str]

    def meaning(self, said: str | None) -> Term | None:
        """The term a question asks the meaning of; None for any other question ("公示是什么时候" included)."""
        text = re.sub(r"\s+", "", said or "")
        if not text or not self.asks_meaning.search(text):
            return None
        return next((term for word, term in self.words if word in text), None)


@lru_cache
def get_glossary() -> Glossary:
    raw = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    publicity = get_privacy().publicity  # 公示 says what it shows from the one place that says it
    pairs = [(w, Term(key, "".join(entry["text"].split()).replace("{publicity}", publicity)))
             for key, entry in raw["terms"].items() for w in entry["words"]]
    pairs.sort(key=lambda p: -len(p[0]))
    # "是什么时候" / "是啥时间" ask when, not what: the cue must not run on into a time word.
    cue = re.compile(f"(?:{raw['asks_meaning']})(?!时候|时间|时|日子)")
    return Glossary(tuple(pairs), cue)


# "退休金算不算收入", "低保金要算收入不": whether a kind of income counts (the rules: eligibility/data/rules.yaml).
ASKS_COUNTED = re.compile(r"算不算|算收入|算进|算在|算作|计不计|计入|要不要算|算吗|算收入不|扣不扣|能不能扣|能扣|扣减|扣除")
