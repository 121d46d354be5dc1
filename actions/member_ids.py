"""A household member's ID number sent after filing (身份证号待补). A member whose ID card was not at hand is filed by
name (actions/journeys.py sends members_later as such members: the backend counts them and marks them); the filing
reply and the progress say whose number is still needed and that she only has to send it. "我儿子的身份证号找到了
5001…", or the number alone with no form open, goes onto that member of her filed application through the backend
(POST /applications/{number}/members/{person_id}/id-number: its check digit, a number on record is that person,
encrypted, audited — the backend's rules): the member she named by name at once; the one her relation word or the
only one waiting is confirmed by name first ("是王小明的身份证号吗？"); several: which one. Her phone is checked first
in a new chat. The number is never kept as anything else (not her own ID, not an application's).

Imports no other action module but the leaves it needs: the loose answer, the fallback, the filing and the progress
use it."""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_found_id, parsing, wechat
from actions.backend_client import call, get_client

# The number said and whose it may be, while it is asked about or her phone is checked first:
# {"id_number", "said"} (phone first) | {"id_number", "member"} (是他的吗) | {"id_number", "choices"} (哪一位) |
# {"member"} (his number asked for, or asked again after a wrong check digit).
FOUND = "member_id_found"
ASKING = "member_id_asking"  # featurised: "是王小明的身份证号吗？" is open; its 是 / 不是 go to action_member_id
AFTER_VERIFY = "member_id"  # after_verify: her phone checked, the number goes on (actions/journeys.py ActionAfterVerify)
WRONG_ID = emergency_found_id.WRONG_ID  # the backend's code for a wrong check digit (or birth date)
# "我儿子的身份证号找到了", "身份证翻到了", "补一下王小明的身份证号", "找到他身份证了".
FOUND_WORDS = re.compile(r"身份证(?:号码?)?.{0,6}(?:找到|找着|找出来|翻到|翻出来|寻到|拿到|有了|补)"
                         r"|(?:补|找到|找着|翻到|翻出|拿到).{0,8}身份证")


def said_id(text: str) -> str | None:
    """The 18-character ID number in the words (spaces, dashes and spoken digits allowed), else None."""
    m = emergency_found_id.ID_SAID.search(re.sub(r"[\s-]", "", parsing.spoken_digits(text)).upper().replace("Ｘ", "X"))
    return m.group(0) if m else None


def about_member_id(text: str) -> bool:
    """The words say a family member's ID number was found or is sent now, number or not."""
    return bool(FOUND_WORDS.search(text)) or ("身份证" in text and parsing.parse_relation(text) is not None)


def say_filed(dispatcher: CollectingDispatcher, created: dict[str, Any]) -> None:
    """After filing: whose ID number is still needed (the backend marks them id_pending) and how to send it."""
    names = "、".join(m["name"] for m in created.get("members") or [] if m.get("id_pending"))
    if names:
        dispatcher.utter_message(response="utter_member_ids_still_needed", names=names)
        dispatcher.utter_message(response="utter_member_ids_how", names=names)


def say_how(dispatcher: CollectingDispatcher, progress: dict[str, Any]) -> None:
    """After the progress (whose `said` says whose number is still needed): how to send it."""
    names = "、".join(m["name"] for m in progress.get("ids_pending") or [])
    if names:
        dispatcher.utter_message(response="utter_member_ids_how", names=names)


async def waiting(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """Every member of her (or her principals') applications whose number is to come, from the backend; None: it failed
    (said)."""
    mine = await call(dispatcher, get_client().my_applications(tracker.get_slot("citizen_token")))
    if mine is None:
        return None
    return [{"number": a["number"], "person_id": m["person_id"], "name": m["name"], "relation": m.get("relation")}
            for a in mine for m in a.get("ids_pending") or []]


def _named(members: list[dict[str, Any]], text: str) -> tuple[list[dict[str, Any]], bool]:
    """Those the words name: by name (True), else by the relation word ("我儿子的": 子女)."""
    by_name = [m for m in members if m["name"] in text or (len(m["name"]) > 2 and m["name"][1:] in text)]
    if by_name:
        return by_name, True
    relation = parsing.parse_relation(text)
    return ([m for m in members if relation and m.get("relation") == relation] if relation else []), False


def _closed() -> list[EventType]:
    return [SlotSet(FOUND, None), SlotSet(ASKING, False)]


async def add(dispatcher: CollectingDispatcher, tracker: Tracker, member: dict[str, Any], id_number: str) -> list[EventType]:
    """The number onto that member of her application; the backend's reason said when it refuses (call), and a wrong
    check digit asked again kindly, the next number going to the same member."""
    refused: list[str] = []
    added = await call(dispatcher, get_client().add_member_id(tracker.get_slot("citizen_token"), member["number"],
                                                              member["person_id"], id_number), refused)
    if added is not None:
        dispatcher.utter_message(response="utter_member_id_added", name=added.get("name") or member["name"],
                                 masked=added.get("id_masked") or "", number=member["number"])
        return _closed()
    if WRONG_ID in refused:
        dispatcher.utter_message(response="utter_member_id_again", name=member["name"])
        return [SlotSet(FOUND, {"member": member}), SlotSet(ASKING, False)]
    return _closed()


async def decide(dispatcher: CollectingDispatcher, tracker: Tracker, members: list[dict[str, Any]], id_number: str | None,
                 text: str) -> list[EventType]:
    """Whose number it is: the one named by name takes it at once; one by relation or the only one waiting is asked
    by name; several: which one. Without a number said, his number is asked for."""
    if not members:
        dispatcher.utter_message(response="utter_member_ids_none")
        return _closed()
    named, by_name = _named(members, text)
    pool = named or members
    if len(pool) > 1:
        dispatcher.utter_message(response="utter_member_id_which", names="、".join(m["name"] for m in pool),
                                 buttons=[{"title": m["name"], "payload": f"{m['name']}的"} for m in pool[:6]])
        return [SlotSet(FOUND, {"id_number": id_number, "choices": pool}), SlotSet(ASKING, False)]
    [member] = pool
    if id_number is None:
        dispatcher.utter_message(response="utter_member_id_send", name=member["name"])
        return [SlotSet(FOUND, {"member": member}), SlotSet(ASKING, False)]
    if by_name:
        return await add(dispatcher, tracker, member, id_number)
    dispatcher.utter_message(response="utter_member_id_confirm", name=member["name"],
                             buttons=[{"title": "是的", "payload": "/affirm"}, {"title": "不是", "payload": "/deny"}])
    return [SlotSet(FOUND, {"id_number": id_number, "member": member}), SlotSet(ASKING, True)]


async def answered(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> list[EventType] | None:
    """The answer to what was asked about a number (which one, yes or no, his number); None: not an answer to it."""
    state = tracker.get_slot(FOUND) or {}
    number = said_id(text) or state.get("id_number")
    if state.get("choices"):
        named, _ = _named(state["choices"], text)
        if len(named) != 1:
            return None
        if number is None:
            dispatcher.utter_message(response="utter_member_id_send", name=named[0]["name"])
            return [SlotSet(FOUND, {"member": named[0]}), SlotSet(ASKING, False)]
        return await add(dispatcher, tracker, named[0], number)
    member, new = state.get("member"), said_id(text)
    if not member:
        return None
    if state.get("id_number"):  # "是王小明的身份证号吗？" was asked
        if new:
            return None  # another number instead of a yes or no: decided afresh
        if not tracker.get_slot(ASKING):
            return None  # left since (bot/domain.yml closes it): a later "是的" answers the question asked then
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        yes = True if intent == "affirm" else False if intent == "deny" else parsing.parse_yes_no(text)
        if yes is None:
            return None
        if yes:
            return await add(dispatcher, tracker, member, state["id_number"])
        dispatcher.utter_message(response="utter_member_id_not_kept", name=member["name"])
        return _closed()
    return await add(dispatcher, tracker, member, new) if new else None  # his number, asked for (or asked again)


async def found(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """Outside any form (the loose answer, the fallback): a family member's ID number sent, or the answer to what was
    asked about one; None when the message is not that (a 急难 report's found ID goes there: actions/emergency_found_id.py)."""
    text = str(tracker.latest_message.get("text") or "")
    if tracker.active_loop_name or emergency_found_id.found_id(tracker, text):
        return None  # a form's question takes its answer first (actions/form_first.py)
    if tracker.get_slot(FOUND) and not (tracker.get_slot(FOUND) or {}).get("said"):
        if (events := await answered(dispatcher, tracker, text)) is not None:
            return events
    number = said_id(text)
    about = about_member_id(text)
    if number is None and not about:
        return None
    if not tracker.get_slot("citizen_token"):
        return await verify_first(dispatcher, tracker, number, text) if about else None
    members = await waiting(dispatcher, tracker)
    if members is None:
        return []
    if not members and not about:
        return None  # a number alone, and nobody waits for one: not hers to guess here
    return await decide(dispatcher, tracker, members, number, text)


async def verify_first(dispatcher: CollectingDispatcher, tracker: Tracker, number: str | None, text: str) -> list[EventType]:
    """A new chat: her phone first (which applications are hers), the number kept for after it (action_after_verify)."""
    events: list[EventType] = [SlotSet("after_verify", AFTER_VERIFY), SlotSet(FOUND, {"id_number": number, "said": text}),
                               SlotSet(ASKING, False)]
    dispatcher.utter_message(response="utter_member_id_verify_first")
    if (bound := await wechat.bound_session(tracker, dispatcher)) is not None:
        return events + [SlotSet("verify_phone", bound["verified_phone"]), *(SlotSet(k, v) for k, v in bound.items()),
                         FollowupAction("verify_form")]
    return events + [SlotSet("verify_phone", None), SlotSet("verify_code", None), FollowupAction("verify_form")]


async def after_verify(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Her phone checked: the number said before it goes on (or is asked about) as it would have then."""
    state = tracker.get_slot(FOUND) or {}
    members = await waiting(dispatcher, tracker)
    events: list[EventType] = [SlotSet("after_verify", None)]
    if members is None:
        return events + _closed()
    return events + await decide(dispatcher, tracker, members, state.get("id_number"), str(state.get("said") or ""))


async def instead_of_applying(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """"我儿子的身份证号找到了 5001…" read as an application: the number goes to him, never into a new application's
    form (its ID question would have taken it as the applicant's). None: an application after all."""
    text = str(tracker.latest_message.get("text") or "")
    if not about_member_id(text) or parsing.APPLY_WORDS.search(text):
        return None
    events = await found(dispatcher, tracker)
    if events is None:
        return None
    return events if any(e.get("event") == "followup" for e in events) else events + [FollowupAction("action_listen")]


class ActionMemberId(Action):
    """是 / 不是 to "是王小明的身份证号吗？" (bot/data/rules.yml: member_id_asking)."""

    def name(self) -> str:
        return "action_member_id"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        events = await answered(dispatcher, tracker, str(tracker.latest_message.get("text") or ""))
        if events is None:
            dispatcher.utter_message(response="utter_default")
            return _closed()
        return events
