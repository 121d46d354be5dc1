"""The validation step fails on any data warning it cannot account for."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "validate_bot.py"
spec = importlib.util.spec_from_file_location("validate_bot", SCRIPT)
validate_bot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validate_bot)

DOMAIN = {
    "forms": {"application_form": {"required_slots": ["street"]}},
    "slots": {"confirmed": {"mappings": [{"type": "from_intent", "intent": "affirm", "value": True}]}},
}


def warn(message: str) -> str:
    return f"/x/rasa/shared/utils/io.py:100: UserWarning: {message}\n"


def test_form_questions_action_responses_and_mapped_intents_are_accounted_for() -> None:
    output = (warn("The utterance 'utter_ask_street' is not used in any story or rule.")
              + warn("The utterance 'utter_ask_application_form_street' is not used in any story or rule.")
              + warn("The utterance 'utter_submitted' is not used in any story or rule.")
              + warn("The intent 'affirm' is not used in any story or rule."))
    assert validate_bot.unexplained(output, DOMAIN) == []


def test_an_orphan_response_an_unmapped_intent_and_other_warnings_fail() -> None:
    output = (warn("The utterance 'utter_nobody_sends_this' is not used in any story or rule.")
              + warn("The intent 'deny' is not used in any story or rule.")
              + warn("The example '低保' was found labeled with multiple different intents in the training data."))
    assert len(validate_bot.unexplained(output, DOMAIN)) == 3
