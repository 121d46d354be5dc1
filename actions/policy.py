"""Policy questions: forward type × aspect × region to the backend and say its answer."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendError, BackendUnavailable, get_client

ASSISTANCE_TYPES = {"低保", "特困", "临时救助", "低保边缘", "刚性支出困难", "医疗救助", "教育救助", "住房救助", "就业救助"}
ASPECTS = {"条件", "标准", "材料", "流程", "时限"}


class ActionAnswerPolicy(Action):
    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        assistance_type = tracker.get_slot("assistance_type")
        aspect = tracker.get_slot("policy_aspect")
        try:
            result = await get_client().policy_answer(
                assistance_type=assistance_type if assistance_type in ASSISTANCE_TYPES else "低保",
                aspect=aspect if aspect in ASPECTS else "标准",
                region=tracker.get_slot("region"),
            )
        except BackendUnavailable:
            dispatcher.utter_message(response="utter_backend_unavailable")
            return [SlotSet("policy_pending", False)]
        except BackendError as err:
            dispatcher.utter_message(text=err.message)
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
