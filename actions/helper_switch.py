"""A person who said the application was for herself, and at her own name says it is for someone else; and a helper who
answers "您怎么称呼？" with only that it is for someone else ("我是帮别人弄的")."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import members, parsing
from actions.answers.names import OTHERS

# "帮别人", "我是帮别人弄的", "是替人家办的" where her own name is asked ("您怎么称呼？"): a yes to filing for someone else,
# never a name (it got "没太明白"); said back kindly, and her own name asked again in plainer words.
FOR_OTHERS = re.compile(r"^(?:不是我(?:自己)?|我|我是|我就是|是|就是|我都说了|都说了|说了)?(?:在)?(?:帮|替|给|代|为)(?:"
                        + "|".join(OTHERS) + r"|人)(?:的)?(?:申请|弄|办|填|搞|办理|问)?(?:的)?(?:嘛|噻|哦|啊|呀|哈|了|哟|喔)*$")


def says_for_others(text: str) -> bool:
    """Only that it is for someone else, no name with it."""
    return bool(FOR_OTHERS.match(re.sub(r"[\s，,。.!！~～、]", "", text)))


class TurnsToHelper:
    """Mixin for the application form's validator (before the shared validators in the bases)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        """A helper putting her own name right at any other question ("不对 我叫张丽 陈德明是那个老人家" at the phone
        question, "代办人名字不对，是张丽" at the read-back): changed, said in one line, then the open question again."""
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        if requested == "helper_name" and requested in tracker.slots_to_validate() and says_for_others(text):
            dispatcher.utter_message(response="utter_helper_name_for_others")  # "好的，是帮别人办的" and her name again
            return [SlotSet("helper_name", None), SlotSet("ask_style", "simple")]
        fixed = members.helper_renamed(text, tracker) if requested not in (None, "helper_name") else None
        if fixed is None:
            return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        response = "utter_helper_renamed_principal" if fixed.get("applicant_name") else "utter_helper_renamed"
        dispatcher.utter_message(response=response, **fixed)
        return [SlotSet(k, v) for k, v in fixed.items()] + [SlotSet(requested, None)]

    async def validate_applicant_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """"哦不是，是帮我妈申请" where her own name is asked: she is a helper after all. The form turns to the
        helper's questions (what was said about the helper is kept), then asks the applicant's name again."""
        text = str(value or "").strip()
        if (tracker.get_slot("filing_for") == "self" and not tracker.get_slot("citizen_token")
                and not re.search(r"\d", text) and parsing.changes_to_other(text)):
            dispatcher.utter_message(response="utter_filing_for_other_now")
            slots: dict[str, Any] = {"filing_for": "other", "applicant_name": None}
            slots.update({k: v for k, v in parsing.first_message_slots(text).items()
                          if k in ("helper_kind", "helper_relation")})
            return slots
        return await super().validate_applicant_name(value, dispatcher, tracker, domain)  # type: ignore[misc]
