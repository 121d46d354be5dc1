"""The kitchen fire in 渝北, after his 临时救助（急难型） application was filed (session 9, helper G10):

1. "林时救助好久能到账 能不能今天就先给点钱交医院的压金" heard "批准后按月发放": now the backend's payment_said for his type.
2. "医院要压金两千块 我身上没得钱 卡也烧了" heard only "问问医疗救助": now the backend's deposit answer, his number for
   the hospital, and 【急需：押金】 on his case.
3. "今天晚上我去儿子那点挤一下 救助站就不去了" (read as stop) heard "好的。还有别的要帮忙的吗？": now a note on his case.
"""

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency_after import plans
from actions.emergency_report import ActionReadEmergency
from actions.journeys import ActionAfterVerify, ActionCancel
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_night_flood_s9_j import posted, reported

NUMBER = "JZ20261124000009"
HOW = f"您的临时救助（急难型）申请（{NUMBER}）还没有发放记录。临时救助是一次性发放，不是按月发。您这件是急难的，可以先行救助。"
DEPOSIT = "医院要交押金、一时拿不出的话：急难的临时救助可以先行救助。跟医院住院处（或者财务）说。"


@pytest.fixture
def his_backend(fake_backend, monkeypatch):  # noqa: ANN001, ANN201
    """No payment yet; progress with the backend's payment_said; the deposit answered as the backend's urgent need."""
    route = fake_backend.handler

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path.endswith("/payments"):
            return httpx.Response(200, json=[])
        said = request.url.params.get("said") or ""
        if path.startswith("/policy/answer") and "压金" in said:
            return httpx.Response(200, json={"assistance_type": "临时救助", "aspect": "标准", "answer": DEPOSIT,
                                             "needs_region": False, "region": None, "term": "急需", "place": None,
                                             "known_regions": [], "offer_precheck": False})
        response = route(request)
        if path.endswith("/progress"):
            return httpx.Response(200, json={**response.json(), "payment_said": HOW})
        return response

    monkeypatch.setattr(fake_backend, "handler", answer)
    return fake_backend


@pytest.mark.asyncio
async def test_when_the_money_comes_is_his_types_never_monthly(his_backend) -> None:  # noqa: ANN001
    his_backend.mine = [{"number": NUMBER, "own": True, "area_code": "500112001"}]
    dispatcher = CollectingDispatcher()
    await ActionAfterVerify().run(dispatcher, tracker({**reported(application=NUMBER), "after_verify": "payment"}), {})
    said = [m for m in dispatcher.messages if m.get("response") == "utter_payment_how"]
    assert said and said[0]["said"] == HOW
    assert "utter_no_payment_yet" not in responses(dispatcher)


@pytest.mark.asyncio
async def test_the_hospital_deposit_is_answered_and_on_his_case(his_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionReadEmergency().run(dispatcher, tracker(reported(application=NUMBER), text="医院要压金两千块 我身上没得钱 卡也烧了",
                                                        intent="report_emergency"), {})
    said = responses(dispatcher)
    assert DEPOSIT in said and "utter_emergency_deposit_number" in said
    assert "utter_emergency_medical_aid" not in said
    [noted] = posted(his_backend, f"/api/v1/applications/{NUMBER}/actions/add_information")
    assert noted["note"].startswith("【急需：押金】")


@pytest.mark.parametrize(("text", "note"), [
    ("今天晚上我去儿子那点挤一下 救助站就不去了", "今晚住儿子家；不去救助站"),
    ("今晚住我女儿屋头", "今晚住女儿家"),
    ("不用了", None),
])
def test_his_plans_are_read(text: str, note: str | None) -> None:
    assert plans(text) == note


@pytest.mark.asyncio
async def test_his_plans_for_tonight_go_on_the_case_never_anything_else(his_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionCancel().run(dispatcher, tracker(reported(application=NUMBER), text="今天晚上我去儿子那点挤一下 救助站就不去了",
                                                 intent="stop"), {})
    assert responses(dispatcher) == ["utter_emergency_plans_noted"]
    [noted] = posted(his_backend, f"/api/v1/applications/{NUMBER}/actions/add_information")
    assert "今晚住儿子家" in noted["note"]
