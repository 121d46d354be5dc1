"""One application after another in the same chat. A 网格员 filing for two old people ("还有一个人要申请", "再帮另一个人
申请低保") starts the second from clean answers: nothing of the first person (her name, ID number, income, consent, the
pre-check heard for her) comes along; who the helper is (her verified phone, her name, 网格员) stays. A first person's
form still being filled in (her paper 委托书 waiting, say) is kept as a draft for the verified phone first ("继续"
finds it again), never thrown away."""

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import consent, drafts
from actions.answers import all_at_once

# Beyond what a draft keeps and the form's own state (drafts.CLOSED), what else one application holds: cleared once it
# is over. Her consent code's phone and time too: the code was used, a second person on the same phone gets her own.
FILING_SLOTS = ("submission_key", "street_candidates", consent.SENT)
# "还有一个人要申请", "再帮另一个人申请低保", "另外一个婆婆也要办", "下一户", "再帮一个老人申请": another person, not the one
# asked about so far (never "再帮她申请特困": the same person, another type; never "还有个事").
PERSON = r"(人|老人|老年人|婆婆|爷爷|奶奶|大爷|大妈|老汉|孃孃|嬢嬢|阿姨|叔叔|居民|老头|老太|困难户|低保户|五保户)"
ANOTHER = re.compile(r"另外?一?(个|位|户|家)(?!问题|事|类|种|样)|下一(个|位|户|家)|(还有|再帮|再给|再替|再)一?(位|户|家|个" + PERSON + ")")


def _started(tracker: Tracker) -> bool:
    return any(tracker.get_slot(s) for s in ("applicant_name", "applicant_id", "street", "filing_for"))


def says_another(tracker: Tracker) -> bool:
    """This message asks to apply for another person, after an application of this chat was filed or while one is being
    filled in (then for someone other than the one named in it)."""
    text = tracker.latest_message.get("text") or ""
    if not ANOTHER.search(text) or not (tracker.get_slot("application_no") or _started(tracker)):
        return False
    named = tracker.get_slot("applicant_name")
    return not (named and named in text)


# "再帮另外一个办", "还有一个人要申请": asking for the next person, whatever the NLU read (APPLY_WORDS wants "办嘛").
TO_FILE = re.compile(r"申请|办|报|填|弄")


def starts_another(tracker: Tracker) -> bool:
    """This message starts an application for another person (says_another, and to file: 申请, 办, 报 …)."""
    return says_another(tracker) and bool(TO_FILE.search(tracker.latest_message.get("text") or ""))


def said_of_her(tracker: Tracker) -> dict[str, str]:
    """What the message that asks for the next person already says of her ("那我再帮另外一个办 陈秀英 5001… 1380…"): her
    name, ID number and phone (and any other answer said with them), in its words, found by all_at_once.found; each is read
    by its own question's validator as the form opens, as a first message's are. Never the helper's own phone."""
    said = all_at_once.found(tracker.latest_message.get("text") or "", "other")
    if said.get("applicant_phone") and said["applicant_phone"] == tracker.get_slot("verified_phone"):
        said.pop("applicant_phone")
    return said


async def next_person(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Clean answers for the next person, for someone else (also applied to `tracker`, so what follows reads them). The
    one being filled in is saved for the verified phone first; [] when it cannot be (no verified phone yet): nothing is
    thrown away, the form goes on with it as before."""
    kept = drafts.answers(tracker)
    worth = kept.get("applicant_name") or kept.get("applicant_id") or kept.get("street")
    if worth and not await drafts.keep(dispatcher, tracker):
        return []
    cleared = {k: None for k in (*drafts.CLOSED, *FILING_SLOTS, "paused_form") if k not in drafts.HELPER_OWN}
    cleared["filing_for"] = "other"  # by the helper who filed before, or by the one who filed for herself
    cleared.update(said_of_her(tracker))  # a tester's "…另外一个办 陈秀英 5001… 1380…" was not understood
    tracker.slots.update(cleared)
    dispatcher.utter_message(response="utter_next_person")
    return [SlotSet(k, v) for k, v in cleared.items()]
