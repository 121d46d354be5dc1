"""Testers' findings (helper k): a helper's change of mind about a withdrawal is said plainly (nothing withdrawn),
"撤了没有" answers where the case stands and never offers the withdrawal again (nor takes "撤了" for a yes), a
withdrawn case cannot be restored online (said, with applying again and a person); "能不能催一下" says the step's
time limit and offers the office's call-back; a saved draft is thrown away outside its form after one confirmation,
with a paper 授权委托书 still waiting for it."""

import httpx
import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected, ActiveLoop, SlotSet
from rasa_sdk.events import ActiveLoop as Loop
from rasa_sdk.events import FollowupAction
from rasa_sdk.events import SlotSet as Set
from rasa_sdk.executor import CollectingDispatcher

from actions.journeys import ActionAfterVerify, ActionCancel, ActionStartVerifiedQuery
from actions.requests import (
    KEEPS_IT, ActionAskWithdrawConfirmed, ActionStartChange, ActionStopChange, ActionWithdrawApplication, ValidateWithdrawForm,
)
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_policy_rules import LISTEN, _next, _user, rules  # noqa: F401  (the fixture)
from tests.actions.test_promises_and_codes import NUMBER, ROOT, VERIFIED, slot_values, validate
from tests.actions.test_retries import DOMAIN


def _withdrawn(fake) -> None:  # noqa: ANN001
    """The backend after the withdrawal: the case is there, withdrawn, with nothing to take online."""
    route = fake.route

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == f"/applications/{NUMBER}" and request.method == "GET":
            return httpx.Response(200, json={"number": NUMBER, "assistance_type": "低保", "status": "withdrawn",
                                             "status_label": "已撤回", "available_actions": []})
        return route(request)
    fake.mine = [{"number": NUMBER, "status": "withdrawn"}]
    fake.handler = handler


# ---- 1. a withdrawal: a change of mind, where it stands, taking it back ---------------------------------

@pytest.mark.parametrize("form", ["withdraw_form", "scope_form"])
def test_a_stop_while_withdrawing_is_answered_by_the_withdrawal_not_the_form_pause(rules, form: str) -> None:  # noqa: ANN001, F811
    events = [LISTEN, _user("withdraw_application", "帮我奶奶撤回申请"), ActionExecuted(form), ActiveLoop(form),
              SlotSet("requested_slot", "x"), LISTEN, _user("stop", "等等…她说还是要办 先别撤"),
              ActionExecutionRejected(form)]
    assert _next(rules, events) == "action_stop_change"


@pytest.mark.asyncio
@pytest.mark.parametrize("form", ["withdraw_form", "scope_form"])
async def test_her_change_of_mind_says_nothing_was_withdrawn(fake_backend, form: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    slots = {**VERIFIED, "after_verify": "withdraw", "application_no": NUMBER, "withdraw_confirmed": True,
             "scope_offered": {"delegation_id": 7, "scope": "withdraw"}}
    events = await ActionStopChange().run(dispatcher, tracker(slots, "等等…她说还是要办 先别撤", "stop", active_loop=form), {})
    assert responses(dispatcher) == ["utter_withdraw_kept"]
    assert Loop(None) in events and Set("after_verify", None) in events and Set("withdraw_confirmed", None) in events
    assert Set("paused_form", None) in events  # "继续" does not start the withdrawal again
    assert "什么都没有撤回" in DOMAIN.responses["utter_withdraw_kept"][0]["text"]
    assert not any("/actions/" in r.url.path for r in fake_backend.requests)


@pytest.mark.asyncio
async def test_asking_whether_it_was_withdrawn_is_never_a_yes(fake_backend) -> None:  # noqa: ANN001
    said = "所以撤了没有啊 申请还在不在"
    events, _ = await validate(ValidateWithdrawForm(), "withdraw_confirmed", said, {}, "withdraw_form")
    assert slot_values(events)["withdraw_confirmed"] is False
    dispatcher = CollectingDispatcher()
    await ActionWithdrawApplication().run(dispatcher, tracker({**VERIFIED, "application_no": NUMBER, "withdraw_confirmed": False},
                                                              said, "withdraw_application"), {})
    assert responses(dispatcher) == ["utter_withdraw_not_yet"]
    assert not any(r.url.path.endswith("/actions/withdraw") for r in fake_backend.requests)


@pytest.mark.asyncio
async def test_asking_whether_it_was_withdrawn_answers_and_offers_no_withdrawal(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    said = "所以撤了没有啊 申请还在不在"
    started = await ActionStartChange().run(dispatcher, tracker(dict(VERIFIED), said, "withdraw_application"), {})
    assert Set("after_verify", "status") in started
    events = await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "status", "correction_said": said}), {})
    assert responses(dispatcher) == ["utter_withdraw_not_yet"]
    assert FollowupAction("withdraw_form") not in events and Set("after_verify", None) in events


@pytest.mark.asyncio
async def test_a_withdrawn_case_cannot_be_restored_online_said_with_applying_again(fake_backend) -> None:  # noqa: ANN001
    _withdrawn(fake_backend)
    dispatcher = CollectingDispatcher()
    said = "能不能把刚才撤的恢复啊"
    started = await ActionStartChange().run(dispatcher, tracker(dict(VERIFIED), said, "withdraw_application"), {})
    assert Set("after_verify", "restore") in started
    events = await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "restore", "correction_said": said}), {})
    assert responses(dispatcher) == ["utter_withdrawn_for_good"]  # not "在网上撤回不了"
    assert FollowupAction("withdraw_form") not in events
    text = DOMAIN.responses["utter_withdrawn_for_good"][0]["text"]
    assert "恢复不了" in text and "重新申请" in text and "找工作人员" in text


@pytest.mark.parametrize(("said", "keeps"), [("她说还是要办 先别撤", True), ("撤回申请 不想接着办了", False),
                                            ("不用继续办了 撤了", False)])
def test_only_a_change_of_mind_keeps_it(said: str, keeps: bool) -> None:
    assert bool(KEEPS_IT.search(said)) is keeps


@pytest.mark.asyncio
async def test_dont_withdraw_outside_the_question_is_said_plainly(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionStartChange().run(dispatcher, tracker({**VERIFIED, "application_no": NUMBER}, "她说还是要办 先别撤",
                                                               "withdraw_application"), {})
    assert responses(dispatcher) == ["utter_withdraw_kept"] and FollowupAction("action_listen") in events
    assert not any(e.get("name") == "after_verify" and e.get("value") for e in events)


# ---- 2. 催一下 -------------------------------------------------------------------------------------------

def test_hurrying_is_a_progress_query_in_the_training_data() -> None:
    data = yaml.safe_load((ROOT / "nlu-data/followups_helper_k.yml").read_text(encoding="utf-8"))
    progress = next(i["examples"] for i in data["nlu"] if i["intent"] == "query_progress")
    assert "能不能催一下" in progress and "咋个还在等待受理哦 能不能催一下" in progress


@pytest.mark.asyncio
async def test_hurrying_says_the_steps_time_limit_and_offers_the_offices_call_back(fake_backend) -> None:  # noqa: ANN001
    route = fake_backend.route

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/progress"):
            body = route(request).json()
            return httpx.Response(200, json={**body, "number": NUMBER, "current": {
                "label": "已提交，等待受理", "who": "街道（乡镇）", "due_date": "2026-11-27", "due_said": "11月27日（星期五）前"}})
        return route(request)
    fake_backend.handler = handler
    dispatcher = CollectingDispatcher()
    said = "咋个还在等待受理哦 能不能催一下"
    started = await ActionStartVerifiedQuery().run(dispatcher, tracker(dict(VERIFIED), said, "query_progress"), {})
    assert Set("after_verify", "hurry") in started
    fake_backend.mine = [{"number": NUMBER, "area_code": "500103001"}]
    events = await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "hurry"}, said, "query_progress"), {})
    said_back = responses(dispatcher)
    assert said_back[0].startswith("您的低保申请") and said_back[1] == "utter_hurry_due"
    assert dispatcher.messages[1]["due"] == "11月27日（星期五）前"
    assert any(e.get("name") == "callback_topic" and NUMBER in e["value"] for e in events)
    assert Set("area_code", "500103001") in events  # the case's office calls back, no street asked
    buttons = DOMAIN.responses["utter_hurry_due"][0]["buttons"]
    assert buttons[0]["payload"] == "/request_human"


# ---- 3. a saved draft thrown away outside its form ---------------------------------------------------------

def _draft(draft_id: int, name: str, filing_for: str = "other") -> dict:
    return {"id": draft_id, "form": "application", "label": f"低保 · {name[0]}*{name[-1]}", "updated_at": "2026-12-07T02:00:00Z",
            "updated_said": "12月7日", "kept_until_said": "2027年1月6日",
            "answers": {"applicant_name": name, "applicant_id": "11010519491231002X", "filing_for": filing_for}}


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["那个草稿不要了 删了", "陈德明这份不办了 作废", "这个填得乱七八糟的 不要了 我重新填"])
async def test_a_draft_is_named_confirmed_once_and_thrown_away(fake_backend, said: str) -> None:  # noqa: ANN001
    route, revoked = fake_backend.route, []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/delegations/31/revoke"):
            revoked.append(request)
            return httpx.Response(200, json={"id": 31, "active": False})
        return route(request)
    fake_backend.handler = handler
    fake_backend.drafts = [_draft(7, "陈德明")]
    fake_backend.held = {"status": "pending", "delegation_id": 31, "due_said": "12月10日前"}
    fake_backend.mine = []
    dispatcher = CollectingDispatcher()
    started = await ActionStartChange().run(dispatcher, tracker(dict(VERIFIED), said, "withdraw_application"), {})
    assert Set("after_verify", "discard") in started
    slots = {**VERIFIED, "after_verify": "discard", "correction_said": said}
    events = await ActionAfterVerify().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == [] and FollowupAction("withdraw_form") in events
    chosen = slot_values(events)["discard_draft"]
    slots["discard_draft"] = chosen
    await ActionAskWithdrawConfirmed().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == ["utter_ask_discard_draft"]
    answered, _ = await validate(ValidateWithdrawForm(), "withdraw_confirmed", "确定作废", slots, "withdraw_form")
    assert slot_values(answered)["withdraw_confirmed"] is True
    dispatcher = CollectingDispatcher()
    await ActionWithdrawApplication().run(dispatcher, tracker({**slots, "withdraw_confirmed": True}), {})
    assert responses(dispatcher) == ["utter_draft_discarded", "utter_discard_paper_withdrawn"]
    assert fake_backend.drafts == [] and len(revoked) == 1


@pytest.mark.asyncio
async def test_a_no_keeps_the_draft_and_several_are_named_first(fake_backend) -> None:  # noqa: ANN001
    fake_backend.drafts = [_draft(7, "陈德明"), _draft(8, "王秀英")]
    dispatcher = CollectingDispatcher()
    slots = {**VERIFIED, "after_verify": "discard", "correction_said": "那个草稿不要了 删了"}
    await ActionAfterVerify().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == ["utter_discard_which"] and "王*英" in dispatcher.messages[0]["labels"]
    dispatcher = CollectingDispatcher()
    events = await ActionAfterVerify().run(dispatcher, tracker({**slots, "correction_said": "王秀英那份不办了 作废"}), {})
    chosen = slot_values(events)["discard_draft"]
    assert chosen["id"] == 8
    answered, _ = await validate(ValidateWithdrawForm(), "withdraw_confirmed", "不作废", {**slots, "discard_draft": chosen},
                                 "withdraw_form")
    assert slot_values(answered)["withdraw_confirmed"] is False
    await ActionWithdrawApplication().run(dispatcher, tracker({**slots, "discard_draft": chosen, "withdraw_confirmed": False}), {})
    assert responses(dispatcher) == ["utter_discard_draft_kept"] and len(fake_backend.drafts) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("verified", [True, False])
async def test_throwing_a_draft_away_read_as_a_stop_is_not_just_ok(fake_backend, verified: bool) -> None:  # noqa: ANN001
    """"这个填得乱七八糟的 不要了 我重新填" with no form open got "好的。还有别的要帮忙的吗？" and the draft stayed."""
    fake_backend.drafts = [_draft(7, "陈德明")]
    dispatcher = CollectingDispatcher()
    slots = dict(VERIFIED) if verified else {"phone_verified": False}
    events = await ActionCancel().run(dispatcher, tracker(slots, "这个填得乱七八糟的 不要了 我重新填", "stop"), {})
    assert "utter_nothing_to_stop" not in responses(dispatcher) and Set("after_verify", "discard") in events
    assert FollowupAction("withdraw_form" if verified else "verify_form") in events
