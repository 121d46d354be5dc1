"""A fire victim's "好多钱嘛 能不能够交三千押金" (NLU: check_eligibility) started the pre-check's quiz ("家里一起生活的有几个
人？"). A deposit, or how much 临时救助 gives, asked as the pre-check starts is answered as the policy question it is (the
backend says the deposit's ways and the amount: tests/backend/test_relief_how_much_how_fast.py), and no quiz is started."""

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateEligibilityForm
from tests.actions.answers_helpers import DOMAIN_DICT

DEPOSIT_ANSWER = "医院要交押金、一时拿不出的话：急难的临时救助可以先行救助…问能不能缓交押金，或者先诊疗后付费。…医疗救助。"


def started(text: str, slots: dict | None = None) -> Tracker:
    """The pre-check's validation at its activation (nothing asked yet), as Rasa calls it."""
    return Tracker("t-1", {"requested_slot": None, **(slots or {})},
                   {"text": text, "intent": {"name": "check_eligibility"}, "entities": []},
                   [], False, None, {}, "action_listen")


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "slots"), [
    ("好多钱嘛 能不能够交三千押金", {}), ("好多钱嘛 能不能够交三千押金", {"assistance_type": "临时救助"}),
    ("临时救助能不能给好多钱嘛", {})])
async def test_a_deposit_or_relief_amount_is_answered_not_quizzed(fake_backend, text: str, slots: dict) -> None:  # noqa: ANN001
    route = fake_backend.route

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/policy/answer"):
            return httpx.Response(200, json={"answer": DEPOSIT_ANSWER, "needs_region": False, "region": None,
                                             "assistance_type": "临时救助", "aspect": "标准", "term": "急需"})
        return route(request)

    fake_backend.handler = handler
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, started(text, slots), DOMAIN_DICT)
    asked = [r for r in fake_backend.answers() if r.url.path.endswith("/policy/answer")]
    assert asked and asked[0].url.params["said"] == text
    assert [m.get("text") for m in dispatcher.messages] == [DEPOSIT_ANSWER]
    kinds = [(e.get("event"), e.get("name"), e.get("value")) for e in events]
    assert ("active_loop", None, None) in kinds and ("followup", "action_listen", None) in kinds
    assert [k for k in kinds if k[1] == "requested_slot"] == [("slot", "requested_slot", None)]  # no first question


@pytest.mark.asyncio
async def test_a_precheck_asked_for_still_starts(fake_backend) -> None:  # noqa: ANN001
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), started("帮我看看能不能吃低保"), DOMAIN_DICT)
    assert not [r for r in fake_backend.answers() if r.url.path.endswith("/policy/answer")]
    assert ("active_loop", None) not in [(e.get("event"), e.get("name")) for e in events]
