"""Issue 20, testers' findings: "好久打嘛" after a call-back fell to the greeting or opened a second ticket;
"受理是啥子意思" and "退休金算不算收入" after a result got "没太听懂". Before the fallback, the call-back booked is
told again, and a question about a word or an income is answered from the backend."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import FOLLOW_UP, ActionFallback
from actions.journeys import ActionLooseAnswer
from actions.requests import ActionRequestCallback
from tests.actions.test_forms_and_journeys import responses, tracker

BOOKED = {"reference": "HD000001", "caller": "七星岗街道社会救助窗口", "due_day": "11月25日（星期三）",
          "phone_masked": "139****5678"}


@pytest.mark.parametrize("text", ["好久打嘛", "你们好久给我打电话", "电话咋个还没来", "说好的回电呢", "啥时候打电话过来",
                                  "怎么还没人联系我", "等了半天还没打来", "好久来人", "街道值班电话是好多"])
def test_follow_ups_to_a_call_back(text: str) -> None:
    assert FOLLOW_UP.search(text)


@pytest.mark.parametrize("text", ["打电话给我", "转人工", "我要申请低保", "电话号码是13912345678", "好的谢谢"])
def test_not_follow_ups(text: str) -> None:
    assert not FOLLOW_UP.search(text)


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["request_human", "nlu_fallback"])
async def test_a_follow_up_is_told_the_call_back_again_and_books_nothing(fake_backend, intent: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    action = ActionRequestCallback() if intent == "request_human" else ActionFallback()
    await action.run(dispatcher, tracker({"callback_booked": BOOKED, "contact_phone": "13912345678"}, text="好久打嘛",
                                         intent=intent), {})
    assert responses(dispatcher) == ["utter_callback_followup"] and dispatcher.messages[0]["reference"] == "HD000001"
    assert dispatcher.messages[0]["promise"] == "11月25日（星期三）前"  # booked before the backend worded promises
    assert not any(r.url.path == "/api/v1/callbacks" for r in fake_backend.requests)


@pytest.mark.asyncio
async def test_a_booked_call_back_is_remembered_for_the_follow_up(fake_backend) -> None:  # noqa: ANN001
    slots = {"contact_phone": "13912345678", "callback_topic": "我不会打字", "street": "七星岗街道", "area_code": "500103001"}
    events = await ActionRequestCallback().run(CollectingDispatcher(), tracker(slots), {})
    kept = next(e["value"] for e in events if e.get("name") == "callback_booked")
    assert kept == {**BOOKED, "phone_masked": "139****5678", "office_phone": None, "office_hours": "工作日 9:00-17:30",
                    "promise": "11月25日（星期三）下班前"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "text", "said"), [
    (ActionFallback(), "受理是啥子意思", "“受理”就是街道（乡镇）收下了您的申请，正式开始办。"),
    (ActionLooseAnswer(), "退休金算不算收入", "退休金要算进家庭收入。"),
])
async def test_a_word_or_an_income_question_is_answered_not_missed(fake_backend, action, text: str, said: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker(text=text), {})
    assert responses(dispatcher) == [said]


@pytest.mark.asyncio
async def test_anything_else_is_still_not_understood(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, tracker(text="阿巴阿巴"), {})
    assert responses(dispatcher) == ["utter_default"] and events == [{"event": "rewind", "timestamp": None}]


@pytest.mark.asyncio
async def test_a_result_of_none_says_why_and_why_is_answered_again(fake_backend) -> None:  # noqa: ANN001
    """A tester got "暂时不太符合" with no reason, and her "为啥子不符合" was filed as a complaint."""
    from actions.precheck import ActionExplainResult, ActionPrecheck

    slots = {"household_size": 1.0, "monthly_income": 900.0, "savings": 0.0, "applicant_age": 50.0, "region": "重庆"}
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == ["utter_precheck_result", "utter_precheck_none"]
    assert "不低于重庆市城市低保标准770元" in dispatcher.messages[0]["reason"]
    why = next(e["value"] for e in events if e.get("name") == "precheck_why")
    assert len(why) == 2 and why[1].startswith("【特困】")
    dispatcher = CollectingDispatcher()
    await ActionExplainResult().run(dispatcher, tracker({"precheck_why": why}, text="为啥子不符合", intent="ask_why"), {})
    assert responses(dispatcher) == ["utter_precheck_why", "utter_precheck_estimate"]
    assert "770元" in dispatcher.messages[0]["reasons"] and "劳动能力" in dispatcher.messages[0]["reasons"]
    dispatcher = CollectingDispatcher()
    await ActionExplainResult().run(dispatcher, tracker({"precheck_why": why}, text="那特困为啥不行", intent="ask_why",
                                                        entities=[{"entity": "assistance_type", "value": "特困"}]), {})
    assert dispatcher.messages[0]["reasons"] == why[1]  # only the type asked about


@pytest.mark.asyncio
async def test_why_without_a_result_here_says_where_each_reason_is(fake_backend) -> None:  # noqa: ANN001
    from actions.precheck import ActionExplainResult

    dispatcher = CollectingDispatcher()
    await ActionExplainResult().run(dispatcher, tracker(text="为啥子不符合", intent="ask_why"), {})
    assert responses(dispatcher) == ["utter_why_which"]


@pytest.mark.asyncio
async def test_a_call_back_already_open_for_this_phone_is_told_again(fake_backend) -> None:  # noqa: ANN001
    """The backend answers `existing` when the phone has an open call-back (asked in another conversation)."""
    import httpx

    route = fake_backend.route

    def existing(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/callbacks":
            return httpx.Response(200, json={**BOOKED, "id": 1, "office_name": "七星岗街道社会救助窗口", "office_phone": None,
                                             "office_hours": None, "office_configured": True, "existing": True,
                                             "urgent": False, "due_today": False, "duty_told": False, "sms_sent": False})
        return route(request)

    fake_backend.handler = existing
    dispatcher = CollectingDispatcher()
    slots = {"contact_phone": "13912345678", "callback_topic": "昨天说要打电话给我", "street": "七星岗街道", "area_code": "500103001"}
    events = await ActionRequestCallback().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher) == ["utter_callback_followup"]
    assert any(e.get("name") == "callback_booked" and e["value"]["reference"] == "HD000001" for e in events)


@pytest.mark.asyncio
async def test_a_place_without_figures_is_never_called_not_eligible(fake_backend) -> None:  # noqa: ANN001
    """A tester's pre-check for 广东 (her son's place) ended "所以…暂时不太符合低保、特困的条件"."""
    from actions.precheck import ActionPrecheck

    slots = {"household_size": 1.0, "monthly_income": 180.0, "savings": 0.0, "applicant_age": 81.0, "region": "广东"}
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, tracker(slots), {})
    assert "utter_precheck_none" not in responses(dispatcher) and responses(dispatcher)[-1] == "utter_precheck_no_figures"
    assert {"event": "slot", "timestamp": None, "name": "region", "value": None} in events


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text", "kept"), [
    ("savings", "你还没回答我 退休金算收入吗", None),  # was kept as 存款0元
    ("monthly_income", "退休金算不算收入哦", None),
    ("monthly_income", "退休金算不算收入啊 奶奶有个一千二的退休金", 1200.0),
])
async def test_a_question_about_what_counts_is_answered_inside_the_form(fake_backend, slot: str, text: str,
                                                                         kept: float | None) -> None:  # noqa: ANN001
    from tests.actions.answers_helpers import install, turn
    from actions.forms import ValidateApplicationForm

    install(fake_backend)
    slots = {"assistance_type": "低保", "filing_for": "self", "area_code": "500103001", "street": "七星岗街道",
             "hukou": "城镇户口", "monthly_income": 300.0 if slot == "savings" else None}
    after, said = await turn(ValidateApplicationForm(), slot, text, slots)
    assert "退休金要算进家庭收入。" in [m.get("text") for m in said]
    assert after[slot] == kept


@pytest.mark.asyncio
async def test_a_question_about_what_counts_at_the_read_back_reads_back_again(fake_backend) -> None:  # noqa: ANN001
    from tests.actions.answers_helpers import install, turn
    from tests.actions.test_form_first import FILLED
    from actions.forms import ValidateApplicationForm

    install(fake_backend)
    after, said = await turn(ValidateApplicationForm(), "confirmed", "等下 退休金算不算收入啊 算的话是不是就评不上了",
                             {**FILLED, "requested_slot": "confirmed"})
    assert "退休金要算进家庭收入。" in [m.get("text") for m in said]
    assert after["confirmed"] is None and after["monthly_income"] == 800.0
