"""The dialogue rules around a policy question, with Rasa's own RulePolicy trained on bot/data (rules only, no
NLU, a few seconds): after the answer to "您在哪个地方？" the bot listens — it used to predict the core fallback,
a stray "没太听懂" after every region answer — and a place the NLU did not understand is still tried as a place."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

ROOT = Path(__file__).resolve().parents[2]
LISTEN = ActionExecuted("action_listen")
FALLBACK = "action_default_fallback"


@pytest.fixture(scope="module")
def rules() -> tuple[RulePolicy, Domain]:
    domain = Domain.load(ROOT / "bot/domain.yml")
    importer = TrainingDataImporter.load_from_dict(domain_path=str(ROOT / "bot/domain.yml"),
                                                   training_data_paths=[str(ROOT / "bot/data")])
    trackers = TrainingDataGenerator(importer.get_stories(), domain, augmentation_factor=0).generate()
    config = {**RulePolicy.get_default_config(), "core_fallback_threshold": 0.3, "enable_fallback_prediction": True,
              "core_fallback_action_name": FALLBACK}
    policy = RulePolicy.create(config, LocalModelStorage(Path(tempfile.mkdtemp())), Resource("rules"),
                               ExecutionContext(GraphSchema({}), "policy-rules"))
    policy.train(trackers, domain)  # also Rasa's check that every rule is complete
    return policy, domain


def _next(rules: tuple[RulePolicy, Domain], events: list[Event]) -> str:
    policy, domain = rules
    tracker = DialogueStateTracker.from_events("t", events, slots=domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    return domain.action_names_or_texts[int(np.argmax(prediction.probabilities))]


def _user(intent: str, text: str, **entities: str) -> UserUttered:
    found = [{"entity": k, "value": v, "start": 0, "end": len(v)} for k, v in entities.items()]
    return UserUttered(text, {"name": intent, "confidence": 0.9}, found)


ASKED_WHERE = [LISTEN, _user("ask_policy", "低保一个月好多钱"), ActionExecuted("action_answer_policy"),
               SlotSet("policy_pending", True), LISTEN]


def test_the_place_answer_is_followed_by_listening_not_the_fallback(rules) -> None:  # noqa: ANN001
    events = [*ASKED_WHERE, _user("inform", "武汉", region="武汉"), SlotSet("region", "武汉")]
    assert _next(rules, events) == "action_answer_policy_for_place"
    events += [ActionExecuted("action_answer_policy_for_place"), SlotSet("policy_pending", False)]
    assert _next(rules, events) == "action_listen"


def test_a_place_the_nlu_did_not_understand_is_still_the_place(rules) -> None:  # noqa: ANN001
    events = [*ASKED_WHERE, _user("nlu_fallback", "成都")]
    assert _next(rules, events) == "action_answer_policy_for_place"
    events += [ActionExecuted("action_answer_policy_for_place"), SlotSet("policy_pending", False)]
    assert _next(rules, events) == "action_listen"


def test_not_understood_without_our_question_is_still_the_fallback(rules) -> None:  # noqa: ANN001
    # action_fallback: a call-back follow-up or a word's meaning first (actions/fallback.py), else utter_default.
    assert _next(rules, [LISTEN, _user("nlu_fallback", "嗯嗯啊")]) == "action_fallback"


@pytest.mark.parametrize("pending", [True, False])
def test_a_policy_question_is_answered_and_then_the_bot_listens(rules, pending: bool) -> None:  # noqa: ANN001
    events = [LISTEN, _user("ask_policy", "成都低保标准是多少"), ActionExecuted("action_answer_policy"),
              SlotSet("policy_pending", pending)]
    assert _next(rules, events[:2]) == "action_answer_policy"
    assert _next(rules, events) == "action_listen"
