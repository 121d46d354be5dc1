"""A daughter's complaint in 重庆 (eighth session, helper H): every sentence with 投诉 filed a new ticket — "社区的人态度不好…
在哪里投诉？" (TS000001), "这个投诉是哪个部门处理？会不会又转回那个社区？" (TS000002), "我想补充一下投诉的内容" (TS000003, not
added to TS000001), "除了在这里，还可以打哪个电话投诉" (TS000004); "我的投诉现在怎么样了" heard "还没有申请记录". Now a question
about complaining is answered, her complaint filed in this chat is asked about, added to or withdrawn, never filed again."""

import json

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import complaints
from actions.complaints import ValidateComplaintForm
from actions.journeys import ActionStartVerifiedQuery
from actions.requests import ActionFileComplaint, ActionStartChange
from tests.actions.test_desk_findings_s8 import kept, opening, texts
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_retries import DOMAIN_DICT, answer

FILED = {"complaints_filed": [{"reference": "TS000001", "phone": "13812345671"}, {"reference": "TS000002", "phone": "13812345671"}]}


def own_complaints(fake_backend) -> list:  # noqa: ANN001
    """POST /complaints/{ref}/{step} as the backend answers the person who filed it."""
    route, seen = fake_backend.handler, []

    def handler(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        if len(parts) > 4 and parts[-3] == "complaints":
            seen.append((parts[-2], parts[-1], json.loads(request.content)))
            return httpx.Response(200, json={"reference": parts[-2], "status": "closed" if parts[-1] == "withdraw" else "new",
                                             "status_label": "新收到", "due_day": "12月14日（星期一）",
                                             "handled_by": "市民政局社会救助科", "district_known": False,
                                             "withdrawn": parts[-1] == "withdraw", "answer": None})
        return route(request)
    fake_backend.handler = handler
    return seen


def filed_any(fake_backend) -> bool:  # noqa: ANN001
    return any(r.url.path.endswith("/complaints") for r in fake_backend.requests)


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["社区的人态度不好，把我妈的申请压着不办…在哪里投诉？", "除了在这里，还可以打哪个电话投诉"])
async def test_where_to_complain_asked_after_what_happened_is_answered_not_filed(fake_backend, said: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, opening(said), DOMAIN_DICT)
    assert kept(events).get("complaint_text") is None and responses(dispatcher)[0] == "utter_complaint_where"
    assert not filed_any(fake_backend)


@pytest.mark.asyncio
async def test_who_handles_it_is_answered_and_her_complaint_shown_never_a_new_one(fake_backend) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, opening("这个投诉是哪个部门处理？会不会又转回那个社区？", FILED), DOMAIN_DICT)
    assert responses(dispatcher) == ["utter_complaint_who", "utter_complaint_state"]
    text = await texts(dispatcher)
    assert "不会交给社区" in text and "TS000002" in text and "12月14日" in text
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events) and not filed_any(fake_backend)
    assert seen == [("TS000002", "status", {"phone": "13812345671"})]


@pytest.mark.asyncio
async def test_more_said_is_added_to_her_complaint(fake_backend) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    said = "我想补充一下投诉的内容：上周三又去了社区，还是没人管"
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(dispatcher, opening(said, {"complaints_filed": FILED["complaints_filed"][:1]}), DOMAIN_DICT)
    assert seen == [("TS000001", "notes", {"phone": "13812345671", "text": said})] and not filed_any(fake_backend)
    assert responses(dispatcher)[0] == "utter_complaint_note_added"


@pytest.mark.asyncio
@pytest.mark.parametrize(("said", "ref"), [("撤销投诉TS000002", "TS000002"), ("第二个投诉能不能撤了", "TS000002"),
                                          ("第一个投诉能不能撤了", "TS000001")])
async def test_her_own_complaint_is_withdrawn(fake_backend, said: str, ref: str) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(dispatcher, opening(said, FILED), DOMAIN_DICT)
    assert seen == [(ref, "withdraw", {"phone": "13812345671"})] and responses(dispatcher) == ["utter_complaint_withdrawn"]


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["我的投诉现在怎么样了", "TS000001有人管没有"])
async def test_her_complaint_status_comes_from_the_ticket(fake_backend, said: str) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(dispatcher, opening(said, {"complaints_filed": FILED["complaints_filed"][:1]}), DOMAIN_DICT)
    assert seen == [("TS000001", "status", {"phone": "13812345671"})] and responses(dispatcher) == ["utter_complaint_state"]
    assert "新收到" in await texts(dispatcher)


@pytest.mark.asyncio
async def test_a_filed_complaint_is_kept_for_this_chat(fake_backend) -> None:  # noqa: ANN001
    slots = {"complaint_text": "社区的人态度不好", "contact_phone": "13812345671", **FILED}
    events = await ActionFileComplaint().run(CollectingDispatcher(), tracker(slots), {})
    kept_now = kept(events)["complaints_filed"]
    assert len(kept_now) == 3 and kept_now[-1]["phone"] == "13812345671" and kept_now[-1]["reference"].startswith("TS")


def test_questions_and_complaints_are_still_told_apart() -> None:
    assert complaints.asked_about("投诉街道那个人怎么不办事", []) is None
    assert complaints.asked_about("我要投诉 申请交上去一个月了没人来", []) is None
    assert complaints.asked_about("投诉 等了好久没人管", []) is None


@pytest.mark.asyncio
async def test_her_complaint_asked_about_with_none_filed_here_says_how_to_find_it(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ValidateComplaintForm().run(dispatcher, opening("我的投诉现在怎么样了"), DOMAIN_DICT)
    assert responses(dispatcher) == ["utter_complaint_none_here"] and not filed_any(fake_backend)


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["query_progress"])
async def test_her_complaint_read_as_a_progress_query_is_answered_from_the_ticket(fake_backend, intent: str) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    slots = {"complaints_filed": FILED["complaints_filed"][:1]}
    await ActionStartVerifiedQuery().run(dispatcher, tracker(slots, text="TS000001有人管没有", intent=intent), {})
    assert seen == [("TS000001", "status", {"phone": "13812345671"})] and responses(dispatcher) == ["utter_complaint_state"]


@pytest.mark.asyncio
async def test_withdrawing_read_as_an_application_withdrawal_withdraws_her_complaint(fake_backend) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    events = await ActionStartChange().run(dispatcher, tracker(FILED, text="第二个能不能撤了", intent="withdraw_application"), {})
    assert seen == [("TS000002", "withdraw", {"phone": "13812345671"})] and events == []
    assert responses(dispatcher) == ["utter_complaint_withdrawn"]
