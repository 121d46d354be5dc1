"""Two grid workers filing 特困 for the same old man (王德贵, no phone, a paper 委托书). The second one's form, opened
again by "继续" once his 委托书 was verified, met the case the first had filed meanwhile: the bot said "不用再交一次"
and then showed the read-back card anyway; "对，提交" was not understood. Here Rasa's own form (rasa.core FormAction,
the real domain) opens with its validation answered by our action server's code in process: the form ends, nothing
more is asked, the draft goes, and the helper is told in the backend's words how to follow the case (查进度 under the
old man's consent) or whom to ask (找工作人员)."""

import json

import httpx
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.actions.forms import FormAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, FollowupAction, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.drafts import ActionCloseApplication
from actions.form_first import ActionReadAnswer
from actions.forms import ValidateApplicationForm
from tests.actions.test_forms_and_journeys import tracker
from tests.actions.test_promises_and_codes import VALID_ID, VERIFIED, slot_values
from tests.actions.test_retries import DOMAIN, DOMAIN_DICT

OPEN = "王德贵已经有一件特困申请正在办理（编号JZ20261207000010），不用再交一次。想看办到哪一步了，说“查进度”；要改内容，说“改申请”。"
FILED = ("王德贵的这件申请已经有人交上去了（是手机139****7463帮着交的），同一件事不用再交，这份表就不接着填了。"
         "想看办到哪一步，说“查进度”（您有王德贵的授权）。要核实或补充情况，说“找工作人员”，街道（乡镇）的同志会打电话给您。")
INSTEAD = [{"title": "查进度", "payload": "/query_progress"}, {"title": "找工作人员", "payload": "/request_human"}]
# 张伟's answers, all given before his paper form was verified; the verification gave the delegation.
ZHANG_WEI = {**VERIFIED, "filing_for": "other", "helper_kind": "grid_worker", "helper_name": "张伟", "assistance_type": "特困",
             "applicant_name": "王德贵", "applicant_id": VALID_ID, "held_for": VALID_ID, "principal_no_phone": True,
             "street": "渝中区两路口街道", "area_code": "500103004", "hukou": "城镇户口", "more_members": False,
             "monthly_income": 300.0, "savings": 0.0, "reason": "独居老人，无子女，眼睛残疾", "delegation_id": 3.0,
             "consent_code": "ok", "draft_id": 7.0}


def refusing(fake_backend, others: dict | None) -> None:  # noqa: ANN001
    """The backend: the open-check refuses (her 特困 is in hand); /drafts/application/others answers `others`."""
    fake_backend.open_case = OPEN
    route = fake_backend.route
    fake_backend.handler = lambda r: httpx.Response(200, json=others) \
        if others is not None and r.url.path == "/api/v1/drafts/application/others" else route(r)


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Rasa's calls of our custom actions answered in process; what each said, and which were asked at all."""
    ran: dict = {"names": [], "messages": []}
    ours = {"action_read_answer": ActionReadAnswer(), "validate_application_form": ValidateApplicationForm()}

    async def run(self, output_channel, nlg, tracker, domain):  # noqa: ANN001
        ran["names"].append(self.name())
        if self.name() not in ours:
            return []  # a question the form would ask (action_ask_confirmed: the read-back card)
        dispatcher = CollectingDispatcher()
        events = await ours[self.name()].run(dispatcher, Tracker.from_dict(tracker.current_state(EventVerbosity.ALL)), DOMAIN_DICT)
        ran["messages"] += dispatcher.messages
        return [Event.from_parameters(e) for e in events]
    monkeypatch.setattr(RemoteAction, "run", run)
    return ran


async def continued(slots: dict) -> list:
    """"继续" after the SMS: action_resume found the verified form, action_start_application opens the form."""
    events = [SlotSet(k, v) for k, v in slots.items()]
    events += [ActionExecuted("action_listen"), UserUttered("继续", {"name": "resume", "confidence": 0.95}, []),
               ActionExecuted("action_resume"), ActionExecuted("action_start_application")]
    t = DialogueStateTracker.from_events("web:zhangwei_wgy_02", events, slots=DOMAIN.slots)
    return await FormAction("application_form", None).run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), t, DOMAIN)


@pytest.mark.asyncio
async def test_the_case_filed_meanwhile_ends_the_form_at_continue_without_a_readback(fake_backend, remote) -> None:  # noqa: ANN001
    refusing(fake_backend, {"others": "filed", "said": FILED, "phone_masked": "139****7463"})
    events = await continued(ZHANG_WEI)
    assert "action_ask_confirmed" not in remote["names"]  # no read-back card to press
    assert [e for e in events if isinstance(e, ActiveLoop)][-1] == ActiveLoop(None)
    assert FollowupAction("action_close_application") in events
    assert [(m["text"], m.get("buttons")) for m in remote["messages"]] == [(FILED, INSTEAD)]
    [asked] = [r for r in fake_backend.requests if r.url.path == "/api/v1/drafts/application/others"]
    assert json.loads(asked.content) == {"applicant_name": "王德贵", "applicant_id": VALID_ID, "kind": "特困"}
    # action_close_application follows: his draft goes, the application's slots are cleared.
    closed = await ActionCloseApplication().run(CollectingDispatcher(), tracker(ZHANG_WEI), {})
    assert "DELETE /api/v1/drafts/application/7" in fake_backend.paths()
    assert slot_values(closed)["applicant_id"] is None and slot_values(closed)["delegation_id"] is None


@pytest.mark.asyncio
async def test_his_own_earlier_filing_is_said_in_the_open_checks_words_with_both_ways(fake_backend, remote) -> None:  # noqa: ANN001
    """Not someone else's case (the drafts' backend says nothing "filed"): the open-check's own words, the same buttons."""
    refusing(fake_backend, {"others": None, "said": None, "phone_masked": None})
    events = await continued(ZHANG_WEI)
    assert "action_ask_confirmed" not in remote["names"] and FollowupAction("action_close_application") in events
    assert [(m["text"], m.get("buttons")) for m in remote["messages"]] == [(OPEN, INSTEAD)]
    # Nothing in hand: "继续" reads the answers back as before.
    fake_backend.open_case, remote["names"][:] = None, []
    events = await continued({**ZHANG_WEI, "open_checked": None})
    assert "action_ask_confirmed" in remote["names"] and FollowupAction("action_close_application") not in events


@pytest.mark.asyncio
async def test_in_an_open_form_the_case_in_hand_ends_it_the_same_way(fake_backend, remote) -> None:  # noqa: ANN001
    """The same ending while the form is open (she answers a question): said once, nothing asked after it."""
    fake_backend.open_case = OPEN
    slots = {**VERIFIED, "filing_for": "self", "assistance_type": "特困", "applicant_name": "王德贵", "applicant_id": VALID_ID}
    events = [SlotSet(k, v) for k, v in slots.items()]
    events += [ActionExecuted("application_form"), ActiveLoop("application_form"), SlotSet("requested_slot", "applicant_phone"),
               ActionExecuted("action_listen"), UserUttered(VERIFIED["verified_phone"], {"name": "inform", "confidence": 0.9}, [])]
    t = DialogueStateTracker.from_events("web:t", events, slots=DOMAIN.slots)
    out = await FormAction("application_form", None).run(
        CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), t, DOMAIN)
    assert [e for e in out if isinstance(e, ActiveLoop)][-1] == ActiveLoop(None) and FollowupAction("action_close_application") in out
    assert not [n for n in remote["names"] if n.startswith("action_ask_")] and not [e for e in out if e.type_name == "bot"]
    assert [m["text"] for m in remote["messages"]] == [OPEN]
