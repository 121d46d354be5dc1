"""The pre-check's result in plain words, and questions about it answered from it (session 10: 陈玉兰, 81, pension 1100).

Each result comes from the backend with a plain line (`plain`, backend/eligibility/service.py: one owner of the figures):
where 低保 is not met but another type is, 低保's plain line is said first ("按您说的，每月1100元，比低保标准770元高，低保一般
批不下来。"), then what the met type means; she is still offered to file (she has the right to apply) and a person.

The result is kept (slot precheck_result), so "吃得到低保不", "那就是低保吃不到哇", "啥子叫边缘" are answered from it,
never with a new questionnaire (read as check_eligibility) nor the standard's general text (read as ask_policy).
"""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher


HAS_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千万]")  # as actions/amount_answers.py (imported, it would close a loop)
LAST = "precheck_result"  # {type: {"eligible": bool, "said": plain line or 【type】reason}}
ONLINE_DIBAO = "低保"
# 低保 (never 低保边缘) with a word asking whether she gets it, or saying she does not: "吃得到低保不", "低保吃不到哇".
DIBAO = r"低保(?!边缘)"
CAN = r"(吃|拿|领|办|批|申请|评|享受)(得|不)(到|成|了|下来|下)|能不能|可不可以|能不|得不得行|行不行|有没有份|有份|没份|没戏|没得戏|" \
      r"没希望|没得希望|批不下|没得指望"
ASKS_DIBAO = re.compile(DIBAO + r".{0,8}(" + CAN + r")|(" + CAN + r"|能|可以).{0,3}" + DIBAO)
ASKS_EDGE = re.compile(r"(啥子|啥|什么|哪样|哪个)(叫|是|算|意思)?.{0,3}边缘|边缘.{0,6}(啥|什么|哪样|咋个|怎么|"
                       r"是个啥|有啥|有什么|管啥|给啥|能得)")


def kept(results: list[dict]) -> dict:
    """The result as the chat keeps it: each type, met or not, and its line as said (plain when the backend gave one)."""
    return {r["assistance_type"]: {"eligible": bool(r["eligible"]), "said": r.get("plain") or f"【{r['assistance_type']}】{r['reason']}"}
            for r in results}


def say_dibao_first(dispatcher: CollectingDispatcher, results: list[dict]) -> bool:
    """低保 not met but another type met: 低保's plain line, first. True when said."""
    dibao = next((r for r in results if r["assistance_type"] == ONLINE_DIBAO), None)
    if dibao is None or dibao["eligible"] or not dibao.get("plain") or not any(r["eligible"] for r in results):
        return False
    dispatcher.utter_message(text=dibao["plain"])
    return True


def said_line(r: dict) -> str:
    return r.get("plain") or f"【{r['assistance_type']}】{r['reason']}"


def offer_anyway(dispatcher: CollectingDispatcher) -> None:
    """She has the right to apply for 低保 all the same, and a person to ask."""
    dispatcher.utter_message(response="utter_offer_apply_anyway", buttons=[
        {"title": "申请低保", "payload": '/apply_assistance{"assistance_type":"低保"}'},
        {"title": "找工作人员", "payload": "/request_human"}, {"title": "先不用", "payload": "/deny"}])


def asked(text: str) -> list[str]:
    """Which of the kept result's types the message asks about: 低保, 低保边缘, both; none with a figure said (new facts)."""
    t = re.sub(r"\s", "", text or "")
    if not t or t.startswith("/") or HAS_FIGURE.search(t.replace("一般", "").replace("一下", "")):
        return []
    return [kind for kind, pattern in ((ONLINE_DIBAO, ASKS_DIBAO), ("低保边缘", ASKS_EDGE)) if pattern.search(t)]


def answered(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"吃得到低保不", "啥子叫边缘": the kept result's lines, the estimate said, the offer again. False when nothing is kept
    or the message does not ask about it."""
    last = tracker.get_slot(LAST) or {}
    lines = [last[kind]["said"] for kind in asked(text) if kind in last]
    if not lines:
        return False
    for line in lines:
        dispatcher.utter_message(text=line)
    offer_anyway(dispatcher)
    return True



def not_started() -> list[dict]:
    """The pre-check's validator on its first turn, when the message asked about the last result: no questionnaire."""
    return [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
