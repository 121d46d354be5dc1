"""Which question is the bot asking? Keywords from the bot's question texts (bot/domain.yml `utter_ask_*`, both
wordings, and the buttons), never whole sentences, so a reworded question is still recognised.

Each kind lists groups of words; a message is that kind when every word of one group is in it. The kinds are
tried in order (the more specific first: a family member's name before the applicant's, the consent code before
the phone's code). Of the bot's messages in one reply, the last one that is a question counts: what comes before
it is an explanation or an answer to something else.

Some wordings are shared by two questions (the help wording of an ID number is the same for the applicant and a
family member; "说个大概的数就行" is asked for the applicant's income and a member's). `context` resolves them:
the kind asked just before.
"""

from __future__ import annotations

import re

KINDS: list[tuple[str, list[list[str]]]] = [
    # read-back and its confirmation
    ("confirm", [["信息对吗"], ["对，提交"], ["对的话", "提交"], ["请核对"]]),
    # codes
    ("consent_code", [["授权验证码"], ["授权", "验证码"], ["申请人的手机发了", "6个数"]]),
    # the simpler wording of "您的手机号" mentions the code it will send: read before the code's words
    ("phone", [["您现在用的手机号"]]),
    ("code", [["6位数字"], ["验证码", "6位"], ["验证码", "重发"], ["验证码", "短信"], ["重新发", "验证码"]]),
    # emergencies and complaints
    ("emergency_what", [["发生了什么事"], ["失火", "跳过"], ["一句话就行", "住院"]]),
    ("complaint_text", [["遇到了什么问题"], ["原样转给"], ["还没人来调查"]]),
    # family members (before the applicant's questions, which share words)
    ("member_name_and_id", [["家人", "名字", "身份证"]]),
    ("member_name", [["家人", "名字"], ["这位家人叫什么"], ["家里人叫啥名字"]]),
    ("member_relation", [["申请人的什么人", "配偶"], ["这位家人是申请人的"], ["什么亲属关系"], ["申请人的啥人"]]),
    ("member_income", [["他（她）", "收入"], ["这位家人", "收入"]]),
    ("member_id", [["他（她）", "身份证"], ["这位家人自己的身份证"]]),
    ("more_members", [["其他人吗"], ["一起吃住的人"], ["还有", "一起生活"], ["还要加"], ["一起住、一起吃饭"]]),
    # who files
    ("assistance_type", [["哪一种救助"], ["可以申请这三种"], ["点上面的一个"], ["要申请哪一种"], ["哪一种补助"]]),
    ("filing_for", [["给您自己申请"], ["自己申请", "帮别人"], ["给我自己", "帮别人"], ["本人申请吗"], ["给您自己办", "帮别人"]]),
    ("helper_kind", [["您是申请人的什么人"], ["您的身份"], ["网格员", "亲属", "志愿者"], ["您跟要办的这个人是啥关系"]]),
    ("helper_name", [["怎么称呼"], ["您自己身份证上的名字"], ["办事人的真实姓名"], ["您自己叫啥名字"]]),
    # the applicant
    ("name_and_id", [["姓名", "身份证号"], ["名字", "身份证号码是多少"]]),
    ("name", [["申请人叫什么"], ["申请人身份证上的名字"], ["叫什么名字"], ["您的名字"], ["申请人的名字"], ["要办的这个人叫啥名字"]]),
    ("id", [["身份证号码是多少"], ["身份证号码在身份证背面"], ["身份证号", "18位"], ["身份证号码", "再说"]]),
    ("applicant_phone", [["申请人的手机号"], ["申请人本人常用的手机号"], ["申请人", "手机"], ["这个人", "手机号"]]),
    ("phone", [["手机号"], ["电话号码"], ["留个电话"], ["您的电话"]]),
    # where
    ("street_confirm", [["您说的是", "吗"]]),
    ("street", [["哪个街道"], ["区县和街道"], ["您住在哪一个"], ["您是哪一个"], ["街道（乡镇）", "全名"],
                ["这个街道我这里还找不到"], ["住在哪里"], ["哪个乡镇"], ["告诉我街道名"]]),
    ("hukou", [["城镇户口还是农村户口"], ["户别"], ["城镇", "农村", "户口"]]),
    # money
    ("income_and_savings", [["收入", "存款", "一起说"], ["收入", "存款", "多少"]]),
    ("income_excluded", [["养老金", "优抚金"], ["基础养老金", "不算收入"]]),
    ("savings", [["存款", "多少"], ["存折"], ["银行里", "手机里的钱"]]),
    ("income", [["养老金是哪一种"], ["其他人有收入没有"], ["一个月", "收入"], ["说个大概的数", "打零工"], ["没有收入"], ["月收入"]]),
    ("reason", [["为什么申请"], ["遇到了什么困难"], ["一两句话", "老伴去世"], ["为啥要申请"]]),
    # the pre-check
    ("household_size", [["几个人"], ["一共几个"]]),
    ("age", [["多大岁数"], ["说个岁数"], ["多大年纪"], ["几岁"]]),
    ("illness", [["重病", "残疾"], ["残疾证"]]),
    ("supporter", [["有能力照顾您的生活"], ["能给您生活费"], ["有工作、有收入的", "就算"], ["能管您的生活"]]),
    ("offer_apply", [["要不要现在就帮您申请"], ["现在申请"]]),
    ("region", [["您在哪个地方"], ["说个市或者区县"]]),
    # coming back to a paused form (issue 20, item 8)
    ("resume_offer", [["要继续吗"], ["接着填吗"], ["接着办吗"]]),
    # the form gives up on a question: never an answer for a persona who answered it
    ("stuck", [["不好答"]]),
    # the form was left (paused, not submitted, thrown away): only an answer for a persona who meant to leave it
    ("left_form", [["还有别的要帮忙的吗"], ["想接着办就说"], ["想重新填就说"], ["还有别的事吗"], ["先不提交"]]),
]

# An amount read back for confirmation ("一百多" → "大约150元，对吗？"), an outlier asked again, a changed type:
# a yes/no question the form asks about what was just said.
YES_NO = re.compile(r"(对吗|是吗|没错吧|对不对|是不是|要改成.*吗|吗)[？?]\s*$")

# The global fallback (utter_default): inside a form it must never come.
FALLBACK = ("没太听懂", "换个说法")

# Words that promise that someone will call or contact the person.
PROMISE = re.compile(r"已经(请|登记|安排|转给).{0,30}(回电|电话|联系)|会.{0,16}(联系您|给您回电|给您打电话|打电话给您)|"
                     r"等.{0,4}(电话|联系)")

# Which kind a shared wording means, by the kind asked before it.
MEMBER_KINDS = {"member_name_and_id", "member_name", "member_relation", "member_income", "member_id"}


def kind_of_text(text: str) -> str | None:
    """The question kind of one bot message, or None when it asks nothing this harness knows."""
    for kind, groups in KINDS:
        if any(all(word in text for word in group) for group in groups):
            return kind
    return None


def question_in(messages: list[str], context: str | None = None) -> str | None:
    """The question a reply (the bot's messages for one turn) ends on: the last message that is a question."""
    for text in reversed([m for m in messages if m]):
        kind = kind_of_text(text)
        if kind is None and YES_NO.search(text):
            kind = "yes_no"
        if kind is None:
            continue
        return _in_context(kind, text, context)
    return None


def _in_context(kind: str, text: str, context: str | None) -> str:
    in_member = context in MEMBER_KINDS or context == "more_members"
    if kind == "id" and in_member and "申请人" not in text:
        return "member_id"
    if kind == "income" and context in MEMBER_KINDS and "全家" not in text:
        return "member_income"
    if kind == "name" and in_member and "申请人" not in text:
        return "member_name"
    if kind == "phone" and context == "applicant_phone":
        return "applicant_phone"  # "手机号好像不对，请再说一遍" after the applicant's phone
    return kind


def is_fallback(text: str) -> bool:
    return any(marker in text for marker in FALLBACK)


def promises_contact(text: str) -> bool:
    return bool(PROMISE.search(text))
