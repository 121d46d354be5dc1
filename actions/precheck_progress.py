"""A progress query in the middle of the pre-check ("查进度", its button; actions/precheck_asides.py): the pre-check waits
with every answer kept, and progress is answered the way the rules answer it outside a form — at once for a verified
phone, else after its code (verify_form, then the rule "phone verified"). Then "继续" goes back to the question asked."""

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import journeys


class ActionProgressAside(Action):
    def name(self) -> str:
        return "action_progress_aside"  # precheck_asides.PROGRESS_ASIDE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return await journeys.progress_instead(dispatcher, tracker)
