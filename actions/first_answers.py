"""What a helper says at the application's first questions, read as she means it (session 9, helper G5).

"特困吧 他一个人住…不行的话就低保" was filed as 低保: the type named with 吧, else the first one not said as a fallback
("不行的话就…", "要不然…"), is her choice. "申请人叫刘德富 我是网格员陈敏" to "您怎么称呼" heard "刘德富是您帮着办的那位的
名字吧？": her own name said in it ("我是（网格员）陈敏") is taken, and his kept as his. "周德贵" or "我是网格员 帮周德贵申请"
to "您要申请哪一种救助？" got the list of types twice: who files and for whom is kept, and the type asked once."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.answers.names import COMMON_SURNAMES
from actions.members import principal_named
from actions.neutral import NEUTRAL

TYPE_WORD = re.compile(r"低保|最低生活|低包|特困|五保|临时救助|急难")
FALLBACK = re.compile(r"不行|不得行|不成|办不了|批不了|够不上|要不然|要不就|或者|退一步")
CHANGED = re.compile(r"不是|不对|不要|不办|不申请|改成|换成|改为|改申请")  # a correction: read as corrections.py reads it
# "我是网格员陈敏", "我是两路口的网格员陈敏", "我叫陈敏": her own name, after what she is.
ROLE = r"(?:网格员|网格长|志愿者|社工|社区干部|社区工作人员|村干部|楼栋长|居委会的|邻居|他的|她的|这里的)"
OWN = re.compile(r"我(?:是|叫|的名字是|名字叫)(?:[\u4e00-\u9fa5]{0,6}?" + ROLE + r")?\s*(?P<name>[\u4e00-\u9fa5·]{2,4}?)(?=[\s，,。.!！]|$)")
NOT_A_NAME = re.compile(ROLE + "|网格|社区|街道|志愿|工作人员")


# "两个都要 临时救助也要 低保也要": both wanted. Two applications (临时救助 one-off, 低保 monthly; a 低保 household may still
# get 临时救助): 临时救助 is filed now, the other offered once it is filed (actions/journeys.py, ALSO_WANTED).
BOTH = re.compile(r"两个都|两样都|都要|都想|都申请|都办|也要|也想|一起(办|申请)")
ALSO_WANTED = "also_wanted"
FIRST = "临时救助"


def both_wanted(text: str) -> tuple[str, str] | None:
    """(the type filed now, the one offered after) when two types are both wanted; None otherwise."""
    kinds = list(dict.fromkeys(k for k in (parsing.canonical_type(m.group()) for m in TYPE_WORD.finditer(text or "")) if k))
    if len(kinds) != 2 or not BOTH.search(text) or CHANGED.search(text):
        return None
    now = FIRST if FIRST in kinds else kinds[0]
    return now, next(k for k in kinds if k != now)


def chosen_type(text: str) -> str | None:
    """The type chosen where more than one is named; None when one or none is (the usual reading then)."""
    hits = [(m, parsing.canonical_type(m.group())) for m in TYPE_WORD.finditer(text or "")]
    hits = [(m, kind) for m, kind in hits if kind]
    if len({kind for _, kind in hits}) < 2 or CHANGED.search(text):
        return None
    with_ba = [kind for m, kind in hits if re.match(r"\s*吧", text[m.end():])]
    if with_ba:
        return with_ba[0]
    fallback = FALLBACK.search(text)
    main = [kind for m, kind in hits if fallback is None or m.start() < fallback.start()]
    return (main or [hits[0][1]])[0]


def own_and_his(text: str, known_his: str | None) -> dict[str, str] | None:
    """Her own name and his, both said to "您怎么称呼" ("申请人叫刘德富 我是网格员陈敏"): the slots; None otherwise."""
    own = OWN.search(text or "")
    if own is None or NOT_A_NAME.search(own.group("name")) or not parsing.parse_name(own.group("name")):
        return None
    rest = (text[:own.start()] + " " + text[own.end():]).strip(" ，,。")
    said, his = principal_named(rest)
    if not (said and his) and not (known_his and known_his in rest):
        return None
    return {"helper_name": own.group("name"), **({} if known_his else {"applicant_name": his})}


WHO_SLOTS = ("filing_for", "helper_kind", "helper_relation", "helper_name", "applicant_name")
NAME_ONLY = re.compile(r"^(?:他|她|老人家?|申请人)?(?:叫|是)?")


def type_unclear(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """No type in the answer to "您要申请哪一种救助？". Who files and for whom said there instead ("我是网格员 帮周德贵申请"),
    or the resident's name alone ("周德贵", asked "是给周德贵本人申请吗？" next): kept, said back in one line, and the
    type asked once more (no list of types before it); anything else: which types can be filed here."""
    said = parsing.first_message_slots(text) if parsing.parse_filing_for(text) == "other" else {}
    name = parsing.parse_name(NAME_ONLY.sub("", text.strip(), count=1))
    if not said and name and name[0] in COMMON_SURNAMES:
        said = {"applicant_name": name}
    kept = {k: v for k, v in said.items() if k in WHO_SLOTS and v and not tracker.get_slot(k)}
    if not kept:
        dispatcher.utter_message(response="utter_type_unclear")
        return {"assistance_type": None}
    his = kept.get("applicant_name") or tracker.get_slot("applicant_name")
    if (kept.get("filing_for") or tracker.get_slot("filing_for")) == "other":
        dispatcher.utter_message(response="utter_noted_for_him" if his else "utter_noted_for_others", applicant_name=his)
    else:
        dispatcher.utter_message(response="utter_noted_name", applicant_name=his)
    return {"assistance_type": None, **kept, NEUTRAL: True}
