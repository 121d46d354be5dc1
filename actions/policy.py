"""Policy questions: forward type × aspect × place to the backend and say its answer.

Which places have figures, what to say for a place that has none, and which answers offer the pre-check are
the backend's (GET /policy/answer); this module only decides what this message named.
"""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import callbacks, drafts, precheck_result, readback, readback_asides
from actions import home_help, paper_wait, signing_ways
from actions.readback_asides import READBACK_SHORT
from actions.backend_client import call, get_client

SAID_MAX = 200  # the backend reads at most this much of the question for a place named in it
REGION_MAX = 32  # a place said on its own; a longer answer goes as `said`, where a 省/市 named in it is found

# Asking whether there is help or how much ("修房子有没得补助", "房子遭水淹了 能补好多", "临时救助能给好多钱"): a question,
# whatever the NLU read. A tester's question after her 急难 report opened a new report.
HELP = re.compile(r"补助|补贴|补偿|资助|报销|政策|能补|给补|补好多|补多少|给好多|给多少|发好多|发多少|好多钱|多少钱")
ASKS = re.compile(r"有没得|有没有|有莫得|有不有|能不能|能否|可不可以|可以不|行不行|多少|好多|咋个|怎么|如何|哪里|哪点|啥子|"
                  r"什么|找哪|找谁|吗|嘛|[？?]|[不没][。！!？?～~]*$")


def asks_about_help(text: str, *, reported: bool) -> bool:
    """A question about help or money, never a 急难 to report: once one is reported in this chat, whatever else it says;
    before, only when it says nothing happening now ("房子垮了 有没得补助" is reported first, the question after)."""
    text = text.strip()
    if text.startswith("/") or not (HELP.search(text) and ASKS.search(text)):
        return False
    return reported or not callbacks.HAPPENED.search(text)


async def answer_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A question read as a 急难 report: answered as the policy question it is (the backend says what helps repair a
    house, or the type's answer), nothing filed or added to the report; then the next message."""
    return [*await ActionAnswerPolicy().run(dispatcher, tracker, {}), FollowupAction("action_listen")]


def _named(tracker: Tracker, entity: str) -> str | None:
    """The last value of `entity` in this message (inside a form an entity does not fill its slot: domain.yml)."""
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return values[-1] if values else None


class ActionAnswerPolicy(Action):
    """A policy question. A place named in this message wins over the region the conversation held: the message
    goes along as `said` and the backend finds a city named in it even where the NLU tagged none."""

    # True for the answer to our own "您在哪个地方？": the whole message is the place.
    answers_place_question = False

    def name(self) -> str:
        return "action_answer_policy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not tracker.active_loop_name and precheck_result.answered(dispatcher, tracker, tracker.latest_message.get("text") or ""):
            return [SlotSet("policy_pending", False)]  # "那就是说低保吃不到哇" after a result: that result, not the standard's text
        if not tracker.active_loop_name and home_help.asks(tracker.latest_message.get("text") or ""):
            return [SlotSet("policy_pending", False), *home_help.answer(dispatcher, tracker)]  # "可不可以来屋头帮我弄"
        if paper_wait.waiting(tracker) and signing_ways.asks(tracker, tracker.latest_message.get("text") or ""):
            signing_ways.before_filing(dispatcher, tracker)  # "核对授权书他不会用手机 怎么签" while the 委托书 waits
            return [SlotSet("policy_pending", False)]
        if drafts.asks_paper_upload(tracker.latest_message.get("text") or ""):
            # "委托书要怎么传" read as a question about materials: how the signed form comes in (its link, when it can).
            await drafts.answer_paper_upload(dispatcher, tracker)
            return [SlotSet("policy_pending", False)]
        at_readback = tracker.active_loop_name == "application_form" and tracker.get_slot("requested_slot") == "confirmed"
        if at_readback and readback.asks_eligibility(tracker.latest_message.get("text") or ""):
            # "那她1200超了770 还能办吗" at the read-back: about this application, answered from it (actions/readback.py).
            await readback.answer_eligibility(dispatcher, tracker, tracker.latest_message.get("text") or "")
            return [SlotSet("policy_pending", False), SlotSet(READBACK_SHORT, True)]
        if at_readback and (wanted := readback_asides.type_wanted(tracker.latest_message.get("text") or "", tracker)):
            dispatcher.utter_message(response="utter_corrected", label="申请类型")  # said, then the read-back with it
            return [SlotSet("policy_pending", False), SlotSet("assistance_type", wanted)]
        if at_readback and await readback_asides.answered(dispatcher, tracker, tracker.latest_message.get("text") or ""):
            return [SlotSet("policy_pending", False), SlotSet(READBACK_SHORT, True)]  # "啥子时候有人上门来看嘛": the visit
        assistance_type = _named(tracker, "assistance_type") or tracker.get_slot("assistance_type")
        aspect = tracker.get_slot("policy_aspect")
        text = " ".join((tracker.latest_message.get("text") or "").split())[:SAID_MAX]
        region, said = _named(tracker, "region"), text or None
        if region is None and self.answers_place_question and len(text) <= REGION_MAX:
            region, said = text or None, None
        elif region is None:
            region = tracker.get_slot("region")
        elif self.answers_place_question:
            said = None
        client = get_client()
        # The types and aspects answered, and what to assume when none was named, are the backend's.
        offer = await call(dispatcher, client.offer())
        result = offer and await call(dispatcher, client.policy_answer(
            assistance_type=assistance_type if assistance_type in offer["question_types"] else offer["default_type"],
            aspect=aspect if aspect in offer["aspects"] else offer["default_aspect"],
            region=region, area_code=tracker.get_slot("area_code"), said=said,
        ))
        if result is None:
            return [SlotSet("policy_pending", False)]

        if result.get("needs_region"):
            if result.get("national") and not self.answers_place_question:
                # The national rule at once; the local figures once we know where.
                dispatcher.utter_message(text=result["national"])
            if self.answers_place_question:
                # We asked once and what came back is no place we can find: say so, do not ask again.
                dispatcher.utter_message(response="utter_region_unknown")
                return [SlotSet("policy_pending", False), SlotSet("region", None)]
            if tracker.active_loop_name:
                # Inside a form the next message answers the form's question, not ours: say how to ask.
                dispatcher.utter_message(response="utter_policy_region_later")
                return [SlotSet("policy_pending", False)]
            # The places offered are the ones the backend has figures for, never a list kept here.
            buttons = [{"title": r, "payload": f'/inform{{"region":"{r}"}}'} for r in offer["regions"]]
            dispatcher.utter_message(response="utter_ask_region", buttons=buttons)
            return [SlotSet("policy_pending", True)]
        dispatcher.utter_message(text=result["answer"])
        if result.get("offer_precheck") and not tracker.active_loop_name:
            # "有车的人能不能吃低保" reads as a policy question or as a pre-check: answer it, then offer the other.
            dispatcher.utter_message(response="utter_offer_precheck")
        # At the read-back, then one short line asks again, never the whole read-back (actions/readback_asides.py).
        events: list[dict[str, Any]] = [SlotSet("policy_pending", False)] + ([SlotSet(READBACK_SHORT, True)] if at_readback else [])
        if result.get("region"):
            events.append(SlotSet("region", result["region"]))
        elif result.get("place"):
            # A place without figures here is not kept: other journeys use `region` for its figures.
            events.append(SlotSet("region", None))
        return events


class ActionAnswerPolicyForPlace(ActionAnswerPolicy):
    """The answer to "您在哪个地方？" (rule "the place we asked for"). Its own name, so that its rule can say the
    slot it always resets (policy_pending: false) without every rule with `action_answer_policy` having to: Rasa
    checks that an action's rules set the same slots, and the general one sets policy_pending either way."""

    answers_place_question = True

    def name(self) -> str:
        return "action_answer_policy_for_place"
