"""How someone still signs the 核对授权书, asked as a question (session 9, helper G9).

A grandson for his bedridden grandfather with no phone asked "爷爷没有手机 也走不了路 咋签啊" and heard "您的授权里还不包括
代为刷脸签核对授权书…" with a button to send a code to a man with no phone; "核对授权书怎么签" asked again sent the code.
A question is answered here, never a code nor a face link: for each person who has not signed, by name, from the
backend's read of their ways (GET /liveness/applications/{number}/signatures/ways, backend/authorizations/ways.py) —
with no phone the paper at the home visit and a helper's phone; with an ID number to come, that number first. Before
the application is handed in (or while the paper 委托书 is still to come), signing comes after it."""

import re
from collections.abc import Awaitable, Callable

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import drafts, paper_wait
from actions.backend_client import call, get_client

MODE = "signing_ways"  # the slot after_verify: answer how each one signs once the phone is verified
SIGNING = re.compile(r"签|授权书|按手印|手印")
HOW = re.compile(r"怎么|咋|如何|哪里|哪点|哪儿|在哪|啥子办法|什么办法|能不能|可不可以|行不行|行不|可以不|得不得|"
                 r"没(有|得)?手机|莫得手机|不会用手机|走不了|走不动|去不了|来不了|下不了床|瘫|上门|到屋|入户|按手印|纸上|[?？吗嘛呢]")
# Said after a signing answer or a face link, without the word 签: "那爷爷的呢 他没手机", "能不能上门".
FOLLOW_UP = re.compile(r"没(有|得)?手机|莫得手机|走不了|走不动|去不了|来不了|下不了床|瘫|上门|到屋头来|按手印|纸上|的呢")
# "刷脸签", "发链接", the scope button's payload: the face way itself, asked for (actions/face.py).
WANTS_FACE = re.compile(r"^/|(现在|我要|要|帮他|帮她|用我的手机|就)?刷脸(签)?$|发.{0,4}链接|^(好|可以|行)[，,]?.{0,4}(发|刷脸)")

# The 委托书 or its photo named with the 核对授权书: which paper is which is said too.
BOTH_PAPERS = re.compile(r"委托书|拍|照片|一起")


def asks(tracker: Tracker, text: str) -> bool:
    """A question about how someone signs the 核对授权书 — not the wish to sign now by face."""
    text = text.strip()
    if not text or WANTS_FACE.search(text) or ("委托书" in text and not drafts.NAMES_CHECK_FORM.search(text)):
        return False  # the paper 委托书 (consent to file) is actions/drafts.py's; the face way is actions/face.py's
    if SIGNING.search(text) and HOW.search(text):
        return True
    return tracker.get_slot("after_verify") in ("authorization", MODE) and bool(FOLLOW_UP.search(text))


def before_filing(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Nothing handed in yet: signing comes after it (and, while the paper 委托书 is to come, what is still missing)."""
    dispatcher.utter_message(response="utter_signing_after_filing")
    if paper_wait.waiting(tracker) and BOTH_PAPERS.search(str(tracker.latest_message.get("text") or "")):
        # "核对授权书…是不是跟委托书一起拍？": two papers, only the 委托书 is photographed now (tester t5).
        dispatcher.utter_message(response="utter_signing_not_the_paper_form",
                                 applicant_name=tracker.get_slot("applicant_name") or "本人")
    paper_wait.remind(dispatcher, tracker)


async def start(dispatcher: CollectingDispatcher, tracker: Tracker,
                start_query: Callable[[CollectingDispatcher, Tracker], Awaitable[list[EventType]]]) -> list[EventType]:
    """The question heard (sign_authorization or any path to a verified query): answered after the phone is verified
    (the rules then run verify_form or action_after_verify); while the paper 委托书 is to come, answered at once."""
    if paper_wait.waiting(tracker):
        before_filing(dispatcher, tracker)
        return [UserUtteranceReverted()]
    events = await start_query(dispatcher, tracker)
    kept = [e for e in events if not (e.get("event") == "slot" and e.get("name") == "after_verify")]
    return kept + [SlotSet("after_verify", MODE)]


async def after_verify(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """His phone is verified: the case he asked about (the one in this chat, else his first), or before filing."""
    token = tracker.get_slot("citizen_token")
    mine = await call(dispatcher, get_client().my_applications(token))
    if mine is None:
        return []
    numbers = [a["number"] for a in mine]
    asked = tracker.get_slot("application_no")
    number = asked if asked in numbers else next(iter(numbers), None)
    if number is None:
        before_filing(dispatcher, tracker)
        return []
    return await say(dispatcher, tracker, token, number)


async def say(dispatcher: CollectingDispatcher, tracker: Tracker, token: str, number: str) -> list[EventType]:
    """Each unsigned person by name, with the ways the backend allows; nothing is sent."""
    read = await call(dispatcher, get_client().signature_ways(token, number))
    if read is None:
        return []
    unsigned = read.get("unsigned") or []
    if not unsigned:
        dispatcher.utter_message(response="utter_signing_all_done", number=number)
        return [SlotSet("application_no", number), SlotSet("after_verify", MODE)]
    dispatcher.utter_message(response="utter_signing_unsigned", names="、".join(p["name"] for p in unsigned))
    face = False
    for person in unsigned:
        name, ways = person["name"], person.get("ways") or []
        if person.get("id_pending") or not ways:
            dispatcher.utter_message(response="utter_signing_id_first", name=name)
            continue
        if "face_own_phone" in ways:
            dispatcher.utter_message(response="utter_signing_own_phone", name=name)
        if "staff_home_visit" in ways:
            dispatcher.utter_message(response="utter_signing_home_visit", name=name)
        if "face_helper_phone" in ways:
            photo = "" if person.get("has_reference") else "（要先发一张本人身份证的照片）"
            dispatcher.utter_message(response="utter_signing_helper_phone", name=name, photo=photo)
        face = face or any(w.startswith("face_") for w in ways)
    if face:
        dispatcher.utter_message(response="utter_signing_face_if_wanted")
    return [SlotSet("application_no", number), SlotSet("after_verify", MODE)]
