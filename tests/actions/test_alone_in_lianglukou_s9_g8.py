"""Session 9 tester (邓秀兰, 88, alone in 渝中 两路口, 重庆话): the type she chose is never changed without a word. When the
pre-check finds 特困 pays more than 低保, that is said once, plainly, with two buttons that each carry their type, and the
type she asked for stays until she picks (a tester who pressed 申请低保 was read back 申请类型：特困 with no word why)."""

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency_next import ActionOutOfScope
from actions.fallback import ActionFallback
from actions.journeys import ActionLooseAnswer, ActionStartApplication
from actions.precheck import ActionPrecheck
from tests.actions.answers_helpers import DOMAIN_DICT, install, plain_tracker, wording

HEARD = {"household_size": 1.0, "monthly_income": 0.0, "income_excluded": "城乡居民基础养老金", "savings": 3000.0,
         "applicant_age": 88.0, "illness_or_disability": False, "has_supporter": False, "region": "重庆", "hukou": "城镇户口"}
BOTH = {"standard": "770.00", "results": [
    {"assistance_type": "低保", "eligible": True, "monthly_amount": "770",
     "reason": "家庭1人，月人均收入0元，低于重庆市城市低保标准770元；按差额每人770元，全家每月770元。"},
    {"assistance_type": "特困", "eligible": True, "monthly_amount": "1001",
     "reason": "申请人88岁，已满60周岁，无劳动能力、无生活来源、无有能力的义务人，可按特困供养标准每月1001元。"}]}


def both_met(fake) -> None:  # noqa: ANN001
    install(fake)
    inner = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/eligibility/precheck"):
            return httpx.Response(200, json=BOTH)
        return inner(request)

    fake.handler = handler


@pytest.mark.asyncio
@pytest.mark.parametrize("asked", ["低保", None])
async def test_tekun_paying_more_is_said_once_and_she_picks(fake_backend, asked) -> None:  # noqa: ANN001
    both_met(fake_backend)
    dispatcher = CollectingDispatcher()
    events = await ActionPrecheck().run(dispatcher, plain_tracker({**HEARD, "assistance_type": asked}), {})
    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_offer_which_type"
    text = await wording("utter_offer_which_type", {}, tekun=offer["tekun"], dibao=offer["dibao"])
    assert text == "按您的情况，特困每月1001元，比低保770元多；一般两样只能吃一样。您要申请哪个？"
    assert [b["title"] for b in offer["buttons"]] == ["申请特困", "申请低保"]
    # Never 特困 put in her place: the type she asked for stays; with none asked, none is chosen for her.
    typed = [e["value"] for e in events if e.get("name") == "assistance_type"]
    assert "特困" not in typed and (typed == [] if asked else typed == [None])


@pytest.mark.asyncio
async def test_the_button_she_pressed_is_the_type_filed(fake_backend) -> None:  # noqa: ANN001
    both_met(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionPrecheck().run(dispatcher, plain_tracker(HEARD), {})
    pressed = next(b for b in dispatcher.messages[-1]["buttons"] if b["title"] == "申请低保")["payload"]
    assert pressed == '/apply_assistance{"assistance_type":"低保"}'
    # Rasa reads that payload as the intent with the entity: the application starts as 低保, said nowhere else.
    tracker = Tracker("web-g8", {**HEARD, "assistance_type": "特困", "precheck_heard": {"household_size": 1}},
                      {"text": pressed, "intent": {"name": "apply_assistance", "confidence": 1.0},
                       "entities": [{"entity": "assistance_type", "value": "低保"}]}, [], False, None, {}, "action_listen")
    events = await ActionStartApplication().run(CollectingDispatcher(), tracker, {})
    assert [e["value"] for e in events if e.get("name") == "assistance_type"] == ["低保"]


# 4. "我以后咋个查嘛": how to follow the application, never "这个我帮不上忙…12345".

@pytest.mark.asyncio
@pytest.mark.parametrize("action", [ActionOutOfScope(), ActionFallback()])
@pytest.mark.parametrize("text", ["我以后咋个查嘛", "以后怎么查进度", "交了在哪里查结果"])
async def test_how_to_check_is_answered(fake_backend, action, text: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, plain_tracker({}, text, "out_of_scope"), {})
    assert [m.get("response") for m in dispatcher.messages] == ["utter_how_to_check"]
    wording_ = await wording("utter_how_to_check", {})
    assert "办到哪一步了" in wording_ and "短信" in wording_ and "窗口" in wording_


# 5. "我一个月就一百五十多块" with no form open: the pre-check offered, the figure carried into it.

@pytest.mark.asyncio
@pytest.mark.parametrize("action", [ActionLooseAnswer(), ActionFallback()])
async def test_an_income_said_alone_offers_the_precheck_with_it(fake_backend, action) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, plain_tracker({}, "我一个月就一百五十多块", "inform"), {})
    offer = dispatcher.messages[-1]
    assert offer["response"] == "utter_offer_precheck_income"
    assert await wording("utter_offer_precheck_income", {}, income=offer["income"]) == \
        "您一个月150多元，记下了。要不要我帮您测一测能不能吃低保？"
    assert [b["payload"] for b in offer["buttons"]] == ["/check_eligibility", "/deny"]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["monthly_income"] == 150 and slots["amounts_said"] == {"monthly_income": "150多"}
    # The pre-check's form then does not ask the income again (Rasa skips a filled slot).
    assert "monthly_income" in DOMAIN_DICT["forms"]["eligibility_form"]["required_slots"]
