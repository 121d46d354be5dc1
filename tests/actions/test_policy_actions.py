import httpx
import pytest
from rasa_sdk.events import SlotSet

from actions.policy import ActionAnswerPolicy
from tests.actions.conftest import load_tracker


@pytest.mark.asyncio
async def test_answer_comes_from_the_backend_and_remembers_the_region(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_chongqing"), domain)
    assert dispatcher.messages[0]["text"] == "重庆市现行低保标准：城市每人每月770元，农村每人每月630元。"
    assert events == [SlotSet("policy_pending", False), SlotSet("region", "重庆")]
    (request,) = fake_backend.answers()
    assert request.url.path == "/api/v1/policy/answer"
    assert dict(request.url.params) == {"assistance_type": "低保", "aspect": "标准", "region": "重庆"}
    assert request.headers["Authorization"] == "Bearer service-token-for-tests"


@pytest.mark.asyncio
async def test_asks_for_the_region_when_the_backend_needs_it(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_no_region"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_region"]
    assert events == [SlotSet("policy_pending", True)]
    # No aspect was named: the standard is what people ask about most.
    assert fake_backend.answers()[0].url.params["aspect"] == "标准"
    assert fake_backend.answers()[0].url.params["assistance_type"] == "特困"


@pytest.mark.asyncio
async def test_an_unknown_place_after_asking_gets_an_honest_answer(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("region_unknown_after_asking"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_region_unknown"]
    assert events == [SlotSet("policy_pending", False), SlotSet("region", None)]


@pytest.mark.asyncio
async def test_backend_down_is_said_plainly(fake_backend, dispatcher, domain) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    fake_backend.handler = down
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_chongqing"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_backend_unavailable"]
    assert events == [SlotSet("policy_pending", False)]


@pytest.mark.asyncio
async def test_backend_refusal_message_is_passed_on(fake_backend, dispatcher, domain) -> None:
    fake_backend.handler = lambda r: httpx.Response(
        404, json={"error": {"code": "no_standard", "message": "重庆市在这一天还没有可用的标准数据。", "details": None}}
    )
    await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_chongqing"), domain)
    assert dispatcher.messages[0]["text"] == "重庆市在这一天还没有可用的标准数据。"


@pytest.mark.asyncio
async def test_the_street_goes_along_so_a_window_type_names_its_office(fake_backend, dispatcher, domain) -> None:
    t = load_tracker("ask_policy_chongqing")
    t.slots["area_code"] = "500103001"
    await ActionAnswerPolicy().run(dispatcher, t, domain)
    assert fake_backend.answers()[0].url.params["area_code"] == "500103001"
