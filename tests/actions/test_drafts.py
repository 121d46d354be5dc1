"""Issue #20: answers outlive the conversation. An application paused (a principal with no phone, a lock-out, "先放一放")
is saved for the verified phone; "继续" another day finds it (after the phone's code) and the form asks only what is
missing; a helper whose paper 授权委托书 was verified at the window is asked no phone and no code; a paper form
still waiting is said with its day; the draft goes once the application is filed."""

import json

import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.drafts import ActionCloseApplication, ActionPauseForm, ActionResume
from actions.forms import ValidateApplicationForm
from actions.journeys import ActionAfterVerify, ActionCancel, ActionSubmitApplication, readback_lines
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import VALID_ID, VERIFIED, slot_values, validate
from tests.actions.test_retries import DOMAIN_DICT

HELPER = {"filing_for": "other", "helper_kind": "grid_worker", "helper_name": "李红", "assistance_type": "低保", **VERIFIED}
OLD_MAN = {**HELPER, "applicant_name": "周明富", "applicant_id": VALID_ID, "held_for": VALID_ID}


def saved(fake_backend) -> dict:  # noqa: ANN001
    [put] = [r for r in fake_backend.requests if r.method == "PUT"]
    return json.loads(put.content)


@pytest.mark.asyncio
async def test_no_phone_for_the_old_man_goes_on_without_a_code(fake_backend) -> None:  # noqa: ANN001
    events, words = await validate(ValidateApplicationForm(), "applicant_phone", "他没得手机", OLD_MAN, "application_form")
    values = slot_values(events)
    assert words == ["utter_principal_no_phone"] and values["principal_no_phone"] is True
    assert values["requested_slot"] == "street" and not any(e.get("event") == "followup" for e in events)  # no pause
    assert "POST /api/v1/delegations/consent-code" not in fake_backend.paths()


def no_phone_filled(**more) -> dict:  # noqa: ANN003
    return {**OLD_MAN, "principal_no_phone": True, "street": "两路口街道", "area_code": "500103004", "monthly_income": 0.0,
            "savings": 0.0, "more_members": False, "reason": "一个人住，没得收入", "confirmed": True, **more}


@pytest.mark.asyncio
async def test_at_the_end_the_paper_forms_photo_is_asked_and_everything_is_saved(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitApplication().run(dispatcher, tracker(no_phone_filled(), sender="web-abc12345"), {})
    assert "POST /api/v1/applications" not in fake_backend.paths()  # nothing filed without her consent
    link = [r for r in fake_backend.requests if r.url.path == "/api/v1/delegations/paper-link"][0]
    body = json.loads(link.content)
    assert body["consent"]["method"] == "paper" and body["consent"]["area_code"] == "500103004"
    assert body["helper"]["phone"] == VERIFIED["verified_phone"] and body["principal"] == {"name": "周明富", "id_number": VALID_ID}
    assert responses(dispatcher) == ["utter_paper_form_upload", "utter_draft_kept"]
    assert dispatcher.messages[0]["custom"] == {"upload": "/api/v1/delegations/paper-link/sealed"}
    assert saved(fake_backend)["answers"]["principal_no_phone"] is True
    values = slot_values(events)
    assert values["paused_form"] == "application_form" and values["confirmed"] is None


@pytest.mark.asyncio
@pytest.mark.parametrize(("sender", "channel"), [("sms:+8613812345678", "twilio"), ("wx-o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "wechat")])
async def test_by_sms_or_wechat_the_paper_form_goes_to_the_window(fake_backend, sender, channel) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    t = tracker(no_phone_filled(), sender=sender)
    t.events.append({"event": "user", "text": "对", "input_channel": channel})
    await ActionSubmitApplication().run(dispatcher, t, {})
    assert responses(dispatcher) == ["utter_paper_form_window", "utter_draft_kept"]  # no card there to press
    assert "POST /api/v1/delegations/paper-link" not in fake_backend.paths()


@pytest.mark.asyncio
async def test_once_the_paper_form_is_verified_continue_files_it(fake_backend) -> None:  # noqa: ANN001
    fake_backend.held = {"status": "verified", "delegation_id": 31}
    dispatcher = CollectingDispatcher()
    filed = await ActionSubmitApplication().run(dispatcher, tracker(no_phone_filled()), {})
    # Filed in this one action, no second submission after it (tests/actions/test_after_filing_s8.py: that one left
    # the rules with no next step, and the fallback took the filing turn back).
    assert FollowupAction("action_submit_application") not in filed
    assert "utter_submitted" in responses(dispatcher) and any(e.get("name") == "application_no" for e in filed)
    [filing] = [r for r in fake_backend.requests if r.url.path == "/api/v1/applications"]
    assert json.loads(filing.content)["members"][0]["phone"] is None  # the principal's phone: none, not a guess


@pytest.mark.asyncio
async def test_the_read_back_says_the_paper_form_instead_of_a_phone() -> None:
    lines = dict(readback_lines(tracker(no_phone_filled())))
    assert lines["手机"] == "没有手机（交书面授权委托书）"
    held = {**no_phone_filled(), "principal_no_phone": None, "delegation_id": 31.0}  # a second application, same paper form
    assert dict(readback_lines(tracker(held)))["手机"] == "不用填（已有本人的授权委托）"  # not "未填"


@pytest.mark.asyncio
async def test_pausing_keeps_the_answers_for_the_phone(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    paused = await ActionPauseForm().run(dispatcher, tracker(OLD_MAN, active_loop="application_form"), {})
    body = saved(fake_backend)
    assert body["answers"]["applicant_name"] == "周明富" and body["applicant_id"] == VALID_ID and body["kind"] == "低保"
    assert "citizen_token" not in body["answers"] and "held_for" not in body["answers"]
    assert responses(dispatcher) == ["utter_draft_kept"] and dispatcher.messages[0]["until"] == "2027年1月6日"
    assert slot_values(paused)["draft_id"] == 7 and slot_values(paused)["paused_form"] == "application_form"


@pytest.mark.asyncio
async def test_stopping_saves_only_with_a_verified_phone(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    unverified = {"filing_for": "self", "applicant_name": "王秀英", "assistance_type": "低保"}
    await ActionCancel().run(dispatcher, tracker(unverified, active_loop="application_form"), {})
    assert [r for r in fake_backend.requests if r.method == "PUT"] == [] and responses(dispatcher) == ["utter_stopped"]
    await ActionCancel().run(dispatcher, tracker({**unverified, **VERIFIED, "applicant_phone": "13812345678"},
                                                 active_loop="application_form"), {})
    assert saved(fake_backend)["answers"]["applicant_phone"] == "13812345678"  # her own phone is kept
    assert responses(dispatcher)[-1] == "utter_draft_kept"


@pytest.mark.asyncio
async def test_continue_another_day_asks_the_phone_then_restores_the_newest_draft(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionResume().run(dispatcher, tracker({}, text="继续", intent="resume"), {})
    assert responses(dispatcher) == ["utter_resume_which_phone"] and FollowupAction("verify_form") in events
    assert slot_values(events)["after_verify"] == "draft"
    fake_backend.drafts = [
        {"id": 9, "label": "低保 · 周*富", "updated_said": "12月5日", "answers": {**{k: v for k, v in OLD_MAN.items() if k not in VERIFIED
                                                                                   and k != "held_for"}, "street": "两路口街道"}},
        {"id": 4, "label": "特困 · 张*英", "updated_said": "12月1日", "answers": {"assistance_type": "特困"}},
    ]
    fake_backend.held = {"status": "verified", "delegation_id": 31, "method": "paper"}  # the paper form was verified meanwhile
    dispatcher = CollectingDispatcher()
    restored = await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": "draft"}), {})
    values = slot_values(restored)
    assert values["applicant_name"] == "周明富" and values["street"] == "两路口街道" and values["draft_id"] == 9
    assert values["delegation_id"] == 31 and values["consent_code"] == "ok" and FollowupAction("application_form") in restored
    assert responses(dispatcher) == ["utter_draft_found", "utter_draft_others", "utter_delegation_held"]
    assert dispatcher.messages[1]["labels"] == "特困 · 张*英"
    # The form now asks neither the old man's phone nor a code.
    slots = {**VERIFIED, **values}
    needed = await ValidateApplicationForm().required_slots([], dispatcher, tracker(slots), DOMAIN_DICT)
    assert "applicant_phone" not in needed and "consent_code" not in needed and "street" in needed


@pytest.mark.asyncio
async def test_continue_with_nothing_saved_says_what_can_be_done(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionResume().run(dispatcher, tracker(VERIFIED, text="继续", intent="resume"), {})
    assert responses(dispatcher) == ["utter_resume_nothing"] and not any(e.get("event") == "followup" for e in events)


@pytest.mark.asyncio
async def test_a_held_delegation_is_found_when_the_name_and_id_are_said(fake_backend) -> None:  # noqa: ANN001
    fake_backend.held = {"status": "verified", "delegation_id": 31, "method": "paper"}
    events, words = await validate(ValidateApplicationForm(), "applicant_name", f"周明富 {VALID_ID}", HELPER, "application_form")
    values = slot_values(events)
    assert values["delegation_id"] == 31 and values["consent_code"] == "ok" and values["held_for"] == VALID_ID
    assert "utter_delegation_held" in words and values.get("requested_slot") != "applicant_phone"
    [asked] = [r for r in fake_backend.requests if r.url.path == "/api/v1/delegations/held"]
    assert json.loads(asked.content) == {"principal": {"name": "周明富", "id_number": VALID_ID}}
    assert "POST /api/v1/applications/open-check" in fake_backend.paths()  # now he may know of an open case


@pytest.mark.asyncio
async def test_a_paper_form_still_waiting_is_said_with_its_day_and_pauses(fake_backend) -> None:  # noqa: ANN001
    fake_backend.held = {"status": "pending", "delegation_id": 31, "due_said": "12月10日（星期四）前"}
    events, words = await validate(ValidateApplicationForm(), "applicant_name", f"周明富 {VALID_ID}", HELPER, "application_form")
    assert "utter_delegation_waiting" in words and FollowupAction("action_pause_form") in events
    assert slot_values(events)["applicant_id"] == VALID_ID and not slot_values(events).get("delegation_id")


@pytest.mark.asyncio
async def test_no_delegation_asks_the_phone_as_before_and_only_once(fake_backend) -> None:  # noqa: ANN001
    events, _ = await validate(ValidateApplicationForm(), "applicant_name", f"周明富 {VALID_ID}", HELPER, "application_form")
    assert slot_values(events)["requested_slot"] == "applicant_phone" and slot_values(events)["held_for"] == VALID_ID
    asked = len(fake_backend.requests)
    await validate(ValidateApplicationForm(), "applicant_phone", "13800001111", {**HELPER, **slot_values(events)}, "application_form")
    assert "POST /api/v1/delegations/held" not in fake_backend.paths()[asked:]


@pytest.mark.asyncio
async def test_the_draft_goes_once_the_application_is_filed(fake_backend) -> None:  # noqa: ANN001
    fake_backend.drafts = [{"id": 7, "label": "低保 · 王*英", "updated_said": "12月7日", "answers": {}}]
    slots = {**VERIFIED, "filing_for": "self", "assistance_type": "低保", "applicant_name": "王秀英", "applicant_id": VALID_ID,
             "applicant_phone": "13812345678", "area_code": "500103004", "monthly_income": 300.0, "savings": 0.0,
             "reason": "生活困难", "confirmed": True, "draft_id": 7.0}
    dispatcher = CollectingDispatcher()
    await ActionSubmitApplication().run(dispatcher, tracker(slots), {})
    assert "utter_submitted" in responses(dispatcher)
    assert "DELETE /api/v1/drafts/application/7" in fake_backend.paths() and fake_backend.drafts == []


@pytest.mark.asyncio
async def test_her_open_case_is_said_as_soon_as_she_is_known_not_at_the_end(fake_backend) -> None:  # noqa: ANN001
    fake_backend.open_case = "王秀英已经有一件低保申请正在办理（编号JZ20261124000009），不用再交一次。"
    slots = {**VERIFIED, "filing_for": "self", "assistance_type": "低保", "applicant_name": "王秀英", "applicant_id": VALID_ID}
    events, words = await validate(ValidateApplicationForm(), "applicant_phone", VERIFIED["verified_phone"], slots, "application_form")
    assert words == [fake_backend.open_case] and FollowupAction("action_close_application") in events
    assert json.loads(fake_backend.requests[-1].content) == {"name": "王秀英", "id_number": VALID_ID, "assistance_type": "低保"}
    closed = await ActionCloseApplication().run(CollectingDispatcher(), tracker({**slots, "draft_id": 7.0}), {})
    assert {"event": "active_loop", "name": None, "timestamp": None} in closed and slot_values(closed)["applicant_id"] is None
    assert "DELETE /api/v1/drafts/application/7" in fake_backend.paths()


@pytest.mark.asyncio
async def test_no_open_case_asks_once_and_goes_on(fake_backend) -> None:  # noqa: ANN001
    slots = {**VERIFIED, "filing_for": "self", "assistance_type": "低保", "applicant_name": "王秀英", "applicant_id": VALID_ID}
    events, _ = await validate(ValidateApplicationForm(), "applicant_phone", VERIFIED["verified_phone"], slots, "application_form")
    values = slot_values(events)
    assert values["open_checked"] == f"{VALID_ID}:低保" and values["requested_slot"] == "street"
    asked = fake_backend.paths().count("POST /api/v1/applications/open-check")
    await validate(ValidateApplicationForm(), "street", "两路口街道", {**slots, **values}, "application_form")
    assert fake_backend.paths().count("POST /api/v1/applications/open-check") == asked == 1


@pytest.mark.asyncio
async def test_nobody_unverified_is_told_about_a_case(fake_backend) -> None:  # noqa: ANN001
    fake_backend.open_case = "有一件"
    slots = {"filing_for": "other", "assistance_type": "低保", **VERIFIED}
    await validate(ValidateApplicationForm(), "applicant_name", f"王秀英 {VALID_ID}", slots, "application_form")
    assert "POST /api/v1/applications/open-check" not in fake_backend.paths()  # a helper without her delegation yet


@pytest.mark.asyncio
async def test_continue_while_the_paper_form_waits_says_so_and_asks_nothing(fake_backend) -> None:  # noqa: ANN001
    fake_backend.held = {"status": "pending", "delegation_id": 31, "due_said": "12月10日（星期四）前"}
    dispatcher = CollectingDispatcher()
    paused = {**no_phone_filled(confirmed=None), "paused_form": "application_form"}
    events = await ActionResume().run(dispatcher, tracker(paused, text="继续", intent="resume"), {})
    assert responses(dispatcher) == ["utter_delegation_waiting"] and FollowupAction("action_listen") in events
    assert slot_values(events)["paused_form"] == "application_form"  # the form does not open (no read-back)
    fake_backend.held = {"status": "verified", "delegation_id": 31}
    dispatcher = CollectingDispatcher()
    events = await ActionResume().run(dispatcher, tracker(paused, text="继续", intent="resume"), {})
    assert slot_values(events)["delegation_id"] == 31 and slot_values(events)["paused_form"] is None
    assert not any(e.get("event") == "followup" for e in events)  # the rules open the form: read-back, then filed


@pytest.mark.asyncio
async def test_a_skipped_income_corrected_at_the_read_back_is_not_noted_as_skipped(fake_backend) -> None:  # noqa: ANN001
    slots = {**VERIFIED, "filing_for": "self", "assistance_type": "低保", "applicant_name": "王秀英", "applicant_id": VALID_ID,
             "applicant_phone": "13812345678", "area_code": "500103004", "monthly_income": 1100.0, "savings": 0.0,
             "reason": "生活困难", "confirmed": True, "skipped_slots": ["monthly_income", "savings"]}
    await ActionSubmitApplication().run(CollectingDispatcher(), tracker(slots), {})
    [filing] = [r for r in fake_backend.requests if r.url.path == "/api/v1/applications"]
    assert "在线未答：存款，" in json.loads(filing.content)["reason"]  # savings still skipped; income answered since


@pytest.mark.asyncio
async def test_a_helper_with_forms_waiting_is_told_they_are_kept_not_that_there_is_nothing(fake_backend) -> None:  # noqa: ANN001
    """A grid worker whose paper forms wait asked "我交的那些材料你们那边存好了没得" and was told "这个手机号下面还没有
    申请记录" just after "填过的都存着". With drafts kept for her phone, she hears which, and how to go on."""
    fake_backend.mine = []
    fake_backend.drafts = [{"id": 9, "label": "低保 · 周*贵", "updated_said": "12月7日", "answers": {}},
                           {"id": 8, "label": "低保 · 李*珍", "updated_said": "12月7日", "answers": {}}]
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": None}), {})
    assert responses(dispatcher) == ["utter_no_applications_drafts_kept"]
    assert dispatcher.messages[0]["labels"] == "低保 · 周*贵、低保 · 李*珍"
    fake_backend.drafts = []
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**VERIFIED, "after_verify": None}), {})
    assert responses(dispatcher) == ["utter_no_applications"]
