"""胡建国, 66, his flat burnt last night, his wife in hospital, his phone nearly dead (a tester, the 急难 path):

1. "你们打我邻居的电话嘛13983004005" after filing made a second call-back (another number, another day), then "好久打电话来"
   quoted his own number, "打邻居那个4005的" got "没太听懂" and "电话不对 是139…" "没能改上". One call-back per report: the
   number to call changes the report's, and every later answer says the same number and time.
2. The next day, in a new conversation, "我昨天报的火灾那个 咋个样了 还没得人打电话来" was asked his phone and street and
   filed a new call-back. A question about an earlier report is its status once his phone is verified (a number in the
   message is that phone, never asked again), never a new call-back.
3. "火还没灭…请马上打119" came five times for a fire of last night, and "值班电话我这里还没有登记" on almost every reply:
   each safety line once a conversation, 119 never for a fire that is out or past, the missing duty phone once.
"""

import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked
from actions.emergency_readback import READ_BACK
from actions.emergency_report import ActionReadEmergency, ActionSubmitEmergency
from actions.fallback import ActionFallback
from actions.requests import ActionRequestCallback, ActionStartChange
from tests.actions.test_desk_findings_s8 import texts
from tests.actions.test_emergency_findings import ASKED
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_kitchen_fire_s9_g6 import slot_values
from tests.actions.test_night_flood_s9_j import NIGHT_PROMISE, posted, reported

NEIGHBOUR = "13983004005"
CASE = "JZ20261124000009"


async def said(action, slots: dict, text: str, intent: str) -> tuple[CollectingDispatcher, dict]:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots, text=text, intent=intent), {})
    return dispatcher, {**slots, **slot_values(events)}


# ---- 1. one call-back per report ---------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_the_neighbours_number_changes_the_reports_call_never_a_second_one(fake_backend) -> None:  # noqa: ANN001
    fake_backend.night = True
    slots = reported(application=CASE)
    d, slots = await said(ActionRequestCallback(), slots, "我手机快没电了 你们打我邻居的电话嘛13983004005", "request_callback")
    assert not posted(fake_backend, "/api/v1/callbacks")  # no second call-back, no second promise
    [note] = posted(fake_backend, f"/api/v1/applications/{CASE}/actions/add_information")
    assert NEIGHBOUR in note["note"]
    assert responses(d) == ["utter_call_phone_changed"] and "139****4005找邻居" in await texts(d)
    assert slots[emergency_booked.SLOT]["phone_masked"] == "139****4005"
    d, _ = await said(ActionFallback(), slots, "你们好久打电话来", "nlu_fallback")
    words = await texts(d)
    assert "139****4005" in words and NIGHT_PROMISE in words and "4004" not in words
    d, _ = await said(ActionFallback(), slots, "不是打我那个电话噻 我手机没电了 打邻居那个4005的", "nlu_fallback")
    assert responses(d) == ["utter_call_phone_is"] and "139****4005" in await texts(d)
    d, _ = await said(ActionStartChange(), {**slots, "phone_verified": True}, "电话不对 是13983004005", "correct_application")
    assert "utter_call_phone_not_changed" not in responses(d) and "139****4005" in await texts(d)


@pytest.mark.asyncio
async def test_another_call_back_of_the_conversation_is_never_changed_for_the_report(fake_backend) -> None:  # noqa: ANN001
    slots = {**reported(application=CASE), "callback_booked": {"reference": "HD000007", "caller": "七星岗街道社会救助窗口",
                                                               "due_day": "今天", "promise": "今天", "phone_masked": NEIGHBOUR}}
    d, _ = await said(ActionStartChange(), {**slots, "phone_verified": True}, "电话不对 是13983004005", "correct_application")
    assert not posted(fake_backend, "/api/v1/callbacks/HD000007/call-phone")
    assert posted(fake_backend, f"/api/v1/applications/{CASE}/actions/add_information")
    assert responses(d) == ["utter_call_phone_changed"]


# ---- 2. an earlier report asked about ----------------------------------------------------------------------------

ASKS = "我昨天报的火灾那个 咋个样了 还没得人打电话来"


@pytest.mark.asyncio
@pytest.mark.parametrize("action,intent", [(ActionRequestCallback(), "request_callback"), (ActionReadEmergency(), "report_emergency")])
async def test_a_report_made_yesterday_is_looked_up_never_a_new_call_back(fake_backend, action, intent) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker({}, text=ASKS, intent=intent), {})
    assert not posted(fake_backend, "/api/v1/callbacks")
    assert slot_values(events)["after_verify"] == "progress" and "emergency_what" not in slot_values(events)
    assert FollowupAction("verify_form") in events and responses(dispatcher) == ["utter_earlier_report_phone"]


@pytest.mark.asyncio
async def test_a_phone_in_the_question_gets_its_code_and_is_never_asked_again(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionRequestCallback().run(dispatcher, tracker({}, text=f"{ASKS} 我电话13983004004", intent="request_callback"), {})
    assert posted(fake_backend, "/api/v1/auth/otp/request") and not posted(fake_backend, "/api/v1/callbacks")
    assert slot_values(events)["verify_phone"] == "13983004004" and responses(dispatcher) == ["utter_code_sent"]


@pytest.mark.asyncio
async def test_once_verified_its_status_is_said(fake_backend) -> None:  # noqa: ANN001
    slots = {"phone_verified": True, "citizen_token": "t", "verified_phone": "13983004004"}
    events = await ActionRequestCallback().run(CollectingDispatcher(), tracker(slots, text=ASKS, intent="request_callback"), {})
    assert FollowupAction("action_after_verify") in events and not posted(fake_backend, "/api/v1/callbacks")


# ---- 3. each safety line once ------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_last_nights_fire_hears_no_119_and_each_safety_line_once(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    fake_backend.night = True
    slots = {**ASKED, "emergency_what": "我家昨晚着火了 房子烧了 老伴手烧伤了在住院", "street": "渝中区七星岗街道",
             "area_code": "500103001", READ_BACK: True}
    d, slots = await said(ActionSubmitEmergency(), slots, "对", "affirm")
    assert "utter_emergency_fire" not in responses(d) and "119" not in await texts(d)
    assert slots[emergency_booked.SLOT]["fire_out"]
    heard: list[str] = []
    for text in ("你们好久打电话来", "咋个办嘛", "好久来人嘛 等不起了", "一上班是几点嘛"):
        d, slots = await said(ActionFallback(), slots, text, "nlu_fallback")
        heard += responses(d)
        assert "119" not in await texts(d)
    no_duty = [r for r in heard if r in ("utter_after_hours_no_duty_phone", "utter_emergency_no_duty_phone")]
    assert len(no_duty) == 1 and heard.count("utter_emergency_danger") <= 1 and "utter_after_hours_hotline" in heard
