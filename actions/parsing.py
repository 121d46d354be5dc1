"""Reading what people type: yes/no, phone numbers, ID numbers, codes, kinds of helper and relations (amounts and names: actions/answers/).

Only the shape of an answer is read here; whether it is valid (an ID number's check digit, a street)
is the backend's to say.
"""

import re

# Amounts and names have one parser each (actions/answers/); re-exported here for the callers.
from actions.answers.amounts import (  # noqa: F401
    FULLWIDTH, INCOME_WORDS, NONE_WORDS, SAVINGS_WORDS, Amount, as_typed, chinese_number, labeled_clauses, parse_amount,
    parse_count, read_amount, read_income_and_savings, said_large, split_income_and_savings,
)
from actions.answers.kin import IN_LAWS, KIN, KIN_PATTERN, SPOUSE_CALLED
from actions.answers.names import HELPS_SOMEONE, parse_name  # noqa: F401

YES = ("是", "对", "有", "要", "好", "行", "可以", "嗯", "确认", "没问题", "要得", "对头", "提交")
NO = ("不", "没", "莫", "无", "否", "错", "别")


def parse_yes_no(text: str) -> bool | None:
    t = text.strip()
    if any(t.startswith(w) for w in NO) or any(w in t for w in ("没有", "没得", "莫得", "不对", "不是", "不要", "不算")):
        return False
    if any(w in t for w in YES):
        return True
    return None


MOBILE = re.compile(r"1[3-9]\d{9}")


def parse_phone(text: str) -> str | None:
    """"13908230031", "139 0823 0031", "+86 139-0823-0031", and one said among other numbers ("等不到58分钟
    喊人打电话给我 13908230031")."""
    t = spoken_digits(text).translate(FULLWIDTH)
    digits = re.sub(r"\D", "", t)
    digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    if MOBILE.fullmatch(digits):
        return digits
    found = {m.group(1) for m in re.finditer(r"(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d(?:[-\s]?\d){8})(?!\d)", t)}
    found = {re.sub(r"\D", "", f) for f in found}
    return found.pop() if len(found) == 1 else None


def mask_phone(phone: str) -> str:
    """The backend's masking (first three, last four), to compare with the number it names."""
    return f"{phone[:3]}****{phone[-4:]}"


def parse_id_number(text: str) -> str:
    t = text.translate(FULLWIDTH).upper().replace("Ｘ", "X")
    m = re.search(r"\d{17}[\dX]", t.replace(" ", ""))
    return m.group(0) if m else re.sub(r"\s", "", t)


def id_male(id_number: str | None) -> bool | None:
    """The sex an 18-digit ID number carries (its 17th digit: odd for a man); None without one."""
    digits = parse_id_number(id_number or "")
    return int(digits[16]) % 2 == 1 if re.fullmatch(r"\d{17}[\dX]", digits) else None


SPOKEN_DIGITS = str.maketrans("零〇洞幺一二两三四五六七八九", "00011223456789")


def spoken_digits(text: str) -> str:
    """Voice typing writes numbers as words: "零零七四二四", "幺三九零八二三零零五幺" → digits (runs of 4 or more)."""
    return re.sub(r"[零〇洞幺一二两三四五六七八九]{4,}", lambda m: m.group(0).translate(SPOKEN_DIGITS), text)


def parse_code(text: str) -> str | None:
    """Six digits, also typed with spaces or dashes between them ("3 5 4 6 9 1", "354-691")."""
    t = spoken_digits(text).translate(FULLWIDTH)
    t = re.sub(r"(?<=\d)[\s\-—]+(?=\d)", "", t)
    m = re.search(r"(?<!\d)\d{6}(?!\d)", t)  # a phone number typed here is no code
    return m.group(0) if m else None


HELPER_KINDS = [
    ("grid_worker", ("网格员", "网格")),
    ("community_police", ("民警", "警察", "派出所")),
    ("volunteer", ("志愿者", "义工")),
    ("staff", ("工作人员", "社工", "村干部", "居委会", "社区干部", "村委会")),
]
HELPER_KIND_WORDS = {"亲属": "relative", "家人": "relative", "亲戚": "relative"}

# The relations a household member may have to the applicant (anything else is asked again).
MEMBER_RELATIONS = ("配偶", "子女", "父母", "孙子女", "祖父母/外祖父母", "兄弟姐妹", "儿媳", "女婿")
# "我奶奶" names the applicant from the helper's side: the helper is then the applicant's 孙子女.
INVERSE = {"配偶": "配偶", "子女": "父母", "父母": "子女", "孙子女": "祖父母/外祖父母", "祖父母/外祖父母": "孙子女",
           "兄弟姐妹": "兄弟姐妹", "儿媳": "父母", "女婿": "父母"}
THIRD_PERSON = ("帮别人", "别人", "替", "代办", "代他", "代她", "帮他", "帮她", "帮老人", "老人家", "居民", "邻居", "婆婆", "爷爷",
                "奶奶", "大爷", "大妈", "阿姨", "叔叔", "另一个人", "另外一个人", "另一位", "另外一位")  # never "个人" (SELF_WORDS)
SELF_WORDS = ("自己", "本人", "我的", "给我申请", "我申请", "个人", "自家", "自个", "俺自", "我屋头", "我家的", "为我")


def _kin_word(text: str) -> str | None:
    """The relation a kinship word in the text says ("儿子" is 子女), the longest word first."""
    return next((KIN[word] for word in sorted(KIN, key=len, reverse=True) if word in text), None)


def parse_relation(text: str) -> str | None:
    """What a household member is to the applicant, from "儿子", "是她女儿", "老伴", and what old couples call each other
    ("老头儿", "我家老头", "屋头那个": SPOUSE_CALLED); None when not a kinship word."""
    return _kin_word(text) or ("配偶" if SPOUSE_CALLED.search(text) else None)


def helper_relation(text: str) -> str | None:
    """What the helper is to the applicant. "我是她孙子" says it directly; "我奶奶"/"我妈" names the applicant
    from the helper's side, so the helper is the grandchild/child."""
    m = re.search(r"我(?:的|家)?(" + "|".join(IN_LAWS) + ")", text)
    if m:
        return IN_LAWS[m.group(1)]
    m = re.search(r"我(?:的|家)?(" + KIN_PATTERN + ")", text)
    if m:
        return INVERSE[KIN[m.group(1)]]
    return _kin_word(text)  # never SPOUSE_CALLED: a helper's "老头" is the old man he files for


def parse_helper_kind(text: str) -> str | None:
    for kind, words in HELPER_KINDS:
        if any(w in text for w in words):
            return kind
    if any(w in text for w in HELPER_KIND_WORDS) or helper_relation(text):
        return "relative"
    return None


def parse_filing_for(text: str) -> str | None:
    """给我自己/本人 → self; 帮我妈/替邻居/帮别个/我是网格员 → other; a bare 是的/对 answers neither."""
    t = text.strip()
    if parse_helper_kind(t) or any(w in t for w in THIRD_PERSON) or HELPS_SOMEONE.search(t):
        return "other"
    if any(w in t for w in SELF_WORDS) or t in ("我", "给我", "我要"):
        return "self"
    return None


def changes_to_other(text: str) -> bool:
    """"不是，是帮我妈申请", "我是替我爸办的", "搞错了 是给我婆婆": said for someone else where her own answer was asked."""
    t = text.strip()
    return bool(re.search(r"(帮|替|给|代)(我|俺|额)?(的)?(" + KIN_PATTERN + r"|别人|老人|邻居)", t)) and parse_filing_for(t) == "other"


# "查下我奶奶的申请", "批了没", "办到哪一步了": where a case stands, never a wish to apply (a tester's grandson, asking
# about his grandmother's case with her ID number, was started on a new application).
PROGRESS = re.compile(r"进度|进展|到哪|哪一步|哪个环节|状态|结果出来|审核到|审批到|审到|审完|审过|审起|审下来|审得|(怎么|咋|么)样了|咋个样|"
                      r"(啥|什么|啥子)情况|批(了|下来|咗|完|过)?了?(没|冇|伐|未|吗)|通过(了)?(没|冇|吗)|有(消息|信|下文|结果|进展|动静)(了)?(没|冇|吗)|"
                      r"(?<![调核审检抽])(查|查询|看看|看下|看一下)(一)?(下|查)?[^，。,.？?！!\d]{0,8}?(申请|低保|特困|救助)|JZ\d{6}", re.I)
NOT_PROGRESS = re.compile(r"能不能|可不可以|能否|可以申请|能(申请|吃|领|拿|办|享受)|好拿|符不符合|符合|条件|材料|要带|要交|需要|怎么申请|如何申请|"
                          r"哪里申请|在哪申请|可以(领|办|吃|拿)|算得上|能给|多久|哪些|哪种|标准|多少|政策|快递")


# Asking to apply ("我想申请", "帮我办", "那就办嘛"; never "咋办"): the words, for every action that reads them.
APPLY_WORDS = re.compile(r"申请|申办|要办|想办|帮我办|给我办|报一?个|办个|审请|(?<![咋怎么])办(嘛|吧|噻|撒)")


def asks_progress(text: str) -> bool:
    """"查下我奶奶的申请", "我的低保批了没": a question about a case already filed (not "能不能申请", not "要查哪些材料")."""
    t = text.strip()
    return bool(PROGRESS.search(t)) and not NOT_PROGRESS.search(t)


def about_someone_else(text: str) -> bool:
    """"我奶奶的申请", "她的", "帮老人查": the message is about another person's case, not the writer's own."""
    return parse_filing_for(text) == "other" or bool(re.search(r"[她他](的|们)", text))


# "不要这个了", "删掉重新填", "重新来", "作废": this unfinished application thrown away (asked once first, actions/discard.py).
# Never about a code ("验证码作废了 重发"): that is a resend.
DISCARD = re.compile(r"不要这个了|不要这份|这份不要|不要这个申请|作废|重新来|重来|从头(来|填|开始|再来)|重新填|重填|全部重新|"
                     r"删(掉|了|除)?(吧)?[，, ]*(重新|重来|这份|这个申请|申请)|(申请|这份|这个|全部|都)(给我)?删(掉|了|除)")


def says_discard(text: str) -> bool:
    return bool(DISCARD.search(text)) and not re.search(r"\d{4,}|码", text)


def first_message_slots(text: str) -> dict[str, str]:
    """What a first message already says about the application: for whom, the helper's kind and relation,
    the applicant's name when a relative names them ("我奶奶张秀英"), a street. Never a title ("王婆婆")."""
    slots: dict[str, str] = {}
    t = text.strip()
    # "我想给我自己申请低保…老伴去年走了…": said for herself; her 老伴 later in the message is not whom she helps.
    own = re.search(r"我自己|我本人|给自己|自己申请", t) and parse_helper_kind(t) in (None, "relative") and not changes_to_other(t)
    third = not own and (parse_helper_kind(t) or any(w in t for w in THIRD_PERSON) or "applicant_name" in helper_said(t))
    if third:
        slots["filing_for"] = "other"
        kind = parse_helper_kind(t)
        if kind:
            slots["helper_kind"] = kind
        relation = helper_relation(t) if kind == "relative" else None
        if relation:
            slots["helper_relation"] = relation
        m = re.search(r"我(?:的|家)?(?:" + KIN_PATTERN + r")[，, ]?([\u4e00-\u9fa5]{2,4}?)(?:申请|办|的|，|,|。|$)", t)
        if m and not re.search(r"申请|低保|特困|救助|一下|老人", m.group(1)) and parse_name(m.group(1)):
            slots["applicant_name"] = m.group(1)
        slots.update({k: v for k, v in helper_said(t).items() if k not in slots})
    elif re.search(r"自己|本人", t):
        slots["filing_for"] = "self"
    if slots.get("filing_for") == "self":
        # "我想给我自己申请低保我叫周美华身份证3204…": her name and ID number said at once, not asked again.
        name = named(t, own=True)
        if name:
            slots["applicant_name"] = name
        id_text = split_name_and_id(t)[1]
        if id_text and len(id_text) == 18:
            slots["applicant_id"] = id_text
    m = re.search(r"([\u4e00-\u9fa5]{2,6}(?:街道|镇|乡))", t)
    if m:
        slots["street"] = re.sub(r"^(?:我是|我在|我住在?|住在?|在|是)", "", m.group(1))
    return slots


# A helper's own words in a first message for someone else ("我是网格员李敏 电话139…", "我叫李敏 是网格员 电话是139…"): his
# name after 我是/我叫 (what he is dropped: a role, "她孙子"), and his phone when said before anything about the principal.
HELPER_INTRO = re.compile(r"(?:我是|我叫|我系|本人是?)(?P<said>[^\s，,。；;!！?？\d帮替给]{2,16}?)"
                          r"(?=[\s，,。；;!！?？\d]|电话|手机|号码|联系|帮|替|给|代|想|要|$)")
HELPER_ROLE = re.compile(r"^(?:[\u4e00-\u9fa5]{2,6}?(?:街道|社区|镇|乡|村)(?=的|网格|社工|志愿))?(?:这边|社区|村里|村上|街道|小区|居委会|村委会|的)*(?:" + "|".join(sorted(
    {w for _, words in HELPER_KINDS for w in words} | set(HELPER_KIND_WORDS), key=len, reverse=True)) + r")?(?:的)?"
                         r"(?:(?:她|他)(?:的)?(?:" + KIN_PATTERN + r"))?")
ABOUT_PRINCIPAL = re.compile(r"他|她|老人|申请人|帮|替|给|代|" + KIN_PATTERN)
# "帮王德贵申请低保", "替王德贵办": the principal named after the helping verb.
HELPED_NAME = re.compile(r"(?:帮|替|给|代)(?P<name>[\u4e00-\u9fa5·]{2,5}?)(?=申请|办|报|弄|填|[\s，,。]|$)")


# "帮辖区一位老人周德贵申请": the principal named after what he is to the helper.
RESIDENT_NAME = re.compile(r"(?:老人家|老人|老大爷|大爷|老太太|居民|村民|老乡|低保户|五保户)(?P<name>[\u4e00-\u9fa5·]{2,4}?)"
                           r"(?=申请|办|报|弄|填|[\s，,。]|\d|$)")


def helper_said(text: str) -> dict[str, str]:
    """What a helper's first message says of him and of whom he files for: helper_name, verify_phone (his, to be
    verified), applicant_name. Each is validated by its question's validator as the form opens."""
    slots: dict[str, str] = {}
    intro = HELPER_INTRO.search(text)
    if intro and (name := parse_name(HELPER_ROLE.sub("", intro.group("said"), count=1))):
        slots["helper_name"] = name
    if intro:
        own = ABOUT_PRINCIPAL.split(text[intro.end():], maxsplit=1)[0]  # his part: up to the first word about her
        if phone := parse_phone(own):
            slots["verify_phone"] = phone
    for m in [*HELPED_NAME.finditer(text), *RESIDENT_NAME.finditer(text)]:
        if (name := parse_name(m.group("name"))) and name != slots.get("helper_name"):
            slots["applicant_name"] = name
            break
    else:
        # "我叫邓丽，是帮老人代办的。老人叫周德贵": named after 叫 by someone who is not the writer.
        if (name := named(text, own=False)) and name != slots.get("helper_name"):
            slots["applicant_name"] = name
    return slots


ID_SHAPE = re.compile(r"\d{6,17}[\dXx]")


def split_name_and_id(text: str) -> tuple[str | None, str | None]:
    """"张秀英 11010519491231002X", "我叫张秀英，身份证是…": the name and the ID-shaped part, either may be missing."""
    t = text.translate(FULLWIDTH).replace("Ｘ", "X")
    compact = re.sub(r"(?<=\d)\s+(?=[\dXx])", "", t)
    # A mobile number ("13900012411") is a phone, not a wrong ID number: skipped, and always when an
    # 18-character number is there too ("陈美兰 13900012411 铜元局街道 5001…0064").
    shapes = list(ID_SHAPE.finditer(compact))
    m = next((s for s in shapes if len(s.group(0)) == 18), None) or \
        next((s for s in shapes if not MOBILE.fullmatch(s.group(0))), None)
    id_text = m.group(0).upper() if m else None
    rest = compact.replace(m.group(0), " ") if m else compact
    rest = re.sub(ID_WORDS, " ", rest)
    # Said with its number ("…她叫王秀英，身份证5001…") or after 叫: that name first, before any other words of a long
    # message (a tester's "一个人住" was taken for the name).
    before = [p for p in re.split(NAME_SEPARATORS, re.sub(ID_WORDS, " ", compact[:m.start()])) if p] if m else []
    name = (parse_name(before[-1]) if before else None) or named(t, own=False)
    for part in [] if name else re.split(NAME_SEPARATORS, rest):
        name = parse_name(part) if part else None
        if name:
            break
    return name, id_text


ID_WORDS = r"身份[证正症政整](号码|号)?(是|为)?|号码(是)?|名字(叫|是)?|姓名(是)?"  # "身份正": voice typing
NAME_SEPARATORS = r"[\s，,。.、；;:：]+"
# What comes before a name: her own ("我叫王秀英"), or anyone's but the writer's ("老人叫王秀英", "名字是刘淑芬").
NAME_LEADS = {True: r"我叫|我是|名字叫|名字是|姓名", False: r"(?<![我俺])叫|(?<![我俺])名字(?:叫|是)|姓名(?:是)?[:：]?"}


def named(text: str, *, own: bool) -> str | None:
    """The name said after a lead word ("我叫周美华身份证…" with `own`; "老人叫王秀英，…" without: never the writer's)."""
    for m in re.finditer(r"(?:" + NAME_LEADS[own] + r")([\u4e00-\u9fa5·]{2,5}?)(?=身份证|[\s，,。]|住|电话|今年|\d|$)", text):
        if name := parse_name(m.group(1)):
            return name
        if own:
            return None  # as a first message always read it: the first lead only
    return None


# "他一个人住", "老人独居": the applicant lives alone; "一家三口", "家里4个人": with others.
ALONE = re.compile(r"一个人住|一个人过|一个人生活|就我一个|只有我|就我自己|我自己住|(他|她)自己住|就(他|她)一个|独居|独自(住|生活)|单独住")
HOUSEHOLD = re.compile(r"(一家|家里|家头|屋头|屋里|全家)(有|就|一共|总共)?[\d一二两三四五六七八九十]+\s*(口|个人|人)|[\d一二两三四五六七八九十]+\s*口人")


# "我跟我老头儿两个人", "还有我老伴": someone lives with her (a tester's was "没太明白"; only the button worked).
TOGETHER = re.compile(r"(跟|和|还有|同|带着|陪着)我?的?(老伴|老头|老公|老婆|爱人|屋里的|婆娘|男人|儿子|女儿|孙子|孙女|媳妇|"
                      r"儿媳|妈|爸|娃)|(?<![\d一二两三四五六七八九十])([2-9]|[二两三四五六七八九]|十[一二三四五六七八九]?)\s*(个人|口人)")


def household_said(text: str) -> bool | None:
    """Whether others live with the applicant, when the words say it (the household question's answer); else None."""
    if ALONE.search(text):
        return False
    m = HOUSEHOLD.search(text) or (None if re.search(r"不(跟|和|同)", text) else TOGETHER.search(text))
    if m and not m.group(0)[-1] in "人口":
        return True  # a person named with her
    size = parse_count(m.group(0)) if m else None
    return None if size is None else size > 1


SKIP_WORDS = ("跳过", "不知道", "不晓得", "说不清", "不清楚", "记不得", "不记得", "记不到", "搞不清")


BARE_COMPLAINT = re.compile(r"^我?(要|想)?(投诉|举报|反映|申诉)(一下)?[。.!！,，\s]*$")


def is_bare_complaint(text: str) -> bool:
    """Only the wish to complain ("我要投诉"), not what went wrong."""
    return bool(BARE_COMPLAINT.match(text.strip()))


NO_PHONE = re.compile(r"(没|没有|没得|莫得|冇|不用|不会用|不晓得|不知道|记不得|不记得|忘了)[^，。,.]{0,4}(手机|电话|号码|号)")


def says_no_phone(text: str) -> bool:
    """The person has no mobile phone, or the helper does not know its number ("她没得手机", "不晓得她电话")."""
    return bool(NO_PHONE.search(text)) and not re.search(r"\d{6,}", text)


def is_skip(text: str) -> bool:
    return any(w in text for w in SKIP_WORDS)


def is_bare_yes(text: str) -> bool:
    """是的 / 对 / 嗯: agreeing, which answers no either/or question."""
    return bool(re.fullmatch(r"(是|是的|对|对的|嗯|嗯嗯|好|好的|行|可以|要得|对头)[。.!！]?", text.strip()))


def canonical_type(text: str) -> str | None:
    if "边缘" in text:
        return None
    if "低保" in text or "最低生活" in text or "低包" in text:
        return "低保"
    if "特困" in text or "五保" in text:
        return "特困"
    if "临时" in text or "急难" in text:
        return "临时救助"
    return None


def parse_age(text: str) -> float | None:
    """"81岁", "八十一岁", "我今年81岁了", "八十一了": the age; "莫得", "不晓得" are no age (None)."""
    t = re.sub(r"周岁|虚岁|岁|今年|已经|都|快|有|了|我|她|他|嘛|哦|噻|啦|吧|[，,。.!！\s]", "", text or "")
    if not t or not re.search(r"[\d一二两三四五六七八九十百]", t):
        return None
    age = parse_amount(t)
    return age if age is not None and 0 < age <= 120 else None
