"""A grandson (刘浩) filing 低保 for his grandmother: "算了先查一下nn能不能批" at the reason question was kept as 原因 and read
back; "不是 原因不是这个 我是想先查下nn符不符合条件" at the read-back then became the reason. A stop, a change of mind or a
question whether it would be approved is never the reason; "原因不是这个" asks it again."""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import codes, requests, streets, which_case
from actions.answers.all_at_once import found
from actions.change_of_mind import asks_approval, not_the_reason, says_stop
from actions.face import ValidateScopeForm
from actions.forms import ValidateApplicationForm
from actions.streets import detail_after
from tests.actions.test_form_first import FILLED, at_readback
from tests.actions.test_reason_question_s8_e import REASONS
from tests.actions.test_retries import DOMAIN_DICT, answer, turn

pytestmark = pytest.mark.usefixtures("fake_backend")

BEFORE_REASON = {k: v for k, v in FILLED.items() if k != "reason"}
NOT_REASONS = ["算了先查一下nn能不能批", "不是 原因不是这个 我是想先查下nn符不符合条件", "符不符合条件", "不申请了",
               "不是 原因不是这个", "算了 先看看我奶奶能不能批 不申请了", "不申请了！先查能不能批"]


@pytest.mark.parametrize("text", REASONS + ["老伴走了 一个人没得收入 看病都看不起", "腿脚不方便 儿女不在身边"])
def test_a_real_reason_is_no_change_of_mind(text: str) -> None:
    assert not (says_stop(text) or asks_approval(text) or not_the_reason(text))


@pytest.mark.asyncio
@pytest.mark.parametrize("text", NOT_REASONS)
async def test_a_stop_or_a_check_first_is_never_the_reason(text: str) -> None:
    after, said = await turn(ValidateApplicationForm(), "reason", text, BEFORE_REASON)
    assert after["reason"] is None and "utter_not_understood" not in said and not after.get("form_retries")


@pytest.mark.asyncio
async def test_checking_first_at_the_reason_gets_the_estimate_and_the_reason_asked_again() -> None:
    after, said = await turn(ValidateApplicationForm(), "reason", "先查一下nn能不能批", BEFORE_REASON)
    assert said == ["utter_readback_estimate"] and after["requested_slot"] == "reason" and after["reason"] is None


@pytest.mark.asyncio
async def test_a_stop_at_the_reason_pauses_the_form_every_answer_kept() -> None:
    form = ValidateApplicationForm()
    after, said = await turn(form, "reason", "算了先查一下nn能不能批", BEFORE_REASON)
    assert said == ["utter_readback_estimate", "utter_stopped"] and after["reason"] is None
    assert {k: after[k] for k in BEFORE_REASON} == BEFORE_REASON and codes.PAUSE not in after
    after, said = await turn(form, "reason", "不申请了", BEFORE_REASON)
    assert said == ["utter_stopped"] and after["reason"] is None


@pytest.mark.asyncio
async def test_only_saying_the_reason_is_wrong_asks_it_again() -> None:
    after, said = await turn(ValidateApplicationForm(), "reason", "不是 原因不是这个", BEFORE_REASON)
    assert said == ["utter_reason_again"] and after["reason"] is None and after["requested_slot"] == "reason"


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不是 原因不是这个 我是想先查下nn符不符合条件", "不是 原因不是这个"])
async def test_at_the_readback_the_reason_is_asked_again_never_overwritten(text: str) -> None:
    after, said = await at_readback(text)
    assert after["reason"] is None and after["requested_slot"] == "reason" and "utter_not_understood" not in said


# 2. The street answer says the other facts too: each to its own question, the address only the road.
HIS_STREET = "渝中两路口人和街 城镇户口 养老金900 存款5000左右 一个人住"
BEFORE_STREET = {k: v for k, v in FILLED.items()
                 if k not in ("street", "hukou", "monthly_income", "savings", "more_members", "members", "reason")}


@pytest.mark.asyncio
async def test_each_fact_in_the_street_answer_goes_to_its_own_question() -> None:
    after, said = await turn(ValidateApplicationForm(), "street", HIS_STREET, BEFORE_STREET)
    assert after["street"] == "渝中区两路口街道" and after[streets.DETAIL] == "人和街"
    assert after["monthly_income"] == 900.0 and after["savings"] == 5000.0 and after["more_members"] is False
    assert after["hukou"] and after.get("reason") is None and "utter_noted_ahead" in said


@pytest.mark.parametrize("text", ["渝中大溪沟人和街 城镇户口 养老金900 存款5000左右 一个人住",
                                  "住七星岗 中山三路 农村户口 每月退休金一千二 没得存款 一个人住"])
def test_a_place_is_never_the_reason(text: str) -> None:
    assert "reason" not in found(text, "other")


def test_the_road_ends_before_another_fact() -> None:
    assert detail_after(HIS_STREET, {"name": "两路口街道"}) == "人和街"
    assert detail_after("两路口街道中山三路12号 3楼", {"name": "两路口街道"}) == "中山三路12号 3楼"


@pytest.mark.asyncio
async def test_the_address_put_right_at_the_readback_is_taken_at_once(monkeypatch) -> None:  # noqa: ANN001
    wrong = {"street": "渝中区两路口街道", "area_code": "500103004", streets.DETAIL: "人和街 城镇户口 养老金900 存款5000左右 一个人"}
    monkeypatch.setattr("tests.actions.test_form_first.FILLED", {**FILLED, **wrong})
    after, said = await at_readback("住址不对 就是渝中区两路口街道人和街")
    assert after[streets.DETAIL] == "人和街" and after["street"] == "渝中区两路口街道"
    assert after["requested_slot"] == "confirmed" and after["confirmed"] is None


# 3. Stop phrases: at any application question, and while a withdrawal waits for her code.
@pytest.mark.asyncio
@pytest.mark.parametrize("slot,text", [("filing_for", "算了 先看看我奶奶能不能批 不申请了"), ("street", "不申请了！先查能不能批"),
                                       ("monthly_income", "不申请了！先查能不能批")])
async def test_checking_first_starts_the_precheck_and_the_application_waits(slot: str, text: str) -> None:
    slots = {"assistance_type": "低保", **({} if slot == "filing_for" else {"filing_for": "other", "street": None})}
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, answer(slot, text, slots), DOMAIN_DICT)
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert {"event": "followup", "name": "eligibility_form"} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert values.get("filing_for") is None and values["paused_form"] == "application_form"
    assert [m["response"] for m in dispatcher.messages] == ["utter_precheck_first"]


@pytest.mark.asyncio
async def test_stopping_outright_pauses_never_not_understood() -> None:
    after, said = await turn(ValidateApplicationForm(), "filing_for", "不申请了！", {"assistance_type": "低保"})
    assert said == ["utter_stopped"] and after["filing_for"] is None


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["不撤了 点错了", "不撤了"])
async def test_not_withdrawing_at_her_code_keeps_the_application(text: str) -> None:
    slots = {"after_verify": "withdraw", "application_no": "JZ20261124000012", "withdraw_confirmed": True, "citizen_token": "t",
             "scope_offered": {"delegation_id": 7, "scope": "withdraw"}}
    dispatcher = CollectingDispatcher()
    events = await ValidateScopeForm().run(dispatcher, answer("scope_code", text, slots, "scope_form", "deny"), DOMAIN_DICT)
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert [m["response"] for m in dispatcher.messages] == ["utter_withdraw_kept"]
    assert values["after_verify"] is None and values["withdraw_confirmed"] is None and values["scope_offered"] is None
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


# 4. Which application to withdraw: each named with its type and day; "db那个", "低保那个", "特困的" pick it.
MINE = [{"number": "JZ20261124000012", "assistance_type": "特困", "submitted_on": "2026-11-24"},
        {"number": "JZ20261120000009", "assistance_type": "低保", "submitted_on": "2026-11-20"}]


def withdrawing(said: str) -> Tracker:
    slots = {"after_verify": "withdraw", "citizen_token": "t", "phone_verified": True, "correction_said": said}
    return Tracker("t-1", slots, {"text": said, "intent": {"name": "withdraw_application", "confidence": 1.0}, "entities": []},
                   [], False, None, {}, "action_listen")


@pytest.mark.asyncio
async def test_the_question_names_each_ones_type_and_day(fake_backend) -> None:  # noqa: ANN001
    fake_backend.mine = MINE
    dispatcher = CollectingDispatcher()
    await requests.after_verify(dispatcher, withdrawing("我要撤回申请"))
    asked = dispatcher.messages[0]
    assert asked["response"] == "utter_change_which" and len(asked["buttons"]) == 2
    assert "JZ20261124000012（特困，11月24日交的）" in asked["numbers"] and "JZ20261120000009（低保，11月20日交的）" in asked["numbers"]


@pytest.mark.parametrize("text,number", [("db那个", "JZ20261120000009"), ("低保那个", "JZ20261120000009"),
                                         ("特困的", "JZ20261124000012"), ("尾号09那个", "JZ20261120000009"),
                                         ("第一个", "JZ20261124000012"), ("不晓得", None), ("那个", None)])
def test_her_words_pick_the_application(text: str, number: str | None) -> None:
    assert which_case.picked(text, MINE) == number


@pytest.mark.asyncio
async def test_an_unclear_answer_asks_again_with_the_list(fake_backend) -> None:  # noqa: ANN001
    fake_backend.mine = MINE
    dispatcher = CollectingDispatcher()
    events = await requests.after_verify(dispatcher, withdrawing("那个"))
    assert dispatcher.messages[0]["response"] == "utter_change_which" and "特困" in dispatcher.messages[0]["numbers"]
    assert events == []
