"""A tester playing a 网格员 answered "您怎么称呼" with the old man's name (陈德明) and could not put her own right:
"不对不对 我叫张丽 陈德明是那个老人家" at the phone question got "手机号好像不对"; "我刚才说错了 我叫张丽 申请人才是陈德明"
swapped the names the wrong way; the read-back had no 改 button for 代办人; "代办人名字不对，是张丽" saved "代办人" as the
applicant's name; and after all that 陈德明 was refused as the applicant ("这是您自己的名字吧？").

Now "我叫X", "我是X", "代办人名字不对 是X" at any question set the helper's own name (and the applicant's, when said),
in one line, then the open question again; role words are never names; the read-back has a 代办人 line with its 改."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers.names import parse_name
from actions.forms import ValidateApplicationForm
from actions.journeys import ActionAskConfirmed
from tests.actions.answers_helpers import HIS_ID, install, said, turn, wording
from tests.actions.test_promises_and_codes import VERIFIED

# She said 陈德明 for herself; 张丽 then landed on the applicant.
MIXED = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "grid_worker", **VERIFIED,
         "helper_name": "陈德明", "applicant_name": "张丽", "applicant_id": HIS_ID}
FILLED = {**MIXED, "applicant_name": "陈德明", "principal_no_phone": True, "street": "渝中区七星岗街道", "area_code": "500103001",
          "hukou": "城镇户口", "more_members": False, "members": [], "monthly_income": 800.0, "savings": 0.0, "reason": "一个人住 生活困难"}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不对不对 我叫张丽 陈德明是那个老人家", "我刚才说错了 我叫张丽 申请人才是陈德明",
                                  "我是张丽，陈德明是老人家", "我的名字是张丽 老人叫陈德明"])
async def test_her_own_name_and_his_put_right_at_the_phone_question(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "applicant_phone", text, MIXED)
    assert (slots["helper_name"], slots["applicant_name"]) == ("张丽", "陈德明")
    assert said(messages) == ["utter_helper_renamed_principal"]  # one line; never "手机号好像不对"
    assert slots["applicant_phone"] is None and slots["requested_slot"] == "applicant_phone"  # the phone asked again
    words = await wording("utter_helper_renamed_principal", slots, helper_name="张丽", applicant_name="陈德明")
    assert "张丽" in words and "陈德明" in words


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["代办人名字不对，是张丽", "代办人名字不对 是张丽", "代办人应该是张丽", "我叫张丽", "我是张丽"])
async def test_her_own_name_put_right_at_the_readback(fake_backend, text: str) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "confirmed", text, FILLED)
    assert (slots["helper_name"], slots["applicant_name"]) == ("张丽", "陈德明")  # never "代办人" for his name
    assert said(messages) == ["utter_helper_renamed"] and slots["requested_slot"] == "confirmed" and slots["confirmed"] is None
    assert "张丽" in await wording("utter_helper_renamed", slots, helper_name="张丽")


@pytest.mark.asyncio
async def test_after_her_name_is_put_right_his_name_is_taken_for_the_applicant(fake_backend) -> None:  # noqa: ANN001
    """"改申请人" → "陈德明" was refused as her own name: the guard compares with her corrected name."""
    slots, messages = await turn(ValidateApplicationForm(), "applicant_phone", "我叫张丽", MIXED)
    assert slots["helper_name"] == "张丽" and slots["applicant_name"] is None  # her name, taken for his: asked again
    assert said(messages) == ["utter_helper_renamed"] and slots["requested_slot"] == "applicant_name"
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", "陈德明", slots)
    assert slots["applicant_name"] == "陈德明" and "utter_applicant_is_helper" not in said(messages)


def readback(slots: dict) -> tuple[Tracker, CollectingDispatcher]:
    tracker = Tracker("t", dict(slots), {"text": "x", "intent": {"name": "inform"}}, [
        {"event": "user", "text": "x", "input_channel": "rest"}], False, None, {"name": "application_form"}, "action_listen")
    return tracker, CollectingDispatcher()


@pytest.mark.asyncio
async def test_the_readback_has_a_helper_line_with_its_own_fix_button(fake_backend) -> None:  # noqa: ANN001
    tracker, dispatcher = readback(FILLED)
    await ActionAskConfirmed().run(dispatcher, tracker, {})
    message = dispatcher.messages[0]
    assert "代办人：陈德明（网格员）" in message["lines"].split("\n")
    assert {"改代办人", "改申请人"} <= {b["title"] for b in message["buttons"]}
    slots, _ = await turn(ValidateApplicationForm(), "confirmed", "代办人名字不对", FILLED)
    assert slots["helper_name"] is None and slots["requested_slot"] == "helper_name" and slots["applicant_name"] == "陈德明"
    slots, _ = await turn(ValidateApplicationForm(), "confirmed", "改代办人", FILLED)
    assert slots["helper_name"] is None and slots["requested_slot"] == "helper_name" and slots["applicant_name"] == "陈德明"
    slots, _ = await turn(ValidateApplicationForm(), "helper_name", "张丽", slots)
    assert (slots["helper_name"], slots["applicant_name"], slots["requested_slot"]) == ("张丽", "陈德明", "confirmed")
    tracker, dispatcher = readback({**FILLED, "filing_for": "self", "helper_name": None})
    await ActionAskConfirmed().run(dispatcher, tracker, {})
    assert "改代办人" not in {b["title"] for b in dispatcher.messages[0]["buttons"]}  # for herself: no helper line


@pytest.mark.parametrize("word", ["代办人", "帮办人", "代理人", "申请人", "老人家", "那个老人家"])
def test_role_words_are_never_names(word: str) -> None:
    assert parse_name(word) is None


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text"), [("hukou", "我是农村户口"), ("hukou", "我是城镇的"), ("reason", "我是残疾人 没得收入"),
                                            ("applicant_phone", "帮我叫个人来"), ("reason", "我是低保户 老伴走了"),
                                            ("applicant_phone", "我是她孙子"), ("applicant_phone", "我是网格员")])
async def test_what_she_is_is_not_her_name(fake_backend, slot: str, text: str) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), slot, text, FILLED)
    assert slots["helper_name"] == "陈德明" and "utter_helper_renamed" not in said(messages)


@pytest.mark.asyncio
async def test_filing_for_herself_my_name_is_still_the_applicants(fake_backend) -> None:  # noqa: ANN001
    mine = {**FILLED, "filing_for": "self", "helper_name": None, "helper_kind": None}
    slots, messages = await turn(ValidateApplicationForm(), "confirmed", "名字不对，我叫刘淑芬", mine)
    assert slots["applicant_name"] == "刘淑芬" and slots.get("helper_name") is None
