"""Issue 20, at the pre-check (actions/precheck.py, precheck_asides.py): "爷爷去年中风了" at the illness question (read
by the NLU as an emergency) started an emergency report and its phone check; it is the illness answer (中风 is a serious
illness in the rules' list, GET /eligibility/illness). A place put right there ("不对 我在江北区", "我是在观音桥") was read as
a yes, a no or a phone number; it is the place: its region kept, said back, the question asked again."""

import httpx
import pytest

from actions.form_first import looks_like_answer
from actions.forms import ValidateEligibilityForm
from tests.actions.answers_helpers import install, said, turn

FORM = "eligibility_form"
BEFORE = {"household_size": 2, "monthly_income": 800.0, "income_excluded": "没有", "savings": 0.0, "applicant_age": 78}
JIANGBEI = {"code": "500105", "name": "江北区", "level": "district", "district": None, "city": "重庆市", "province": "重庆市",
            "match": "exact", "standards_region": "重庆"}
GUANYINQIAO = {**JIANGBEI, "code": "500105001", "name": "观音桥街道", "level": "street", "district": "江北区"}


def with_places(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    route = fake_backend.handler

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/areas/search"):
            q = request.url.params["q"]
            return httpx.Response(200, json=[a for a in (JIANGBEI, GUANYINQIAO) if a["name"].removesuffix("街道") in q])
        return route(request)
    fake_backend.handler = handler


@pytest.mark.parametrize("intent", ["report_emergency", "request_human", "stop", "apply_assistance"])
def test_a_stroke_said_at_the_illness_question_stays_its_answer(intent: str) -> None:
    assert looks_like_answer("illness_or_disability", "爷爷去年中风了", intent, FORM)


@pytest.mark.asyncio
async def test_a_stroke_is_a_serious_illness(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateEligibilityForm(), "illness_or_disability", "爷爷去年中风了", BEFORE, form=FORM)
    assert slots["illness_or_disability"] is True
    assert not {"verify_phone", "emergency_what"} & {k for k, v in slots.items() if v}


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["illness_or_disability", "savings", "applicant_age", "monthly_income"])
@pytest.mark.parametrize(("text", "place"), [("不对 我在江北区", "江北区"), ("我是在观音桥", "观音桥")])
async def test_a_place_put_right_is_the_place(fake_backend, slot: str, text: str, place: str) -> None:  # noqa: ANN001
    with_places(fake_backend)
    asked = {k: v for k, v in BEFORE.items() if k != slot}
    slots, messages = await turn(ValidateEligibilityForm(), slot, text, {**asked, "region": "武汉"}, form=FORM)
    assert slots[slot] is None and slots["requested_slot"] == slot  # asked again: never a yes, a no or a figure
    assert slots["region"] == "重庆" and said(messages) == ["utter_precheck_place_now"]
    assert messages[0].get("place") == place and not slots.get("form_retries")
    assert not slots.get("verify_phone")


@pytest.mark.asyncio
async def test_the_hukou_said_as_a_place_is_still_the_hukou(fake_backend) -> None:  # noqa: ANN001
    with_places(fake_backend)
    slots, messages = await turn(ValidateEligibilityForm(), "hukou", "我在农村", {**BEFORE, "illness_or_disability": False}, form=FORM)
    assert slots["hukou"] and "utter_precheck_place_now" not in said(messages)
