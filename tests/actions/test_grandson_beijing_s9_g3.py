"""A grandson in 北京 (张宇) filed 低保 for his grandmother 王淑珍 with his grandfather 李国华 (no phone, bedridden
after a stroke, his ID number to come) as a household member. After filing, "爷爷的身份证号补上了没 申请里现在写的啥
家里几口人" was read as a correction ("哪里填错了…我会原样转给经办人"), and "没填错 就想看看" was filed on the case as one.
A question about the case is answered from the case; "没填错" at the correction question files nothing (session 9,
helper G3)."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateEligibilityForm
from actions.requests import ActionFileCorrection, ActionStartChange, ValidateCorrectionForm, after_verify
from tests.actions.answers_helpers import DOMAIN_DICT, install, said
from tests.actions.test_precheck_s8_g import household_answer

NUMBER = "JZ20261208000021"
MINE = [{"number": NUMBER, "applicant_name": "王淑珍", "assistance_type": "低保", "own": False}]
CASE = {**MINE[0], "status": "submitted", "status_label": "已提交，等待受理", "step_due_day": "12月11日（星期五）",
        "available_actions": ["withdraw", "request_change"], "progress": {"missing": []},
        "members": [{"person_id": 1, "name": "王淑珍", "relation": "本人", "id_pending": False},
                    {"person_id": 2, "name": "李国华", "relation": "配偶", "id_pending": True}]}
SLOTS = {"citizen_token": "citizen-token", "phone_verified": True, "application_no": NUMBER, "filing_for": "other"}


def backend(fake) -> None:  # noqa: ANN001
    install(fake)
    route = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/applications/mine":
            return httpx.Response(200, json=MINE)
        if path == f"/applications/{NUMBER}" and request.method == "GET":
            return httpx.Response(200, json=CASE)
        if path.endswith("/actions/request_change"):
            return httpx.Response(200, json={**CASE, "step_due_day": "12月11日（星期五）"})
        return route(request)

    fake.handler = handler


def filed(fake) -> list[dict]:  # noqa: ANN001
    return [json.loads(r.content) for r in fake.requests if r.url.path.endswith("/actions/request_change")]


def message(slots: dict, text: str, intent: str = "correct_application") -> Tracker:
    return Tracker("grandson-zhangyu", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                   [], False, None, {}, "action_listen")


def slots_of(slots: dict, events: list) -> dict:
    return {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["爷爷的身份证号补上了没 申请里现在写的啥 家里几口人", "申请里家里写的几口人？",
                                  "爷爷到底算进去没有"])
async def test_a_question_about_the_filed_case_is_answered_from_it_never_filed(fake_backend, text: str) -> None:  # noqa: ANN001
    backend(fake_backend)
    dispatcher = CollectingDispatcher()
    after = slots_of(SLOTS, await ActionStartChange().run(dispatcher, message(SLOTS, text), {}))
    assert after["after_verify"] == "view"
    events = await after_verify(dispatcher, message(after, text))
    names = said(dispatcher.messages)
    assert "utter_filed_view" in names and "utter_member_ids_still_needed" in names
    assert "correction_form" not in json.dumps(events) and filed(fake_backend) == []
    view = next(m for m in dispatcher.messages if m.get("response") == "utter_filed_view")
    assert view["size"] == 2 and "李国华（配偶）" in view["members"] and "王淑珍" in view["members"]


@pytest.mark.asyncio
async def test_a_real_correction_still_goes_to_the_caseworker(fake_backend) -> None:  # noqa: ANN001
    backend(fake_backend)
    dispatcher = CollectingDispatcher()
    text = "收入填错了，应该是八百"
    after = slots_of(SLOTS, await ActionStartChange().run(dispatcher, message(SLOTS, text), {}))
    assert after["after_verify"] == "correct"
    await after_verify(dispatcher, message(after, text))
    assert len(filed(fake_backend)) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["没填错 就想看看", "不是要改 我就问一下", "没有错，看一下就行"])
async def test_no_mistake_at_the_correction_question_files_nothing(fake_backend, text: str) -> None:  # noqa: ANN001
    backend(fake_backend)
    slots = {**SLOTS, "after_verify": "correct", "correction_said": "改一下申请", "requested_slot": "correction_text"}
    dispatcher = CollectingDispatcher()
    checked = ValidateCorrectionForm().validate_correction_text(text, dispatcher, message(slots, text, "deny"), {})
    slots = {**slots, **checked}
    events = await ActionFileCorrection().run(dispatcher, message(slots, text, "deny"), {})
    assert filed(fake_backend) == []
    assert said(dispatcher.messages)[:2] == ["utter_correction_none", "utter_filed_view"]
    assert slots_of(slots, events)["after_verify"] is None


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我在北京上班不跟他们住", "我在北京 没跟他们住一起", "我人在北京打工"])
async def test_his_own_place_of_work_is_not_his_grandparents(fake_backend, text: str) -> None:  # noqa: ANN001
    """"我在北京上班不跟他们住" made 北京 the place ("北京市的低保条件我这里还没有当地的数据")."""
    install(fake_backend)
    events = await ValidateEligibilityForm().run(CollectingDispatcher(), household_answer(text, "北京"), DOMAIN_DICT)
    assert {"region": "北京", **slots_of({}, events)}["region"] is None
