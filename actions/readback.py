"""The read-back and corrections for the application form: only a clear yes submits; "X不对，是Y" corrects X
through its own question's validator and reads back again, also while another question is being asked
("身份证打错了 是420106…" at the phone question); "改X" asks X again; a bare "不对" asks which one.
Labels and words of the fields: actions/corrections.py."""

import inspect
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import amount_answers, corrections, fallback, parsing
from actions.retry import NEUTRAL

Slots = dict[str, Any]
# A clear yes to "信息对吗？对的话我就提交了": nothing else submits ("还是申请特困吧" holds a 是 too).
CONFIRMS = re.compile(r"^(对|对的|对头|是|是的|没错|没问题|确认|提交|确认提交|可以|好|好的|行|要得|嗯|嗯嗯|都对|全对|对了|对着呢|"
                      r"没得问题|莫得问题|冇得问题|系|系啊|中|ok|OK)(的|滴|个|咧|嘞|哈|嘛|啊|呀|噻|撒|哦|了|咯|喔|哟|噢)*"
                      r"[，,。.!！ ]*(提交|提交吧|交吧|确认|对的)?[。.!！]*$")


OTHERS = r"她|他|老伴|老婆|老公|爱人|媳妇|妈|爸|儿子|女儿|孙|家人|家里人"


def about_a_member(text: str, tracker: Tracker) -> bool:
    """Whether a correction speaks of a family member (a kinship word, "她", or a member's name), not the applicant."""
    names = [m.get("name") for m in tracker.get_slot("members") or [] if m.get("name")]
    return bool(tracker.get_slot("members")) and bool(re.search(OTHERS + "".join(f"|{re.escape(n)}" for n in names), text))


class ReadBack:
    """Mixed into the application form's validation action (which has the validate_<slot> methods)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        """An answer already given, corrected while another question is asked: corrected, then that question again."""
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "")
        field, said = corrections.read_correction(text) if requested not in (None, "confirmed") else (None, None)
        if field is None or field.key == requested or tracker.get_slot(field.key) in (None, ""):
            return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        fixed = await self._correct(field, said, dispatcher, tracker, domain)
        fixed.pop("confirmed", None)
        fixed.pop(NEUTRAL, None)
        if fixed.get(field.key) is not None:
            dispatcher.utter_message(response="utter_corrected", label=field.label)
        tracker.slots[requested] = None
        return [SlotSet(k, v) for k, v in fixed.items()] + [SlotSet(requested, None)]

    async def validate_confirmed(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if isinstance(value, bool):
            return {"confirmed": value}
        text = str(value or "").strip()
        if amount_answers.ASKS_WHAT_COUNTS.search(text) and await fallback.answered_from_words(dispatcher, text):
            return {"confirmed": None, NEUTRAL: True}  # "等下 退休金算不算收入啊" at the read-back: answered, read back again
        field, said = corrections.read_correction(text)
        if field is not None and field.key == "monthly_income" and about_a_member(text, tracker):
            # "她的收入不是一千，是一千一": a family member's income, not the applicant's: her answers are asked again.
            dispatcher.utter_message(response="utter_fix_members")
            return await self._correct(corrections.BY_LABEL["家庭成员"], None, dispatcher, tracker, domain)
        if field is not None:
            return await self._correct(field, said, dispatcher, tracker, domain)
        named = parsing.canonical_type(text)
        if named and named != tracker.get_slot("assistance_type"):
            # "还是申请特困吧" at the read-back changes the type and reads back again; never a yes (it once submitted).
            return await self._correct(corrections.BY_LABEL["申请类型"], named, dispatcher, tracker, domain)
        if corrections.is_vague_no(text):
            dispatcher.utter_message(response="utter_which_wrong")
            return {"confirmed": None, NEUTRAL: True}
        if CONFIRMS.match(text) or text == "/affirm":
            return {"confirmed": True}
        return {"confirmed": False if parsing.parse_yes_no(text) is False else None}

    async def _correct(self, field: corrections.Field, said: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Slots:
        """One answer corrected at the read-back: the new answer said with it goes through that question's own
        validator; without one (or one it cannot use) that question is asked again. Then the read-back again."""
        again: Slots = {"confirmed": None, NEUTRAL: True}
        if said and field.key != "more_members":
            checked = getattr(self, f"validate_{field.key}")(said, dispatcher, tracker, domain)
            checked = await checked if inspect.isawaitable(checked) else checked
            if checked.get(field.key) not in (None, tracker.get_slot(field.key)):
                return {**checked, **again}
        return {**{slot: None for slot in field.clears}, **again}
