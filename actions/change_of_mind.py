"""A change of mind said where the application asks something: a stop ("算了", "不申请了"), a wish to know first whether
it would be approved ("先查一下nn能不能批", "符不符合条件"), or only that the reason is wrong ("不是 原因不是这个").

A grandson filing 低保 for his grandmother had "算了先查一下nn能不能批" read back as 原因, and then "不是 原因不是这个 我是
想先查下nn符不符合条件" kept as the reason in its place. None of these is ever an answer: at the reason question (every
other fact known) whether it would be approved is estimated from them (actions/readback.py) and the reason asked again,
or with a stop the form pauses, every answer kept; a bare "原因不是这个" asks the reason again.
"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import codes, readback, reason
from actions.retry import NEUTRAL

Slots = dict[str, Any]
# A stop or a change of mind, in so many words ("算了", "不申请了！", "先不办了").
STOPS = re.compile(r"算了|不申请|不办了|不填了|不弄了|不搞了|不想申请|不想办|先不(?:申请|办|填|弄)|先放一?放|不要申请")
# Whether it would be approved, asked instead ("先查一下nn能不能批", "符不符合条件", "先看看我奶奶能不能批").
APPROVAL = re.compile(r"能不能批|能批不|批不批|批得下来|批得到不|批不下来|能不能(?:申请到|办下来|评上|吃上|通过)|"
                      r"符不符合|合不合格|够不够(?:条件|标准|格)|"
                      r"先(?:查|看|测|问)(?:一下|一哈|下|哈|看|看看)?.{0,10}(?:能不能|可不可以|能否|符合|够不够|批)")
# Only that the reason said is not it ("不是 原因不是这个", "原因不对", and "不是这个" as the correction's words).
NOT_THE_REASON = re.compile(r"(?:原因|理由)(?:不是这个|不是这样|不对|错了|写错|填错)|不是这个(?:原因|理由)|"
                            r"^(?:不是|不对|错了)?[\s，,。!！]*(?:不是这个|不是这样)[\s，,。!！]*")


def says_stop(text: str) -> bool:
    return bool(STOPS.search(text))


def asks_approval(text: str) -> bool:
    return bool(APPROVAL.search(text))


def not_the_reason(text: str) -> bool:
    return bool(NOT_THE_REASON.search(text.strip()))


async def at_reason(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots | None:
    """What the reason question does with a message that is not a reason (None: it may be one). Also the reason said
    anew at the read-back ("原因不是这个 …"): not taken there, so the reason is asked again."""
    if not asks_approval(text) and await reason.asked_instead(text, dispatcher):
        return {"reason": None, NEUTRAL: True}  # "低保和特困能一起拿不": answered (or said to come later), asked again
    stop, approval, wrong = says_stop(text), asks_approval(text), not_the_reason(text)
    if not (stop or approval or wrong):
        return None
    if approval:
        await readback.answer_eligibility(dispatcher, tracker, text)  # on what is filled in: the backend's estimate
    if stop:
        dispatcher.utter_message(response="utter_stopped")  # every answer kept; "继续" comes back to the reason
        return {"reason": None, codes.PAUSE: True}
    if not approval:
        dispatcher.utter_message(response="utter_reason_again")
    return {"reason": None, NEUTRAL: True}
