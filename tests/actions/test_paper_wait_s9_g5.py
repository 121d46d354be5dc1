"""A grid worker filing 特困 for 刘德富, who has no phone, with a paper 委托书 (session 9, helper G5): her question "委托书拿到
窗口 收了以后是不是就算交了？还要我再上来说继续不" was filed as complaint TS000001 (and "我没有要反映啥子事 刚才那个TS000001是不是
弄错了" as TS000002); at the photo step every question ("入户核查是哪个来做？大概好久来？") heard only "还没有交上去的申请…";
"算了 我现在拍一张试一下" heard "好的。还有别的要帮忙的吗？" with no link."""

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.complaints import ValidateComplaintForm
from actions.journeys import ActionAfterVerify, ActionCancel, ActionStartVerifiedQuery
from actions.requests import ActionStartChange
from tests.actions.test_complaints_s8_h import filed_any, own_complaints
from tests.actions.test_desk_findings_s8 import kept, opening
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_retries import DOMAIN_DICT

WAITING = {"citizen_token": "tok", "phone_verified": True, "verified_phone": "18723456718", "filing_for": "other",
           "principal_no_phone": True, "applicant_name": "刘德富", "applicant_id": "500106195508080019",
           "helper_name": "陈敏", "helper_kind": "grid_worker", "area_code": "500103006", "assistance_type": "特困",
           "paused_form": "application_form"}
FILED = {"complaints_filed": [{"reference": "TS000001", "phone": "18723456718"}, {"reference": "TS000002", "phone": "18723456718"}]}
VISIT = "按规定，申请交上去以后，街道（乡镇）3个工作日内受理；受理以后3个工作日内开始入户调查。入户调查由街道（乡镇）组织。"


def visits_answered(fake_backend) -> None:  # noqa: ANN001
    """GET /policy/answer as the backend answers a question about the home visit (backend/policy/visits.py)."""
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/policy/answer") and "入户" in request.url.params.get("said", ""):
            return httpx.Response(200, json={"answer": VISIT, "needs_region": False, "region": None, "term": "入户调查时间",
                                             "assistance_type": "低保", "aspect": "条件", "known_regions": [], "place": None,
                                             "offer_precheck": False, "national": None})
        return route(request)
    fake_backend.handler = handler


@pytest.mark.asyncio
async def test_asking_whether_the_window_counts_is_answered_never_filed(fake_backend) -> None:  # noqa: ANN001
    said = "那我明天把委托书拿到两路口街道社会救助窗口 他们收了以后是不是就算交了？还要我再上来说继续不"
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, opening(said, WAITING), DOMAIN_DICT)
    assert responses(dispatcher) == ["utter_paper_window_then", "utter_paper_still_missing"]
    assert kept(events).get("complaint_text") is None and not filed_any(fake_backend)
    assert any(e.get("event") == "active_loop" and e.get("name") is None for e in events)


@pytest.mark.asyncio
async def test_a_real_complaint_still_opens_the_form(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ValidateComplaintForm().run(dispatcher, opening("社区那个人态度凶得很 我要投诉他", WAITING), DOMAIN_DICT)
    assert kept(events).get("complaint_text") == "社区那个人态度凶得很 我要投诉他"


@pytest.mark.asyncio
async def test_a_ticket_filed_by_mistake_is_withdrawn_with_an_apology(fake_backend) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    said = "我没有要反映啥子事 刚才那个TS000001是不是弄错了"
    await ValidateComplaintForm().run(dispatcher, opening(said, {**WAITING, "complaints_filed": FILED["complaints_filed"][:1]}),
                                      DOMAIN_DICT)
    assert seen == [("TS000001", "withdraw", {"phone": "18723456718"})] and not filed_any(fake_backend)
    assert responses(dispatcher) == ["utter_complaint_withdrawn_sorry"]


@pytest.mark.asyncio
@pytest.mark.parametrize("intent", ["complain", "withdraw_application"])
async def test_both_withdrawn_when_she_says_both(fake_backend, intent: str) -> None:  # noqa: ANN001
    seen = own_complaints(fake_backend)
    dispatcher = CollectingDispatcher()
    said = "又来一个TS000002？？ 我不是投诉 把这两个撤了"
    if intent == "complain":
        await ValidateComplaintForm().run(dispatcher, opening(said, {**WAITING, **FILED}), DOMAIN_DICT)
    else:
        await ActionStartChange().run(dispatcher, tracker({**WAITING, **FILED}, text=said, intent=intent), {})
    assert sorted(s[0] for s in seen) == ["TS000001", "TS000002"] and all(s[1] == "withdraw" for s in seen)
    assert not filed_any(fake_backend)


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["入户核查是哪个来做？大概好久来？", "入户调查是社区的人来还是街道的人来"])
async def test_a_question_at_the_photo_step_is_answered_then_what_is_missing(fake_backend, said: str) -> None:  # noqa: ANN001
    visits_answered(fake_backend)
    dispatcher = CollectingDispatcher()
    await ActionStartVerifiedQuery().run(dispatcher, tracker(WAITING, text=said, intent="query_progress"), {})
    assert responses(dispatcher) == [VISIT, "utter_paper_still_missing"]


@pytest.mark.asyncio
async def test_her_kept_forms_are_never_the_only_answer_while_the_paper_form_is_to_come(fake_backend) -> None:  # noqa: ANN001
    fake_backend.mine = []
    fake_backend.drafts = [{"id": 1, "label": "特困 · 刘*富", "updated_said": "12月7日", "kept_until_said": "2027年1月7日",
                            "answers": {}}]
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**WAITING, "after_verify": "progress"}, text="授权书"), {})
    assert "utter_no_applications_drafts_kept" in responses(dispatcher)
    assert "utter_paper_still_missing" in responses(dispatcher)


@pytest.mark.asyncio
async def test_photographing_it_now_gets_the_link_again(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionCancel().run(dispatcher, tracker(WAITING, text="算了 我现在拍一张试一下", intent="stop"), {})
    assert responses(dispatcher) == ["utter_paper_form_upload"]
    assert dispatcher.messages[0]["custom"]["upload"] or dispatcher.messages[0].get("json_message")
