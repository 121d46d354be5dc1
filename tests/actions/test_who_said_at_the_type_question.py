"""Issue 20: a 网格员 who answers "您要申请哪一种救助？" out of order — the resident's name ("周德贵"), or "我是网格员 帮周德贵申请"
(which the NLU reads as applying) — got the list of types twice (utter_type_unclear, then the question with its buttons).
What was said is kept (for whom, the helper's kind, the name: asked "是给周德贵本人申请吗？" next when only the name was
said), said back in one line, and the type asked once (actions/first_answers.py type_unclear)."""

import pytest

from actions.form_first import looks_like_answer
from actions.forms import ValidateApplicationForm
from tests.actions.answers_helpers import install, said, turn, wording


@pytest.mark.asyncio
async def test_a_grid_worker_saying_whom_she_helps_is_kept_and_the_type_asked_once(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", "我是网格员 帮周德贵申请", {})
    assert said(messages) == ["utter_noted_for_him"]  # one line; never the list of types before the question
    assert (slots["filing_for"], slots["helper_kind"], slots["applicant_name"]) == ("other", "grid_worker", "周德贵")
    assert slots["assistance_type"] is None and slots["requested_slot"] == "assistance_type" and not slots.get("form_retries")
    assert "帮周德贵申请" in await wording("utter_noted_for_him", slots, applicant_name="周德贵")
    # the NLU's "apply" reading does not take it out of the form: it is this question's answer
    assert looks_like_answer("assistance_type", "我是网格员 帮周德贵申请", "apply_assistance", "application_form")


@pytest.mark.asyncio
async def test_the_residents_name_alone_is_kept_for_whose_it_is(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", "周德贵", {})
    assert said(messages) == ["utter_noted_name"] and slots["applicant_name"] == "周德贵"
    assert slots["assistance_type"] is None and slots["requested_slot"] == "assistance_type" and not slots.get("form_retries")
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", "低保", slots)
    assert slots["assistance_type"] == "低保" and slots["requested_slot"] == "filing_for"
    assert "是给周德贵本人申请吗" in await wording("utter_ask_filing_for", slots)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我是网格员", "我是帮别人弄的"])
async def test_for_someone_else_without_a_name_is_kept_too(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", text, {})
    assert said(messages) == ["utter_noted_for_others"] and slots["filing_for"] == "other"


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["随便", "医疗救助"])
async def test_no_type_and_no_one_named_still_says_what_can_be_filed(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "assistance_type", text, {})
    assert "utter_type_unclear" in said(messages) and not slots.get("applicant_name") and not slots.get("filing_for")
