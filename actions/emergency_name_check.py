"""The name said against the ID number's record, in the 急难 report: checked when the number is given, said once.

A daughter gave her father's ID number with the name people call him ("何老汉 500222194203060034"); the name was
checked against the number only at "报上去", and "对不上" sent her back to the name and ID questions again and again:
the report could not be filed. Now a 称呼 is never checked (actions/emergency_others.py: it is nobody's registered
name); a real-looking name is checked as soon as the number comes (POST /persons/check-name: matches, or not, or not
recorded). Not matching: said once, and which is right asked (action_ask_emergency_form_applicant_name); whatever
comes then is taken, and a report still not matching goes to the street with the number noted for the caseworker
(actions/emergency_report.py), never back to the questions."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency, emergency_others, parsing
from actions.backend_client import BackendError, BackendUnavailable, get_client

ABOUT, ID_CHECK, ID_UNVERIFIED = emergency.ABOUT, emergency.ID_CHECK, emergency.ID_UNVERIFIED
ASKED = "asked"  # ID_CHECK while "which is right" is the question
NAME_SAID = "name_said"  # ABOUT: the name said with the number, kept while which is right is asked


async def matches(name: str, number: str) -> bool | None:
    """The backend's answer; None when the number is not recorded, or the backend cannot say now (never a reason to
    hold a report up)."""
    try:
        return (await get_client().check_name(name, number)).get("matches")
    except (BackendError, BackendUnavailable):
        return None


def _after(tracker: Tracker, events: list[dict]) -> dict[str, Any]:
    values = {k: tracker.get_slot(k) for k in ("applicant_name", "applicant_id", ABOUT)}
    values.update({e["name"]: e["value"] for e in events if e.get("event") == "slot" and e.get("name") in values})
    return values


def _with_about(events: list[dict], heard: dict[str, Any]) -> list[dict]:
    return [e for e in events if e.get("name") != ABOUT] + [SlotSet(ABOUT, heard)]


class NameAgainstId:
    """Mixin for the 急难 form's validator (first in its bases)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list[dict]:
        heard = dict(tracker.get_slot(ABOUT) or {})
        text = str(tracker.latest_message.get("text") or "").strip()
        asked = heard.get(ID_CHECK) == ASKED and tracker.get_slot("requested_slot") == "applicant_name"
        if asked and "applicant_name" in tracker.slots_to_validate() and not emergency_others.called_name(text) \
                and not emergency.aside(text) and not emergency.distressed(text):
            return await self._which_is_right(text, heard, dispatcher, tracker)
        events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        after = _after(tracker, events)
        heard = dict(after[ABOUT] or {})
        if heard.get("called"):
            # A 称呼 after all ("何老汉"): no registered name to compare with.
            return _with_about(events, {k: v for k, v in heard.items() if k not in (ID_CHECK, NAME_SAID)}) if ID_CHECK in heard else events
        new = any(e.get("name") in ("applicant_name", "applicant_id") and e.get("value") for e in events)
        before = heard.get(ID_CHECK)
        if not (new and after["applicant_name"] and after["applicant_id"]) or before == ASKED:
            return events
        found = await matches(after["applicant_name"], after["applicant_id"])  # again when either is corrected
        if found is not False or before == ID_UNVERIFIED:
            # Matching; nothing to compare; or not matching, said once already (filed with the number noted).
            check = "ok" if found else ID_UNVERIFIED if found is False else None
            return events if check == before else _with_about(events, {**heard, ID_CHECK: check})
        # Said once, by the name question's own ask (which is right); the name waits, the number stays.
        heard.update({ID_CHECK: ASKED, NAME_SAID: after["applicant_name"]})
        return _with_about([e for e in events if e.get("name") != "applicant_name"] + [SlotSet("applicant_name", None)], heard)

    async def _which_is_right(self, text: str, heard: dict[str, Any], dispatcher: CollectingDispatcher,
                              tracker: Tracker) -> list[dict]:
        """The answer to "which is right": a name, a number, both, or "不晓得" — taken, and checked once more; still not
        matching (or not known) is filed all the same, the number noted for the caseworker."""
        name, id_text = parsing.split_name_and_id(text)
        number = tracker.get_slot("applicant_id")
        events: list[dict] = []
        if id_text:
            checked = await self._check_id("applicant_id", id_text, dispatcher, tracker)  # type: ignore[attr-defined]
            if checked.get("applicant_id"):
                number = checked["applicant_id"]
                events.append(SlotSet("applicant_id", number))
        name = name or heard.get(NAME_SAID)
        found = await matches(name, number) if (name != heard.get(NAME_SAID) or events) and name and number else False
        heard = {k: v for k, v in heard.items() if k != NAME_SAID}
        heard[ID_CHECK] = "ok" if found else ID_UNVERIFIED
        if not found:
            dispatcher.utter_message(response="utter_emergency_id_unverified")
        return [*events, SlotSet("applicant_name", name), SlotSet(ABOUT, heard)]


class ActionAskEmergencyName(Action):
    """The 急难 report's name question; right after the name and the number did not match, which of them is right."""

    def name(self) -> str:
        return "action_ask_emergency_form_applicant_name"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        heard = tracker.get_slot(ABOUT) or {}
        number = tracker.get_slot("applicant_id")
        if heard.get(ID_CHECK) == ASKED and heard.get(NAME_SAID) and number:
            dispatcher.utter_message(response="utter_emergency_name_differs", name=heard[NAME_SAID],
                                     masked=f"{number[:6]}********{number[-4:]}")
        else:
            dispatcher.utter_message(response="utter_ask_emergency_form_applicant_name")
        return []
