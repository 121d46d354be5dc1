"""A tester whose house burnt: "急难的能给好多钱" got the 低保 standard and "临时救助是啥子" an amount text. A question
naming one type is answered for that type (临时救助 from its own entry: no local figure here, said plainly, with the
national rule); "X是啥子" says what the type is (backend/policy/data/catalogue.yaml `是什么`), not its amount."""

import pytest
from fastapi.testclient import TestClient

ON = "2026-11-24"


def _ask(client: TestClient, said: str, t: str = "低保", a: str = "标准", **params: str) -> dict:
    resp = client.get("/api/v1/policy/answer",
                      params={"assistance_type": t, "aspect": a, "on": ON, "said": said, **params})
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize("said", ["急难的能给好多钱", "临时救助一般给好多钱", "临时补助能给多少"])
def test_an_emergency_amount_question_is_answered_from_temporary_relief(client: TestClient, said: str) -> None:
    body = _ask(client, said, region="重庆")
    text = body["answer"]
    assert body["assistance_type"] == "临时救助" and body["region"] == "重庆"
    assert "770" not in text and "1001" not in text and "低保标准" not in text
    assert "重庆市临时救助" in text and "还没有当地的数据" in text and "一次性" in text and "先行救助" in text
    assert "12345" in text or "电话" in text


def test_without_a_place_the_national_rule_is_said_first(client: TestClient) -> None:
    body = _ask(client, "急难的能给好多钱")
    assert body["needs_region"] is True and body["assistance_type"] == "临时救助"
    assert "一次性" in body["national"] and "770" not in body["national"]


@pytest.mark.parametrize(("said", "kind", "words"), [
    ("临时救助是啥子", "临时救助", ("一次性", "火灾")),
    ("临时救助是什么？", "临时救助", ("一次性",)),
    ("啥叫低保", "低保", ("每月", "收入低于")),
    ("特困是啥意思", "特困", ("没有劳动能力",)),
    ("低保边缘是什么意思", "低保边缘", ("够不上低保",)),
])
def test_what_a_type_is_is_explained_not_its_amount(client: TestClient, said: str, kind: str, words) -> None:
    body = _ask(client, said, region="重庆")
    assert body["term"] == kind and body["assistance_type"] == kind
    assert all(w in body["answer"] for w in words), body["answer"]
    assert "元" not in body["answer"]


@pytest.mark.parametrize("said", ["低保是什么时候发", "低保的标准是什么", "低保一个月好多钱"])
def test_other_questions_about_a_type_are_not_read_as_what_it_is(client: TestClient, said: str) -> None:
    body = _ask(client, said, region="重庆")
    assert body["term"] is None and "770元" in body["answer"]


def test_a_type_named_with_the_one_asked_keeps_the_one_asked(client: TestClient) -> None:
    body = _ask(client, "有低保的人特困标准是多少", t="特困", region="重庆")
    assert body["assistance_type"] == "特困" and "1001元" in body["answer"]
