"""Policy questions: forward type × aspect × region to the backend and say its answer."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import call, get_client


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # A type named in this question first: inside a form the entity does not fill the slot (domain.yml).
        named = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "assistance_type"]
        assistance_type = named[-1] if named else tracker.get_slot("assistance_type")
        aspect = tracker.get_slot("policy_aspect")
        client = get_client()
        # The types and aspects answered, and what to assume when none was named, are the backend's.
        offer = await call(dispatcher, client.offer())
        result = offer and await call(dispatcher, client.policy_answer(
            assistance_type=assistance_type if assistance_type in offer["question_types"] else offer["default_type"],
            aspect=aspect if aspect in offer["aspects"] else offer["default_aspect"],
            region=tracker.get_slot("region"), area_code=tracker.get_slot("area_code"),
        ))
        if result is None:
            return [SlotSet("policy_pending", False)]

        if result.get("needs_region"):
            if tracker.get_slot("policy_pending") and tracker.get_slot("region"):
                # We asked once and the place they named is not one we hold standards for.
                dispatcher.utter_message(response="utter_region_unknown")
                return [SlotSet("policy_pending", False), SlotSet("region", None)]
            dispatcher.utter_message(response="utter_ask_region")
            return [SlotSet("policy_pending", True)]
        dispatcher.utter_message(text=result["answer"])
        events: list[dict[str, Any]] = [SlotSet("policy_pending", False)]
        if result.get("region"):
            events.append(SlotSet("region", result["region"]))
        return events
