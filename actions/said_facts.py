"""What an application files as the person said it, for the caseworker: the kind of each income by her words
(养老金, 退休金, 低保, 补助 are transfers; 打零工, 工资 wages; 种地, 卖菜 a business), and the illness or disability said
in her reason, on the row of the member it is about. The category names are the backend's (IncomeIn in
backend/applications/schemas.py); whether a kind counts as income stays the backend's (it reads the kind filed)."""

import re
from typing import Any

from actions import parsing
from actions.precheck import BASIC_PENSION_MOST, ILLNESS_NAMED, NONE_BEFORE, PENSION_NAMED, income_lines

KIND_SAID = "income_words"  # slot: the income answer's own words ("他一个月退休金一千二")
# An amount whose words name no kind, or kinds of two categories ("退休金一千 打零工八百" as one figure): as before.
UNNAMED = ("工资性", "申报收入")
KINDS = {
    "转移净": ("职工养老金", "企业养老金", "单位养老金", "基础养老金", "养老金", "退休工资", "退休金", "退休费", "养老补贴",
               "低保金", "低保", "特困供养金", "供养金", "救助金", "补助金", "补助", "补贴", "抚恤金", "优抚金", "津贴", "五保",
               "赡养费", "高龄补贴", "高龄津贴", "高龄补助"),
    "工资性": ("打零工", "零工", "打工", "务工", "做工", "帮工", "上班", "工资", "保姆", "保洁", "保安"),
    "经营净": ("种地", "种田", "种菜", "卖菜", "摆摊", "做生意", "生意", "养猪", "养鸡", "养鸭", "养殖", "开店", "小卖部", "卖废品",
               "收废品"),
    "财产净": ("房租", "租金", "出租", "利息"),
}
_CATEGORY = {word: category for category, words in KINDS.items() for word in words}
# Longest first: "退休工资" is a pension, never 工资.
_KIND_WORD = re.compile("|".join(sorted(_CATEGORY, key=len, reverse=True)))
# Said of her health without naming an illness ("身体不好", "走不动"): the caseworker reads it as said.
UNWELL = re.compile(r"身体(也|又|一直|还)?(不好|差|不行)|病|住(了|过)?院|卧床|瘫|行动不便|腿脚不便|走不动|看不见|听不见|吃药|手术|残")
CLAUSE = re.compile(r"[，,。.;；!！?？、\s]+")
PRECHECK_SAID = "测算时说有重病或残疾"


# A pension the chat already settled as counted (her income, with no part the rules leave out: "您说的养老金是哪一种？"
# answered 退休金): filed as the counted kind, never as "养老金", which the backend reads as the basic pension.
COUNTED_PENSION = {"养老金": "退休金", "基础养老金": "退休金", "养老补贴": "退休金"}


def _kind(words: str | None) -> tuple[str, str]:
    """(category, kind) by the words said about an income (a kind said with 没有 before it is none); UNNAMED otherwise."""
    words = words or ""
    found = [m.group() for m in _KIND_WORD.finditer(words) if not NONE_BEFORE.search(words[:m.start()])]
    categories = {_CATEGORY[w] for w in found}
    return (categories.pop(), found[0]) if len(categories) == 1 else UNNAMED


def income_line(amount: float, words: str | None, *, counted: bool = False) -> dict[str, Any]:
    """One income line, its category and kind by the words said about it (a kind said with 没有 before it is none).
    `counted`: the chat settled that this income counts (the backend then reads the kind filed as counted too)."""
    category, kind = _kind(words)
    if counted or (kind == "养老金" and amount > BASIC_PENSION_MOST):
        # A bare 养老金 above the basic pension's most (a husband's "退休的养老金八百") counts, as in the pre-check.
        kind = COUNTED_PENSION.get(kind, kind)
    return {"category": category, "kind": kind, "monthly_amount": amount}


def pension_unconfirmed(line: dict[str, Any], words: str | None) -> bool:
    """Whether an income line filed as a counted pension came from a bare "养老金" ("我有七百块养老金", "养老金，不晓得是哪种"):
    which pension it is (a work unit's 退休金 counts, the basic one does not) is the caseworker's to confirm."""
    return line["kind"] in COUNTED_PENSION.values() and "养老金" in (words or "") and not PENSION_NAMED.search(words or "")


def pensions_unconfirmed(filed: list[dict[str, Any]], words: list[str | None]) -> list[str]:
    """"张秀英每月700元" for each member filed (with the words said about her income) whose pension is pension_unconfirmed."""
    return [f"{m['name']}每月{parsing.as_typed(x['monthly_amount'])}元" for m, said in zip(filed, words) for x in m["incomes"]
            if pension_unconfirmed(x, said)]


def left_out_said(income: float, excluded_said: str | None) -> tuple[str, float] | None:
    """The part of an income the rules leave out, as said (`income_excluded`, the backend's word on it): its kind in plain
    words ("高龄补贴", "养老金") and amount; None when all of it counts."""
    part = next((x for x in income_lines(income, excluded_said) if x["kind"] != "收入"), None)
    if part is None:
        return None
    kind = _kind(part["kind"])[1]
    return ("这部分" if kind in UNNAMED else kind), part["monthly_amount"]


NOBODY = -1  # said of a relative who is not listed ("老伴中风了", filed alone): on nobody's row (the reason keeps it)
# A helper's words about the applicant's own relative: "她老伴", "老人的儿子" (his "爷爷" alone is her, from his side).
HERS_RELATIVE = re.compile(r"(?:她|他|老人家?|申请人)(?:的|家|屋头)?(?:" + parsing.KIN_PATTERN + r"|老头|老太婆)")
PRONOUN = re.compile(r"他|她")
GONE = re.compile(r"走了|去世|过世|死了|不在了|病逝|离世|离婚|离了")  # a relative no longer in the household


SPOUSE_HE = re.compile(r"老头|老倌")  # what she calls him
SPOUSE_SHE = re.compile(r"老太婆|老婆子")  # what he calls her


def _her_spouse_called(clause: str, applicant_male: bool | None) -> bool:
    """A helper relaying the old couple's words ("老头儿中风了", filed for the grandmother): the applicant's spouse, when
    the word's sex is not the applicant's own (a helper's "老头" for the old man he files for is him, not his wife)."""
    if parsing.parse_relation(clause) != "配偶" or parsing._kin_word(clause):
        return False
    if applicant_male is None:
        return False
    return bool(SPOUSE_HE.search(clause)) != applicant_male and bool(SPOUSE_HE.search(clause) or SPOUSE_SHE.search(clause))


def _whose(clause: str, members: list[dict], for_self: bool, before: int, applicant_male: bool | None = None) -> int:
    """0 for the applicant, i for members[i - 1], NOBODY for a relative not listed: named, or called by the relation she
    said (her own when she files for herself, "她老伴" when a helper does), or "我"; filing for herself with one member,
    "他/她" is that member; a clause naming nobody is about whoever the one before was about ("老伴中风了 瘫在床上").
    Never the applicant for want of another: a tester's husband's 中风 was on her own row."""
    named = next((i for i, m in enumerate(members, 1) if m.get("name") and m["name"] in clause), None)
    if named is not None:
        return named
    relation = parsing.parse_relation(clause)
    if relation == "配偶" and not for_self and _her_spouse_called(clause, applicant_male):
        related = [i for i, m in enumerate(members, 1) if m.get("relation") == "配偶"]
        return related[0] if len(related) == 1 else NOBODY
    if relation is not None and (for_self or HERS_RELATIVE.search(clause)):
        related = [i for i, m in enumerate(members, 1) if m.get("relation") == relation]
        return related[0] if len(related) == 1 else NOBODY
    if relation is not None:
        return 0  # a helper's "奶奶", "我爷爷": the person he files for, from his side
    if for_self and "我" in clause:
        return 0
    if for_self and len(members) == 1 and PRONOUN.search(clause):
        return 1
    return before


def precheck_ill_alone(heard: dict | None, members: list[dict] | None) -> bool:
    """The pre-check's yes to "家里有没有人有重病或者残疾" when she is the household (nobody else listed or counted)."""
    heard = heard or {}
    return heard.get("illness_or_disability") is True and int(heard.get("household_size") or 1) <= 1 and not members


def health_said(reason: str | None, members: list[dict], *, for_self: bool, precheck_ill: bool = False,
                applicant_male: bool | None = None) -> dict[int, str]:
    """{0: the applicant's, i: members[i - 1]'s} illness or disability as said in the reason ("中风了", "身体不好");
    a pre-check's yes to 重病或残疾 of a household of one is hers."""
    said: dict[int, list[str]] = {}
    who = 0
    for clause in CLAUSE.split(reason or ""):
        if GONE.search(clause) and parsing.parse_relation(clause):
            continue  # "老伴病逝了 身体不好": of one no longer here; what follows is about whoever it was before
        who = _whose(clause, members, for_self, who, applicant_male)
        if ILLNESS_NAMED.search(clause) or UNWELL.search(clause):
            said.setdefault(who, []).append(clause)
    if precheck_ill and not members and not said:
        said[0] = [PRECHECK_SAID]
    return {i: "；".join(clauses)[:100] for i, clauses in said.items()}


def health_of(said: dict[int, str], who: int) -> dict[str, str]:
    """The member's `health_said` for the filing, when anything was said about her health."""
    return {"health_said": said[who]} if who in said else {}


def kind_words(text: str) -> str | None:
    """An income answer's words when they name a kind of income ("养老金八百"); None for a bare figure ("八百")."""
    return text if _KIND_WORD.search(text or "") else None
