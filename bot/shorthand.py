"""Pinyin initials as young helpers type them ("帮nn sq db", "查下nn的jd", "zrg"): spelled out before the tokenizer.

A grandson filing for his grandmother (the fifth tester round, 2026-12-07) typed "nn要sq db" and got "没太听懂";
"jd" and "zrg" alone were not understood. Each initialism here has one common reading in this domain; a letter run
inside a longer one ("dbq", "jdk") or a button payload ("/apply_assistance") is left alone. The spelled-out text is
what the NLU reads and what the actions receive (Rasa's parse data carries it), so "nn86了一个人住" reaches the
caseworker as "奶奶86了一个人住"; the conversation's history keeps what was typed.

Training data is not rewritten: its entity offsets refer to the text as written.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

SHORTHAND = {
    "nn": "奶奶", "yy": "爷爷", "db": "低保", "tk": "特困", "lsjz": "临时救助", "yljz": "医疗救助",
    "sq": "申请", "jd": "进度", "zrg": "转人工",
}
INITIALS = re.compile(r"(?<![A-Za-z/_])(" + "|".join(sorted(SHORTHAND, key=len, reverse=True)) + r")(?![A-Za-z])",
                      re.IGNORECASE)


def spell_out(text: str) -> str:
    """"帮nn sq db" → "帮奶奶 申请 低保"; a button's payload ("/inform{…}") as it is."""
    if not text or text.startswith("/"):
        return text
    return INITIALS.sub(lambda m: SHORTHAND[m.group(1).lower()], text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class Shorthand(GraphComponent):
    """Runs first in the pipeline (bot/config.yml), before JiebaTokenizer."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "Shorthand":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and (spelled := spell_out(text)) != text:
                message.set(TEXT, spelled)
        return messages
