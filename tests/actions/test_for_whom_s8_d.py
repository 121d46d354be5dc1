"""Testers playing helpers, session 8.

1. "帮别人" (and "帮别个", "帮我妈", "替别人") to 给自己还是帮别人 is the answer — for someone else, with the relation where
   said — never a name: names are 2–20 Han characters or "·", never a pronoun, a relation or a verb phrase.
2. "我是网格员李敏 电话13912345678 帮王德贵申请低保" as the first message: his name and phone (a code sent to it) and the
   principal's name are taken, each through its own question's validator, and not asked again.
"""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.answers.names import parse_name
from actions.forms import ValidateApplicationForm
from actions.journeys import ActionStartApplication
from tests.actions.answers_helpers import DOMAIN_DICT, install, said, turn
from tests.actions.test_forms_and_journeys import tracker

START = {"assistance_type": "低保"}
HELPER = {**START, "filing_for": "other", "helper_kind": "grid_worker"}
SOMEONE_ELSE = ["帮别人", "帮别个", "替别人", "帮别个申请", "帮人家", "帮朋友申请", "帮隔壁的", "代别人办", "给别人申请"]


@pytest.mark.parametrize("text", [*SOMEONE_ELSE, "帮我妈", "别个", "朋友", "隔壁", "帮人", "替我爸", "帮她"])
def test_whom_she_helps_is_never_a_name(text: str) -> None:
    assert parse_name(text) is None
    assert parsing.split_name_and_id(text)[0] is None


@pytest.mark.parametrize("text", ["王秀英", "李敏", "代丽", "欧阳娜娜", "阿依古丽·买买提"])
def test_names_are_still_names(text: str) -> None:
    assert parse_name(text) == text


@pytest.mark.asyncio
@pytest.mark.parametrize("pending", [None, "王秀英"])  # the plain question, and "是给王秀英本人申请吗？"
@pytest.mark.parametrize("text", SOMEONE_ELSE)
async def test_for_someone_else_is_the_answer_with_no_name(fake_backend, text: str, pending) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "filing_for", text, {**START, "applicant_name": pending})
    assert slots["filing_for"] == "other" and slots["applicant_name"] is None and not slots.get("helper_name")
    assert slots["requested_slot"] == "helper_kind" and "utter_not_understood" not in said(messages)


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "relation"), [("帮我妈", "子女"), ("帮我妈申请", "子女"), ("替我爸办", "子女"), ("帮我奶奶", "孙子女")])
async def test_for_a_relative_is_the_answer_with_the_relation(fake_backend, text: str, relation: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "filing_for", text, START)
    assert (slots["filing_for"], slots["helper_kind"], slots["helper_relation"]) == ("other", "relative", relation)
    assert not slots.get("applicant_name") and not slots.get("helper_name") and slots["requested_slot"] == "helper_name"


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["helper_name", "applicant_name"])
@pytest.mark.parametrize("text", ["帮别人", "帮别个", "替别人", "帮人家"])
async def test_at_a_name_question_it_is_not_taken_for_a_name(fake_backend, text: str, slot: str) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), slot, text, HELPER)
    assert not slots.get("helper_name") and not slots.get("applicant_name") and slots["requested_slot"] == "helper_name"


# ---- 2. the helper's name and phone in the first message ------------------------------------------------------

FIRST = "我是网格员李敏 电话13912345678 帮王德贵申请低保"


async def _opened(fake_backend, text: str, slots: dict | None = None) -> tuple[dict, list]:  # noqa: ANN001
    """The first message: action_start_application, then the validation the form runs as it activates (Rasa validates
    every required slot already filled, in the form's order)."""
    install(fake_backend)
    typed = [{"entity": "assistance_type", "value": "低保"}]
    events = await ActionStartApplication().run(CollectingDispatcher(), tracker(slots, text=text, intent="apply_assistance",
                                                                                entities=typed), {})
    now = {**(slots or {}), **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    order = DOMAIN_DICT["forms"]["application_form"]["required_slots"]
    prefilled = [{"event": "slot", "name": k, "value": now[k]} for k in order if now.get(k) is not None]
    opening = Tracker("t-1", {**now, "requested_slot": None}, {"text": text, "intent": {"name": "apply_assistance", "confidence": 1.0},
                                                                "entities": typed},
                      [{"event": "action", "name": "application_form"}, *prefilled], False, None, {"name": "application_form"},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    validated = await ValidateApplicationForm().run(dispatcher, opening, DOMAIN_DICT)
    now.update({e["name"]: e["value"] for e in validated if e.get("event") == "slot"})
    return now, said(dispatcher.messages)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [FIRST, "我是网格员李敏，电话13912345678，帮王德贵申请低保", "你好 我是社区网格员李敏 我手机13912345678 想帮王德贵申请低保",
                                  "我叫李敏 是网格员 电话是139 1234 5678 帮王德贵申请个低保", "我是网格员李敏，手机号13912345678，给王德贵申请低保"])
async def test_the_helpers_name_and_phone_in_the_first_message_are_taken(fake_backend, text: str) -> None:  # noqa: ANN001
    slots, messages = await _opened(fake_backend, text)
    assert (slots["filing_for"], slots["helper_kind"], slots["helper_name"]) == ("other", "grid_worker", "李敏")
    assert slots["verify_phone"] == "13912345678" and slots["applicant_name"] == "王德贵"
    assert "utter_code_sent" in messages and slots["requested_slot"] == "verify_code"  # the next question: the code sent
    assert [r.url.path for r in fake_backend.answers()].count("/api/v1/auth/otp/request") == 1


@pytest.mark.asyncio
async def test_a_phone_said_for_the_principal_is_never_the_helpers(fake_backend) -> None:  # noqa: ANN001
    slots, messages = await _opened(fake_backend, "我是网格员李敏 帮王德贵申请低保 他电话13912345678")
    assert slots["helper_name"] == "李敏" and slots["applicant_name"] == "王德贵"
    assert not slots.get("verify_phone") and "utter_code_sent" not in messages and slots["requested_slot"] == "verify_phone"


@pytest.mark.asyncio
async def test_without_a_name_or_phone_they_are_asked_as_before(fake_backend) -> None:  # noqa: ANN001
    slots, messages = await _opened(fake_backend, "我是网格员 帮别人申请低保")
    assert (slots["filing_for"], slots["helper_kind"]) == ("other", "grid_worker")
    assert not slots.get("helper_name") and not slots.get("applicant_name") and not slots.get("verify_phone")
    assert slots["requested_slot"] == "helper_name" and not messages


@pytest.mark.asyncio
async def test_a_verified_helper_is_not_sent_another_code(fake_backend) -> None:  # noqa: ANN001
    verified = {"citizen_token": "citizen-token", "verified_phone": "13800001111"}
    slots, messages = await _opened(fake_backend, FIRST, verified)
    assert slots["helper_name"] == "李敏" and slots["applicant_name"] == "王德贵" and "utter_code_sent" not in messages
    assert not slots.get("verify_phone") and slots["requested_slot"] == "applicant_id"


@pytest.mark.asyncio
async def test_said_at_the_for_whom_question_it_is_kept_too(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, _ = await turn(ValidateApplicationForm(), "filing_for", "我是网格员李敏 帮王德贵申请", START)
    assert (slots["filing_for"], slots["helper_kind"], slots["helper_name"], slots["applicant_name"]) == (
        "other", "grid_worker", "李敏", "王德贵")
    assert slots["requested_slot"] == "verify_phone"
