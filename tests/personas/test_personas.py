"""Forty-odd people use the chat as they talk (issue #20, item 9): dialect, one answer at a time, wrong answers,
changes of mind, a fire, a hospital bill, a helper for someone with no phone, a lock-out, a policy question in
the middle of the form. Each is played through the running stack (tests/personas/driver.py) and what the backend
stored is read back and compared with what she said (checks.py).

`make test` runs the personas marked `fast: true` (marker persona_fast); `make test-personas` runs them all.
"""

import time

import pytest

from tests.personas import checks
from tests.personas.driver import Conversation
from tests.personas.people import Persona, load_all
from tests.personas.stored import Backend

PEOPLE = load_all()


def _param(p: Persona) -> object:
    marks = [pytest.mark.persona, pytest.mark.e2e] + ([pytest.mark.persona_fast] if p.fast else [])
    return pytest.param(p, id=p.id, marks=marks)


@pytest.fixture(scope="module")
def backend(stack) -> Backend:  # noqa: ANN001
    return Backend(stack.base_url, stack.env)


@pytest.mark.parametrize("persona", [_param(p) for p in PEOPLE])
def test_persona(persona: Persona, stack, backend: Backend) -> None:  # noqa: ANN001
    conv = Conversation(persona, stack.base_url, lambda: stack.lines, f"persona-{persona.id}-{time.time():.0f}"[:64])
    conv.play()
    transcript = "\n".join(conv.transcript)
    if persona.turns_max is not None:
        assert conv.turns_to_outcome <= persona.turns_max, \
            f"{persona.id}: {conv.turns_to_outcome} messages to {persona.outcome}, at most {persona.turns_max}\n{transcript}"
    problems: list[str] = []
    if persona.outcome in ("submitted", "emergency", "withdrawn"):
        number = conv.number()
        assert number, f"{persona.id}: no application number was given\n{transcript}"
        problems = checks.application_problems(conv, backend.application(number))
    elif persona.outcome == "callback":
        problems = checks.desk_problems(conv, backend, "callback_requests")
    elif persona.outcome == "complaint":
        problems = checks.desk_problems(conv, backend, "complaints")
    assert not problems, f"{persona.id}: " + "; ".join(problems) + "\n--- transcript ---\n" + transcript
