"""A grid worker's first answers (session 9, helper G5): "特困吧 …不行的话就低保" was filed as 低保; "申请人叫刘德富 我是网格员
陈敏" to "您怎么称呼" heard "刘德富是您帮着办的那位的名字吧？"."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm
from tests.actions.test_forms_and_journeys import responses, tracker


@pytest.mark.parametrize(("said", "kind"), [("特困吧 他一个人住 没有收入 残疾 腿截了一条。不行的话就低保", "特困"),
                                            ("低保吧，特困怕评不上", "低保"), ("先申请特困 不行的话再申请低保", "特困"),
                                            ("特困", "特困")])
def test_the_type_chosen_is_the_one_filed(said: str, kind: str) -> None:
    dispatcher = CollectingDispatcher()
    got = ValidateApplicationForm().validate_assistance_type(["特困", "低保"] if "低保" in said else "特困", dispatcher,
                                                             tracker(text=said, active_loop="application_form"), {})
    assert got == {"assistance_type": kind}


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["申请人叫刘德富 我是网格员陈敏", "老人叫刘德富，我是两路口街道的网格员陈敏"])
async def test_her_own_name_said_with_his_is_taken(said: str) -> None:
    dispatcher = CollectingDispatcher()
    slots = {"filing_for": "other", "helper_kind": "grid_worker", "requested_slot": "helper_name"}
    got = await ValidateApplicationForm().validate_helper_name(said, dispatcher, tracker(slots, text=said,
                                                               active_loop="application_form"), {})
    assert got["helper_name"] == "陈敏" and got.get("applicant_name") == "刘德富"
    assert "utter_helper_name_is_principal" not in responses(dispatcher)


@pytest.mark.asyncio
async def test_his_name_alone_is_still_not_taken_for_hers() -> None:
    dispatcher = CollectingDispatcher()
    got = await ValidateApplicationForm().validate_helper_name("他叫刘德富", dispatcher, tracker(
        {"filing_for": "other", "requested_slot": "helper_name"}, text="他叫刘德富", active_loop="application_form"), {})
    assert got["helper_name"] is None and responses(dispatcher) == ["utter_helper_name_is_principal"]
