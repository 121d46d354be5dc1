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

from actions import amount_answers, corrections, fallback, members as household, parsing
from actions.retry import NEUTRAL

Slots = dict[str, Any]
# A clear yes to "信息对吗？对的话我就提交了": nothing else submits ("还是申请特困吧" holds a 是 too).
CONFIRMS = re.compile(r"^(对|对的|对头|是|是的|没错|没问题|确认|提交|确认提交|可以|好|好的|行|要得|嗯|嗯嗯|都对|全对|对了|对着呢|"
                      r"没得问题|莫得问题|冇得问题|系|系啊|中|ok|OK)(的|滴|个|咧|嘞|哈|嘛|啊|呀|噻|撒|哦|了|咯|喔|哟|噢)*"
                      r"[，,。.!！ ]*(提交|提交吧|交吧|确认|对的)?[。.!！]*$")


UNCLEAR = -1  # a family member is meant, not said which
MEMBER_INCOME = "每月收入"  # a family member's income line at the read-back: "李四每月收入：800元", its button "改李四每月收入"
ROUGH = "（大概数，请工作人员核实）"
NOT_SAID = "没说（工作人员会核实）"  # a figure she did not know ("不晓得"), never "0元" under the truthfulness promise


def as_said(said: str) -> str:
    """An approximate amount as the read-back says it: as said ("100多", "约三四百": a range is the rough figure it is)."""
    return said if re.search(r"约|大概|左右|多|来", said) else f"约{said}"


def member_income_lines(members: list[dict]) -> list[tuple[str, str]]:
    """Each family member's income on its own line, after the applicant's (a tester's read-back showed only hers)."""
    return [(f"{m['name']}{MEMBER_INCOME}", NOT_SAID if m.get("income_skipped") else f"{as_said(m['income_said'])}元{ROUGH}"
             if m.get("income_said") else f"{parsing.as_typed(m.get('income') or 0)}元") for m in members]


def household_income(tracker: Tracker, figure: str) -> str:
    """The income line's value: the household's income as said and, with family members listed, the applicant's own
    part as filed (the rest: "全家一共1500元，其中张秀英自己700元"); with a member's income not known, whose the rest is."""
    listed = tracker.get_slot("members") or []
    if not listed or household.household_unknown(tracker):
        return figure
    rough = "约" if (tracker.get_slot(amount_answers.SAID) or {}).get("monthly_income") or any(
        m.get("income_said") for m in listed) else ""
    names = [tracker.get_slot("applicant_name") or "申请人", *(m["name"] for m in listed if m.get("income_skipped"))]
    whose = f"{names[0]}自己" if len(names) == 1 else f"{'和'.join(names)}加起来"
    own = parsing.as_typed(household.own_income(tracker.get_slot("monthly_income"), listed))
    return f"全家一共{figure}，其中{whose}{rough}{own}元"


def member_fixed(text: str, tracker: Tracker) -> int | None:
    """Which member's income line a 改 button asks again ("改李四每月收入"), else None."""
    named = re.fullmatch(r"改(.+)" + MEMBER_INCOME, text.strip())
    members = tracker.get_slot("members") or []
    return next((i for i, m in enumerate(members) if named and m.get("name") == named.group(1)), None)


def member_meant(text: str, tracker: Tracker) -> int | None:
    """Which family member a correction speaks of (her place in `members`): by her name, by what she is to the
    applicant ("儿子的收入"), or, filing for oneself with one member, "她/他". None: the applicant's own answer — for a
    helper "他/她" is the applicant (a grid worker's "他收入不对" once re-asked the whole household and lost the son)."""
    members = tracker.get_slot("members") or []
    named = [i for i, m in enumerate(members) if m.get("name") and m["name"] in text]
    if len(named) == 1:
        return named[0]
    helper = tracker.get_slot("filing_for") == "other"
    own_kin = helper and re.search(r"我(的|家)?(" + parsing.KIN_PATTERN + ")", text)  # "我妈": the applicant, from his side
    relation = None if own_kin else parsing.parse_relation(text)
    related = [i for i, m in enumerate(members) if relation and m.get("relation") == relation]
    if len(related) == 1:
        return related[0]
    if members and (len(named) > 1 or len(related) > 1 or (not helper and re.search(r"她|他", text))):
        return 0 if len(members) == 1 else UNCLEAR
    return None


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
        if (fixed := member_fixed(text, tracker)) is not None:
            return await self._correct_member_income(fixed, None, dispatcher, tracker)  # her income asked again
        field, said = corrections.read_correction(text)
        who = member_meant(text, tracker) if field is not None and field.key == "monthly_income" else None
        if who is not None:
            # "她的收入不是一千，是一千一": a family member's income, not the applicant's; only hers is changed.
            return await self._correct_member_income(who, said, dispatcher, tracker)
        if field is not None:
            return await self._correct(field, said, dispatcher, tracker, domain)
        if (bare := corrections.bare_answer(text)) is not None:
            # "不对 是一千二" at the read-back: the income said again (it was once taken for 先不提交); never a no.
            if parsing.read_amount(bare) is not None:
                return await self._correct(corrections.BY_LABEL["每月收入"], bare, dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_which_wrong")
            return {"confirmed": None, NEUTRAL: True}
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

    async def _correct_member_income(self, who: int, said: str | None, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        """One family member's income corrected: to the figure said with it, or her income asked again (she is kept,
        and so is everyone else)."""
        again: Slots = {"confirmed": None, NEUTRAL: True}
        members = [dict(m) for m in tracker.get_slot("members") or []]
        if who == UNCLEAR:
            dispatcher.utter_message(response="utter_which_member", names="、".join(m["name"] for m in members),
                                     example=members[0]["name"])
            return again
        member = members[who]
        found = parsing.read_amount(said, per_month=True) if said else None
        taken = await amount_answers.take({"member_income": found}, dispatcher, tracker) if found is not None else {}
        if taken.get("member_income") is not None:
            member["income"] = taken["member_income"]
            member.pop("income_said", None)
            member.pop("income_skipped", None)
            if found is not None and found.approximate:
                member["income_said"] = found.said or f"约{parsing.as_typed(found.value)}"
            dispatcher.utter_message(response="utter_corrected", label=f"{member['name']}的收入")
            if household.household_short(tracker, members, dispatcher):
                # More than the household's income said: that is asked again (hers is the rest), then the read-back.
                return {"members": members, amount_answers.TO_CONFIRM: None, "monthly_income": None, "confirmed": None}
            return {"members": members, amount_answers.TO_CONFIRM: None, **again}
        # Her income asked again (an amount far above the usual is asked there too): she goes back to the member questions.
        return {"members": members[:who] + members[who + 1:], "member_name": member["name"], "member_id": member["id_number"],
                "member_relation": member["relation"], "member_income": None, "more_members": True,
                **{k: v for k, v in taken.items() if k == amount_answers.TO_CONFIRM}, **again}

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
