""""入户核查啥时候来", "好久有人来屋头看": when the home visit comes, asked in words — answered from the procedure's own
time limits (applications/visits.py: after filing, accepted within so many working days, then the visit within so
many). A case's own answer is its progress (ProgressOut.visit), which needs to know who asks."""

import re

from backend.applications.schemas import DEFAULT_SUBTYPES
from backend.applications.visits import general
from backend.applications.workflow import get_catalog
from backend.authorizations.ways import WAYS
from backend.policy.schemas import DEFAULT_TYPE
from backend.policy.terms import get_glossary

TERM = "入户调查时间"  # PolicyAnswer.term of this answer (the chat asks for the case's own when it knows who asks)
VISIT_KEY = "入户调查"  # data/terms.yaml: its words are how people name the visit ("入户核查", "家访", "来家里看")
COMING = re.compile(r"有人(?:来|去|上门)|人(?:来|去)(?:看|查|家|屋)|上门|来家里|来屋头|到家里|到屋头")
# "入户调查是社区的人来还是街道的人来", "入户核查是哪个来做": who comes, asked with the visit named.
WHO = re.compile(r"哪个来|谁来|哪些人|什么人来|啥人来|哪个(单位|部门)?(来|做|搞|查)|(社区|街道|乡镇|村)的?人来|"
                 r"是(社区|街道|乡镇|村).{0,6}还是")
# "后面核查能不能安排工作人员上门？", "能上门办理吗": whether staff come to the home, asked (the visit: yes, said plainly).
CAN = re.compile(r"能不能|能否|可不可以|可以不|行不行|能不|安排|能.{0,10}[吗嘛不？?]|可以.{0,10}[吗嘛？?]")
WHEN = re.compile(r"啥时候|什么时候|啥子时候|好久|哪天|几时|多久|多长时间|几天|啥时间|什么时间|来没来|来了没|还没来|咋还没|怎么还没")


def asked(said: str | None) -> bool:
    """Whether a question asks when the visit comes, who comes, or whether staff can come to the home (not what it
    is: that is the glossary's)."""
    text = re.sub(r"\s+", "", said or "")
    if can_come(text):
        return True
    if not WHEN.search(text) and not WHO.search(text):
        return False
    words = [w for w, term in get_glossary().words if term.key == VISIT_KEY]
    return any(w in text for w in words) or bool(COMING.search(text))


def can_come(said: str | None) -> bool:
    """"能不能安排工作人员上门", "能上门办理吗": whether someone comes to the home, asked (not when)."""
    text = re.sub(r"\s+", "", said or "")
    return bool(CAN.search(text) and COMING.search(text)) and not WHEN.search(text)


def answer(said: str | None, assistance_type: str) -> str | None:
    """The time limits of the type asked about (its usual subtype), or of the default type's procedure when that type
    has no visit or is not filed online; None when the question is not about the visit's time."""
    if not asked(said):
        return None
    subtype = DEFAULT_SUBTYPES.get(assistance_type)
    filed = get_catalog().key_for(assistance_type, subtype) in get_catalog().workflows
    who = bool(WHO.search(re.sub(r"\s+", "", said or "")))
    can = can_come(said)
    sign = WAYS["staff_home_visit"] if can else None  # the 核对授权书 signed at the visit (authorizations/ways.py)
    return ((general(assistance_type, subtype, who=who, can=can, sign=sign) if filed else None)
            or general(DEFAULT_TYPE, who=who, can=can, sign=sign))
