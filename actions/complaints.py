"""The complaint form, and where to complain asked as a question.

"投诉是找哪个" / "投诉找哪个部门" was filed as a complaint (a tester's question became TS000012). A question about where
or how to complain is answered — this chat passes a complaint on as said (with a reference and a day to answer by),
the office of her street and its number where on file, its 监督电话 where the office data has one
(backend/regions/data/offices.yaml, `supervision_phone`), and 12345 — and a complaint is offered: only what went wrong
is ever filed (the form asks for it; "算了" leaves it). (Split from actions/forms.py.)"""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import callbacks, parsing
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
    if office.get("office_phone"):
        dispatcher.utter_message(response="utter_complaint_where_office_phone", office_name=office["office_name"],
                                 office_phone=office["office_phone"], office_hours=office.get("office_hours") or "工作日")
    elif office:
        dispatcher.utter_message(response="utter_complaint_where_office", office_name=office["office_name"],
                                 office_hours=office.get("office_hours") or "工作日")
    else:
        dispatcher.utter_message(response="utter_complaint_where_any_office")
    if office.get("supervision_phone"):
        dispatcher.utter_message(response="utter_complaint_supervision_phone", office_name=office["office_name"],
                                 supervision_phone=office["supervision_phone"])
    dispatcher.utter_message(response="utter_complaint_where_hotline")


class ValidateComplaintForm(callbacks.ContactPhone, RetryingFormValidationAction):
    # Asked what went wrong, a person describes it, and the NLU often reads that as a complaint, a progress
    # or a payment question: none of these interrupts a form (actions/form_first.py), so the description is
    # the answer as said — unless it is only the wish to complain again ("我要投诉"), or asks where to complain.

    answers_privacy = False  # "你们把我的信息泄露了" is the complaint, not a question to answer

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
        if asks_where(text):
            await answer_where(dispatcher, tracker)  # then "遇到了什么问题？": the complaint offered, nothing filed
            return {"complaint_text": None, NEUTRAL: True}
        return {"complaint_text": text[:2000] if len(text) >= 2 and not parsing.is_bare_complaint(text) else None}
