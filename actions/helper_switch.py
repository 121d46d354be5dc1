"""A person who said the application was for herself, and at her own name says it is for someone else."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing


class TurnsToHelper:
    """Mixin for the application form's validator (before the shared validators in the bases)."""

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
