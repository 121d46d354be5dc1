"""Helpers for the issue-20 answer tests (tests/actions/test_answers_*.py): a fake backend that checks ID
numbers by their check digit and says when an amount is far above the usual, as the real endpoints do
(tests/backend/test_names_and_plausible_amounts.py checks the backend's side), and one answer through a
whole validation action, as the action server runs it."""

import json
from pathlib import Path

import httpx
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.actions.test_retries import answer  # one way to build the tracker of an answer

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "bot" / "domain.yml"))
DOMAIN_DICT = DOMAIN.as_dict()
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
# 重庆 in the fake: 10 × 770 per person a month; savings 10 × 24 × 770 per person; the settings' caps.
INCOME_CEILING, SAVINGS_CEILING, INCOME_CAP, SAVINGS_CAP = 7700, 184800, 100000, 10000000


def with_check_digit(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(a) * w for a, w in zip(first17, WEIGHTS)) % 11]


HER_ID = with_check_digit("50010319440315002")  # 500103194403150021
HIS_ID = with_check_digit("50010319420101003")
BAD_ID = HER_ID[:-1] + ("2" if HER_ID[-1] != "2" else "3")


def install(fake) -> None:  # noqa: ANN001
    """Route ID checks and amount checks like the backend; everything else as the shared fake does."""
    route = fake.route

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/persons/check-id":
            number = json.loads(request.content)["id_number"]
            if len(number) == 18 and number[:17].isdigit() and with_check_digit(number[:17]) == number:
                return httpx.Response(200, json={"valid": True, "message": None, "masked": f"{number[:6]}********{number[-4:]}"})
            return httpx.Response(200, json={"valid": False, "masked": None,
                                             "message": "身份证号码的最后一位（校验位）对不上，可能有一位输错了，请再核对一下。"})
        if path == "/eligibility/plausible":
            params = request.url.params
            size = int(params.get("household_size", 1))
            out = {"region": "重庆", "household_size": size}
            for key, ceiling, cap in (("monthly_income", INCOME_CEILING, INCOME_CAP), ("savings", SAVINGS_CEILING, SAVINGS_CAP)):
                if key in params:
                    amount = float(params[key])
                    out[key] = {"amount": amount, "ceiling": ceiling * size, "outlier": amount > ceiling * size,
                                "allowed": amount <= cap, "cap": cap}
            return httpx.Response(200, json=out)
        return route(request)

    fake.handler = handler


async def turn(action, slot: str, text: str, slots: dict, form: str = "application_form") -> tuple[dict, list]:  # noqa: ANN001
    """One answer through the whole validation action: the slots after it, and what was said (with its values)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, answer(slot, text, slots, form), DOMAIN_DICT)
    after = dict(slots)
    after.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return after, dispatcher.messages


def said(messages: list) -> list:
    return [m.get("response") or m.get("text") for m in messages]


async def wording(response: str, slots: dict, **values) -> str:  # noqa: ANN003
    """What Rasa would say for `response` with these slots and values."""
    tracker = DialogueStateTracker.from_events("t-1", [SlotSet(k, v) for k, v in slots.items()], slots=DOMAIN.slots)
    message = await TemplatedNaturalLanguageGenerator(DOMAIN.responses).generate(response, tracker, "rest", **values)
    return message["text"]


def plain_tracker(slots: dict, text: str = "", intent: str = "inform") -> Tracker:
    return Tracker("web-test-1", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                   [], False, None, {}, "action_listen")
