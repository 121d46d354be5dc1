"""Reading what people type: Chinese numerals, amounts, yes/no, phone numbers, kinds of helper.

Only the shape of an answer is read here; whether it is valid (an ID number's check digit, a street)
is the backend's to say.
"""

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NONE_WORDS = ("没有", "没得", "莫得", "无", "零", "没", "不有")
FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def chinese_number(text: str) -> float | None:
    """'三' → 3, '十二' → 12, '一千二' → 1200, '八百五' → 850, '两万' → 20000."""
    total, section, number, last_unit = 0, 0, 0, 1
    seen = False
    for ch in text:
        if ch in DIGITS:
            number = DIGITS[ch]
            seen = True
        elif ch in UNITS:
            unit = UNITS[ch]
            seen = True
            if unit == 10000:
                total += (section + number) * unit
                section, number = 0, 0
            else:
                section += (number or 1) * unit
                number = 0
            last_unit = unit
        else:
            break
    if not seen:
        return None
    if number and last_unit >= 100 and last_unit != 10000:
        number *= last_unit // 10  # 一千二 = 1200, 八百五 = 850
    elif number and last_unit == 10000:
        number *= 1000  # 一万二 = 12000
    return float(total + section + number)


# Words with a numeral in them that are not an amount: "一个月一千二", "打零工一千", "一家三口".
NOT_AMOUNTS = re.compile(r"(每|一|每一)个?(月|年)|一家|一起|一共|一般|一直|一点|一下|一些|零工|零活|零碎|零花|零用")
YEARLY = re.compile(r"(一|每|每一)年|年收入|全年")
RANGE = re.compile(r"([一二两三四五六七八九])([二两三四五六七八九])([十百千万]+)")


def parse_amount(text: str, *, per_month: bool = False) -> float | None:
    """A money amount or a count from free text: '800', '八百块', '1.2万', '一个月一千二', '打零工一千', '没有'.
    A range ('两三百') is its middle. With per_month, a yearly figure ('一年两万') is a twelfth of it."""
    t = text.translate(FULLWIDTH).replace(",", "").replace("，", "")
    yearly = per_month and bool(YEARLY.search(t))
    t = NOT_AMOUNTS.sub(" ", t)
    value = _amount(t)
    if value is not None and yearly:
        return float(round(value / 12))
    return value


def _amount(t: str) -> float | None:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万|千|k|K)?", t)
    if m:
        value = float(m.group(1))
        return value * {"万": 10000, "千": 1000, "k": 1000, "K": 1000}.get(m.group(2) or "", 1)
    r = RANGE.search(t)
    if r and DIGITS[r.group(2)] == DIGITS[r.group(1)] + 1:
        low, high = chinese_number(r.group(1) + r.group(3)), chinese_number(r.group(2) + r.group(3))
        return (low + high) / 2 if low is not None and high is not None else None
    m = re.search(r"[零〇一幺二两俩三仨四五六七八九十百千万]+", t)
    if m:
        return chinese_number(m.group(0))
    if any(w in t for w in NONE_WORDS):
        return 0.0
    return None


def parse_count(text: str) -> int | None:
    if re.search(r"(就|只有)?(我|俺)(一个|自己|一人)", text):
        return 1
    value = parse_amount(text)
    return int(value) if value is not None and 1 <= value <= 30 and value == int(value) else None


YES = ("是", "对", "有", "要", "好", "行", "可以", "嗯", "确认", "没问题", "要得", "对头", "提交")
NO = ("不", "没", "莫", "无", "否", "错", "别")


def parse_yes_no(text: str) -> bool | None:
    t = text.strip()
    if any(t.startswith(w) for w in NO) or any(w in t for w in ("没有", "没得", "莫得", "不对", "不是", "不要")):
        return False
    if any(w in t for w in YES):
        return True
    return None


def parse_phone(text: str) -> str | None:
    digits = re.sub(r"\D", "", text.translate(FULLWIDTH))
    digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    return digits if re.fullmatch(r"1[3-9]\d{9}", digits) else None


def mask_phone(phone: str) -> str:
    """The backend's masking (first three, last four), to compare with the number it names."""
    return f"{phone[:3]}****{phone[-4:]}"


def parse_id_number(text: str) -> str:
    t = text.translate(FULLWIDTH).upper().replace("Ｘ", "X")
    m = re.search(r"\d{17}[\dX]", t.replace(" ", ""))
    return m.group(0) if m else re.sub(r"\s", "", t)


def parse_code(text: str) -> str | None:
    m = re.search(r"\d{6}", text.translate(FULLWIDTH))
    return m.group(0) if m else None


HELPER_KINDS = [
    ("grid_worker", ("网格员", "网格")),
    ("community_police", ("民警", "警察", "派出所")),
    ("volunteer", ("志愿者", "义工")),
    ("staff", ("工作人员", "社工", "村干部", "居委会", "社区干部", "村委会")),
]
HELPER_KIND_WORDS = {"亲属": "relative", "家人": "relative", "亲戚": "relative"}

# Kinship words, longest first when matched. Each says what the person named IS: "儿子" is a child.
KIN = {
    "老伴": "配偶", "老公": "配偶", "老婆": "配偶", "爱人": "配偶", "丈夫": "配偶", "妻子": "配偶", "媳妇": "配偶", "配偶": "配偶",
    "儿子": "子女", "女儿": "子女", "子女": "子女", "孩子": "子女", "闺女": "子女", "娃": "子女",
    "父亲": "父母", "母亲": "父母", "父母": "父母", "爸": "父母", "妈": "父母", "老汉": "父母", "老娘": "父母",
    "孙子": "孙子女", "孙女": "孙子女", "外孙": "孙子女", "孙子女": "孙子女",
    "爷爷": "祖父母/外祖父母", "奶奶": "祖父母/外祖父母", "外公": "祖父母/外祖父母", "外婆": "祖父母/外祖父母",
    "姥姥": "祖父母/外祖父母", "姥爷": "祖父母/外祖父母", "祖父": "祖父母/外祖父母", "祖母": "祖父母/外祖父母",
    "哥": "兄弟姐妹", "姐": "兄弟姐妹", "弟": "兄弟姐妹", "妹": "兄弟姐妹", "兄弟姐妹": "兄弟姐妹",
    "儿媳": "儿媳", "儿媳妇": "儿媳", "女婿": "女婿",
}
# The relations a household member may have to the applicant (anything else is asked again).
MEMBER_RELATIONS = ("配偶", "子女", "父母", "孙子女", "祖父母/外祖父母", "兄弟姐妹", "儿媳", "女婿")
# "我奶奶" names the applicant from the helper's side: the helper is then the applicant's 孙子女.
INVERSE = {"配偶": "配偶", "子女": "父母", "父母": "子女", "孙子女": "祖父母/外祖父母", "祖父母/外祖父母": "孙子女",
           "兄弟姐妹": "兄弟姐妹", "儿媳": "父母", "女婿": "父母"}
IN_LAWS = {"婆婆": "儿媳", "公公": "儿媳", "岳父": "女婿", "岳母": "女婿", "丈母娘": "女婿"}
KIN_PATTERN = "|".join(sorted(KIN, key=len, reverse=True))
THIRD_PERSON = ("帮别人", "别人", "替", "代办", "代他", "代她", "帮他", "帮她", "帮老人", "老人家", "居民", "邻居", "婆婆", "爷爷",
                "奶奶", "大爷", "大妈", "阿姨", "叔叔")
SELF_WORDS = ("自己", "本人", "我的", "给我申请", "我申请")


def parse_relation(text: str) -> str | None:
    """What a household member is to the applicant, from "儿子", "是她女儿", "老伴"; None when not a kinship word."""
    for word in sorted(KIN, key=len, reverse=True):
        if word in text:
            return KIN[word]
    return None


def helper_relation(text: str) -> str | None:
    """What the helper is to the applicant. "我是她孙子" says it directly; "我奶奶"/"我妈" names the applicant
    from the helper's side, so the helper is the grandchild/child."""
    m = re.search(r"我(?:的|家)?(" + "|".join(IN_LAWS) + ")", text)
    if m:
        return IN_LAWS[m.group(1)]
    m = re.search(r"我(?:的|家)?(" + KIN_PATTERN + ")", text)
    if m:
        return INVERSE[KIN[m.group(1)]]
    return parse_relation(text)


def parse_helper_kind(text: str) -> str | None:
    for kind, words in HELPER_KINDS:
        if any(w in text for w in words):
            return kind
    if any(w in text for w in HELPER_KIND_WORDS) or helper_relation(text):
        return "relative"
    return None


def parse_filing_for(text: str) -> str | None:
    """给我自己/本人 → self; 帮我妈/替邻居/我是网格员 → other; a bare 是的/对 answers neither."""
    t = text.strip()
    if parse_helper_kind(t) or any(w in t for w in THIRD_PERSON):
        return "other"
    if any(w in t for w in SELF_WORDS) or t in ("我", "给我", "我要"):
        return "self"
    return None


def first_message_slots(text: str) -> dict[str, str]:
    """What a first message already says about the application: for whom, the helper's kind and relation,
    the applicant's name when a relative names them ("我奶奶张秀英"), a street. Never a title ("王婆婆")."""
    slots: dict[str, str] = {}
    t = text.strip()
    third = parse_helper_kind(t) or any(w in t for w in THIRD_PERSON)
    if third:
        slots["filing_for"] = "other"
        kind = parse_helper_kind(t)
        if kind:
            slots["helper_kind"] = kind
        relation = helper_relation(t) if kind == "relative" else None
        if relation:
            slots["helper_relation"] = relation
        m = re.search(r"我(?:的|家)?(?:" + KIN_PATTERN + r")[，, ]?([\u4e00-\u9fa5]{2,4}?)(?:申请|办|的|，|,|。|$)", t)
        if m and not re.search(r"申请|低保|特困|救助|一下|老人", m.group(1)):
            slots["applicant_name"] = m.group(1)
    elif re.search(r"自己|本人", t):
        slots["filing_for"] = "self"
    m = re.search(r"([\u4e00-\u9fa5]{2,6}(?:街道|镇|乡))", t)
    if m:
        slots["street"] = m.group(1).removeprefix("住在").removeprefix("我住").removeprefix("住")
    return slots


ID_SHAPE = re.compile(r"\d{6,17}[\dXx]")


def split_name_and_id(text: str) -> tuple[str | None, str | None]:
    """"张秀英 11010519491231002X", "我叫张秀英，身份证是…": the name and the ID-shaped part, either may be missing."""
    t = text.translate(FULLWIDTH).replace("Ｘ", "X")
    compact = re.sub(r"(?<=\d)\s+(?=[\dXx])", "", t)
    m = ID_SHAPE.search(compact)
    id_text = m.group(0).upper() if m else None
    rest = compact.replace(m.group(0), " ") if m else compact
    rest = re.sub(r"身份证(号码|号)?(是|为)?|号码(是)?|名字(叫|是)?|姓名(是)?", " ", rest)
    name = None
    for part in re.split(r"[\s，,。.、；;:：]+", rest):
        name = parse_name(part) if part else None
        if name:
            break
    return name, id_text


SAVINGS_WORDS = ("存款", "存了", "积蓄", "存折", "存的", "银行")
INCOME_WORDS = ("收入", "工资", "挣", "退休金", "养老金", "赚", "一个月", "每月", "月入")
BARE_NONE = re.compile(r"^(都)?(没有|没得|莫得|无|没|零|0)(了|呢|的)?[。.!！]?$")


def split_income_and_savings(text: str) -> tuple[float | None, float | None]:
    """"收入三百，存款没有", "三百，两千", "都没有": the monthly income and the savings, either may be missing.
    Clauses that name neither and hold no number ("没有车", "住的是公租房") say nothing about them."""
    t = text.strip()
    if BARE_NONE.match(t.replace(" ", "")):
        return 0.0, 0.0
    income = savings = None
    unlabeled: list[float] = []
    for clause in re.split(r"[，,。；;、\s]+", t):
        if not clause:
            continue
        label = clause
        clause = re.sub(r"(一|每|每一)个?月", "", clause)  # "一个月三百": the 一 is not the amount
        has_number = re.search(r"[\d零〇一幺二两俩三仨四五六七八九十百千万]", clause.translate(FULLWIDTH))
        amount = parse_amount(clause, per_month=not any(w in label for w in SAVINGS_WORDS))
        if any(w in label for w in SAVINGS_WORDS):
            savings = amount if amount is not None else savings
        elif any(w in label for w in INCOME_WORDS):
            income = amount if amount is not None else income
        elif has_number and amount is not None:
            unlabeled.append(amount)
    for amount in unlabeled:
        if income is None:
            income = amount
        elif savings is None:
            savings = amount
    return income, savings


SKIP_WORDS = ("跳过", "不知道", "说不清", "不清楚", "记不得", "不记得")


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


NOT_A_NAME = re.compile(r"^(没|不|无|莫得|是的|对的|好的|可以|算了|啥|什么|嗯|哦|啊|还有|有的)")


def parse_name(text: str) -> str | None:
    t = re.sub(r"^(我叫|我是|叫|名字是|名字叫|他叫|她叫|姓名)", "", text.strip()).strip("，。,. ")
    if not re.fullmatch(r"[\u4e00-\u9fa5·]{2,8}", t) or NOT_A_NAME.match(t) or is_bare_yes(t) or is_skip(t):
        return None
    return t


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


def as_typed(value: object) -> str:
    """A number read by parse_amount, said back as the person would write it: 800.0 → "800", 1200.5 → "1200.5"."""
    v = float(value or 0)
    return str(int(v)) if v == int(v) else f"{v:g}"
