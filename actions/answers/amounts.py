"""Amounts of money and counts, as people say them: "1,200", "1200块", "一千二百块钱", "1.2万", "一万二",
"两千多", "几百块", "三四百", "没钱", "一年两万", "-500", "5w" (w is 万, k is 千, as typed on a phone).

What an approximate amount keeps (one rule, said to the caseworker): "X多" / "X来" / "X把" keeps X, the
figure the person surely said ("一百多" → 100: nothing above it was said); a range keeps its middle
("三四百" → 350, "300到400" → 350, "几百" → 500: both ends were said). Either way the amount is marked
approximate, read back as said ("100多元") and noted for the caseworker to check.
"""

import re
from dataclasses import dataclass

DIGITS = {"零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NONE_WORDS = ("没有", "没得", "莫得", "无", "零", "没", "不有", "冇", "弗有", "勿有", "木有", "么得", "冒得")
FULLWIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
NUMERAL = "零〇一幺二两俩三仨四五六七八九十百千万"


@dataclass(frozen=True)
class Amount:
    """A figure read from an answer. `said` is how an approximate one is read back ("100多", "几百", "三四百")."""

    value: float
    approximate: bool = False
    negative: bool = False
    said: str = ""


def chinese_number(text: str) -> float | None:
    """'三' → 3, '十二' → 12, '一千二' → 1200, '八百五' → 850, '两万' → 20000, '一万二' → 12000."""
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
# Words with a numeral that are not an amount: "一个月一千二", "打零工一千", "一家三口", and counts of people, years,
# things ("我一个人住", "两个娃", "七十九岁", "三口人": seen, "我一个人住" was once saved as 1元 income).
NOT_AMOUNTS = re.compile(r"(每|一|每一)个?(月|年)|一家|一起|一共|一般|一直|一点|一下|一些|零工|零活|零碎|零花|零用|"
                         r"(?:[零〇一二两三四五六七八九十几]+|\d{1,2})\s*(个(?!月)|口|人(?!民币)|岁|周岁|年(?!收入)|天|次|回|趟|套|辆|间|亩|头|只|娃|孩)")
YEARLY = re.compile(r"(一|每|每一)年|年收入|全年")
RANGE = re.compile(r"([一二两三四五六七八九])([二两三四五六七八九])([十百千万]+)")
DIGIT_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:到|至|~|～|-)\s*(\d+(?:\.\d+)?)\s*(万|千)?")
CN_RANGE = re.compile(r"([" + NUMERAL + r"]+)\s*(?:到|至|~|～)\s*([" + NUMERAL + r"]+)")
SEVERAL = re.compile(r"几([十百千万]+)")  # 几百: two to nine hundred
MORE = r"\s*(?:多|来|把|出头)"  # "一百多", "百来块", "千把块", "一万出头": at least that much
MULTIPLIERS = {"万": 10000, "千": 1000}
# "-500", "负五百", "−500": a minus before the figure (not a range's dash: "300-400").
NEGATIVE = re.compile(r"(?<![\d\s])[-−]\s*\d|负\s*[\d" + NUMERAL + "]")
# "1,200" / "1，200": thousands separators, joined before anything splits an answer on commas.
THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3})(?:[,，](\d{3}))+(?!\d)")
# "5w", "1.5W", "两w", "3k": w / W after a figure is 万, k / K is 千 (a tester's "存款5w左右" was read back as 5元).
LATIN_UNITS = re.compile(r"(?<=[\d" + NUMERAL + r"])\s*([wWkK])(?![a-zA-Z])")


def join_thousands(text: str) -> str:
    """"收入1,200" → "收入1200"; "12,000,000" → "12000000"; "300，两千" stays two figures."""
    t = text.translate(FULLWIDTH)
    return THOUSANDS.sub(lambda m: m.group(0).replace(",", "").replace("，", ""), t)


def _units(text: str) -> str:
    """"5w" → "5万", "3k" → "3千": every reading of a figure starts here (the words kept are as said)."""
    return LATIN_UNITS.sub(lambda m: "万" if m.group(1) in "wW" else "千", join_thousands(text))


def read_amount(text: str, *, per_month: bool = False) -> Amount | None:
    """The amount an answer says, or None when it says none. With per_month, a yearly figure ("一年两万")
    is a twelfth of it (rounded to the yuan)."""
    t = _units(text).replace(",", "")
    if re.search(r"\d{9,}", t.replace(" ", "")):
        return None  # an ID or phone number typed to the wrong question is no amount (seen: an ID read back as income)
    negative = bool(NEGATIVE.search(t))
    yearly = per_month and bool(YEARLY.search(t))
    t = NOT_AMOUNTS.sub(" ", t)
    found = _amount(t)
    if found is None:
        return None
    value = float(round(found.value / 12)) if yearly else found.value
    return Amount(value=-value if negative and value else value, approximate=found.approximate, negative=negative and value > 0,
                  said="" if yearly else found.said)


def figures(text: str) -> int:
    """How many figures an answer says ("我有七百块养老金": 1; "工资1500，还有养老金180": 2; "一个月七百": 1)."""
    t = NOT_AMOUNTS.sub(" ", _units(text).replace(",", ""))
    return len(re.findall(r"\d+(?:\.\d+)?\s*[万千]?|[" + NUMERAL + "几]+", t))


def parse_amount(text: str, *, per_month: bool = False) -> float | None:
    """The value alone: a money amount or a count from free text ('800', '八百块', '1.2万', '没有')."""
    found = read_amount(text, per_month=per_month)
    return found.value if found is not None else None


def _figure(digits: str) -> str:
    value = float(digits)
    return str(int(value)) if value == int(value) else f"{value:g}"


def _amount(t: str) -> Amount | None:
    m = DIGIT_RANGE.search(t)
    if m and float(m.group(1)) < float(m.group(2)):
        unit = MULTIPLIERS.get(m.group(3) or "", 1)
        low, high = float(m.group(1)) * unit, float(m.group(2)) * unit
        return Amount((low + high) / 2, approximate=True, said=f"{_figure(str(low))}到{_figure(str(high))}")
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万|千)?(" + MORE + r")?", t)
    if m:
        value = float(m.group(1)) * MULTIPLIERS.get(m.group(2) or "", 1)
        return Amount(value, approximate=bool(m.group(3)), said=f"{_figure(str(value))}多" if m.group(3) else "")
    c = CN_RANGE.search(t)
    if c:
        low, high = chinese_number(c.group(1)), chinese_number(c.group(2))
        if low is not None and high is not None and low < high:
            return Amount((low + high) / 2, approximate=True, said=c.group(0))
    r = RANGE.search(t)
    if r and DIGITS[r.group(2)] == DIGITS[r.group(1)] + 1:
        low, high = chinese_number(r.group(1) + r.group(3)), chinese_number(r.group(2) + r.group(3))
        if low is not None and high is not None:
            return Amount((low + high) / 2, approximate=True, said=r.group(0))
    s = SEVERAL.search(t)
    if s:
        unit = chinese_number("一" + s.group(1)) or 0
        return Amount(unit * 5, approximate=True, said=s.group(0))
    m = re.search(r"([" + NUMERAL + r"]+)(" + MORE + r")?", t)
    if m:
        value = chinese_number(m.group(1))
        if value is None:
            return None
        return Amount(value, approximate=bool(m.group(2)), said=f"{_figure(str(value))}多" if m.group(2) else "")
    if any(w in t for w in NONE_WORDS) or re.search(r"没钱|莫钱|冇钱", t):
        return Amount(0.0)
    return None


SAVINGS_WORDS = ("存款", "存了", "积蓄", "存折", "存的", "银行")
INCOME_WORDS = ("收入", "工资", "挣", "退休金", "养老金", "赚", "一个月", "每个月", "每月", "月入")
BARE_NONE = re.compile(r"^(都)?(没有|没得|莫得|无|没|零|0|没钱|冇得|冇|弗有|勿有|木有|么得|冒得)(了|呢|的|哦|啊)?[。.!！]?$")


def _normalized(text: str) -> str:
    t = join_thousands(text.strip())  # "1,200" is one figure before the answer is split on its commas
    t = re.sub(r"不是[^，,。；;\s]*", " ", t)  # "一万出头 不是四千": what it is not is no answer
    # "收入四千多存款一万出头" (voice typing): a new clause where an amount runs into the savings word ("没有存款" stays whole).
    return re.sub(r"(?<=[\d零〇一二两三四五六七八九十百千万多块元钱头wWkK])(存款|存了|积蓄|存折|存的)", r"，\1", t)


def _clauses(text: str) -> list[tuple[str | None, str, Amount | None]]:
    """The answer's clauses as (what each names: "savings", "monthly_income" or None, the clause, its amount)."""
    read = []
    for label in (c for c in re.split(r"[，,。；;、\s]+", _normalized(text)) if c):
        clause = re.sub(r"(一|每|每一)个?月", "", label)  # "一个月三百": the 一 is not the amount
        savings = any(w in label for w in SAVINGS_WORDS)
        amount = read_amount(clause, per_month=not savings)
        named = "savings" if savings else "monthly_income" if any(w in label for w in INCOME_WORDS) else None
        read.append((named, label, amount if named or re.search(r"[\d" + NUMERAL + "几]", clause) else None))
    return read


def labeled_clauses(text: str) -> dict[str, list[str]]:
    """The clauses that name the income or the savings and say an amount ("每个月养老金一千二", "没得存款"), by what they
    name: what a message answering another question says about them too (actions/said_ahead.py)."""
    found: dict[str, list[str]] = {}
    for named, clause, amount in _clauses(text):
        if named and amount is not None:
            found.setdefault(named, []).append(clause)
    return found


def clause_amounts(text: str) -> list[Amount]:
    """Each clause's amount, a month's where a year's is said ("老伴八百，儿子一年一万二" → 800, 1000): several people's
    incomes said in one answer, to add up."""
    return [amount for _, _, amount in _clauses(text) if amount is not None]


def read_income_and_savings(text: str) -> tuple[Amount | None, Amount | None]:
    """"收入三百，存款没有", "三百，两千", "收入1,200", "都没有": the monthly income and the savings, either may
    be missing. Clauses that name neither and hold no number ("没有车", "住的是公租房") say nothing about them."""
    if BARE_NONE.match(_normalized(text).replace(" ", "")):
        return Amount(0.0), Amount(0.0)
    income = savings = None
    unlabeled: list[Amount] = []
    for named, _, amount in _clauses(text):
        if named == "savings":
            savings = amount if amount is not None else savings
        elif named == "monthly_income" and amount is not None and not (amount.value == 0 and income):
            # "一个月八百多 儿子没得收入": another's none never wipes the figure said (a tester's 800 was read back as 0).
            income = amount
        elif amount is not None:
            unlabeled.append(amount)
    for amount in unlabeled:
        if income is None:
            income = amount
        elif savings is None:
            savings = amount
    return income, savings


def split_income_and_savings(text: str) -> tuple[float | None, float | None]:
    """The two values alone (see read_income_and_savings)."""
    income, savings = read_income_and_savings(text)
    return (income.value if income else None), (savings.value if savings else None)


# "每月收入是两个人加起来的嘛", "是我一个人的还是全家的": whose income the question means, asked back with no money said.
ASKS_WHOSE = re.compile(r"加起来|加在一起|合起来|合在一起|一起算|算在一起|全家|一家|两个人|两口子|几个人|每个人|各自|单算|分开算|"
                        r"只算|光算|我一个人|我自己的|一个人的")
ASKED = re.compile(r"吗|嘛|么|呢|？|\?|是不是|还是|算不算|要不要|对不对|对吧|是吧")
PEOPLE = re.compile(r"[一两二三四五六七八九十几\d]+\s*(个人|口人|口子|个|口|人)|一家|一起|一共|一下|一个月|每个月")


def asks_whose_income(text: str) -> bool:
    """Whether an answer to the income question asks whose income it means, with no figure of money in it."""
    return bool(ASKS_WHOSE.search(text) and ASKED.search(text)) and read_amount(PEOPLE.sub("", text)) is None


BARE_COUNT = re.compile(r"(就|只有|一共|总共|共)?\s*(\d+|[一二两三四五六七八九十]+)\s*(位|口人)?\s*[吧啊呀嘛哦噻]?")


def parse_count(text: str) -> int | None:
    if re.search(r"(就|只有)?(我|俺)(一个|自己|一人)", text):
        return 1
    m = re.search(r"(\d+|[一二两三四五六七八九十]+)\s*(口|个人|人|个(?!月))", text.translate(FULLWIDTH))  # "三个人", "一个"
    if m:
        value = float(m.group(1)) if m.group(1).isdigit() else chinese_number(m.group(1))
    else:  # a bare figure only: "两路口" in "我住渝中区两路口" is a place, not two people (a tester's was taken)
        value = parse_amount(text) if BARE_COUNT.fullmatch(text.translate(FULLWIDTH).strip()) else None
    return int(value) if value is not None and 1 <= value <= 30 and value == int(value) else None


def as_typed(value: object) -> str:
    """A number read by parse_amount, said back as the person would write it: 800.0 → "800", 1200.5 → "1200.5"."""
    v = float(value or 0)
    return str(int(v)) if v == int(v) else f"{v:g}"


def said_large(value: float) -> str:
    """A large figure as people say it: 1000000 → "100万", 80000 → "8万", 12500 → "12500"."""
    if value >= 10000 and value % 10000 == 0:
        return f"{as_typed(value / 10000)}万"
    return as_typed(value)
