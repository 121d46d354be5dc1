"""Testers who used the chat as real people, in the 急难 report: (1) nothing was read back before filing; (2) "好久来人"
seconds after filing was told "又催了一次"; (3) a neighbour's report for "铜元局" (a 街道 said without 街道) went to the
city; (4) "帮她报" inside the form got the global fallback."""

import httpx
import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency, emergency_booked, form_first
from actions.emergency_readback import ActionAskEmergencyConfirmed, READ_BACK
from actions.emergency_report import OTHER_NOTE, ActionReadEmergency, ActionSubmitEmergency
from actions.fallback import ActionFallback
from actions.forms import ValidateEmergencyForm
from actions.requests import ActionRequestCallback
from tests.actions.conftest import _street
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import NUMBER, VERIFIED, extracted
from tests.actions.test_retries import DOMAIN, turn
from tests.personas import questions

HER_ID = "11010519491231002X"
HER_PHONE = "13900012411"
# Her phone verified with its code: the report is filed as her 急难 application.
ASKED = {"emergency_what": "屋头失火了", "applicant_name": "陈美兰", "applicant_id": HER_ID, "applicant_phone": HER_PHONE,
         "citizen_token": "t", "verified_phone": HER_PHONE, "phone_verified": True, "verify_code": "ok"}
# 铜元局 as the area search finds it: a street with no office of its own or above it on file (backend/regions).
TONGYUANJU = {**_street("500108001", "铜元局街道", "南岸区", office=False), "office_name": "政务服务便民热线",
              "office_phone": "12345", "office_hours": "每天 24 小时"}


def knows_tongyuanju(fake_backend) -> None:  # noqa: ANN001
    """The fake backend's search, with 铜元局 found as the real one finds it (said with or without 街道)."""
    route = fake_backend.route

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/areas/search" and "铜元局" in request.url.params["q"]:
            return httpx.Response(200, json=[TONGYUANJU])
        return route(request)
    fake_backend.handler = handler


def untold(events: list[dict]) -> list[dict]:
    """An action's events without the safety lines it kept as said (the report's slot, emergency_booked.once): each
    line said once a conversation (tests/actions/test_burnt_flat_hu_s9_n.py); every other event is kept."""
    return [e for e in events if not (e.get("event") == "slot" and e.get("name") == emergency_booked.SLOT)]


def paths(fake_backend) -> list[str]:  # noqa: ANN001
    return [f"{r.method} {r.url.path}" for r in fake_backend.requests]


# ---- 1. the read-back before filing -----------------------------------------------------------------------

@pytest.mark.asyncio
async def test_the_report_is_read_back_in_short_lines_before_it_is_filed(fake_backend) -> None:  # noqa: ANN001
    after, said = await turn(ValidateEmergencyForm(), "street", "七星岗街道", ASKED, "emergency_form")
    assert after["area_code"] == "500103001" and after["requested_slot"] == READ_BACK  # not filed yet: read back
    assert "POST /api/v1/applications" not in paths(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyConfirmed().run(dispatcher, tracker(after), {})
    [message] = dispatcher.messages
    assert message["response"] == "utter_emergency_readback"
    assert message["lines"].split("\n") == ["谁：陈美兰", "在哪：渝中区七星岗街道", "出了啥事：屋头失火了", "电话：139****2411"]
    web = DOMAIN.responses["utter_emergency_readback"][0]
    assert web["buttons"] == [{"title": "对，报上去", "payload": "/affirm"}]  # one tap, nothing more
    # The persona harness hears a yes/no question its people answer "对".
    assert questions.question_in([web["text"].replace("{lines}", message["lines"])]) == "yes_no"


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["/affirm", "对", "对，报上去", "快点报上去嘛", "好久来人嘛"])
async def test_one_yes_files_it(fake_backend, said) -> None:  # noqa: ANN001
    slots = {**ASKED, "street": "渝中区七星岗街道", "area_code": "500103001"}
    after, words = await turn(ValidateEmergencyForm(), READ_BACK, said, slots, "emergency_form")
    assert after[READ_BACK] is True and after["requested_slot"] is None and words == []  # the form is done: filed next


@pytest.mark.asyncio
@pytest.mark.usefixtures("remote_actions_in_process")
@pytest.mark.parametrize("intent", ["affirm", "report_emergency", "apply_assistance", "inform"])
async def test_the_yes_is_heard_whatever_the_nlu_made_of_it(intent) -> None:  # noqa: ANN001
    assert (await extracted("对，报上去", intent, READ_BACK, "emergency_form"))[READ_BACK] == "对，报上去"
    assert READ_BACK not in await extracted("找工作人员", "request_human", READ_BACK, "emergency_form")  # a person, still


@pytest.mark.asyncio
async def test_one_item_corrected_is_corrected_then_read_back_again(fake_backend) -> None:  # noqa: ANN001
    slots = {**ASKED, "street": "渝中区七星岗街道", "area_code": "500103001"}
    after, said = await turn(ValidateEmergencyForm(), READ_BACK, "街道不对，是解放碑街道", slots, "emergency_form")
    assert after["street"] == "渝中区解放碑街道" and after["area_code"] == "500103003" and "utter_corrected" in said
    assert after[READ_BACK] is None and after["requested_slot"] == READ_BACK and not after.get("form_retries")
    after, said = await turn(ValidateEmergencyForm(), READ_BACK, "出的事不对 是屋头漏水把房子泡了", after, "emergency_form")
    assert after["emergency_what"] == "屋头漏水把房子泡了" and after["requested_slot"] == READ_BACK
    after, said = await turn(ValidateEmergencyForm(), READ_BACK, "名字错了", after, "emergency_form")
    assert after["applicant_name"] is None and after["requested_slot"] == "applicant_name"  # asked again, then read back
    assert "POST /api/v1/applications" not in paths(fake_backend)


@pytest.mark.asyncio
async def test_a_vague_no_asks_which_one_and_nothing_is_filed(fake_backend) -> None:  # noqa: ANN001
    slots = {**ASKED, "street": "渝中区七星岗街道", "area_code": "500103001"}
    after, said = await turn(ValidateEmergencyForm(), READ_BACK, "不对", slots, "emergency_form")
    assert said == ["utter_emergency_which_wrong"] and after[READ_BACK] is None and after["requested_slot"] == READ_BACK


@pytest.mark.asyncio
async def test_filing_forgets_the_yes_so_the_next_report_is_read_back_too(fake_backend) -> None:  # noqa: ANN001
    slots = {**ASKED, "street": "渝中区七星岗街道", "area_code": "500103001", READ_BACK: True, "emergency_for": "other"}
    events = await ActionSubmitEmergency().run(CollectingDispatcher(), tracker(slots), {})
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values[READ_BACK] is None and values["emergency_for"] is None and values["application_no"] == NUMBER


# ---- 2. "好久来人" right after filing --------------------------------------------------------------------

async def filed(fake_backend, monkeypatch, at: float = 1_000_000.0) -> dict:  # noqa: ANN001
    """Her 急难 application filed at `at`; the slots after it."""
    monkeypatch.setattr(emergency_booked, "now", lambda: at)
    slots = {**ASKED, "street": "渝中区七星岗街道", "area_code": "500103001", READ_BACK: True}
    events = await ActionSubmitEmergency().run(CollectingDispatcher(), tracker(slots), {})
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    fake_backend.requests.clear()
    return slots


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent", "action"), [
    ("好久来人", "nlu_fallback", ActionFallback), ("咋个还没来人", "request_human", ActionRequestCallback),
    ("咋个还没来人", "report_emergency", ActionReadEmergency), ("好久来人", "inform", ActionFallback)])
async def test_a_hurry_seconds_after_filing_is_told_it_was_just_filed_not_urged(fake_backend, monkeypatch, text, intent,
                                                                                 action) -> None:  # noqa: ANN001
    slots = await filed(fake_backend, monkeypatch)
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + 40)  # 40 seconds later
    dispatcher = CollectingDispatcher()
    events = await action().run(dispatcher, tracker(slots, text=text, intent=intent), {})
    said = responses(dispatcher)
    assert said == ["utter_emergency_just_filed", "utter_emergency_office_phone", "utter_emergency_danger"]
    assert "utter_emergency_urged" not in said and "utter_emergency_first" not in said
    just = dispatcher.messages[0]
    assert just["number"] == NUMBER and just["ago"] == "刚刚" and just["phone_masked"] == "139****2411"
    assert just["caller"] == "七星岗街道社会救助窗口" and just["by"] == "，最迟今天"  # who, by when: the backend's promise at filing (GET /on-duty), said the same each time
    assert just["again"] == emergency_booked.HURRY_AGAIN_MINUTES
    assert dispatcher.messages[1]["office_phone"] == "023-00103001"  # the street's number
    assert [r.url.path for r in fake_backend.answers()] == ["/api/v1/on-duty"]  # who is at work asked; nothing recorded, no ticket
    assert action is not ActionReadEmergency or untold(events) == [FollowupAction("action_listen")]
    text_said = DOMAIN.responses["utter_emergency_just_filed"][0]["text"]
    assert "又催" not in text_said and "{again}分钟" in text_said


@pytest.mark.asyncio
async def test_after_the_interval_a_hurry_is_recorded_on_the_case(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    slots = await filed(fake_backend, monkeypatch)
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + emergency_booked.HURRY_AGAIN_MINUTES * 60 + 1)
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(slots, text="好久来人", intent="nlu_fallback"), {})
    assert responses(dispatcher) == ["utter_emergency_urged"]
    assert fake_backend.requests[-1].url.path == f"/api/v1/applications/{NUMBER}/actions/add_information"


@pytest.mark.asyncio
async def test_a_report_that_went_as_a_call_back_is_told_the_same_and_never_urges_another_case(fake_backend, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0)
    slots = {**ASKED, "verify_code": emergency.UNCONFIRMED, "citizen_token": None, "contact_phone": "13812345678",
             "street": "渝中区七星岗街道", "area_code": "500103001", READ_BACK: True,
             "application_no": NUMBER}  # a 低保 case filed earlier in this conversation
    events = await ActionSubmitEmergency().run(CollectingDispatcher(), tracker(slots), {})
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    fake_backend.requests.clear()
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(slots, text="好久来人", intent="nlu_fallback"), {})
    assert responses(dispatcher)[0] == "utter_emergency_just_filed" and dispatcher.messages[0]["number"] == "HD000001"
    assert dispatcher.messages[0]["by"] == "，最迟今天"
    monkeypatch.setattr(emergency_booked, "now", lambda: 1_000_000.0 + 3600)
    fake_backend.requests.clear()
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(slots, text="好久来人", intent="nlu_fallback"), {})
    assert not any("/actions/" in r.url.path for r in fake_backend.requests)  # never the 低保 case filed earlier
    # The hurry "我帮您催一次" promised is kept: put on the call-back the report went as (the same phone: the backend adds
    # it to the open one, never a second ticket), and said as done.
    [urged] = [fake_backend.body(i) for i, r in enumerate(fake_backend.requests) if r.url.path == "/api/v1/callbacks"]
    assert urged["phone"] == "13812345678" and urged["urgent"] and urged["topic"].startswith(emergency_booked.HURRY_NOTE)
    assert responses(dispatcher) == ["utter_emergency_urged_callback"] and dispatcher.messages[0]["promise"] == "今天"


# ---- 3. a street said without 街道 ----------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["铜元局", "铜元局那边 具体哪个社区不清楚", "就在铜元局 门牌号记不得了"])
async def test_a_neighbours_report_for_tongyuanju_goes_to_that_street(fake_backend, said) -> None:  # noqa: ANN001
    knows_tongyuanju(fake_backend)
    slots = {**ASKED, "verify_code": emergency.UNCONFIRMED, "applicant_phone": None, "citizen_token": None,
             "contact_phone": "13812345678", "emergency_for": "other"}
    after, words = await turn(ValidateEmergencyForm(), "street", said, slots, "emergency_form")
    assert after["area_code"] == "500108001" and after["street"] == "南岸区铜元局街道" and "utter_emergency_street_unknown" not in words
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyConfirmed().run(dispatcher, tracker(after), {})
    assert "在哪：南岸区铜元局街道" in dispatcher.messages[0]["lines"]  # she sees where it goes before it goes
    await ActionSubmitEmergency().run(CollectingDispatcher(), tracker({**after, READ_BACK: True}), {})
    sent = next(fake_backend.body(i) for i, r in enumerate(fake_backend.requests) if r.url.path == "/api/v1/callbacks")
    assert sent["area_code"] == "500108001" and sent["urgent"] is True  # the street's, not the city's queue


@pytest.mark.asyncio
@pytest.mark.parametrize(("street", "said"), [("unknown", "是铜元局"), ("渝中区七星岗街道", "不是七星岗 是铜元局")])
async def test_a_street_said_at_the_read_back_is_taken(fake_backend, street, said) -> None:  # noqa: ANN001
    knows_tongyuanju(fake_backend)
    slots = {**ASKED, "street": street, "area_code": None if street == "unknown" else "500103001"}
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyConfirmed().run(dispatcher, tracker(slots), {})
    assert ("在哪：街道没说清" in dispatcher.messages[0]["lines"]) == (street == "unknown")
    after, said = await turn(ValidateEmergencyForm(), READ_BACK, said, slots, "emergency_form")
    assert after["area_code"] == "500108001" and after["requested_slot"] == READ_BACK and "utter_corrected" in said


@pytest.mark.asyncio
async def test_no_street_at_all_is_still_the_city_queue(fake_backend) -> None:  # noqa: ANN001
    after, words = await turn(ValidateEmergencyForm(), "street", "不晓得", ASKED, "emergency_form")
    assert after["street"] == "unknown" and after["area_code"] is None and words == ["utter_emergency_street_unknown"]
    assert after["requested_slot"] == READ_BACK


# ---- 4. "帮她报" inside the form ------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.usefixtures("remote_actions_in_process")
@pytest.mark.parametrize("said", ["帮她报", "帮我邻居报一下", "我是帮隔壁王婆婆报的"])
@pytest.mark.parametrize("intent", ["apply_assistance", "report_emergency", "request_human", "inform"])
async def test_reporting_for_someone_else_is_an_answer_not_the_fallback(said, intent) -> None:  # noqa: ANN001
    assert form_first.looks_like_answer("applicant_name", said, intent, "emergency_form")
    assert (await extracted(said, intent, "applicant_name", "emergency_form"))["applicant_name"] == said


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["applicant_name", "emergency_what", "applicant_phone", "street"])
@pytest.mark.parametrize("said", ["帮她报", "帮我邻居报一下"])
async def test_reporting_for_someone_else_is_taken_as_that_and_the_question_asked_again(fake_backend, slot, said) -> None:  # noqa: ANN001
    drop = {slot, "verify_code", "citizen_token"} if slot == "applicant_phone" else {slot}
    slots = {k: v for k, v in ASKED.items() if k not in drop}
    after, words = await turn(ValidateEmergencyForm(), slot, said, slots, "emergency_form")
    assert words == ["utter_emergency_for_other"] and after["emergency_for"] == "other"
    assert after[slot] is None and after["requested_slot"] == slot and not after.get("form_retries")
    assert not fake_backend.answers()  # no name looked up, no code sent


@pytest.mark.asyncio
async def test_said_with_an_answer_both_are_kept_and_the_report_says_so(fake_backend) -> None:  # noqa: ANN001
    after, _ = await turn(ValidateEmergencyForm(), "applicant_name", f"帮我妈报 她叫陈美兰 {HER_ID}", {"emergency_what": "屋头失火了"},
                          "emergency_form")
    assert after["applicant_name"] == "陈美兰" and after["applicant_id"] == HER_ID and after["emergency_for"] == "other"
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyConfirmed().run(dispatcher, tracker({**ASKED, "emergency_for": "other", "street": "渝中区七星岗街道",
                                                                 "area_code": "500103001"}), {})
    assert "谁：陈美兰（您代报）" in dispatcher.messages[0]["lines"]
    slots = {**ASKED, "emergency_for": "other", "street": "渝中区七星岗街道", "area_code": "500103001", READ_BACK: True}
    await ActionSubmitEmergency().run(CollectingDispatcher(), tracker(slots), {})
    filed_body = next(fake_backend.body(i) for i, r in enumerate(fake_backend.requests) if r.url.path == "/api/v1/applications")
    assert filed_body["reason"] == f"屋头失火了（{OTHER_NOTE}）"


@pytest.mark.asyncio
async def test_the_first_message_for_a_neighbour_is_not_taken_as_what_happened() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionReadEmergency().run(dispatcher, tracker(text="帮我邻居报一下", intent="report_emergency"), {})
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values == {"emergency_for": "other", "emergency_about": {"reporter": "邻居"}}  # "发生了什么事" is still asked
    events = await ActionReadEmergency().run(dispatcher, tracker(text="帮我邻居报一下 她屋头着火了", intent="report_emergency"), {})
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values == {"emergency_for": "other", "emergency_about": {"reporter": "邻居"}, "emergency_what": "帮我邻居报一下 她屋头着火了"}
