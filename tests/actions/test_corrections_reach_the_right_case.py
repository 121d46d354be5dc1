"""A tester playing a 网格员 (李敏, one phone, several old people): 王德贵's application was in (JZ20261207000010), and
陈德明's stopped because his name and ID number did not go with the records. She pressed "改身份证" and typed
500106195508080019; the bot answered "更正记在申请JZ20261207000010的办理记录上" — 王德贵's case got 陈德明's ID number.
A correction while an application is being filled in corrects that one; a correction of a case handed in, with
several people's cases on the phone, asks whose (unless the words say); the backend is told whose case it means
(its side: tests/backend/test_corrections_reach_the_right_case.py)."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm
from actions.journeys import ActionSubmitApplication
from actions.requests import ActionFileCorrection, ActionStartChange, after_verify
from tests.actions.answers_helpers import DOMAIN, install, said, turn, with_check_digit
from tests.actions.test_precheck_findings import spoken

WANG_NO, CHEN_NO = "JZ20261207000010", "JZ20261207000011"
CHEN_ID = with_check_digit("50010619550808002")  # the number she typed first (not his)
RIGHT_ID = "500106195508080019"  # the one she typed after "改身份证"
# 陈德明's application, filled in by his grid worker, with 王德贵's filed earlier in the same conversation.
CHEN = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "grid_worker", "helper_relation": "网格员",
        "helper_name": "李敏", "citizen_token": "citizen-token", "verified_phone": "13900002222", "phone_verified": True,
        "applicant_name": "陈德明", "applicant_id": CHEN_ID, "delegation_id": 7.0, "consent_code": "ok", "held_for": CHEN_ID,
        "open_checked": f"{CHEN_ID}:低保", "street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口",
        "savings": 0.0, "monthly_income": 600.0, "more_members": False, "members": [], "reason": "一个人住，腿脚不好",
        "application_no": WANG_NO}
MINE = [{"number": WANG_NO, "applicant_name": "王德贵", "assistance_type": "低保", "own": False},
        {"number": CHEN_NO, "applicant_name": "陈德明", "assistance_type": "低保", "own": False}]
MISMATCH = {"error": {"code": "name_mismatch", "details": None,
                      "message": "申请人的姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"}}


def backend(fake, *, refuse: dict | None = None) -> None:  # noqa: ANN001
    """Two old people's cases on her phone; a submission refused for the name; `refuse`: the change request's answer."""
    install(fake)
    route = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/applications" and request.method == "POST":
            return httpx.Response(422, json=MISMATCH)
        if path == "/applications/mine":
            return httpx.Response(200, json=MINE)
        case = next((a for a in MINE if path.startswith(f"/applications/{a['number']}")), None)
        if case and request.method == "GET":
            return httpx.Response(200, json={**case, "status": "submitted", "status_label": "已提交，等待受理",
                                             "step_due_day": "12月10日（星期四）", "members": [],
                                             "available_actions": ["withdraw", "request_change"]})
        if case and path.endswith("/actions/request_change"):
            if refuse:
                return httpx.Response(409, json={"error": refuse})
            return httpx.Response(200, json={**case, "status": "submitted", "step_due_day": "12月10日（星期四）"})
        return route(request)

    fake.handler = handler


def changes(fake) -> list[tuple[str, dict]]:  # noqa: ANN001
    return [(r.url.path.split("/")[-3], json.loads(r.content)) for r in fake.requests if r.url.path.endswith("/actions/request_change")]


def message(slots: dict, text: str, intent: str = "correct_application") -> Tracker:
    return Tracker("grid-1", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                   [], False, None, {}, "action_listen")


async def stopped(fake) -> dict:  # noqa: ANN001
    """Submitted twice with a name that does not go with the ID number: the second time the application stops."""
    slots = {**CHEN, "confirmed": True, "submission_key": "grid-k1"}
    for _ in range(2):
        events = await ActionSubmitApplication().run(CollectingDispatcher(), message(slots, "对，提交", "affirm"), {})
        slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        slots.update(applicant_name="陈德明", applicant_id=CHEN_ID)  # said again the same
    assert slots["paused_form"] == "application_form"
    return slots


async def start(slots: dict, text: str) -> tuple[dict, list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ActionStartChange().run(dispatcher, message(slots, text), {})
    return {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}, events, dispatcher


@pytest.mark.asyncio
async def test_the_mismatch_stops_with_a_fix_button_that_reopens_his_id_question(fake_backend) -> None:  # noqa: ANN001
    backend(fake_backend)
    slots = await stopped(fake_backend)
    buttons = {b["title"]: b["payload"] for b in DOMAIN.responses["utter_name_still_refused"][0]["buttons"]}
    assert {"改身份证", "改名字", "找工作人员"} <= set(buttons)
    after, events, dispatcher = await start(slots, buttons["改身份证"])
    assert FollowupAction("application_form") in events and after["applicant_id"] is None and after["paused_form"] is None
    assert after["applicant_name"] == "陈德明" and after.get("after_verify") is None
    assert said(dispatcher.messages) == ["utter_correct_draft_field"]
    assert "陈德明这份还没交的申请" in await spoken(dispatcher.messages[0], after)
    # His ID question, answered: his application has the number; nothing reached 王德贵's case (or any case).
    answered, _ = await turn(ValidateApplicationForm(), "applicant_id", RIGHT_ID, {**after, "requested_slot": "applicant_id"})
    assert answered["applicant_id"] == RIGHT_ID
    assert changes(fake_backend) == [] and not any(r.url.path.endswith("/applications/mine") for r in fake_backend.requests)


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "kept"), [("改身份证", None), ("身份证号填错了，应该是500106195508080019", RIGHT_ID)])
async def test_a_correction_typed_while_his_application_waits_is_his(fake_backend, text: str, kept) -> None:  # noqa: ANN001
    backend(fake_backend)
    after, events, _ = await start({**CHEN, "paused_form": "application_form"}, text)
    assert FollowupAction("application_form") in events and after["applicant_id"] == kept  # checked by its question
    assert after.get("after_verify") is None and changes(fake_backend) == []


@pytest.mark.asyncio
async def test_a_case_named_by_its_number_is_corrected_even_with_an_application_waiting(fake_backend) -> None:  # noqa: ANN001
    backend(fake_backend)
    after, events, _ = await start({**CHEN, "paused_form": "application_form"}, f"{WANG_NO}的地址写错了，应该是七星岗街道")
    assert after["after_verify"] == "correct" and FollowupAction("application_form") not in events
    await after_verify(CollectingDispatcher(), message(after, f"{WANG_NO}的地址写错了，应该是七星岗街道"))
    assert changes(fake_backend) == [(WANG_NO, {"note": f"{WANG_NO}的地址写错了，应该是七星岗街道",
                                                "data": {"meant_for": {"number": WANG_NO, "name": "王德贵"}}})]


@pytest.mark.asyncio
async def test_several_peoples_cases_ask_whose_then_the_one_chosen_is_corrected(fake_backend) -> None:  # noqa: ANN001
    backend(fake_backend)
    slots = {"citizen_token": "citizen-token", "phone_verified": True, "application_no": WANG_NO}  # 王德贵's, spoken of last
    after, _, _ = await start(slots, "地址写错了")
    dispatcher = CollectingDispatcher()
    events = await after_verify(dispatcher, message(after, "地址写错了"))
    assert events == [] and said(dispatcher.messages) == ["utter_correct_whose"] and changes(fake_backend) == []
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == ["王*贵（低保）", "陈*明（低保）"]
    # She taps 陈*明: what she said before is kept, and what is right is asked (nothing filed yet).
    after, _, _ = await start(after, buttons[1]["payload"])
    assert after["correction_said"] == "地址写错了"
    events = await after_verify(CollectingDispatcher(), message(after, buttons[1]["payload"]))
    after.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    assert FollowupAction("correction_form") in events and after["application_no"] == CHEN_NO
    dispatcher = CollectingDispatcher()
    await ActionFileCorrection().run(dispatcher, message({**after, "correction_text": "应该是七星岗街道"}, "应该是七星岗街道"), {})
    assert changes(fake_backend) == [(CHEN_NO, {"note": "地址写错了；应该是七星岗街道",
                                                "data": {"meant_for": {"number": CHEN_NO, "name": "陈德明"}}})]
    assert said(dispatcher.messages) == ["utter_correction_filed"] and dispatcher.messages[0]["number"] == CHEN_NO


@pytest.mark.asyncio
async def test_a_person_named_in_the_words_is_not_asked_about(fake_backend) -> None:  # noqa: ANN001
    backend(fake_backend)
    slots = {"citizen_token": "citizen-token", "phone_verified": True, "application_no": WANG_NO}
    after, _, _ = await start(slots, "陈德明的地址写错了，应该是七星岗街道")
    dispatcher = CollectingDispatcher()
    await after_verify(dispatcher, message(after, "陈德明的地址写错了，应该是七星岗街道"))
    assert [number for number, _ in changes(fake_backend)] == [CHEN_NO]
    assert changes(fake_backend)[0][1]["data"]["meant_for"] == {"number": CHEN_NO, "name": "陈德明"}


@pytest.mark.asyncio
async def test_the_backends_refusal_is_said_and_nothing_is_called_filed(fake_backend) -> None:  # noqa: ANN001
    refusal = {"code": "not_this_persons_case", "details": None,
               "message": "申请JZ20261207000010不是陈德明的，更正没有记上。请说清楚是哪一位的哪一件申请；也可以说“找工作人员”。"}
    backend(fake_backend, refuse=refusal)
    dispatcher = CollectingDispatcher()
    slots = {"citizen_token": "citizen-token", "phone_verified": True, "after_verify": "correct", "application_no": WANG_NO,
             "correction_said": "收入不是800是600"}
    await ActionFileCorrection().run(dispatcher, message(slots, "收入不是800是600"), {})
    assert said(dispatcher.messages) == [refusal["message"]]  # never "已经转给…"
    assert changes(fake_backend)[0][1]["data"] == {"meant_for": {"number": WANG_NO, "name": "王德贵"}}
