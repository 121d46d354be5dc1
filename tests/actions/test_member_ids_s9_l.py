"""A household member filed without his ID number (身份证号待补) whose number is found after filing (session 9, helper L).
The backend counted him and took his number later (POST /applications/{number}/members/{person_id}/id-number), but
nothing in the chat let his mother send it: the filing reply never said his number was still needed, "我儿子的身份证号
找到了 5001…" was "没太听懂" (or the start of a new application, the number taken as the applicant's), and "查进度" never
said it. Now the filing and the progress say whose number is still needed and to just send it; the number goes onto him
(named: at once; by relation or the only one: confirmed by name; several: which one), the backend's reason is said when
it refuses, a wrong check digit is asked again kindly, and a new chat checks her phone first."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import member_ids
from actions.fallback import ActionFallback
from actions.journeys import ActionAfterVerify, ActionLooseAnswer, ActionStartApplication, ActionSubmitApplication
from tests.actions.test_callback_findings import said
from tests.actions.test_form_first import FILLED
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import slot_values

NUMBER = "JZ20261124000009"
VERIFIED = {"citizen_token": "t", "verified_phone": "13812345678", "phone_verified": True}  # her own: never shared
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    """GB 11643: the 18th character from the first 17 (domain.md §9)."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


SON_ID = with_check_digit("50010319800302077")
DAUGHTER_ID = with_check_digit("50010319850611242")
WRONG_ID = SON_ID[:-1] + ("1" if SON_ID[-1] != "1" else "2")
HERS = with_check_digit("50010319500501002")  # on record as 张秀英: not his name
SON = {"person_id": 2, "name": "王小明", "relation": "子女"}
DAUGHTER = {"person_id": 3, "name": "王小红", "relation": "待核实"}


def backend_with(fake_backend, *pending: dict) -> None:  # noqa: ANN001
    """/applications/mine with the members whose number is to come, and the member ID API as the backend answers it."""
    route = fake_backend.route

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/applications/mine":
            return httpx.Response(200, json=[{"number": NUMBER, "applicant_name": "张秀英", "status": "submitted",
                                              "ids_pending": list(pending)}])
        if path.endswith("/id-number") and path.startswith(f"/applications/{NUMBER}/members/"):
            person_id = int(path.split("/")[-2])
            member = next(m for m in pending if m["person_id"] == person_id)
            number = json.loads(request.content)["id_number"]
            if number == HERS:
                return httpx.Response(422, json={"error": {"code": "name_mismatch", "details": None,
                                                           "message": f"{member['name']}的姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"}})
            if number != with_check_digit(number[:17]):
                return httpx.Response(422, json={"error": {"code": "invalid_id_number", "details": None,
                                                           "message": f"{member['name']}的身份证号码的最后一位（校验位）对不上，可能有一位输错了，请再核对一下。"}})
            return httpx.Response(200, json={**member, "id_masked": f"{number[:6]}********{number[-4:]}", "id_pending": False,
                                             "sex": None, "birth_date": None})
        return route(request)
    fake_backend.handler = handler


def added(fake_backend) -> list[tuple[str, dict]]:  # noqa: ANN001
    return [(r.url.path, json.loads(r.content)) for r in fake_backend.requests if r.url.path.endswith("/id-number")]


async def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join([await said(m) if m.get("response") else m["text"] for m in dispatcher.messages])


async def turn(action, slots: dict, text: str, intent: str = "inform") -> tuple[CollectingDispatcher, dict, list]:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await action().run(dispatcher, tracker(dict(slots), text=text, intent=intent), {})
    return dispatcher, {**slots, **slot_values(events)}, events


def followups(events: list) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


def never_kept_as_another(events: list) -> None:
    """The number is sent to the backend for him and kept nowhere else: not her ID, not a member's of a new form."""
    kept = slot_values(events)
    assert not {"applicant_id", "member_id", "id_number"} & {k for k, v in kept.items() if v}


# ---- 1. the filing says whose number is still needed and how to send it ----------------------------------------------

@pytest.mark.asyncio
async def test_the_filing_says_whose_id_number_is_still_needed_and_to_just_send_it(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionSubmitApplication().run(dispatcher, Tracker("t", {**FILLED, "confirmed": True, "submission_key": "later-2",
        "members_later": [{"name": "王小明", "relation": "子女"}]}, {}, [], False, None, None, "action_listen"), {})
    assert responses(dispatcher)[:3] == ["utter_submitted", "utter_member_ids_still_needed", "utter_member_ids_how"]
    text = await texts(dispatcher)
    assert "还差王小明的身份证号" in text and "王小明的身份证号找到了，直接发给我就行" in text


@pytest.mark.asyncio
async def test_a_filing_with_every_number_says_nothing_of_it(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionSubmitApplication().run(dispatcher, Tracker("t", {**FILLED, "confirmed": True, "submission_key": "full-1"},
                                                            {}, [], False, None, None, "action_listen"), {})
    assert not any(r.startswith("utter_member_id") for r in responses(dispatcher))


# ---- 2. the number found later, in the same chat -------------------------------------------------------------------

@pytest.mark.asyncio
async def test_her_sons_number_is_confirmed_by_name_then_added(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    dispatcher, slots, events = await turn(ActionLooseAnswer, VERIFIED, f"我儿子的身份证号找到了 {SON_ID}")
    assert responses(dispatcher) == ["utter_member_id_confirm"] and "这是王小明的身份证号吗" in await texts(dispatcher)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert slots[member_ids.ASKING] is True and not added(fake_backend)
    never_kept_as_another(events)

    dispatcher, slots, events = await turn(member_ids.ActionMemberId, slots, "是的", intent="affirm")
    assert added(fake_backend) == [(f"/api/v1/applications/{NUMBER}/members/2/id-number", {"id_number": SON_ID})]
    assert responses(dispatcher) == ["utter_member_id_added"]
    text = await texts(dispatcher)
    assert f"王小明的身份证号{SON_ID[:6]}********{SON_ID[-4:]}已经补到申请{NUMBER}里了" in text and SON_ID not in text
    assert slots[member_ids.ASKING] is False and slots[member_ids.FOUND] is None
    never_kept_as_another(events)


@pytest.mark.asyncio
async def test_no_to_whose_it_is_keeps_nothing(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    _, slots, _ = await turn(ActionFallback, VERIFIED, SON_ID, intent="nlu_fallback")  # the number alone, no form open
    dispatcher, slots, _ = await turn(member_ids.ActionMemberId, slots, "不是", intent="deny")
    assert responses(dispatcher) == ["utter_member_id_not_kept"] and not added(fake_backend)
    assert slots[member_ids.FOUND] is None and slots[member_ids.ASKING] is False


@pytest.mark.asyncio
async def test_named_by_name_it_is_added_at_once(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON, DAUGHTER)
    dispatcher, _, events = await turn(ActionLooseAnswer, VERIFIED, f"王小红的身份证号是{DAUGHTER_ID}")
    assert added(fake_backend) == [(f"/api/v1/applications/{NUMBER}/members/3/id-number", {"id_number": DAUGHTER_ID})]
    assert responses(dispatcher) == ["utter_member_id_added"]
    never_kept_as_another(events)


@pytest.mark.asyncio
async def test_several_waiting_asks_which_then_takes_the_one_named(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON, DAUGHTER)
    dispatcher, slots, _ = await turn(ActionLooseAnswer, VERIFIED, DAUGHTER_ID)
    assert responses(dispatcher) == ["utter_member_id_which"] and "王小明、王小红" in await texts(dispatcher)
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["王小明", "王小红"] and not added(fake_backend)
    dispatcher, slots, _ = await turn(ActionLooseAnswer, slots, "王小红的")
    assert added(fake_backend) == [(f"/api/v1/applications/{NUMBER}/members/3/id-number", {"id_number": DAUGHTER_ID})]
    assert responses(dispatcher) == ["utter_member_id_added"] and slots[member_ids.FOUND] is None


@pytest.mark.asyncio
async def test_a_wrong_check_digit_is_said_kindly_and_the_next_number_goes_to_him(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON, DAUGHTER)
    dispatcher, slots, _ = await turn(ActionLooseAnswer, VERIFIED, f"王小明的身份证找到了 {WRONG_ID}")
    assert "校验位" in dispatcher.messages[0]["text"] and responses(dispatcher)[1:] == ["utter_member_id_again"]
    assert "您再对一下王小明的身份证" in await texts(dispatcher)
    dispatcher, slots, _ = await turn(ActionFallback, slots, SON_ID, intent="nlu_fallback")  # again, alone: his
    assert [body for _, body in added(fake_backend)] == [{"id_number": WRONG_ID}, {"id_number": SON_ID}]
    assert added(fake_backend)[-1][0].endswith("/members/2/id-number") and responses(dispatcher) == ["utter_member_id_added"]


@pytest.mark.asyncio
async def test_the_backends_reason_is_said_when_it_refuses(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    _, slots, _ = await turn(ActionLooseAnswer, VERIFIED, f"我儿子的身份证号找到了 {HERS}")
    dispatcher, slots, _ = await turn(member_ids.ActionMemberId, slots, "对", intent="affirm")
    assert dispatcher.messages[0]["text"].startswith("王小明的姓名和身份证号对不上") and len(dispatcher.messages) == 1
    assert slots[member_ids.FOUND] is None


@pytest.mark.asyncio
async def test_read_as_an_application_it_never_opens_the_form(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    dispatcher, _, events = await turn(ActionStartApplication, VERIFIED, f"我儿子的身份证号找到了 {SON_ID}", intent="apply_assistance")
    assert responses(dispatcher) == ["utter_member_id_confirm"]
    assert followups(events) == ["action_listen"]  # not the application form the rule would open
    never_kept_as_another(events)


@pytest.mark.asyncio
async def test_found_without_the_number_asks_for_his(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    dispatcher, slots, _ = await turn(ActionLooseAnswer, VERIFIED, "我儿子的身份证找到了")
    assert responses(dispatcher) == ["utter_member_id_send"] and "把王小明的身份证号" in await texts(dispatcher)
    dispatcher, slots, _ = await turn(ActionLooseAnswer, slots, SON_ID)
    assert added(fake_backend)[0][0].endswith("/members/2/id-number") and responses(dispatcher) == ["utter_member_id_added"]


@pytest.mark.asyncio
async def test_a_number_alone_with_nobody_waiting_is_not_taken(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend)
    dispatcher, _, _ = await turn(ActionLooseAnswer, VERIFIED, SON_ID)
    assert responses(dispatcher) == ["utter_default"] and not added(fake_backend)
    dispatcher, _, _ = await turn(ActionLooseAnswer, VERIFIED, f"我儿子的身份证号找到了 {SON_ID}")
    assert responses(dispatcher) == ["utter_member_ids_none"] and not added(fake_backend)


# ---- 3. a new chat: her phone first -------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_in_a_new_chat_her_phone_is_checked_first_then_the_number_goes_on(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    dispatcher, slots, events = await turn(ActionLooseAnswer, {}, f"我儿子的身份证号找到了 {SON_ID}")
    assert responses(dispatcher) == ["utter_member_id_verify_first"] and not added(fake_backend)
    assert slots["after_verify"] == member_ids.AFTER_VERIFY and followups(events) == ["verify_form"]
    never_kept_as_another(events)
    dispatcher, slots, _ = await turn(ActionAfterVerify, {**slots, **VERIFIED}, "123456")
    assert responses(dispatcher) == ["utter_member_id_confirm"] and slots["after_verify"] is None
    dispatcher, _, _ = await turn(member_ids.ActionMemberId, slots, "是的", intent="affirm")
    assert added(fake_backend) == [(f"/api/v1/applications/{NUMBER}/members/2/id-number", {"id_number": SON_ID})]


@pytest.mark.asyncio
async def test_a_number_alone_from_someone_unknown_is_not_guessed_at(fake_backend) -> None:  # noqa: ANN001
    backend_with(fake_backend, SON)
    dispatcher, slots, _ = await turn(ActionLooseAnswer, {}, SON_ID)
    assert responses(dispatcher) == ["utter_default"] and "after_verify" not in slots


# ---- 4. progress says it ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_progress_says_whose_number_is_still_needed_and_to_send_it(fake_backend) -> None:  # noqa: ANN001
    route = fake_backend.route

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/progress"):
            return httpx.Response(200, json={"summary": "…", "said_sms": "…", "ids_pending": [SON],
                                             "said": f"您的低保申请（{NUMBER}）：\n还差一件事：王小明的身份证号还没补上，补上以后才能签核对授权书、核对家庭经济状况。"})
        return route(request)
    fake_backend.handler = handler
    dispatcher, _, _ = await turn(ActionAfterVerify, {**VERIFIED, "after_verify": "progress"}, "查进度", intent="query_progress")
    text = await texts(dispatcher)
    assert "王小明的身份证号还没补上" in text and "王小明的身份证号找到了，直接发给我就行" in text


@pytest.mark.asyncio
async def test_inside_a_form_the_number_is_that_questions_answer(fake_backend) -> None:  # noqa: ANN001
    """A second person's application asking a member's ID: the form's question takes it (actions/form_first.py)."""
    backend_with(fake_backend, SON)
    dispatcher = CollectingDispatcher()
    at_question = tracker(dict(VERIFIED), text=f"我儿子的身份证号找到了 {SON_ID}", active_loop="application_form")
    assert await member_ids.found(dispatcher, at_question) is None and not dispatcher.messages and not added(fake_backend)
