"""Correcting one answer at the read-back: "名字不对，我叫刘淑芬", "收入不是800，是1200", "改存款".

The fields of the read-back live here, once: their label (the read-back's line and its 改 button), the words
people use for them, and the slots an answer fills (cleared together when the answer is asked again).
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str          # the slot whose validator reads a new answer
    label: str        # the read-back's line label; its button is "改" + label
    words: tuple[str, ...]
    clears: tuple[str, ...]  # slots emptied when the answer is asked again


FIELDS = (
    Field("assistance_type", "申请类型", ("申请类型", "类型", "申请的是", "救助类型"), ("assistance_type",)),
    Field("helper_name", "代办人", ("代办人", "帮办人", "代理人"), ("helper_name",)),  # filing for another: her own name
    Field("applicant_name", "申请人", ("申请人", "名字", "姓名", "名", "我叫"), ("applicant_name",)),
    Field("applicant_id", "身份证", ("身份证", "证件号", "身份号"), ("applicant_id",)),
    # Asked again, a phone is asked even where none was needed (her paper form, or her consent held already).
    Field("applicant_phone", "手机", ("手机", "电话"), ("applicant_phone", "principal_no_phone")),
    Field("street", "住址", ("住址", "地址", "街道", "住在", "乡镇"), ("street", "area_code", "street_candidates")),
    Field("hukou", "户口", ("户口", "户籍"), ("hukou",)),
    Field("more_members", "家庭成员", ("家庭成员", "家人", "家里人", "成员", "家里还有"), ("more_members", "members", "members_later")),
    Field("monthly_income", "每月收入", ("收入", "工资", "挣", "退休金", "养老金", "退休工资"), ("monthly_income", "income_excluded")),
    Field("savings", "存款", ("存款", "积蓄", "存折", "存了"), ("savings",)),
    Field("reason", "原因", ("原因", "理由", "困难"), ("reason",)),
)
BY_LABEL = {f.label: f for f in FIELDS}

# A 改 button sent as an intent, outside the form (the name-mismatch stop, bot/domain.yml): '/correct_application{"fix":"身份证"}'.
FIX_PAYLOAD = re.compile(r'^/correct_application\{\s*"fix"\s*:\s*"(?P<label>[^"]+)"\s*\}$')
# Words that point at an application already handed in, not the one being filled in.
SUBMITTED = re.compile(r"JZ\d+|交上去|交了的|已经交|已经提交|提交了的|之前的申请|上次的申请|以前的申请|前面那个申请", re.I)

WRONG = r"(不对|错了|有错|写错|填错|说错|搞错|弄错|不是这个|不是的|没填|漏了|漏填|少填|忘了填)"
VAGUE_NO = re.compile(r"^(/deny|不对|不|错了|有错|有错要改|有地方要改|有地方不对|不对哦|不对的|不是|不是的|要改|我要改|改一下|改)[。.!！,，]?$")
FIX_BUTTON = re.compile(r"^改(.+)$")
# "不对 是一千二": a new answer said without naming which one (the question just asked knows which); never a no.
BARE = re.compile(r"^(不对|不是|错了|说错了|搞错了|弄错了)(的|了|哦|哈|啊)?[\s，,。!！]*(应该是|应是|其实是|是)\s*(?P<value>.+?)[。.!！]*$")
FREE_TEXT = ("reason",)  # answers in the person's own words: never cut into
# "原因那里改下，是…", "把原因改一下：…", "理由写错了 …": the instruction before a free-text answer.
INSTRUCTION = re.compile(r"^(原因|理由|困难)(那里|那块|那儿|这里|这儿|那一?栏|那一?项|这一?项)?(要|得|帮我|麻烦)?"
                         r"(改|换|重写|重新写|写错了|填错了|写错|填错|不对|错了|有错)?(一下|下)?(了)?[\s，,。:：]*"
                         r"(是|写|填|写成|填成)?[\s:：]*")

# "原因是…", "理由就是…": the reason said in so many words, with nothing said to be wrong.
STATED = re.compile(r"^(原因|理由)(就|嘛|呢)?是")

# The right answer said with the wrong one: "是陈秀珍不是陈秀贞", "不是陈秀贞，是陈秀珍", "应该是陈秀珍".
RIGHT_THEN_WRONG = re.compile(r"(?:应该|其实)?是\s*(?P<right>[^\s，,。不是]{2,12})[\s，,。]*(?:不是|而不是)\s*(?P<wrong>[^\s，,。!！是]{2,12})")
WRONG_THEN_RIGHT = re.compile(r"不是\s*(?P<wrong>[^\s，,。!！是]{2,12})[\s，,。]*(?:而)?(?:应该|其实)?是\s*(?P<right>[^\s，,。!！]{2,12})")
# "名字写错了，是王德贵": what is right after what is wrong also counts.
RIGHT_ONLY = re.compile(r"(?:应该是|应是|改成|改为|其实是|正确的是|应该叫|其实叫|(?:错了|不对)[\s，,。]*是)"
                        r"\s*(?P<right>[^\s，,。!！]{2,12})")


def right_and_wrong(text: str) -> tuple[str | None, str | None]:
    """(the right answer, the wrong one) a correction says, either order; (None, None) when it says no right one."""
    t = text.strip()
    for pattern in (RIGHT_THEN_WRONG, WRONG_THEN_RIGHT):
        if m := pattern.search(t):
            return m.group("right").strip("了吧哦嘛的"), m.group("wrong").strip("了吧哦嘛的")
    m = RIGHT_ONLY.search(t)
    return (m.group("right").strip("了吧哦嘛的"), None) if m else (None, None)


def _field_named(text: str) -> tuple[Field, str] | None:
    """The field a correction names, and the word that named it: the earliest (then longest) word wins."""
    best: tuple[int, int, Field, str] | None = None
    for field in FIELDS:
        for word in field.words:
            at = text.find(word)
            if at >= 0 and (best is None or (at, -len(word)) < (best[0], best[1])):
                best = (at, -len(word), field, word)
    return (best[2], best[3]) if best else None


def read_correction(text: str) -> tuple[Field | None, str | None]:
    """(the field, the new answer said with it, if any). (None, None): not a correction of a named field."""
    t = text.strip()
    button = FIX_BUTTON.match(t) or FIX_PAYLOAD.match(t)
    if button and button.group(1) in BY_LABEL:
        return BY_LABEL[button.group(1)], None  # the read-back's 改 button: ask that answer again
    if stated := STATED.match(t):
        # "原因是他六十几了一个人…没得儿女…" at the read-back: the reason said anew, never a no (its 没得 once read as 先不提交).
        value = t[stated.end():].strip(" ，,。:：")
        return BY_LABEL["原因"], (value if len(value) >= 2 else None)
    if not re.search(WRONG + "|改|应该是|换成|不是", t):
        return None, None
    named = _field_named(t)
    if named is None:
        return None, None
    field, word = named
    if field.key in FREE_TEXT:
        # Her own words, kept whole ("老伴住院了"): only the instruction before them goes.
        rest = re.split(r"改成|改为|应该是|其实是|正确的是", t)
        value = rest[-1] if len(rest) > 1 else INSTRUCTION.sub("", t[t.find(word):])
        value = value.strip(" ，,。:：")
        return field, (value if len(value) >= 2 else None)
    # Drop the word that named the field (once: "住址不对，是七星岗街道" keeps its 街道), what is wrong
    # ("不是800") and the correction words; what is left is the answer.
    value = t if word == "我叫" else t.replace(word, " ", 1)
    for other in field.words:
        if other not in ("我叫", "街道", "乡镇", "名"):
            value = value.replace(other, " ")
    value = re.sub(r"不是\s*[^，,。是\s]*", " ", value)  # "收入不是0 她有养老金一个月八百多": what is wrong ends at a space
    value = re.sub(WRONG + r"|应该是|应该|改成|改为|换成|改一下|我要改|要改|改|号码|号|填的|写的|那个|这个|了|吧|哦", " ", value)
    value = re.sub(r"^(那里|那块|那儿|这里|这儿|那一?栏|那一?项|这一?项|一下|下|写|填|成|为|[\s，,。:：是])+|[\s，,。]+$", "", value).strip()
    # "申请人写成我了，应该是奶奶，黄桂兰": what comes after 应该是/改成 is the answer.
    after = re.split(r"应该是|应是|改成|改为|其实是|正确的是", t)
    if len(after) > 1 and after[-1].strip("，,。 "):
        value = after[-1].strip("，,。 ")
    return field, (value or None)


def bare_answer(text: str) -> str | None:
    """The new answer in "不对 是一千二", where no field is named; None for anything else."""
    m = BARE.match(text.strip())
    return m.group("value").strip() if m and _field_named(text) is None else None


# "不对 我女儿不住一起": something read back is wrong, said in her own words; never 先不提交 (a tester's was a pause).
WRONG_LEAD = re.compile(r"^(不对|错了|有错|说错了|搞错了|弄错了|填错了|写错了|不是这样)")
PAUSE = re.compile(r"先不|不提交|不交|不要交|等(一)?下|等哈|放一放|算了|不弄|不办|不申请|不填")


def says_wrong(text: str) -> bool:
    """Something read back is wrong, with her words about it but no field named ("不对 我女儿不住一起")."""
    text = text.strip()
    return bool(WRONG_LEAD.match(text)) and not PAUSE.search(text)


def is_vague_no(text: str) -> bool:
    """"不对" / "有错要改": something is wrong, not said what."""
    return bool(VAGUE_NO.match(text.strip()))


def about_submitted(text: str) -> bool:
    """"JZ2026…的地址错了", "交上去的那个名字写错了": a case handed in, not the application being filled in."""
    return bool(SUBMITTED.search(text or ""))


def mask_name(name: str | None) -> str:
    """"王德贵" → "王*贵", "王芳" → "王*": whose case a button means, no more (as backend/drafts masks its labels)."""
    name = (name or "").strip()
    if not name:
        return "这一位"
    return name[0] + "*" if len(name) <= 2 else name[0] + "*" * (len(name) - 2) + name[-1]
