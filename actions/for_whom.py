"""给自己还是帮别人 (the application's `filing_for`): 给自己 / 帮别人 as said, and a bare name.

A bare name there ("王秀英", "我叫王秀英") most likely means she applies for herself, or for the person named: the
name is kept for the name question (not asked again) and one short question confirms it, "是给王秀英本人申请吗？"
(bot/domain.yml: `utter_ask_filing_for` when `applicant_name` is set), its buttons 我就是王秀英 / 帮王秀英申请.
A tester's "王秀英" there got "没太明白".
"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.answers.kin import KIN_PATTERN
from actions.answers.names import COMMON_SURNAMES
from actions.neutral import NEUTRAL

Slots = dict[str, Any]
# "帮王秀英申请" (the confirming question's button), "替她办", "帮她": for someone else, the one named or meant.
HELPS = re.compile(r"(帮|替|代)(?P<who>[\u4e00-\u9fa5·]{1,10})")
# "给我们两个", "我和老伴两个", "我们一家": for herself and the one(s) living with her (a tester's "给我们两个" got
# "没太明白"). One household, one application: she applies, the others are its family members (asked later).
BOTH = re.compile(r"^(给|帮|为|是|就是|替)?(我们|咱们|俺们|我俩|咱俩|(我|俺)(和|跟|同|与)(我)?(的)?(" + KIN_PATTERN + r"|老头儿?|老太婆|老婆子))"
                  r"(两个|两口子|俩|二人|两人|一家|全家|一起|都|家)(人)?(的)?(申请|办|要)?(吧|嘛|啊|哈|呀|哦)?[。.!！]?$")
# What may come with a bare name: "我叫王秀英", "我是王秀英。"
NAME_LEAD = re.compile(r"^(我叫|我是|我就是|叫|名字叫|名字是|我的名字是|本人)|[\s，,。.!！]")


def confirming(tracker: Tracker) -> str | None:
    """The name the question just asked confirms: 给自己还是帮别人 asked in its plain wording with a name kept
    (the domain's variation says "是给{applicant_name}本人申请吗？" then)."""
    if tracker.get_slot("requested_slot") != "filing_for" or tracker.get_slot("ask_style"):
        return None
    return tracker.get_slot("applicant_name") or None


def _bare_name(text: str) -> str | None:
    """The name when the answer is only a name ("王秀英", "我叫王秀英"), else None."""
    name, id_text = parsing.split_name_and_id(text)
    return name if name and not id_text and NAME_LEAD.sub("", text) == name else None


def _helped(text: str) -> str | None:
    """Whom "帮X申请" names: "王秀英", "她", "别人"; None when it is not said that way."""
    m = HELPS.search(text)
    if m is None:
        return None
    return re.split(r"申请|办|填|弄|一下", m.group("who"))[0] or None


class ForWhom:
    """Mixin for the application form's validator."""

    def validate_filing_for(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> Slots:
        text = str(value or "").strip()
        if text in ("self", "other"):
            return {"filing_for": text}
        if BOTH.match(text.replace(" ", "")):
            dispatcher.utter_message(response="utter_filing_for_both")
            # Others live with her: the household question is not asked again (its members are, one by one).
            return {"filing_for": "self", **({} if tracker.get_slot("members") else {"more_members": True})}
        pending, helped = confirming(tracker), _helped(text)
        if pending and (helped and (helped in ("她", "他", "她老人家", "他老人家") or pending in helped) or re.search(r"给(她|他)", text)):
            return {"filing_for": "other"}  # "帮王秀英申请", "帮她": she is the applicant, the writer her helper
        if pending and not helped and parsing.parse_filing_for(text) != "other" and (
                parsing.is_bare_yes(text) or parsing.parse_yes_no(text) is True or text.replace("我就是", "") == pending):
            return {"filing_for": "self"}  # "是的", "我就是王秀英": for herself, her name already said
        if pending and parsing.parse_yes_no(text) is False and parsing.parse_filing_for(text) is None and not _bare_name(text):
            # "不是" to "是给王秀英本人申请吗？": whose name it was is not guessed; the plain question again.
            return {"filing_for": None, "applicant_name": None, NEUTRAL: True}
        if parsing.is_bare_yes(text):
            dispatcher.utter_message(response="utter_either_or")
            return {"filing_for": None, "ask_style": "help"}
        who = parsing.parse_filing_for(text)
        slots: Slots = {"filing_for": who}
        if who == "other":
            # "帮我奶奶" / "我是网格员李敏 帮王德贵申请" also says who the helper is (and whom he helps): not asked again.
            said = parsing.first_message_slots(text)
            slots.update({k: v for k, v in said.items()
                          if k in ("helper_kind", "helper_relation", "helper_name", "applicant_name") and not tracker.get_slot(k)})
            if pending:
                slots["applicant_name"] = said.get("applicant_name")  # "帮别人" to "是给王秀英本人申请吗？": not for her
        elif who is None and helped and (named := parsing.parse_name(helped)):
            slots.update({"filing_for": "other", "applicant_name": named})  # "帮王秀英申请"
        elif who is None and (named := _bare_name(text)) and named[0] in COMMON_SURNAMES:
            # Asked next: "是给王秀英本人申请吗？". Only with a common surname: "七星岗" (her street) is no one's name.
            slots["applicant_name"] = named
        return slots
