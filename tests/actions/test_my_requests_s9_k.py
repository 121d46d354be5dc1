""""查进度" says her 急难 reports and complaints too (session 9, helper K): a woman who had reported a 急难 (it went to
the street as the urgent call-back HD000001) and filed a complaint (TS000001) asked for her progress and was told
"这个手机号下面还没有申请记录". The backend lists what her phone (and this chat, with the phone each was filed with) may
see, with the line to say (POST /service-desk/mine); the actions say it (actions/my_requests.py)."""

import json

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.journeys import ActionAfterVerify
from tests.actions.test_forms_and_journeys import responses, tracker

VERIFIED = {"citizen_token": "citizen-token", "phone_verified": True, "verified_phone": "13812345671"}
IN_CHAT = {"complaints_filed": [{"reference": "TS000001", "phone": "13812345671"}],
           "emergency_booked": {"at": 0, "number": "HD000001", "application": None, "phone": "13952718346",
                                "caller": "七星岗街道社会救助窗口"}}
LINES = ["急难报告（HD000001）：新收到，七星岗街道社会救助窗口会在今天打电话给您。",
         "投诉（TS000001）：办理中，由市民政局社会救助科处理，12月14日（星期一）前答复您。"]


def her_requests(fake_backend, lines: list[str] = LINES) -> list:  # noqa: ANN001
    """POST /service-desk/mine as the backend answers her (backend/service_desk/own.py)."""
    route, seen = fake_backend.handler, []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/service-desk/mine":
            seen.append((request.headers.get("X-Citizen-Token"), json.loads(request.content)))
            return httpx.Response(200, json=[{"reference": line.split("（")[1][:8], "said": line} for line in lines])
        return route(request)
    fake_backend.handler = handler
    return seen


def texts(dispatcher: CollectingDispatcher) -> list:
    return [m.get("lines") for m in dispatcher.messages if m.get("lines")]


@pytest.mark.asyncio
async def test_with_no_application_her_report_and_complaint_are_said_never_no_records(fake_backend) -> None:  # noqa: ANN001
    seen = her_requests(fake_backend)
    fake_backend.mine = []
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, **IN_CHAT, "after_verify": "progress"},
                                                      text="查进度", intent="query_progress"), {})
    assert responses(dispatcher) == ["utter_my_requests_only"] and texts(dispatcher) == ["\n".join(LINES)]
    # Named with the phone each was filed with: the report's is the reporter's, not the verified one.
    assert seen == [("citizen-token", {"named": [{"reference": "TS000001", "phone": "13812345671"},
                                                 {"reference": "HD000001", "phone": "13952718346"}]})]


@pytest.mark.asyncio
async def test_with_an_application_they_come_after_its_progress(fake_backend) -> None:  # noqa: ANN001
    her_requests(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "progress"}, text="查进度",
                                                      intent="query_progress"), {})
    said = responses(dispatcher)
    assert "JZ20261124000009" in said[0] and "utter_my_requests" in said and "utter_no_applications" not in said


@pytest.mark.asyncio
async def test_nothing_filed_is_still_no_records(fake_backend) -> None:  # noqa: ANN001
    her_requests(fake_backend, [])
    fake_backend.mine = []
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "progress"}), {})
    assert responses(dispatcher)[-1] == "utter_no_applications"


@pytest.mark.asyncio
async def test_a_payment_question_is_not_answered_with_them(fake_backend) -> None:  # noqa: ANN001
    seen = her_requests(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "payment"}), {})
    assert seen == [] and "utter_my_requests" not in responses(dispatcher)
