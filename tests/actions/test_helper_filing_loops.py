"""A tester playing a 网格员 filing for old people, through the real chat: after a name corrected at the read-back
the submission was refused ("申请人的姓名和身份证号对不上…") and the same name and ID number were asked for again and
again. A name only she registered is corrected by the backend now (tests/backend/test_name_corrected_by_helper.py);
a name the backend rightly refuses is asked once more, then the chat says what to do instead: no third round."""

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.journeys import ActionSubmitApplication
from tests.actions.test_form_first import FILLED

REFUSED = {"error": {"code": "name_mismatch", "details": None,
                     "message": "申请人的姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"}}


async def _submit(fake_backend, slots: dict) -> tuple[dict, list[dict], list[dict]]:  # noqa: ANN001
    route = fake_backend.route

    def mismatch(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/applications" and request.method == "POST":
            return httpx.Response(422, json=REFUSED)
        return route(request)

    fake_backend.handler = mismatch
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitApplication().run(dispatcher, Tracker("t", slots, {}, [], False, None, None, "action_listen"), {})
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, events, dispatcher.messages


@pytest.mark.asyncio
async def test_a_refused_name_is_asked_once_more_then_the_window_or_a_person(fake_backend) -> None:  # noqa: ANN001
    slots = {**FILLED, "applicant_name": "刘桂芳", "confirmed": True, "submission_key": "k-1"}
    first, events, _ = await _submit(fake_backend, slots)
    assert first["applicant_name"] is None and first["applicant_id"] is None
    assert {"event": "followup", "name": "application_form", "timestamp": None} in events
    # She says the same name and number again: refused again, and this time no third round.
    again, events, messages = await _submit(fake_backend, {**slots, "name_refused": first["name_refused"]})
    assert not any(e.get("event") == "followup" for e in events)
    assert "applicant_name" not in again and "applicant_id" not in again  # every answer kept
    assert again["paused_form"] == "application_form" and again["confirmed"] is None
    offer = next(m for m in messages if m.get("response") == "utter_name_still_refused")
    assert offer["applicant_name"] == "刘桂芳"
