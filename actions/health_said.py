"""What she said about her health or a disability, kept as said and said back (session 9, helper G8): "腿不好 要拄拐 还有
高血压" at the pre-check's illness question was acknowledged as "记下了：高血压" and the read-back had neither the leg nor
the crutch. The words are kept whole (slot illness_said, carried in precheck_heard); this module only tidies them for
saying back ("腿不好，要拄拐；高血压"), puts them on the read-back, and answers "我腿不好 高血压 写上没得" from them."""

import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ILLNESS_SAID = "illness_said"  # actions/precheck.py's slot (the same name: imported from there it would close a loop)
LABEL = "身体情况"
# The body, not an illness name: "腿不好", "要拄拐", "眼睛看不见", "耳朵背", "走不动".
BODY = re.compile(r"腿|脚|膝盖|腰|拄拐|拐杖|轮椅|走不动|走不得|走路|行动不便|眼睛|看不见|耳朵|耳背|聋|哑|瞎|手")
FILLERS = re.compile(r"^(还有|另外|而且|并且|也|和|跟|就是|嗯)+")
BARE_YES = re.compile(r"^(有|有的|嗯|是|是的|对)$")
DENIED = re.compile(r"^(别的|其他|其它|其余)?(都)?(没有|没得|莫得|冇得|没)了?$")
ILLNESS_WORDS = re.compile(r"高血压|糖尿病|心脏病|冠心病|癌|肿瘤|尿毒症|中风|脑梗|病|残疾")
# "我腿不好 高血压 写上没得", "身体的情况记下没有": what was recorded, asked.
ASKS_RECORDED = re.compile(r"(写|记|填|登记)(上|下|进去|了)?(没得|没有|没|了没|了吗|吗|不)|(写|记|填)(没写|没记)")


def tidy(text: str | None) -> str:
    """The words as said, tidied for saying back: its parts joined with "，", an illness after the body with "；";
    a bare 有 and "别的没有" left out, every word else kept. "腿不好 要拄拐 还有高血压" → "腿不好，要拄拐；高血压"."""
    parts = [FILLERS.sub("", p) for p in re.split(r"[\s,，、。；;]+", text or "")]
    parts = [p for p in parts if p and not DENIED.match(p) and not BARE_YES.match(p)]
    out = ""
    for i, part in enumerate(parts):
        if i:
            out += "；" if ILLNESS_WORDS.search(part) and not ILLNESS_WORDS.search(parts[i - 1]) else "，"
        out += part
    return out


def names_body(text: str) -> bool:
    return bool(BODY.search(text or ""))


def said(tracker: Tracker) -> str:
    """Her health as said, tidied; "" when nothing was said (in the pre-check of this conversation)."""
    return tidy(tracker.get_slot(ILLNESS_SAID) or (tracker.get_slot("precheck_heard") or {}).get(ILLNESS_SAID))


def readback_line(tracker: Tracker) -> list[tuple[str, str]]:
    """The read-back's line for her health as said, when she said any."""
    return [(LABEL, words)] if (words := said(tracker)) else []


def answered(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"我腿不好 高血压 写上没得": answered from what was recorded (never the read-back again)."""
    if not ASKS_RECORDED.search(text) or not (names_body(text) or ILLNESS_WORDS.search(text) or "身体" in text):
        return False
    words = said(tracker)
    dispatcher.utter_message(response="utter_health_recorded" if words else "utter_health_not_recorded", said=words)
    return True
