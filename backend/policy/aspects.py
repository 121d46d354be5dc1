"""The aspects a question asks in its own words (data/aspects.yaml): "临时救助能给好多钱嘛 好久能拿到" is answered on how
much and how fast in one reply, whichever single aspect the NLU read."""

import re
from functools import lru_cache
from pathlib import Path

import yaml

ASPECTS_FILE = Path(__file__).with_name("data") / "aspects.yaml"


@lru_cache
def _cues() -> tuple[tuple[str, re.Pattern[str]], ...]:
    raw = yaml.safe_load(ASPECTS_FILE.read_text(encoding="utf-8"))
    return tuple((aspect, re.compile(pattern)) for aspect, pattern in raw.items())


def asked(said: str | None) -> list[str]:
    """The aspects the message names, in the file's order; [] when it names none."""
    text = re.sub(r"\s+", "", said or "")
    return [aspect for aspect, cue in _cues() if cue.search(text)] if text else []
