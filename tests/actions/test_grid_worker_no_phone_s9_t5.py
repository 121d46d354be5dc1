"""Tester t5 (a 网格员, 邓丽, filing 特困 for 周德贵, 71, no phone, a paper 委托书):
1. "身份证号我刚才可能报错了，重新报一遍：5001…0019，以这个为准" at the read-back asked the ID again: the number said with it
   is taken (validated, said back, read back again), also when it is the same number;
2. "后面核查能不能安排工作人员上门？", "能上门办理吗" at the read-back: the home visit answered plainly, then asked again;
3. while the paper 委托书 waits: how the 核对授权书 is signed without a phone, his ID corrected on the draft, an upload
   waiting said with its date;
4. the progress answer for a helper without the applicant's phone: no "家里人", no "她" for a man."""

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm
from actions.drafts import ActionResume
from actions.journeys import ActionAfterVerify, ActionStartVerifiedQuery
from actions.policy import ActionAnswerPolicy
from tests.actions.answers_helpers import install, said, turn, with_check_digit, wording
from tests.actions.test_precheck_findings import spoken

ZHOU_ID = "500106195508080019"
HER_PHONE = "13983003003"
# 邓丽 (网格员) files 特困 for 周德贵: no phone, a paper 委托书; the read-back is being asked.
ZHOU = {"assistance_type": "特困", "filing_for": "other", "helper_kind": "grid_worker", "helper_name": "邓丽",
        "citizen_token": "citizen-token", "verified_phone": HER_PHONE, "phone_verified": True, "applicant_name": "周德贵",
        "applicant_id": ZHOU_ID, "principal_no_phone": True, "street": "渝中区解放碑街道", "area_code": "500103003",
        "hukou": "城镇户口", "savings": 0.0, "monthly_income": 0.0, "more_members": False, "members": [],
        "reason": "独居无子女，患糖尿病，行走困难", "open_checked": f"{ZHOU_ID}:特困"}


# 1. An ID number said again at the read-back is taken, never asked again.

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["身份证号我刚才可能报错了，重新报一遍：500106195508080019，以这个为准",
                                  "身份证号报错了 应该是500106195508080019"])
async def test_the_same_id_said_again_at_the_read_back_is_kept_and_read_back(fake_backend, text) -> None:  # noqa: ANN001
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, ZHOU)
    assert after["applicant_id"] == ZHOU_ID and after.get("requested_slot") in (None, "confirmed")
    assert after["confirmed"] is None
    words = [await spoken(m, after) if m.get("response") else m["text"] for m in messages]
    assert any("500106********0019" in w for w in words), words


@pytest.mark.asyncio
async def test_a_new_id_said_again_at_the_read_back_replaces_the_old(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    new_id = with_check_digit("50010619550808002")
    text = f"身份证号我刚才可能报错了，重新报一遍：{new_id}，以这个为准"
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, ZHOU)
    assert after["applicant_id"] == new_id and after["confirmed"] is None and after.get("requested_slot") in (None, "confirmed")


# 2. Whether staff can come to the home, asked at the read-back: answered (the backend's words), then one short line.

CAN_COME = ("可以。入户调查本来就是工作人员上门来做的。按规定，申请交上去以后，街道（乡镇）3个工作日内受理；受理以后3个工作日内"
            "开始入户调查，工作人员会上门看看家里的实际情况。没有手机的，核对授权书也可以这时签：入户调查时，工作人员看着本人在纸上签字或按手印。")


def can_come_answered(fake) -> None:  # noqa: ANN001
    """As the backend (backend/policy/visits.py can_come): whether staff come to the home, asked, is answered."""
    inner = fake.handler if hasattr(fake, "handler") else fake.route

    def handler(request: httpx.Request) -> httpx.Response:
        said = request.url.params.get("said") or ""
        if request.url.path.endswith("/policy/answer") and "上门" in said:
            return httpx.Response(200, json={"answer": CAN_COME, "term": "入户调查时间", "needs_region": False, "region": None})
        return inner(request)

    fake.handler = handler


@pytest.mark.asyncio
async def test_a_helper_asking_for_a_home_visit_at_the_read_back_hears_yes_about_him(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    can_come_answered(fake_backend)
    text = "另外问一下，老人腿脚不行下不了楼，后面核查能不能安排工作人员上门？"
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, ZHOU)
    assert said(messages)[:2] == [CAN_COME, "utter_visit_comes_to_her"] and after["readback_short"] is True
    line = await spoken(messages[1], after)
    assert "您" not in line and "上门" in line, line


@pytest.mark.asyncio
async def test_can_it_be_done_at_home_read_as_a_policy_question_at_the_read_back_is_the_visit(fake_backend) -> None:  # noqa: ANN001
    can_come_answered(fake_backend)
    tracker = Tracker("web-t5", {**ZHOU, "requested_slot": "confirmed"},
                      {"text": "能上门办理吗", "intent": {"name": "ask_policy", "confidence": 1.0}, "entities": []}, [], False,
                      None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerPolicy().run(dispatcher, tracker, {})
    assert [m.get("text") for m in dispatcher.messages] == [CAN_COME]
    assert {e["name"]: e["value"] for e in events}["readback_short"] is True


# 3. While the paper 委托书 waits for the staff.

WAITING = {**ZHOU, "confirmed": None, "paused_form": "application_form", "held_for": ZHOU_ID}
CHECK_FORM_ASKED = "委托书我手上有纸质的。另外核对授权书（家庭经济状况核对的那个）他不会用手机，要怎么签？是不是跟委托书一起拍？"


def asked_tracker(text: str, slots: dict, intent: str) -> Tracker:
    return Tracker("web-t5", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}, [], False,
                   None, {}, "action_listen")


@pytest.mark.asyncio
@pytest.mark.parametrize("action", [ActionStartVerifiedQuery(), ActionAnswerPolicy()])
async def test_how_the_check_form_is_signed_without_a_phone_is_answered_while_the_paper_form_waits(fake_backend, action) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, asked_tracker(CHECK_FORM_ASKED, WAITING, "sign_authorization"), {})
    responses = said(dispatcher.messages)
    assert responses[:2] == ["utter_signing_after_filing", "utter_signing_not_the_paper_form"], responses
    assert "utter_paper_form_upload" not in responses and not any(r.url.path.endswith("/paper-link") for r in fake_backend.requests)
    line = await spoken(dispatcher.messages[1], WAITING)
    assert "两张不同的纸" in line and "周德贵" in line


@pytest.mark.asyncio
async def test_a_photo_sent_and_waiting_is_said_with_its_day_never_a_new_link(fake_backend) -> None:  # noqa: ANN001
    fake_backend.held = {"status": "pending", "delegation_id": 12, "due_said": "12月11日（星期五）前"}
    dispatcher = CollectingDispatcher()
    text = "委托书照片已经传上去了，现在是什么情况？"
    await ActionStartVerifiedQuery().run(dispatcher, asked_tracker(text, WAITING, "query_progress"), {})
    assert said(dispatcher.messages) == ["utter_delegation_waiting"]
    assert "12月11日（星期五）前" in await spoken(dispatcher.messages[0], WAITING)
    assert not any(r.url.path.endswith("/paper-link") for r in fake_backend.requests)


@pytest.mark.asyncio
async def test_with_no_photo_yet_the_upload_link_is_still_given(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionStartVerifiedQuery().run(dispatcher, asked_tracker("委托书要怎么传", WAITING, "query_progress"), {})
    assert said(dispatcher.messages) == ["utter_paper_form_upload"]


# 3b and 4. A new conversation: "继续" while the 委托书 waits, and a correction with no case handed in but one saved.

HER_DRAFT = {"id": 7, "label": "特困 · 周*贵", "updated_said": "12月8日",
             "answers": {k: v for k, v in ZHOU.items() if k not in ("citizen_token", "verified_phone", "phone_verified",
                                                                    "open_checked")}}
SIGNED_IN = {"citizen_token": "citizen-token", "verified_phone": HER_PHONE, "phone_verified": True}
PENDING = {"status": "pending", "delegation_id": 12, "due_said": "12月11日（星期五）前"}


def slots_of(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.asyncio
async def test_continue_while_the_paper_form_waits_says_so_and_waits_for_her(fake_backend) -> None:  # noqa: ANN001
    fake_backend.drafts, fake_backend.held = [HER_DRAFT], PENDING
    dispatcher = CollectingDispatcher()
    events = await ActionResume().run(dispatcher, asked_tracker("继续", SIGNED_IN, "resume"), {})
    assert said(dispatcher.messages) == ["utter_draft_found", "utter_delegation_waiting"]
    # The next action is listening: nothing is left for the core fallback's "没太听懂" (which took the turn back).
    assert events[-1] == FollowupAction("action_listen") and slots_of(events)["paused_form"] == "application_form"


@pytest.mark.asyncio
async def test_a_correction_with_none_handed_in_corrects_the_saved_application(fake_backend) -> None:  # noqa: ANN001
    fake_backend.drafts, fake_backend.held, fake_backend.mine = [HER_DRAFT], PENDING, []
    text = "那趁现在等核对，我想把他的身份证号再核一遍，之前报的可能有一位错了，正确的是500106195508080019"
    dispatcher = CollectingDispatcher()
    slots = {**SIGNED_IN, "after_verify": "correct", "correction_said": text}
    events = await ActionAfterVerify().run(dispatcher, asked_tracker(text, slots, "correct_application"), {})
    responses = said(dispatcher.messages)
    assert "utter_no_open_application" not in responses and responses[0] == "utter_draft_found", responses
    assert "utter_correct_draft_field" in responses
    values = slots_of(events)
    assert values["applicant_name"] == "周德贵" and values["applicant_id"] == ZHOU_ID and values["paused_form"] is None
    assert events[-1] == FollowupAction("application_form")  # its question checks it, then the read-back


@pytest.mark.asyncio
async def test_a_correction_with_nothing_at_all_is_still_said_so(fake_backend) -> None:  # noqa: ANN001
    fake_backend.mine = []
    dispatcher = CollectingDispatcher()
    slots = {**SIGNED_IN, "after_verify": "correct", "correction_said": "身份证号错了"}
    await ActionAfterVerify().run(dispatcher, asked_tracker("身份证号错了", slots, "correct_application"), {})
    assert said(dispatcher.messages) == ["utter_no_open_application"]


@pytest.mark.asyncio
async def test_a_grid_workers_progress_query_speaks_of_the_person_not_of_family_nor_of_her(fake_backend) -> None:  # noqa: ANN001
    fake_backend.drafts, fake_backend.mine = [HER_DRAFT], []
    text = "你好，我是网格员邓丽，之前帮周德贵报了特困，想查一下进度。他身份证500106195508080019"
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, asked_tracker(text, {**SIGNED_IN, "after_verify": "relative"}, "query_progress"), {})
    assert "utter_relative_what_you_see" in said(dispatcher.messages)
    for response in ("utter_relative_progress_first", "utter_relative_what_you_see", "utter_no_applications"):
        line = await wording(response, SIGNED_IN)
        assert "家里人的" not in line and "家里人自己" not in line and "她" not in line, line
