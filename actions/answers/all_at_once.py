"""What one message says for the application's questions besides the one asked.

"他一个人住 儿子在外地 每个月养老金一千二 没得存款" to the household question also answers the income and the savings;
"王秀英 身份证5001… 电话139… 住七星岗街道 一个人住 养老金一千二 没存款 老伴去年走了…" answers nearly every question at
once. Here the words for each question are only found (the clause that names the savings, the name said with the
ID number); each is read by its question's own validator, with the one parser of its kind (actions/said_ahead.py).
Only what the message surely says: two ID numbers, two phones, an amount of a family member's ("儿子每个月挣三千")
are left for their questions.
"""

import re

from actions import parsing
from actions.answers import amounts
from actions.precheck import parse_hukou

# The questions a message can answer ahead, in the form's order (a phone after the name and ID it is checked with).
AHEAD = ("applicant_name", "applicant_id", "applicant_phone", "street", "hukou", "monthly_income", "savings", "more_members",
         "reason")
CLAUSE = r"[，,。；;！!？?\s]+"
STREET = re.compile(r"街道|镇|乡")
NOT_STREET = re.compile(r"户口|户籍|城镇|城乡|乡下|老乡|家乡|农村")
LIVES = re.compile(r"^(家住|住在|住址|地址|住)")
HUKOU = re.compile(r"户口|户籍|农业|非农")
# Words about the filing itself (who writes, for whom, what), not about her hardship: never part of the reason.
FILING = re.compile(r"申请|网格员|志愿者|民警|工作人员|社工|帮|替|代办|我是|我叫|叫|名字|姓名|身份证|电话|手机|号码|你好|您好|谢谢|麻烦")
ALL_AT_ONCE = 3  # facts in one message from which the rest of it is the reason ("everything at once")
REASON_CHARS = 6  # Han characters the rest must have to be a reason (not "儿子在外地" alone)
# A place said without 街道/镇 ("渝中大溪沟人和街", a road, a door): where she lives, never why she applies (a tester's was
# read back as 原因).
PLACE = re.compile(r"(?:街|路|巷|号|弄|社区|小区|栋|单元|大院)$|(?:区|县).{0,6}(?:街|路|巷)")


def _hers(clause: str) -> bool:
    """A clause about the applicant, not about a family member ("儿子每个月挣三千" is the son's)."""
    return parsing.parse_relation(clause) is None


def _ids(text: str) -> list[str]:
    compact = re.sub(r"(?<=\d)\s+(?=[\dXx])", "", text.translate(parsing.FULLWIDTH))
    return [m.group(0).upper() for m in parsing.ID_SHAPE.finditer(compact) if len(m.group(0)) == 18]


def _name(text: str, id_number: str | None, own: bool) -> str | None:
    """The applicant's name where a message surely says it: just before her ID number, or after 叫/名字是/姓名是.
    Never without such a cue: a tester's "继续" and "不是急事 我就问一下" were kept as her name."""
    if id_number and (at := text.find(id_number)) >= 0:
        start = max(text.rfind(c, 0, at) for c in "，,。；;！!？?") + 1
        if name := parsing.split_name_and_id(text[start:at + len(id_number)])[0]:
            return name
    return parsing.named(text, own=own)


def found(text: str, filing_for: str | None = None) -> dict[str, str]:
    """{slot: the words that answer it}, in the form's order. The name only once it is known whose it is (for herself,
    "我叫…" is hers; for someone else, never the writer's)."""
    facts: dict[str, str] = {}
    clauses = [c for c in re.split(CLAUSE, text) if c]
    ids = _ids(text)
    if len(ids) == 1:  # two numbers: hers and a family member's; which is which is the questions' to find out
        facts["applicant_id"] = ids[0]
    if filing_for in ("self", "other") and (name := _name(text, ids[0] if len(ids) == 1 else None, own=filing_for == "self")):
        facts["applicant_name"] = name
    rest = text
    for number in ids:
        rest = rest.replace(number, " ")
    if phone := parsing.parse_phone(rest):
        facts["applicant_phone"] = phone
    places = [c for c in clauses if STREET.search(c) and not NOT_STREET.search(c) and _hers(c)]
    if places:
        facts["street"] = next((c for c in places if LIVES.search(c)), places[-1])
    if hukou := next((c for c in clauses if HUKOU.search(c) and parse_hukou(c) and _hers(c)), None):
        facts["hukou"] = hukou
    for slot, said in amounts.labeled_clauses(text).items():
        hers = [c for c in said if _hers(c)]
        if len(hers) == 1:
            facts[slot] = hers[0]
    if household := next((c for c in clauses if _hers(c) and parsing.household_said(c) is not None), None):
        facts["more_members"] = household
    # Everything at once: what is left, in her words, is why she applies ("老伴去年走了，她腿脚不方便").
    left = [c for c in clauses if not re.search(r"\d{6,}", c) and not FILING.search(c) and len(re.findall(r"[\u4e00-\u9fa5]", c)) > 1
            and parsing.parse_name(c) != c  # "王秀英，女，…": her name (its own question's), not her reason
            and not PLACE.search(c)
            and not any(v in c or c in v for v in facts.values())]
    reason = "，".join(left)
    if len(facts) >= ALL_AT_ONCE and len(re.findall(r"[\u4e00-\u9fa5]", reason)) >= REASON_CHARS:
        facts["reason"] = reason
    return {k: facts[k] for k in AHEAD if k in facts}


def is_all_at_once(text: str) -> bool:
    """A message that answers several of the form's questions at once."""
    return len(found(text, "other")) >= ALL_AT_ONCE
