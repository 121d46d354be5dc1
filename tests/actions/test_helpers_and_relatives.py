"""Testers playing a 网格员 and a grandson, through the real chat.

A grid worker asked "请问您怎么称呼" answered with the old man's name: it was taken for hers, and then his own name was
refused at the applicant's question ("这是您自己的名字吧"). Saying "填错了 不要这个了 重新来" kept the wrong draft. Now the
principal's name is never taken for the helper's (she is asked again, kindly, for her own), and a draft is thrown away
on explicit words after one confirmation, nothing before it.

A grandson typed "查下我奶奶的申请 她身份证是500103194403120027" and a new application started. A progress query about a
relative goes to the progress path (his phone; what he can see there; how to get her permission); the ID number in it
fills nothing and is sent nowhere."""

import json

import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.forms import ValidateApplicationForm
from actions.journeys import ActionAfterVerify, ActionLooseAnswer, ActionStartApplication, ActionStartVerifiedQuery
from tests.actions.answers_helpers import said, turn, wording
from tests.actions.test_form_first import extracted
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import VALID_ID, VERIFIED

GRID_WORKER = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "grid_worker"}


# ---- 1a. the helper's own name ---------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["周德贵", "周德贵。", "德贵"])
async def test_the_principals_name_given_for_the_helpers_own_is_not_hers(fake_backend, text: str) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", text, {**GRID_WORKER, "applicant_name": "周德贵"})
    assert slots["helper_name"] is None and slots["applicant_name"] == "周德贵"
    assert said(messages) == ["utter_helper_name_is_principal"] and slots["requested_slot"] == "helper_name"
    words = await wording("utter_helper_name_is_principal", slots, principal=messages[0]["principal"])
    assert words.startswith(text.rstrip("。")) and "您自己" in words  # kindly: his name is known, hers is what is asked


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "his"), [("他叫周德贵", "周德贵"), ("老人叫周德贵", "周德贵"), ("老人家的名字是周德贵", "周德贵"),
                                           ("周德贵是老人的名字", "周德贵"), ("我奶奶叫刘淑芬", "刘淑芬"), ("她叫刘淑芬", "刘淑芬")])
async def test_saying_it_is_his_name_records_it_as_his_and_asks_hers_again(fake_backend, text: str, his: str) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", text, GRID_WORKER)
    assert slots["helper_name"] is None and slots["applicant_name"] == his
    assert said(messages) == ["utter_helper_name_is_principal"] and slots["requested_slot"] == "helper_name"
    slots, _ = await turn(ValidateApplicationForm(), "helper_name", "李红", slots)
    assert slots["helper_name"] == "李红" and slots["applicant_name"] == his  # his name is not asked again


@pytest.mark.asyncio
async def test_his_name_said_another_way_does_not_replace_the_one_given(fake_backend) -> None:  # noqa: ANN001
    slots, _ = await turn(ValidateApplicationForm(), "helper_name", "他叫周德贵", {**GRID_WORKER, "applicant_name": "周明富"})
    assert slots["helper_name"] is None and slots["applicant_name"] == "周明富"


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不是，周德贵是老人的名字", "他叫周德贵", "这是老人家的名字"])
async def test_a_name_taken_for_hers_that_she_says_is_his_becomes_his(fake_backend, text: str) -> None:  # noqa: ANN001
    """The tester's own path: nothing named him before, so "周德贵" was taken for her; at the applicant's question his
    name was refused as hers. Said to be his, it is his, and she is asked her own name again."""
    taken = {**GRID_WORKER, **VERIFIED, "helper_name": "周德贵"}
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", "周德贵", taken)
    assert slots["applicant_name"] is None and said(messages) == ["utter_applicant_is_helper"]  # as before
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", text, slots)
    assert slots["applicant_name"] == "周德贵" and slots["helper_name"] is None
    assert said(messages) == ["utter_helper_name_was_principal"] and slots["requested_slot"] == "helper_name"
    slots, _ = await turn(ValidateApplicationForm(), "helper_name", "李红", slots)
    assert (slots["helper_name"], slots["applicant_name"], slots["requested_slot"]) == ("李红", "周德贵", "applicant_id")


# ---- 1b. throwing a draft away ---------------------------------------------------------------------------

OLD_MAN = {**GRID_WORKER, **VERIFIED, "helper_name": "李红", "applicant_name": "周明富", "applicant_id": VALID_ID,
           "held_for": VALID_ID, "principal_no_phone": True, "draft_id": 7.0}


def kept_draft(fake_backend) -> None:  # noqa: ANN001
    fake_backend.drafts = [{"id": 7, "label": "低保 · 周*富", "updated_said": "12月7日", "answers": {"applicant_name": "周明富"}}]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["填错了 不要这个了 重新来", "删掉重新填", "重新来", "这份作废", "不要这个了"])
async def test_discarding_is_asked_once_and_nothing_goes_before_the_yes(fake_backend, text: str) -> None:  # noqa: ANN001
    kept_draft(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "street", text, OLD_MAN)
    assert slots["requested_slot"] == "discard_confirmed" and slots["street"] is None
    assert {k: slots[k] for k in OLD_MAN} == OLD_MAN  # every answer still there
    assert not [r for r in fake_backend.requests if r.method == "DELETE"] and fake_backend.drafts
    asked = await wording("utter_ask_discard_confirmed", slots)
    assert "作废" in asked and "接着填" in asked


@pytest.mark.asyncio
@pytest.mark.parametrize("yes", ["对", "作废，重新填", "删掉吧", "确定"])
async def test_after_the_yes_the_draft_goes_and_the_form_starts_clean(fake_backend, yes: str) -> None:  # noqa: ANN001
    kept_draft(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "street", "填错了 不要这个了 重新来", OLD_MAN)
    slots, messages = await turn(ValidateApplicationForm(), "discard_confirmed", yes, asked)
    assert "DELETE /api/v1/drafts/application/7" in fake_backend.paths() and fake_backend.drafts == []
    assert said(messages) == ["utter_discarded"]
    for answer in ("assistance_type", "filing_for", "helper_kind", "helper_name", "applicant_name", "applicant_id", "held_for",
                   "principal_no_phone", "draft_id", "discard_asked"):
        assert slots[answer] is None, answer
    assert slots["requested_slot"] == "assistance_type"  # from the first question
    assert slots["citizen_token"] == "t" and slots["phone_verified"] is True  # her phone stays verified
    assert slots["submission_key"] and slots["submission_key"] != asked.get("submission_key")


@pytest.mark.asyncio
@pytest.mark.parametrize("no", ["不作废，接着填", "不要删", "算了 接着填", "不", "继续"])
async def test_a_no_keeps_everything_and_asks_the_question_again(fake_backend, no: str) -> None:  # noqa: ANN001
    kept_draft(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "street", "删掉重新填", OLD_MAN)
    slots, messages = await turn(ValidateApplicationForm(), "discard_confirmed", no, asked)
    assert said(messages) == ["utter_discard_kept"] and slots["requested_slot"] == "street"
    assert {k: slots[k] for k in OLD_MAN} == OLD_MAN and not slots.get("discard_asked")
    assert not [r for r in fake_backend.requests if r.method == "DELETE"]


@pytest.mark.asyncio
async def test_a_correction_that_says_fill_again_is_not_a_discard(fake_backend) -> None:  # noqa: ANN001
    slots, messages = await turn(ValidateApplicationForm(), "street", "申请人名字不对，应该是周德贵", OLD_MAN)
    assert slots["applicant_name"] == "周德贵" and slots["requested_slot"] != "discard_confirmed"


@pytest.mark.asyncio
@pytest.mark.usefixtures("remote_actions_in_process")  # tests/actions/conftest.py
@pytest.mark.parametrize(("slot", "text", "intent"), [("helper_name", "填错了 不要了 重新来", "stop"),
                                                      ("street", "全部作废 重新填", "stop"),
                                                      ("discard_confirmed", "算了 接着填", "stop")])
async def test_the_words_reach_the_form_whatever_the_nlu_read(slot: str, text: str, intent: str) -> None:
    """Read as stop, "不要了 重新来" used to pause the form and keep the wrong draft for another day."""
    assert (await extracted("application_form", slot, text, intent))[slot] == text


# ---- 2. a relative's progress ----------------------------------------------------------------------------

TESTERS_TEXT = "查下我奶奶的申请 她身份证是500103194403120027"
HER_VALID_ID = "500103194403120025"


@pytest.mark.parametrize(("text", "progress"), [
    (TESTERS_TEXT, True), ("查一下我的申请", True), ("我奶奶的低保批了没", True), ("帮我妈查下申请到哪一步了", True),
    ("网格员帮老人冉光明查下申请", True),
    ("我想帮我奶奶申请低保", False), ("我是网格员，帮我们社区的王婆婆申请低保", False), ("我要申请低保", False),
    (f"我想给我自己申请低保我叫周美华身份证{HER_VALID_ID}", False), ("查一下我能不能申请低保", False),
    ("申请低保要查哪些材料", False),
])
def test_a_progress_query_is_told_from_an_application(text: str, progress: bool) -> None:
    assert parsing.asks_progress(text) is progress


def _no_id_anywhere(events: list, fake_backend, number: str) -> None:  # noqa: ANN001
    assert number not in json.dumps(events, ensure_ascii=False)
    assert not any(number in (r.content or b"").decode() + str(r.url) for r in fake_backend.requests)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [TESTERS_TEXT, f"查下我奶奶的申请 她身份证是{HER_VALID_ID}"])
async def test_a_relatives_progress_query_never_starts_an_application(fake_backend, text: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionStartApplication().run(dispatcher, tracker({}, text=text, intent="apply_assistance"), {})
    assert FollowupAction("verify_form") in events and FollowupAction("application_form") not in events
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert values["after_verify"] == "relative"
    assert not {k for k, v in values.items() if v is not None} - {"after_verify"}  # no type, no helper, no ID
    assert responses(dispatcher) == ["utter_relative_progress_first"]
    _no_id_anywhere(events, fake_backend, text[-18:])
    dispatcher = CollectingDispatcher()
    verified = await ActionStartApplication().run(dispatcher, tracker(VERIFIED, text=text, intent="apply_assistance"), {})
    assert FollowupAction("action_listen") in verified and FollowupAction("application_form") not in verified  # answered at once
    assert responses(dispatcher)[0].startswith("您的低保申请") and responses(dispatcher)[-1] == "utter_relative_what_you_see"
    _no_id_anywhere(verified, fake_backend, text[-18:])


@pytest.mark.asyncio
async def test_read_as_a_loose_answer_it_is_the_progress_path_too(fake_backend) -> None:  # noqa: ANN001
    text = f"查下我奶奶的低保申请 身份证{HER_VALID_ID}"
    typed = [{"entity": "assistance_type", "value": "低保"}]
    events = await ActionLooseAnswer().run(CollectingDispatcher(), tracker({}, text=text, intent="inform", entities=typed), {})
    assert FollowupAction("verify_form") in events and FollowupAction("application_form") not in events
    _no_id_anywhere(events, fake_backend, HER_VALID_ID)


@pytest.mark.asyncio
async def test_read_as_a_progress_query_it_is_about_her(fake_backend) -> None:  # noqa: ANN001
    events = await ActionStartVerifiedQuery().run(CollectingDispatcher(), tracker({}, text=TESTERS_TEXT, intent="query_progress"), {})
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["after_verify"] == "relative"
    own = await ActionStartVerifiedQuery().run(CollectingDispatcher(), tracker({}, text="查一下我的申请", intent="query_progress"), {})
    assert {e["name"]: e["value"] for e in own if e.get("event") == "slot"}["after_verify"] == "progress"


@pytest.mark.asyncio
async def test_after_his_phone_he_hears_what_he_can_see_and_how_to_get_her_permission(fake_backend) -> None:  # noqa: ANN001
    fake_backend.mine = []
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "relative"}, text="138 1234 5678"), {})
    assert responses(dispatcher) == ["utter_no_applications"]  # its second line: her phone, or her 授权委托书
    fake_backend.mine = [{"number": "JZ20261124000009"}]  # his own case, or one she delegated to him
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "relative"}), {})
    assert responses(dispatcher)[-1] == "utter_relative_what_you_see" and len(responses(dispatcher)) == 2
    words = await wording("utter_relative_what_you_see", {})
    assert "授权" in words and "自己的手机" in words


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "kept"), [("七星岗", None), ("两路口", None), ("王秀英", "王秀英"), ("金山", "金山")])
async def test_a_street_said_where_the_applicants_name_is_asked_is_not_her_name(fake_backend, text, kept) -> None:  # noqa: ANN001
    """A grid worker answered "申请人叫什么名字" with "七星岗": read back as 申请人：七星岗 (the third round)."""
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", text,
                                 {"assistance_type": "低保", "filing_for": "other", "helper_name": "李梅"})
    assert slots.get("applicant_name") == kept
    assert ("utter_name_unclear" in said(messages)) is (kept is None)
