"""Issue 20: "受理是啥子意思" was not answered (the bot gave the 低保 standard). The words of the procedure are
explained plainly from backend/policy/data/terms.yaml; other questions are not taken for them."""

import pytest

from backend.policy.terms import get_glossary


@pytest.mark.parametrize(("said", "term"), [
    ("受理是啥子意思", "受理"), ("受理是什么意思啊", "受理"), ("啥叫入户调查", "入户调查"), ("入户调查是啥", "入户调查"),
    ("公示是什么", "公示"), ("公示是干啥的", "公示"), ("核对授权书是哪样东西", "核对授权书"), ("什么叫先行救助", "先行救助"),
    ("待遇资格认证是什么意思", "待遇资格认证"), ("认证是啥子", "待遇资格认证"), ("渐退期是啥意思", "渐退"),
    ("义务人是指哪些人 不懂", "义务人"), ("审核确认是什么", "审核确认"), ("我不明白啥子是民主评议", "民主评议"),
])
def test_what_a_word_means_is_answered(said: str, term: str) -> None:
    found = get_glossary().meaning(said)
    assert found is not None and found.key == term and len(found.text) <= 160


@pytest.mark.parametrize("said", ["公示是什么时候", "受理了没有", "低保标准是多少", "入户调查好久来", "审核到哪一步了",
                                  "我要申请低保", "低保是啥", ""])
def test_other_questions_are_not_taken_for_a_word(said: str) -> None:
    assert get_glossary().meaning(said) is None


def test_the_policy_answer_says_what_the_word_means(world) -> None:  # noqa: ANN001
    resp = world.client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "标准",
                                                             "said": "受理是啥子意思"})
    body = resp.json()
    assert resp.status_code == 200 and body["term"] == "受理" and body["answer"].startswith("“受理”就是")
    assert "770" not in body["answer"] and not body["needs_region"]


@pytest.mark.parametrize(("said", "start"), [
    ("退休金算不算收入", "退休金要算进家庭收入"), ("我的退休金算收入不", "退休金要算进家庭收入"),
    ("每个月100多块养老金算不算", "城乡居民基础养老金不算家庭收入"), ("低保金要算收入吗", "社会救助金不算家庭收入"),
    ("住院的钱能扣不", "重病刚性支出可以从家庭收入里扣减"),
])
def test_whether_an_income_counts_is_answered_by_the_rules(world, said: str, start: str) -> None:  # noqa: ANN001
    """A tester's "退休金算不算收入" after a pre-check result was not answered."""
    body = world.client.get("/api/v1/policy/answer", params={"said": said}).json()
    assert body["term"] == "收入种类" and body["answer"].startswith(start), body
    assert "城乡居民基础养老金" in body["answer"]  # the list it comes from


def test_a_question_naming_no_income_is_not_a_kind_question(world) -> None:  # noqa: ANN001
    body = world.client.get("/api/v1/policy/answer", params={"said": "存款算不算", "aspect": "资产"}).json()
    assert body.get("term") is None


def test_every_explanation_is_plain_chinese_without_stray_spaces() -> None:
    for _, term in get_glossary().words:
        assert " " not in term.text and term.text.startswith("“"), term.key


def test_the_paper_authorization_form_is_explained_with_where_to_get_it() -> None:
    """A grid worker's "授权委托书是啥子哦，表在哪里拿？" went to the progress query and to signing by face."""

    for said in ("授权委托书是啥子哦，表在哪里拿？", "委托书在哪里领表", "书面授权是什么"):
        term = get_glossary().meaning(said)
        assert term is not None and term.key == "授权委托书", said
        assert "社区" in term.text and "按手印" in term.text
