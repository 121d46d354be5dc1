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


def parse_amount(text: str) -> float | None:
    """A money amount or a count from free text: '800', '八百块', '1.2万', '一个月一千二', '没有'."""
    t = text.translate(FULLWIDTH).replace(",", "").replace("，", "")
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万|千|k|K)?", t)
    if m:
        value = float(m.group(1))
        return value * {"万": 10000, "千": 1000, "k": 1000, "K": 1000}.get(m.group(2) or "", 1)
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
    ("relative", ("亲属", "家人", "亲戚", "儿子", "女儿", "儿媳", "女婿", "孙", "老伴", "爱人", "妈", "爸", "哥", "姐", "弟", "妹",
                  "侄", "外甥", "子女", "父母", "配偶", "老公", "老婆")),
]


def parse_helper_kind(text: str) -> str | None:
    for kind, words in HELPER_KINDS:
        if any(w in text for w in words):
            return kind
    return None


RELATIONS = [
    ("配偶", ("配偶", "老伴", "老公", "老婆", "爱人", "丈夫", "妻子", "媳妇")),
    ("子女", ("子女", "儿子", "女儿", "娃", "孩子", "儿")),
    ("父母", ("父母", "父亲", "母亲", "爸", "妈", "老汉", "老娘")),
    ("孙子女", ("孙",)),
    ("兄弟姐妹", ("哥", "姐", "弟", "妹")),
]


def parse_relation(text: str) -> str:
    for canonical, words in RELATIONS:
        if any(w in text for w in words):
            return canonical
    return "其他"


def parse_filing_for(text: str) -> str | None:
    if any(w in text for w in ("帮别人", "别人", "替", "代", "帮我", "帮他", "帮她", "帮老人", "我妈", "我爸", "老人家", "居民")):
        return "other"
    if any(w in text for w in ("自己", "本人", "我", "给自己")):
        return "self"
    return None


def parse_name(text: str) -> str | None:
    t = re.sub(r"^(我叫|我是|叫|名字是|名字叫|他叫|她叫|姓名)", "", text.strip()).strip("，。,. ")
    return t if re.fullmatch(r"[\u4e00-\u9fa5·]{2,8}", t) else None


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
