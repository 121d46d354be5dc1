"""A grid worker reports an emergency for an old woman whose phone is not with her: the 急难 report never waits on
her code. One "收不到" / "没有手机" / "直接报" and it goes to the street as the reporter's, marked unconfirmed by
her, with everything said (an urgent call-back: an application needs her consent or a delegation)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency, form_first
from actions.forms import ValidateEmergencyForm
from actions.emergency_report import ActionSubmitEmergency
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_retries import turn

HER_PHONE = "13900012411"
ASKED_CODE = {"emergency_what": "屋头失火了", "applicant_name": "陈美兰", "applicant_id": "11010519491231002X",
              "applicant_phone": HER_PHONE, "verify_phone": HER_PHONE, "citizen_token": None}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["她在医院守到老伴 手机没带身上 收不到", "没有手机", "急得很 直接报给街道嘛", "收不到"])
async def test_one_word_that_she_cannot_get_the_code_files_without_it(fake_backend, text) -> None:  # noqa: ANN001
    after, said = await turn(ValidateEmergencyForm(), "verify_code", text, ASKED_CODE, "emergency_form")
    assert said == ["utter_emergency_unconfirmed"] and after["verify_code"] == emergency.UNCONFIRMED
    assert after["requested_slot"] == "contact_phone"  # the reporter's phone next, never the code again
    assert not any(r.url.path.startswith("/api/v1/auth") for r in fake_backend.requests)  # no code resent
    for intent in ("ask_policy", "request_human", "report_emergency", "inform"):
        assert form_first.looks_like_answer("verify_code", text, intent, "emergency_form")


@pytest.mark.asyncio
async def test_what_was_said_about_her_is_kept_with_the_report(fake_backend) -> None:  # noqa: ANN001
    after, _ = await turn(ValidateEmergencyForm(), "verify_code", "她在医院守到老伴 手机没带身上 收不到", ASKED_CODE, "emergency_form")
    assert "医院守到老伴" in after["emergency_what"] and after["emergency_what"].startswith("屋头失火了")


@pytest.mark.asyncio
async def test_no_phone_at_her_phone_question_is_not_asked_again(fake_backend) -> None:  # noqa: ANN001
    slots = {k: v for k, v in ASKED_CODE.items() if k not in ("applicant_phone", "verify_phone")}
    after, said = await turn(ValidateEmergencyForm(), "applicant_phone", "她没得手机", slots, "emergency_form")
    assert said == ["utter_emergency_unconfirmed"] and after["applicant_phone"] is None
    assert after["requested_slot"] == "contact_phone"
    after, said = await turn(ValidateEmergencyForm(), "contact_phone", "13812345678", after, "emergency_form")
    assert after["contact_phone"] == "13812345678" and after["requested_slot"] == "street"


@pytest.mark.asyncio
async def test_the_unconfirmed_report_reaches_the_street_at_once_with_everything_said(fake_backend) -> None:  # noqa: ANN001
    slots = {**ASKED_CODE, "verify_code": emergency.UNCONFIRMED, "contact_phone": "13812345678",
             "emergency_what": "屋头失火了；她在医院守到老伴", "street": "渝中区七星岗街道", "area_code": "500103001"}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitEmergency().run(dispatcher, tracker(slots), {})
    paths = [r.url.path for r in fake_backend.requests]
    assert "/api/v1/applications" not in paths  # no application without her consent: nothing refused, nothing looped
    body = fake_backend.body(paths.index("/api/v1/callbacks"))
    assert body["urgent"] is True and body["area_code"] == "500103001" and body["phone"] == "13812345678"
    assert emergency.UNCONFIRMED_NOTE in body["topic"] and "她在医院守到老伴" in body["topic"] and "陈美兰" in body["topic"]
    said = responses(dispatcher)
    assert said[0] == "utter_emergency_unconfirmed_filed" and "utter_emergency_fire" in said
    assert dispatcher.messages[0]["reference"] == "HD000001"
    assert {"event": "slot", "timestamp": None, "name": "verify_code", "value": None} in events
