"""Session 9 (helper M), what the pre-check's testers found on the backend's side: "赡养费算不算收入" was not answered
(赡养费 was no kind the rules knew, so the question fell through to the 低保 standard); and an illness said to "家里有没有人有
重病或者残疾" was 重病 whatever it was (高血压 made 特困 look met). Which illnesses count is rules.yaml's `illness`."""

import pytest

from backend.eligibility.service import get_rules


@pytest.mark.parametrize("said", ["赡养费算不算收入", "女儿给的赡养费要算收入吗", "儿子每个月给的生活费算不算收入"])
def test_support_from_children_is_answered_as_counted(world, said: str) -> None:  # noqa: ANN001
    body = world.client.get("/api/v1/policy/answer", params={"said": said}).json()
    assert body["term"] == "收入种类" and "要算进家庭收入" in body["answer"], body


def test_support_from_children_is_a_kind_that_counts(client) -> None:  # noqa: ANN001
    kind = client.get("/api/v1/eligibility/income-kind", params={"said": "女儿每个月给500赡养费"}).json()
    assert kind == {"kind": "赡养费", "recognized": True, "counted": True, "deductible": False}


@pytest.mark.parametrize(("said", "serious", "chronic"), [
    ("有高血压", [], ["高血压"]),
    ("我有糖尿病 别的没有", [], ["糖尿病"]),
    ("高血压 糖尿病都有", [], ["高血压", "糖尿病"]),
    ("老伴中风了 我有高血压", ["中风"], ["高血压"]),
    ("她癌症晚期", ["癌"], []),
    ("尿毒症 每周透析三次", ["尿毒症", "透析"], []),
    ("偏瘫在床上", ["偏瘫"], []),
    ("有残疾证", ["残疾"], []),
    ("没得啥子病", [], []),
])
def test_which_illnesses_count_as_serious(client, said: str, serious: list, chronic: list) -> None:  # noqa: ANN001
    body = client.get("/api/v1/eligibility/illness", params={"said": said}).json()
    assert body == {"serious": serious, "chronic": chronic}


def test_the_lists_do_not_overlap() -> None:
    lists = get_rules().raw["illness"]
    assert not set(lists["serious"]) & set(lists["chronic"])
