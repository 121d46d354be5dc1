"""A grid worker in 重庆, at the application's reason question, asked "对了低保和特困能一起拿不" and then "不是原因 我是问你低保
和特困能不能两个一起拿 你先回答我": both were kept as the reason (the read-back said 原因：对了低保和特困能一起拿不). Her reason
said at the read-back, "原因是他六十几了一个人 …没得儿女…", was taken for 先不提交 (its 没得 read as a no)."""

import pytest

from actions import fallback
from actions.forms import ValidateApplicationForm
from actions.reason import is_question
from tests.actions.test_form_first import FILLED, at_readback
from tests.actions.test_retries import turn

pytestmark = pytest.mark.usefixtures("fake_backend")

BEFORE_REASON = {k: v for k, v in FILLED.items() if k != "reason"}
TOGETHER = "低保和特困，一个人只能享受一样，不能两样一起拿。"
HER_REASON = "原因是他六十几了一个人 腰不好干不了活 没得儿女 捡垃圾过日子"
QUESTIONS = ["对了低保和特困能一起拿不", "不是原因 我是问你低保和特困能不能两个一起拿 你先回答我", "低保跟特困可以同时享受不",
             "吃了低保还能不能再领特困", "请问要交啥材料", "低保标准是多少？", "低保一个月好多钱嘛"]
REASONS = [HER_REASON, "老伴去世了，我身体不好没法打工", "还要供娃儿读书呢", "没得钱嘛", "他腰不好 干不了活 没得收入",
           "老伴瘫痪在床 不晓得咋办", "不晓得咋个过下去了嘛", "他哪里能干活嘛", "腿断了 走不得路 要人照顾 钱也没有",
           "他年纪大了不能干活 也没得人管", "娃儿读书要钱 老公跑了 啥子都没得"]


@pytest.mark.parametrize("text", QUESTIONS)
def test_a_question_is_told_from_a_reason(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize("text", REASONS)
def test_a_reason_is_never_taken_for_a_question(text: str) -> None:
    assert not is_question(text)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", QUESTIONS[:2])
async def test_a_policy_question_at_the_reason_is_answered_and_the_reason_asked_again(monkeypatch, text: str) -> None:  # noqa: ANN001
    async def words_answer(said: str) -> dict:
        return {"answer": TOGETHER, "term": "同时享受"}
    monkeypatch.setattr(fallback, "words_answer", words_answer)
    after, said = await turn(ValidateApplicationForm(), "reason", text, BEFORE_REASON)
    assert after["reason"] is None and after["requested_slot"] == "reason" and not after.get("form_retries")
    assert said == [TOGETHER]


@pytest.mark.asyncio
async def test_a_question_the_backend_cannot_answer_is_said_to_come_later_never_kept(monkeypatch) -> None:  # noqa: ANN001
    async def words_answer(said: str) -> None:
        return None
    monkeypatch.setattr(fallback, "words_answer", words_answer)
    after, said = await turn(ValidateApplicationForm(), "reason", "对了低保和特困能一起拿不", BEFORE_REASON)
    assert after["reason"] is None and said == ["utter_reason_question_later"] and not after.get("form_retries")


@pytest.mark.asyncio
async def test_her_reason_at_the_reason_question_is_kept() -> None:
    after, said = await turn(ValidateApplicationForm(), "reason", HER_REASON, BEFORE_REASON)
    assert after["reason"] == HER_REASON and said == []


@pytest.mark.asyncio
async def test_her_reason_said_at_the_readback_replaces_the_reason_never_a_no() -> None:
    after, said = await at_readback(HER_REASON)
    assert after["reason"] == "他六十几了一个人 腰不好干不了活 没得儿女 捡垃圾过日子" and after["confirmed"] is None
    assert "utter_not_submitted" not in said and after["requested_slot"] == "confirmed"
