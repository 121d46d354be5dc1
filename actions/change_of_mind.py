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
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import codes, drafts, readback, reason
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


# Stopping outright, at any question ("不申请了！"): never an answer (a tester's got "没太明白").
OUTRIGHT = re.compile(r"不申请了|不想申请了|先不申请了|不办了|不填了|不弄了|不搞了")
# Checking first: "先查", "先看看…能不能批" (with a stop, "能不能批" alone is enough).
FIRST = re.compile(r"先(?:查|看|测|问)")
# Questions where these words are read by the question's own validator (the reason above, the read-back, the discard).
OWN_READING = ("reason", "confirmed", "discard_confirmed")


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


def checks_first(text: str) -> bool:
    """"不申请了！先查能不能批", "算了 先看看我奶奶能不能批 不申请了": the pre-check before any application."""
    return asks_approval(text) and bool(says_stop(text) or FIRST.search(text))


class ChangeOfMind:
    """Mixin, first in the application form validator's bases: at any other question, checking first starts the
    pre-check (the application waits, every answer kept, and "继续" comes back to it); stopping outright pauses the form.
    Never read as an answer ("…我奶奶…" was once taken for 帮别人)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        aimed = bool(requested) and requested in tracker.slots_to_validate() and requested not in OWN_READING
        if aimed and not text.startswith("/") and checks_first(text):
            saved = await drafts.keep(dispatcher, tracker)
            dispatcher.utter_message(response="utter_precheck_first")
            return precheck_first(self.form_name(), requested, saved)  # type: ignore[attr-defined]
        if aimed and not text.startswith("/") and OUTRIGHT.search(text):
            dispatcher.utter_message(response="utter_stopped")
            return codes.pause_events(self.form_name(), [SlotSet(requested, None)])  # type: ignore[attr-defined]
        return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]


def precheck_first(form: str, requested: str, saved: list[EventType]) -> list[EventType]:
    """The form waits (its answers kept, "继续" comes back to it) and the pre-check opens."""
    return [ActionExecutionRejected(form), ActiveLoop(None), SlotSet(requested, None), SlotSet("requested_slot", None),
            SlotSet("form_retries", None), SlotSet("ask_style", None), SlotSet("paused_form", form), *saved,
            FollowupAction("eligibility_form")]
