import httpx
import pytest
from rasa_sdk.events import SlotSet

from actions.policy import ActionAnswerPolicy, ActionAnswerPolicyForPlace
from tests.actions.conftest import load_tracker


@pytest.mark.asyncio
async def test_answer_comes_from_the_backend_and_remembers_the_region(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_chongqing"), domain)
    assert dispatcher.messages[0]["text"] == "重庆市现行低保标准：城市每人每月770元，农村每人每月630元。"
    assert events == [SlotSet("policy_pending", False), SlotSet("region", "重庆")]
    (request,) = fake_backend.answers()
    assert request.url.path == "/api/v1/policy/answer"
    params = dict(request.url.params)
    # The message goes along as `said` too: the backend sees when the place named was a relative's ("儿子在广东").
    assert params.pop("said") and params == {"assistance_type": "低保", "aspect": "标准", "region": "重庆"}
    assert request.headers["Authorization"] == "Bearer service-token-for-tests"


@pytest.mark.asyncio
async def test_asks_for_the_region_when_the_backend_needs_it(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_no_region"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_region"]
    # The places offered are the backend's (the offer), not a list kept in the bot.
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["重庆", "武汉", "常州"]
    assert dispatcher.messages[0]["buttons"][1]["payload"] == '/inform{"region":"武汉"}'
    assert events == [SlotSet("policy_pending", True)]
    # No aspect was named: the standard is what people ask about most.
    assert fake_backend.answers()[0].url.params["aspect"] == "标准"
    assert fake_backend.answers()[0].url.params["assistance_type"] == "特困"


@pytest.mark.asyncio
async def test_an_unknown_place_after_asking_gets_an_honest_answer(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicyForPlace().run(dispatcher, load_tracker("region_unknown_after_asking"), domain)
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


# ---- issue 20: policy answers that are true

def _said(dispatcher) -> list[str | None]:  # noqa: ANN001
    return [m.get("response") or m.get("text") for m in dispatcher.messages]


@pytest.mark.asyncio
async def test_a_city_named_now_wins_over_the_region_asked_about_before(fake_backend, dispatcher, domain) -> None:
    """"成都低保标准是多少" after a 重庆 question, 成都 not tagged by the NLU: never 重庆's 770/630."""
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_chengdu_after_chongqing"), domain)
    (request,) = fake_backend.answers()
    assert request.url.params["said"] == "成都低保标准是多少"
    (text,) = _said(dispatcher)
    assert text.startswith("四川省成都市的低保标准我这里还没有") and "770" not in text
    assert events == [SlotSet("policy_pending", False), SlotSet("region", None)]


@pytest.mark.asyncio
async def test_a_region_tagged_in_this_message_is_the_one_asked_about(fake_backend, dispatcher, domain) -> None:
    await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_beijing_tagged_in_form"), domain)
    assert fake_backend.answers()[0].url.params["region"] == "北京"
    assert _said(dispatcher)[0].startswith("北京市的低保标准我这里还没有")


@pytest.mark.asyncio
async def test_the_answer_to_where_is_the_place_even_when_not_understood(fake_backend, dispatcher, domain) -> None:
    """"成都" after "您在哪个地方？" got the fallback; now it is the place asked for, answered honestly."""
    events = await ActionAnswerPolicyForPlace().run(dispatcher, load_tracker("place_chengdu_not_understood"), domain)
    assert fake_backend.answers()[0].url.params["region"] == "成都"
    (text,) = _said(dispatcher)
    assert text.startswith("四川省成都市的低保标准我这里还没有") and "12345" in text
    assert events == [SlotSet("policy_pending", False), SlotSet("region", None)]


@pytest.mark.asyncio
async def test_an_asset_answer_offers_the_precheck(fake_backend, dispatcher, domain) -> None:
    await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_assets"), domain)
    assert fake_backend.answers()[0].url.params["aspect"] == "资产"
    assert _said(dispatcher)[-1] == "utter_offer_precheck"


@pytest.mark.asyncio
async def test_no_precheck_offer_and_no_region_question_inside_a_form(fake_backend, dispatcher, domain) -> None:
    """The next message inside a form answers the form: the bot must not wait for a place there."""
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_no_region_in_form"), domain)
    assert _said(dispatcher) == ["utter_policy_region_later"]
    assert events == [SlotSet("policy_pending", False)]
    dispatcher.messages.clear()
    t = load_tracker("ask_policy_assets")
    t.active_loop = {"name": "eligibility_form"}
    await ActionAnswerPolicy().run(dispatcher, t, domain)
    assert "utter_offer_precheck" not in _said(dispatcher)


@pytest.mark.asyncio
async def test_an_answer_for_no_place_keeps_the_region(fake_backend, dispatcher, domain) -> None:
    events = await ActionAnswerPolicy().run(dispatcher, load_tracker("ask_policy_materials"), domain)
    assert _said(dispatcher) == ["一般要身份证、户口簿。"]
    assert events == [SlotSet("policy_pending", False)]


@pytest.mark.asyncio
async def test_a_long_answer_to_where_goes_as_said(fake_backend, dispatcher, domain) -> None:
    """The backend takes a place of at most 32 characters; a longer answer is searched for a city named in it."""
    t = load_tracker("place_chengdu_not_understood")
    t.latest_message["text"] = "我们一家人现在都住在成都那边，已经住了好多年了，户口也早就迁过去了，想问下那边的标准"
    await ActionAnswerPolicyForPlace().run(dispatcher, t, domain)
    params = fake_backend.answers()[0].url.params
    assert "region" not in params and params["said"] == t.latest_message["text"]
    assert _said(dispatcher)[0].startswith("四川省成都市")


@pytest.mark.asyncio
async def test_a_question_that_needs_the_place_gets_the_national_rule_before_the_place_question(
        fake_backend, dispatcher, domain) -> None:
    tracker = load_tracker("ask_policy_no_region")
    tracker.slots["policy_aspect"] = "资产"  # "有车的人能不能吃低保", no place known yet
    events = await ActionAnswerPolicy().run(dispatcher, tracker, domain)
    assert "车辆" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["response"] == "utter_ask_region"
    assert events == [SlotSet("policy_pending", True)]
