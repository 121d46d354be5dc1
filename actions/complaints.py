"""The complaint form, and where to complain asked as a question.

"投诉是找哪个" / "投诉找哪个部门" was filed as a complaint (a tester's question became TS000012). A question about where
or how to complain is answered — this chat passes a complaint on as said (with a reference and a day to answer by),
the office of her street and its number where on file, its 监督电话 where the office data has one
(backend/regions/data/offices.yaml, `supervision_phone`), and 12345 — and a complaint is offered: only what went wrong
is ever filed (the form asks for it; "算了" leaves it). (Split from actions/forms.py.)"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import callbacks, emergency_booked, paper_wait, parsing
from actions.backend_client import call, get_client
from actions.retry import NEUTRAL, RetryingFormValidationAction

# Asking where or how, about complaining; never what went wrong ("投诉街道那个人怎么不办事" is a complaint).
ABOUT = re.compile(r"投诉|举报|申诉|监督电话|反映问题")
WHERE = re.compile(r"找哪|找谁|找啥|哪个部门|哪个单位|什么部门|啥部门|啥子部门|哪里|哪儿|哪点|哪边|在哪|去哪|怎么|咋个|咋|如何|"
                   r"什么渠道|啥渠道|什么地方|啥地方|电话|号码|热线|有没有地方|哪个管")
ASKING = re.compile(r"能不能|可不可以|可以不|是不是|有没有")  # the question's own negatives, not a grievance
GRIEVANCE = re.compile(r"不|没|莫|拖|卡|要钱|好处|红包|骂|凶|态度|乱|欺负|漏|泄露")
FILLERS = re.compile(r"[\s，,。.!！?？~～、…]|呢|嘛|啊|哦|哈|噻|撒|吗|喃|哟|请问|我想问|想问|问一下|一下")
SHORT = 14  # a question, not a story: longer messages say what went wrong


def asks_where(text: str) -> bool:
    """"投诉是找哪个", "投诉找哪个部门", "投诉电话多少", "在哪里投诉", "能不能投诉": where or how to complain."""
    bare = FILLERS.sub("", text)
    if not bare or len(bare) > SHORT or not ABOUT.search(bare):
        return False
    return bool(WHERE.search(bare) or ASKING.search(bare)) and not GRIEVANCE.search(ASKING.sub("", bare))


async def answer_where(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The ways to complain, from the office data as the backend has it (never a number made up)."""
    office = await callbacks.office_of(dispatcher, tracker)  # {} when no street is known
    dispatcher.utter_message(response="utter_complaint_where")
    callbacks.say_office(dispatcher, office, ("utter_complaint_where_office_phone", "utter_complaint_where_office",
                                              "utter_complaint_where_any_office"))
    if office.get("supervision_phone"):
        dispatcher.utter_message(response="utter_complaint_supervision_phone", office_name=office["office_name"],
                                 supervision_phone=office["supervision_phone"])
    dispatcher.utter_message(response="utter_complaint_where_hotline")


# A complaint is filed only when she complains: a word of complaining, or something done wrong. A question with neither
# ("他们收了以后是不是就算交了？还要我再上来说继续不") is answered. The NLU reads many such questions as "complain".
SAYS_COMPLAINT = re.compile(r"投诉|举报|申诉|曝光|告(他|她|他们|状)|反映(一下|个|问题|情况)")
WRONG_DONE = re.compile(r"拖|卡起|卡着|压着|要钱|好处|红包|骂|凶|态度|欺负|泄露|不管|不办|不理|刁难|推来推去|吃拿|敷衍|冷漠|"
                        r"没人管|没人理|乱收|乱来|黑|贪")


def only_a_question(text: str) -> bool:
    return paper_wait.is_question(text) and not SAYS_COMPLAINT.search(text) and not WRONG_DONE.search(text)


def left() -> list[EventType]:
    """The complaint form left with nothing filed."""
    return [ActionExecutionRejected("complaint_form"), ActiveLoop(None), SlotSet("requested_slot", None),
            SlotSet("complaint_text", None), SlotSet("form_retries", None), FollowupAction("action_listen")]


class ValidateComplaintForm(callbacks.ContactPhone, RetryingFormValidationAction):
    # Asked what went wrong, a person describes it, and the NLU often reads that as a complaint, a progress
    # or a payment question: none of these interrupts a form (actions/form_first.py), so the description is
    # the answer as said — unless it is only the wish to complain again ("我要投诉"), or asks where to complain.

    answers_privacy = False  # "你们把我的信息泄露了" is the complaint, not a question to answer

    async def run(self, dispatcher, tracker, domain):  # noqa: ANN001, ANN201
        # A question about complaining, or about her complaint filed here ("补充", "撤了", "怎么样了"): answered, the
        # form left, nothing filed. Where to complain keeps the form's question (the complaint offered, below).
        text = callbacks._text(tracker.latest_message.get("text"))
        kind = None if text.startswith("/") else asked_about(text, tracker.get_slot(FILED) or [])
        if kind is None and tracker.get_slot("requested_slot") is None and only_a_question(text):
            # "委托书拿到窗口 是不是就算交了？" read as a complaint (a tester got TS000001): answered, nothing filed.
            if not await paper_wait.answer(dispatcher, tracker, text):
                dispatcher.utter_message(response="utter_question_not_complaint")
            paper_wait.remind(dispatcher, tracker)
            return left()
        if kind is None or kind == "where":
            return await super().run(dispatcher, tracker, domain)
        await answer_about(dispatcher, tracker, kind, text)
        return [ActionExecutionRejected(self.form_name()), ActiveLoop(None), SlotSet("requested_slot", None),
                SlotSet("complaint_text", None), SlotSet("form_retries", None), FollowupAction("action_listen")]

    def name(self) -> str:
        return "validate_complaint_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:  # noqa: ANN001
        # A way to answer: the verified phone, else one asked for ("不留" files it anonymously).
        verified = tracker.get_slot("citizen_token") and tracker.get_slot("verified_phone")
        return ["complaint_text"] + ([] if verified else ["contact_phone"])

    async def extract_complaint_text(self, dispatcher, tracker, domain) -> dict[str, Any]:  # noqa: ANN001
        # "我要投诉 街道那个工作人员拖起不办": what went wrong is already in the message that opened the form —
        # kept as said (a tester's first message was lost, and with it who the complaint is about).
        opening = tracker.get_slot("requested_slot") is None and tracker.get_slot("complaint_text") is None
        if opening and (tracker.latest_message.get("intent") or {}).get("name") == "complain":
            return {"complaint_text": tracker.latest_message.get("text")}
        return {}

    async def validate_complaint_text(self, value, dispatcher, tracker, domain) -> dict[str, Any]:  # noqa: ANN001
        text = callbacks._text(value)
        if asks_where(text) or asked_about(text, []) == "where":
            await answer_where(dispatcher, tracker)  # then "遇到了什么问题？": the complaint offered, nothing filed
            return {"complaint_text": None, NEUTRAL: True}
        return {"complaint_text": text[:2000] if len(text) >= 2 and not parsing.is_bare_complaint(text) else None}


# ---- her complaint already filed in this chat: asked about, added to, withdrawn (backend/service_desk/own.py) -----------
# A tester's every sentence with 投诉 filed a new ticket: "会不会又转回那个社区" (TS000002), "我想补充一下投诉的内容" (TS000003,
# instead of adding to TS000001), "还可以打哪个电话投诉" (TS000004); "我的投诉现在怎么样了" heard "还没有申请记录".
FILED = "complaints_filed"  # [{"reference": "TS000001", "phone": "138…" | None}], this chat's complaints, oldest first
TICKET = re.compile(r"TS\d{6,}", re.I)
WITHDRAW = re.compile(r"撤(销|回|掉|了|诉)|不投诉了|不想投诉了|不告了|算了不投诉")
STATUS = re.compile(r"怎么样|咋样|如何了|进展|进度|结果|办得|处理得|处理了没|处理没|有人管|有没有人管|人管没|管没管|回复|答复|"
                    r"到哪|好久|什么时候|啥时候|有消息")
ADDS = re.compile(r"补充|再说一下|还要说|还有(一点|一件|个事|一个事)|加(一点|一句|上)|忘了说|漏了说")
WHO = re.compile(r"哪个部门(处理|管|办|来)|谁(来)?(处理|管|办|看)|哪个(来)?(处理|管)|转回|转给|转到|回到那个|交给(那个)?(社区|街道)|"
                 r"会不会.{0,10}(社区|街道|他们|那个人)")
PHONES = re.compile(r"(哪个|什么|啥|哪些|其他|别的|另外的?)(电话|号码)|还可以.{0,8}(投诉|打)|除了(在)?这")
OWN = re.compile(r"(我|我们|我家|我妈|我爸)(的|那个|那条|提的|投的|报的)(那个|那条)?投诉")  # hers, filed before
# "我没有要反映啥子事 刚才那个TS000001是不是弄错了", "我不是投诉": one filed by mistake, withdrawn with an apology.
MISTAKE = re.compile(r"弄错|搞错|整错|错了|不是(要)?投诉|不是(要)?反映|没(有)?(要|想)?(反映|投诉)|不投诉|没说(要)?投诉")
STILL_COMPLAINS = re.compile(r"(我|还|就)要(投诉|反映)|写错|填错|算错|记错|报错|发错")  # a wrong complained of
EVERY = re.compile(r"两个|几个|都撤|全撤|全部|都不要|都取消")  # "把这两个撤了": every one filed here
CLAUSES = re.compile(r"[？?。！!…；;\n]+")
ORDINAL = re.compile(r"第([一二三四五六七八九1-9])(个|条|次)")
ORDINALS = "一二三四五六七八九"


def asked_about(text: str, filed: list) -> str | None:
    """What a message says about complaining, when it is not a complaint to file: "where" (where/which phone),
    "who" (who handles it, 会不会转回社区), "status", "withdraw", "add" (the last two, and status, only with a complaint
    filed in this chat or its reference named)."""
    bare = text.strip()
    ticket = bool(TICKET.search(bare))
    mine = bool(filed) or ticket
    if mine and MISTAKE.search(bare) and not STILL_COMPLAINS.search(bare):
        return "mistake"
    if mine and WITHDRAW.search(bare):
        return "withdraw"
    if mine and ADDS.search(bare):
        return "add"
    if WHO.search(bare) and ABOUT.search(bare) or ticket and WHO.search(bare):
        return "who"
    if (mine and ABOUT.search(bare) or ticket or OWN.search(bare)) and STATUS.search(bare):
        return "status"  # "我的投诉现在怎么样了": its 怎么 is no question of where
    if any(asks_where(c) for c in CLAUSES.split(bare) if c) or (PHONES.search(bare) and ABOUT.search(bare)):
        return "where"
    return None


def which(text: str, filed: list) -> str | None:
    """The complaint meant: its reference, "第二个", else the latest filed here."""
    named = TICKET.search(text)
    if named:
        return named.group(0).upper()
    nth = ORDINAL.search(text)
    if nth and filed:
        i = (ORDINALS.index(nth.group(1)) if nth.group(1) in ORDINALS else int(nth.group(1)) - 1)
        return filed[i]["reference"] if i < len(filed) else None
    return filed[-1]["reference"] if filed else None


def phone_for(tracker: Tracker, reference: str) -> str | None:
    for f in tracker.get_slot(FILED) or []:
        if f.get("reference") == reference and f.get("phone"):
            return f["phone"]
    return tracker.get_slot("verified_phone") if tracker.get_slot("citizen_token") else None


async def answer_about(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, text: str) -> None:
    """The answer to `asked_about`: nothing is ever filed here."""
    filed = tracker.get_slot(FILED) or []
    if kind == "where":
        await answer_where(dispatcher, tracker)
        return
    if kind in ("withdraw", "mistake") and EVERY.search(text) and len(filed) > 1:
        for f in filed:  # "把这两个撤了"
            await _withdraw(dispatcher, tracker, f["reference"], kind)
        return
    reference = which(text, filed)
    if kind == "mistake" and reference is not None:
        await _withdraw(dispatcher, tracker, reference, kind)
        return
    if kind == "who":
        dispatcher.utter_message(response="utter_complaint_who")
        if reference is None:
            return
        kind = "status"
    if reference is None:
        dispatcher.utter_message(response="utter_complaint_none_here")
        return
    body: dict[str, Any] = {"phone": phone_for(tracker, reference)}
    step = {"status": "status", "withdraw": "withdraw", "add": "notes"}[kind]
    if kind == "add":
        body["text"] = text[:2000]
    got = await call(dispatcher, get_client().my_complaint(tracker.get_slot("citizen_token"), reference, step, body))
    if got is None:
        return
    if got["withdrawn"]:
        dispatcher.utter_message(response="utter_complaint_withdrawn", reference=got["reference"])
        return
    if kind == "add":
        dispatcher.utter_message(response="utter_complaint_note_added", reference=got["reference"])
    dispatcher.utter_message(response="utter_complaint_state", reference=got["reference"], status_label=got["status_label"],
                             handled_by=got["handled_by"], due_day=got["due_day"])
    if got.get("answer"):
        dispatcher.utter_message(response="utter_complaint_state_answer", answer=got["answer"])


async def _withdraw(dispatcher: CollectingDispatcher, tracker: Tracker, reference: str, kind: str) -> None:
    got = await call(dispatcher, get_client().my_complaint(tracker.get_slot("citizen_token"), reference, "withdraw",
                                                           {"phone": phone_for(tracker, reference)}))
    if got is not None:
        dispatcher.utter_message(response="utter_complaint_withdrawn_sorry" if kind == "mistake" else "utter_complaint_withdrawn",
                                 reference=got["reference"])


# ---- filing (action_file_complaint, actions/requests.py) -------------------------------------------------------------

async def file(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A complaint, with the phone the answer goes to (verified, or typed); without one it is filed all the same and
    she is told that nobody can answer her back. One about the 急难 report filed here ("你们咋个还没人打电话来 我要投诉")
    names it (`related`): the backend links it and answers it as urgently (backend/service_desk/complaints.py); after
    hours she hears when the office opens and what to call now. A daughter's went to the 7-day queue, unlinked."""
    phone = callbacks.phone_to_call(tracker)
    report = tracker.get_slot(emergency_booked.SLOT) or {}
    body = {"text": tracker.get_slot("complaint_text"), "application_number": tracker.get_slot("application_no"),
            "area_code": tracker.get_slot("area_code") or report.get("area_code"), "phone": phone,
            "related": report.get("number")}
    filed = await call(dispatcher, get_client().file_complaint(tracker.get_slot("citizen_token"), body))
    if filed is not None:
        await _say_filed(dispatcher, tracker, filed, phone)
    # Kept for this chat: asked about, added to or withdrawn later, never filed again.
    kept = [*(tracker.get_slot(FILED) or []), {"reference": filed["reference"], "phone": phone}] if filed else None
    return [SlotSet("complaint_text", None), SlotSet("contact_phone", None), *([SlotSet(FILED, kept)] if kept else [])]


async def _say_filed(dispatcher: CollectingDispatcher, tracker: Tracker, filed: dict[str, Any], phone: str | None) -> None:
    urgent, later = filed.get("urgent") and filed.get("related"), not filed.get("due_today")
    if urgent and phone:
        dispatcher.utter_message(response="utter_complaint_filed_urgent_later" if later else "utter_complaint_filed_urgent",
                                 reference=filed["reference"], related=filed["related"], handled_by=filed["handled_by"],
                                 promise=filed["promise"], phone_masked=parsing.mask_phone(phone))
    elif phone:
        dispatcher.utter_message(response="utter_complaint_filed_with_phone", reference=filed["reference"],
                                 due_day=filed["due_day"], phone_masked=parsing.mask_phone(phone))
    else:
        dispatcher.utter_message(response="utter_complaint_filed_anonymous", reference=filed["reference"])
        if urgent:
            dispatcher.utter_message(response="utter_complaint_linked", related=filed["related"])
    if urgent and later:
        duty = await emergency_booked.on_duty(tracker)  # nobody at work tonight: the duty mobile or none, 12345, 110/119/120
        if duty is not None and not duty.get("open_now"):
            emergency_booked.say_night(dispatcher, duty)
