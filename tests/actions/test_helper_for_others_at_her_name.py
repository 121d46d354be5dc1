"""Issue 20: at the helper's own name question ("请问您怎么称呼？"), "帮别人" or "我是帮别人弄的" got "没太明白". It says she
files for someone else (which the form already knows): said back kindly, and her own name asked again in simpler
words; never kept as a name (actions/helper_switch.py)."""

import pytest

from actions.answers.names import parse_name
from actions.forms import ValidateApplicationForm
from tests.actions.answers_helpers import install, said, turn, wording

AT_HER_NAME = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "relative"}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["帮别人", "我是帮别人弄的", "帮别人申请", "是替人家办的", "我是帮别人办的嘛"])
async def test_for_someone_else_is_said_back_and_her_name_asked_again(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", text, AT_HER_NAME)
    assert said(messages) == ["utter_helper_name_for_others"]  # never "没太明白"
    assert slots["helper_name"] is None and slots["filing_for"] == "other" and slots["requested_slot"] == "helper_name"
    assert not slots.get("form_retries") and slots["ask_style"] == "simple"  # no wrong answer counted; asked simply
    words = await wording("utter_helper_name_for_others", slots)
    assert "帮别人" in words and "您自己" in words
    asked = await wording("utter_ask_helper_name", slots)
    assert "您自己" in asked
    assert parse_name(text) is None


@pytest.mark.asyncio
async def test_then_her_name_is_taken(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "helper_name", "我是帮别人弄的", AT_HER_NAME)
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", "李红", slots)
    assert slots["helper_name"] == "李红" and "utter_not_understood" not in said(messages)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["李红", "我叫李红 帮别人弄的"])
async def test_a_name_said_is_still_her_name(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", text, AT_HER_NAME)
    assert "utter_helper_name_for_others" not in said(messages)
