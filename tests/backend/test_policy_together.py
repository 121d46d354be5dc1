"""A grid worker in 重庆 asked four times "低保和特困能一起拿不" and got the 特困 standard or the eligibility quiz. Whether
two kinds of help go together is answered from backend/policy/data/together.yaml, whatever type or aspect the question
was read as, with the pre-check offered after."""

import pytest

from backend.policy import together

ASKED = ["低保和特困能一起拿不", "低保跟特困可以同时享受不", "吃了低保还能不能再领特困", "不是原因 我是问你低保和特困能不能两个一起拿 你先回答我",
         "特困和低保能不能两个都拿", "可以又吃低保又领特困供养吗", "五保户还能吃低保不"]
NOT_ASKED = ["低保标准是多少", "特困和低保有什么区别", "特困标准是多少", "低保和特困怎么申请", "我要申请特困", "一起申请低保", ""]


@pytest.mark.parametrize("said", ASKED)
def test_low_income_and_extreme_poverty_together_is_answered(said: str) -> None:
    text = together.answer(said)
    assert text is not None and text.startswith("低保和特困，一个人只能享受一样") and "1.3倍" in text and " " not in text


@pytest.mark.parametrize("said", NOT_ASKED)
def test_other_questions_are_not_taken_for_both_at_once(said: str) -> None:
    assert together.answer(said) is None


@pytest.mark.parametrize(("assistance_type", "aspect"), [("特困", "标准"), ("低保", "条件"), ("低保", "标准")])
def test_the_policy_answer_says_one_person_gets_one_and_offers_the_precheck(world, assistance_type: str, aspect: str) -> None:  # noqa: ANN001
    resp = world.client.get("/api/v1/policy/answer", params={"assistance_type": assistance_type, "aspect": aspect,
                                                             "said": "低保和特困能一起拿不"})
    body = resp.json()
    assert resp.status_code == 200 and body["term"] == together.TOPIC and body["offer_precheck"] is True
    assert body["answer"].startswith("低保和特困，一个人只能享受一样") and "1001" not in body["answer"]
