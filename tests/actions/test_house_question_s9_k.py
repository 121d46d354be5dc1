""""修房子有没得补助" after a 急难 report is a question (session 9, helper K): read as report_emergency, it opened a new
report. A question about help or money is answered as a policy question (the backend says what helps repair a house,
backend/policy/house.py) — never filed, never added to the report filed; what happened now is still reported first."""

import json

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import policy
from actions.emergency_report import ActionReadEmergency
from tests.actions.test_forms_and_journeys import tracker

HOUSE = "修房子能不能补，要看房子是怎么坏的：……可以申请危房改造补助（属于住房救助）。"
BY_APPLICATION = {"emergency_filed": True, "citizen_token": "citizen-token", "application_no": "JZ20261124000009",
                  "emergency_booked": {"at": 0, "number": "JZ20261124000009", "application": "JZ20261124000009",
                                       "phone": "13812345671", "caller": "七星岗街道社会救助窗口"}}
BY_CALLBACK = {"emergency_filed": True, "emergency_booked": {"at": 0, "number": "HD000001", "application": None,
                                                             "phone": "13952718346", "caller": "七星岗街道社会救助窗口"}}


def house_answers(fake_backend) -> list:  # noqa: ANN001
    """GET /policy/answer as the backend answers a question about repairing a house (term 修房子)."""
    route, asked = fake_backend.handler, []

    def handler(request: httpx.Request) -> httpx.Response:
        said = request.url.params.get("said") or ""
        if request.url.path == "/api/v1/policy/answer" and "房" in said:
            asked.append(said)
            return httpx.Response(200, json={"answer": HOUSE, "term": "修房子", "needs_region": False, "region": None,
                                             "assistance_type": request.url.params["assistance_type"], "aspect": "标准",
                                             "known_regions": ["重庆"], "place": None, "offer_precheck": False})
        return route(request)
    fake_backend.handler = handler
    return asked


def filed_or_added(fake_backend) -> list[str]:  # noqa: ANN001
    return [f"{r.method} {r.url.path}" for r in fake_backend.requests
            if r.method == "POST" and (r.url.path.endswith(("/callbacks", "/applications")) or "/actions/" in r.url.path)]


@pytest.mark.asyncio
@pytest.mark.parametrize(("filed", "said"), [
    (BY_APPLICATION, "修房子有没得补助"), (BY_CALLBACK, "修房子有没得补助"), ({}, "修房子有没得补助"),
    (BY_APPLICATION, "房子遭水淹了 修房子要补助不"), (BY_CALLBACK, "房子遭水淹了 修房子要补助不"),
    # before any report, what happened now with a question is reported first (the test below)
], ids=["case", "call-back", "none", "flood, case", "flood, call-back"])
async def test_a_question_about_repairing_the_house_is_answered_never_reported(fake_backend, filed: dict, said: str) -> None:  # noqa: ANN001
    asked = house_answers(fake_backend)
    dispatcher = CollectingDispatcher()
    events = await ActionReadEmergency().run(dispatcher, tracker(filed, text=said, intent="report_emergency"), {})
    assert [m.get("text") for m in dispatcher.messages] == [HOUSE] and asked == [said]
    assert filed_or_added(fake_backend) == []
    assert not any(e.get("name") == "emergency_what" for e in events)
    assert {"event": "followup", "name": "action_listen"} in [{k: e.get(k) for k in ("event", "name")} for e in events]


@pytest.mark.asyncio
async def test_what_happened_with_a_question_before_any_report_is_still_reported(fake_backend) -> None:  # noqa: ANN001
    house_answers(fake_backend)
    events = await ActionReadEmergency().run(CollectingDispatcher(), tracker(text="房子垮了 有没得补助", intent="report_emergency"), {})
    assert {"event": "slot", "name": "emergency_what", "value": "房子垮了 有没得补助"} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events]


@pytest.mark.asyncio
async def test_more_of_what_happened_after_the_report_still_goes_on_it(fake_backend) -> None:  # noqa: ANN001
    await ActionReadEmergency().run(CollectingDispatcher(), tracker(BY_APPLICATION, text="医院要先交五千押金",
                                                                    intent="report_emergency"), {})
    assert filed_or_added(fake_backend) == ["POST /api/v1/applications/JZ20261124000009/actions/add_information"]
    assert json.loads(fake_backend.requests[-1].content)["note"] == "【急需：押金】医院要先交五千押金"  # the need tagged for the caseworker


@pytest.mark.parametrize(("text", "reported", "question"), [
    ("修房子有没得补助", False, True), ("急难的能给好多钱", False, True), ("房子垮了 有没得补助", False, False),
    ("房子垮了 有没得补助", True, True), ("医院要先交五千押金", True, False), ("没得钱交医药费", True, False),
    ("/report_emergency", True, False)])
def test_what_is_a_question_about_help(text: str, reported: bool, question: bool) -> None:
    assert policy.asks_about_help(text, reported=reported) is question
