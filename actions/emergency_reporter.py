"""Who reports a 急难 for someone else, as said; and when "我爸…" makes a report someone else's at all.

A daughter in 成都 reported a flood at her father's in 重庆綦江 at 00:57 ("我爸屋头遭水淹了"): it was not read as a report
for someone else (his ID number was asked five times, as if he reported), and the street's record called her 邻居,
gave her phone as "本人手机" and left out her name. Now a kin word as the subject of the trouble makes the report
someone else's; who the reporter is to him is kept as said ("我是他女儿": 女儿) over what the words imply ("我爸…":
子女) over a neighbour guessed from them; her own name is kept when she gives it ("我叫何静"), never taken for his.
Read by actions/emergency_others.py (the form) and actions/emergency_report.py (the first message)."""

import re
from typing import Any

from actions import parsing
from actions.answers.kin import IN_LAWS, KIN, KIN_PATTERN
from actions.answers.names import COMMON_SURNAMES, parse_name

# Kin who live apart as often as not: parents, grandparents, siblings, in-laws. A spouse's or a child's trouble is the
# household's own ("我老伴住院了": he reports for his own household).
APART = "|".join(sorted({w for w, r in KIN.items() if r in ("父母", "祖父母/外祖父母", "兄弟姐妹")} | set(IN_LAWS)
                        | {"爸爸", "妈妈", "老爸", "老妈", "哥哥", "姐姐", "弟弟", "妹妹", "爷爷奶奶", "外公外婆"}, key=len, reverse=True))
TROUBLE = (r"遭|淹|涨水|发水|漏水|进水|着火|失火|起火|火灾|烧|垮|塌|倒了|摔|跌|住院|进医院|送医院|病|伤|出事|出了事|不见了|"
           r"走丢|走失|联系不上|晕|昏|抢救|急救|中风|脑梗|被偷|被抢|被骗|没得吃|没饭吃|断电|断水")
# "我爸屋头遭水淹了", "我妈家里着火了", "我老汉住院了", "我爷爷摔了": his trouble, told by one of his family.
KIN_IN_TROUBLE = re.compile(rf"我(?:的|家|们家)?(?:{APART})(?:的|他|她|他们|她们)?(?:那边|那里|那儿)?"
                            rf"(?:屋头|屋里|家里|家|房子|住的地方)?[^，。,.!！?？\s]{{0,4}}?(?:{TROUBLE})")
# "我是他女儿", "我是女儿", "我是她邻居": who the reporter is to him, as said.
TIE_SAID = re.compile(rf"我是(?:她|他|老人|当事人)?(?:的|家)?(?P<tie>{KIN_PATTERN}|{'|'.join(IN_LAWS)}|邻居|隔壁|对门|楼上|楼下|"
                      r"网格员|志愿者|社工|朋友|同事|亲戚)")
NEIGHBOUR_WORDS = ("隔壁", "对门", "楼上", "楼下")
# "我叫何静", "我的名字是何静", "我是他女儿何静": the reporter's own name.
OWN_NAME = re.compile(r"(?:我(?:的)?(?:名字|姓名)?(?:叫|是)|(?:^|(?<=[\s，,。]))叫)[:：\s]*(?P<name>[\u4e00-\u9fff·]{2,8})")
NAME_STOP = re.compile(r"[我你他她的在是从住嘛哈噻哦呢了，,。\s]")


def kin_in_trouble(text: str | None) -> bool:
    """"我爸屋头遭水淹了": the trouble is a relative's who may well live apart, so the report is for someone else."""
    return bool(text and KIN_IN_TROUBLE.search(text))


def tie_said(text: str) -> str | None:
    """Who the reporter says she is to him ("女儿", "邻居"), as said; a neighbour's place ("隔壁") is a 邻居."""
    m = TIE_SAID.search(text)
    if not m:
        return None
    return "邻居" if m.group("tie") in NEIGHBOUR_WORDS else m.group("tie")


def own_name(text: str) -> str | None:
    """The reporter's own name, when she gives it ("我叫何静", "我是他女儿何静"); never a relation or a 称呼."""
    for m in OWN_NAME.finditer(text):
        if not m.group(0).startswith("我") and not TIE_SAID.search(text[:m.start()]):
            continue  # a bare "叫何静" is hers only after she said who she is ("我是他女儿 叫何静")
        said = m.group("name")
        tie = TIE_SAID.match(text, m.start())
        if tie and m.start() + len("我是") <= tie.end() <= m.end():
            said = text[tie.end():m.end()].lstrip("叫")  # "我是他女儿何静": what follows her tie
        if "叫" not in m.group(0) and (not said or said[0] not in COMMON_SURNAMES):
            continue  # "我是想问一下", "我是在成都的": no name; "我是何静" is one
        said = NAME_STOP.split(said, maxsplit=1)[0][:4]
        name = parse_name(said) if len(said) >= 2 else None
        if name:
            return name
    return None


def heard(text: str, about: dict[str, Any], *, neighbour_guess: bool) -> dict[str, Any]:
    """What this message says of the reporter, over what was heard before (`about`, emergency_about): her tie as said
    wins over one implied ("我爸…": 子女), which wins over a neighbour guessed from the words (`neighbour_guess`)."""
    found: dict[str, Any] = {}
    said = tie_said(text)
    in_trouble = bool(KIN_IN_TROUBLE.search(text))
    implied = parsing.helper_relation(text) if in_trouble or re.search(rf"我(?:的|家)?(?:{KIN_PATTERN})", text) else None
    before, was_said = about.get("reporter"), about.get("reporter_said")
    if said and (not was_said or said != before):
        found.update(reporter=said, reporter_said=True)
    elif implied and not was_said and (before is None or before == "邻居" and in_trouble):
        found["reporter"] = implied
    elif neighbour_guess and not before:
        found["reporter"] = "邻居"
    if not about.get("reporter_name") and (name := own_name(text)):
        found["reporter_name"] = name
    return found
