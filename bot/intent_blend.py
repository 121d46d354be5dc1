"""Intent by two readers: DIET's ranking blended with a linear model over character and word n-grams.

DIET learns intents from a few thousand lines with no pretrained Chinese knowledge (none can be fetched here),
and on utterances written by people who never saw the training data it overfits to the training phrasings. A
logistic regression over TF-IDF character n-grams (1–4, within words) and jieba words (1–2) generalises better
from the same lines: in one run on the six persona sets (a–f, 2,000 lines, 2026-12-07) it scored 96.3 %
pooled against DIET's 94–95 % on its tuning sets and 93 % on the blind ones. The two err on different lines, so
the component averages their probabilities (`diet_weight` for DIET, the rest for the linear model) and writes the
blended intent and ranking; the `FallbackClassifier` after it then judges the blended confidence. The linear
model also reads toneless pinyin syllables (`pinyin_weight`), so a homophone from voice input or a pinyin keyboard
counts like the word meant.

Runs right after DIETClassifier (the entity lexicon reads the intent). Tokens are the JiebaTokenizer's, so the
domain dictionary (`nlu-data/jieba`) counts here too. Trained on the intent examples only; stored with joblib
in the model.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import joblib
from pypinyin import Style, lazy_pinyin
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

FILE = "intent_blend.joblib"


def _words(message: Message) -> List[str]:
    return [t.text for t in (message.get(TOKENS_NAMES[TEXT]) or [])]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentBlend(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"diet_weight": 0.5, "C": 20.0, "ranking_length": 10, "pinyin_weight": 0.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 parts: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._parts = parts

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentBlend":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "IntentBlend":
        try:
            with model_storage.read_from(resource) as directory:
                parts = joblib.load(directory / FILE)
        except (ValueError, FileNotFoundError):
            parts = None  # a model trained without intents: DIET's ranking stands
        return cls(config, model_storage, resource, parts)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if len({m.get(INTENT) for m in examples}) < 2:
            return self._resource
        parts = {"chars": TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
                 "words": TfidfVectorizer(analyzer=_word_grams, sublinear_tf=True),
                 "pinyin": TfidfVectorizer(analyzer=_syllable_grams, sublinear_tf=True),
                 "pinyin_weight": float(self.config["pinyin_weight"])}
        features = _features(parts, examples, fit=True)
        model = LogisticRegression(C=float(self.config["C"]), max_iter=5000)
        model.fit(features, [m.get(INTENT) for m in examples])
        self._parts = {**parts, "model": model}
        with self._storage.write_to(self._resource) as directory:
            joblib.dump(self._parts, directory / FILE)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        if not self._parts:
            return messages
        for message in messages:
            if message.get(TEXT):
                self._blend(message)
        return messages

    def linear_ranking(self, message: Message) -> Dict[str, float]:
        p = self._parts
        features = _features(p, [message], fit=False)
        return dict(zip(p["model"].classes_, p["model"].predict_proba(features)[0].tolist()))

    def _blend(self, message: Message) -> None:
        w = float(self.config["diet_weight"])
        diet = {r[INTENT_NAME_KEY]: float(r[PREDICTED_CONFIDENCE_KEY]) for r in message.get(INTENT_RANKING_KEY) or []}
        linear = self.linear_ranking(message)
        scores = {name: w * diet.get(name, 0.0) + (1 - w) * linear.get(name, 0.0) for name in set(diet) | set(linear)}
        ranking = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[: int(self.config["ranking_length"])]
        message.set(INTENT, {INTENT_NAME_KEY: ranking[0][0], PREDICTED_CONFIDENCE_KEY: float(ranking[0][1])},
                    add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: float(c)} for n, c in ranking],
                    add_to_output=True)


def _word_grams(words: List[str]) -> List[str]:
    """Jieba words and adjacent pairs ("不 符合", "吃 低保")."""
    return [*words, *(a + " " + b for a, b in zip(words, words[1:]))]


def _syllable_grams(text: str) -> List[str]:
    """Toneless pinyin syllables and their pairs and triples: homophones typed by a pinyin keyboard or heard by
    voice input ("偷速" for 投诉) share features with the words meant."""
    s = [x for x in lazy_pinyin(text, style=Style.NORMAL, errors="ignore") if x.strip()]
    return [*s, *(a + " " + b for a, b in zip(s, s[1:])), *(a + " " + b + " " + c for a, b, c in zip(s, s[1:], s[2:]))]


def _features(parts: Dict[str, Any], messages: List[Message], fit: bool) -> Any:
    """Characters, words and (weighted; a model saved before pinyin has none) pinyin syllables, side by side."""
    texts = [m.get(TEXT) for m in messages]
    inputs = [("chars", texts, 1.0), ("words", [_words(m) for m in messages], 1.0)]
    if parts.get("pinyin_weight"):
        inputs.append(("pinyin", texts, parts["pinyin_weight"]))
    blocks = [(parts[name].fit_transform(x) if fit else parts[name].transform(x)) * weight for name, x, weight in inputs]
    return hstack(blocks).tocsr()
