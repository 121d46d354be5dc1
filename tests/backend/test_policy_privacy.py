"""A grid worker's questions about her people's data got wrong answers: "委托书照片哪些人看得到" the list of documents
to bring, "照片你们存好久" a call-back. Who sees the data, how long it is kept, what a face is used for and how to
ask for it to be seen or deleted are answered from backend/policy/data/privacy.yaml, before any other answer."""

import re

import pytest

from backend.drafts.service import DRAFT_DAYS
from backend.policy.privacy import TOPIC, get_privacy
from backend.policy.terms import get_glossary

ASKED = [
    ("委托书照片哪些人看得到", "哪些人看得到"), ("我的身份证照片哪个看得到", "哪些人看得到"), ("谁能看我的资料", "哪些人看得到"),
    ("会不会泄露", "哪些人看得到"), ("我家的情况会不会让邻居晓得", "哪些人看得到"),
    ("会不会把我的名字公布出去", "哪些人看得到"),
    ("照片你们存好久", "保存多久"), ("你们要存好久哦", "保存多久"), ("网格员帮我拍的委托书，存多久", "保存多久"),
    ("我的照片什么时候删", "保存多久"), ("材料交了你们一直存着吗", "保存多久"),
    ("人脸存起来做什么", "人脸"), ("刷脸的照片你们留着干啥", "人脸"), ("人脸信息用来干什么", "人脸"),
    ("删除我的信息", "删除和查阅"), ("把我的信息删了", "删除和查阅"), ("我想看看我的信息", "删除和查阅"),
    ("怎么查我交的个人信息", "删除和查阅"),
]
NOT_ASKED = ["低保标准是多少", "存款超过多少就不能办", "我交的那些材料存好了没得", "受理是啥子意思", "委托书在哪里拿",
             "授权委托书是啥子，表在哪里拿", "好久打电话", "刷脸认证在哪里做", "刷脸认证是干啥的", "我要删除申请",
             "结果什么时候公布", "哪个知道低保怎么申请", "我的申请到哪一步了", "入户调查哪些人来看", "公示是什么",
             "要带哪些材料", "我的存款有三万", "撤回申请", "我想改一下我的信息", "找工作人员", "八百块钱", "钱好久到账", "我家一直存不到钱",
             "申请要填哪些信息", ""]


@pytest.mark.parametrize(("said", "topic"), ASKED)
def test_questions_about_her_data_are_recognised(said: str, topic: str) -> None:
    assert [t.key for t in get_privacy().asked(said)][:1] == [topic]


@pytest.mark.parametrize("said", NOT_ASKED)
def test_other_questions_are_not_taken_for_them(said: str) -> None:
    assert get_privacy().asked(said) == []


def test_the_assistant_gets_the_same_recogniser_as_one_pattern(client) -> None:  # noqa: ANN001
    """The action server asks nothing for most messages: it matches the offer's pattern first."""
    cue = re.compile(client.get("/api/v1/policy/offer").json()["privacy_cue"])
    assert all(cue.search(said) for said, _ in ASKED)
    assert not any(cue.search(said) for said in NOT_ASKED)


def test_who_sees_her_documents_is_answered_not_the_documents_to_bring(client) -> None:  # noqa: ANN001
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "材料",
                                                       "said": "委托书照片哪些人看得到"}).json()
    assert body["term"] == TOPIC and not body["needs_region"] and not body["offer_precheck"]
    answer = body["answer"]
    assert "工作人员" in answer and "登录" in answer and "记录" in answer and "不会公开" in answer
    assert "遮住" in answer and "几口人" in answer and "金额" in answer  # what a 公示 shows, and only that
    assert "户口簿" not in answer and "户口本" not in answer  # not the materials list


def test_how_long_the_photos_are_kept_says_what_the_project_does_and_invents_no_period(client) -> None:  # noqa: ANN001
    body = client.get("/api/v1/policy/answer", params={"said": "照片你们存好久"}).json()
    answer = body["answer"]
    assert body["term"] == TOPIC
    assert "照片本身不留" in answer and "加密" in answer and f"{DRAFT_DAYS}天" in answer
    assert "档案" in answer and "街道（乡镇）社会救助窗口" in answer
    assert re.findall(r"\d+", answer) == [str(DRAFT_DAYS)]  # no retention period of its own making
    assert not re.search(r"第\S{1,4}条|〔\d{4}〕", answer)  # no law cited for a period


def test_the_face_and_the_rights_answers(client) -> None:  # noqa: ANN001
    face = client.get("/api/v1/policy/answer", params={"said": "人脸存起来做什么"}).json()["answer"]
    assert "比对" in face and "加密" in face and "不留" in face and "窗口" in face
    rights = client.get("/api/v1/policy/answer", params={"said": "删除我的信息"}).json()["answer"]
    assert "个人信息保护法" in rights and all(w in rights for w in ("查看", "复制", "更正", "删除"))
    assert "窗口" in rights and "找工作人员" in rights


def test_every_answer_is_short_plain_chinese() -> None:
    for topic in get_privacy().topics:
        assert " " not in topic.text and len(topic.text) <= 160 and "{" not in topic.text, topic.key


def test_the_glossarys_publicity_and_the_privacy_answer_say_the_same() -> None:
    """One owner for what a 公示 shows."""
    publicity = get_privacy().publicity
    assert publicity in get_glossary().meaning("公示是什么").text
    assert publicity in get_privacy().answer("委托书照片哪些人看得到")
