"""Issue 20: "是王小明的身份证号吗？" (a household member's ID number sent after filing, actions/member_ids.py) stayed open
for good: its flag (member_id_asking) was never reset when she went on to something else, so a much later "是的" to
another yes/no question (the pre-check's "要不要现在就帮您申请？") put that number on him. Now anything else she says
closes the question (Rasa's slot extraction on the real domain, before any action), a late "是的" goes to the question
actually asked (Rasa's RulePolicy trained on bot/data), and a number sent after leaving it is asked about afresh."""

import pytest
from rasa.core.actions.action import ActionExtractSlots, RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from actions import member_ids
from actions.fallback import ActionFallback
from actions.journeys import ActionLooseAnswer
from tests.actions.test_form_first import DOMAIN
from tests.actions.test_member_ids_s9_l import DAUGHTER_ID, SON, SON_ID, VERIFIED, added, backend_with, turn
from tests.actions.test_forms_and_journeys import responses
from tests.actions.test_policy_rules import LISTEN, _next, _user, rules  # noqa: F401  (the fixture)



@pytest.fixture(autouse=True)
def no_remote_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slot mappings' custom actions fill nothing outside a form (no action server here)."""
    async def run(self, output_channel, nlg, tracker, domain):  # noqa: ANN001
        return []
    monkeypatch.setattr(RemoteAction, "run", run)


ASKED = [LISTEN, _user("inform", f"我儿子的身份证号找到了 {SON_ID}"), ActionExecuted("action_loose_answer"),
         SlotSet(member_ids.FOUND, {"id_number": SON_ID, "member": SON}), SlotSet(member_ids.ASKING, True)]


async def extracted(events: list) -> list:
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    out = await ActionExtractSlots(None).run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses),
                                             tracker, DOMAIN)
    return [e for e in out if isinstance(e, SlotSet)]


@pytest.mark.asyncio
@pytest.mark.parametrize(("intent", "text"), [("check_eligibility", "我想先测算一下能不能办"), ("ask_policy", "低保一个月好多钱"),
                                              ("inform", "晓得了"), ("query_progress", "查进度")])
async def test_anything_else_said_closes_the_question(intent: str, text: str) -> None:
    out = await extracted([*ASKED, LISTEN, _user(intent, text)])
    assert SlotSet(member_ids.ASKING, False) in out


@pytest.mark.asyncio
@pytest.mark.parametrize(("intent", "text"), [("affirm", "是的"), ("deny", "不是")])
async def test_its_own_yes_or_no_leaves_it_open_for_action_member_id(intent: str, text: str, rules) -> None:  # noqa: ANN001, F811
    events = [*ASKED, LISTEN, _user(intent, text)]
    assert not [e for e in await extracted(events) if e.key == member_ids.ASKING]
    assert _next(rules, events) == "action_member_id"


@pytest.mark.asyncio
async def test_a_late_yes_to_the_pre_checks_offer_goes_to_the_offer(rules) -> None:  # noqa: ANN001, F811
    events = [*ASKED, LISTEN, _user("check_eligibility", "我想先测算一下能不能办")]
    events += await extracted(events)
    events += [ActionExecuted("eligibility_form"), ActiveLoop("eligibility_form"), ActionExecuted("eligibility_form"),
               ActiveLoop(None), SlotSet("requested_slot", None), ActionExecuted("action_precheck"), LISTEN,
               _user("affirm", "是的")]
    events += await extracted(events)
    assert _next(rules, events) == "action_start_application"


@pytest.mark.asyncio
async def test_a_late_yes_that_reaches_the_fallback_puts_nothing_on_him(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    left = {**VERIFIED, member_ids.FOUND: {"id_number": SON_ID, "member": SON}, member_ids.ASKING: False}
    dispatcher, _, _ = await turn(ActionFallback, left, "是的", intent="nlu_fallback")
    assert not added(fake_backend) and "utter_member_id_added" not in responses(dispatcher)


@pytest.mark.asyncio
async def test_a_number_sent_after_leaving_the_question_is_asked_about_afresh(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    left = {**VERIFIED, member_ids.FOUND: {"id_number": SON_ID, "member": SON}, member_ids.ASKING: False}
    dispatcher, slots, _ = await turn(ActionLooseAnswer, left, DAUGHTER_ID)
    assert not added(fake_backend) and responses(dispatcher) == ["utter_member_id_confirm"]
    assert slots[member_ids.FOUND]["id_number"] == DAUGHTER_ID and slots[member_ids.ASKING] is True
