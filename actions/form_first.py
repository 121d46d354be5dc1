"""Form first: while a form asks a question, a message is tried as that question's answer before any
global intent, so an everyday answer ("八百块钱", "没钱", "我叫王秀英", "家里失火了") never falls out of it.

How it works with Rasa (bot/domain.yml): every form slot's `from_text` mapping leaves out only the intents
that can interrupt a form (`INTERRUPTIONS`, the one list). A message the NLU reads as one of those runs
`action_read_answer` (the custom mapping of the `answer_read` slot) instead: when the text is an answer to
the question being asked, it fills the requested slot and the form validates it as usual; when it is a
clear interruption — stop, a person, a policy question, another assistance type, an emergency — it fills
nothing, the form steps aside, and a rule of that form (bot/data/rules.yml) answers and asks the question
again. Any other intent is an answer by the `from_text` mapping, so the global fallback never fires inside
a form.
"""

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import codes, corrections, emergency, not_urgent, parsing, privacy
from actions.answers import all_at_once
from actions.answers.amounts import asks_whose_income
from actions.precheck import ILLNESS_ASKED, asks_about_family, names_illness

# The intents that may leave a form (bot/domain.yml repeats this list in the `not_intent` of every form
# slot and the `intent` of `answer_read`; tests/actions/test_form_first.py checks they agree).
INTERRUPTIONS = ("stop", "request_human", "ask_policy", "apply_assistance", "report_emergency", "bot_challenge")
# What each form is about is never an interruption of it: a description of the fire IS the emergency report.
OWN_TOPIC = {"emergency_form": ("report_emergency",), "complaint_form": ("complain",), "callback_form": ("request_human",)}

NAME_SLOTS = ("applicant_name", "member_name", "helper_name")
ID_SLOTS = ("applicant_id", "member_id")
PHONE_SLOTS = ("applicant_phone", "verify_phone")
CODE_SLOTS = ("verify_code", "consent_code", "scope_code")
AMOUNT_SLOTS = ("monthly_income", "savings", "member_income", "household_size", "applicant_age")
YES_NO_SLOTS = ("more_members", "illness_or_disability", "confirmed")
FREE_TEXT_SLOTS = ("reason", "emergency_what", "complaint_text", "income_excluded")

RESUME = re.compile(r"^(那|好|好的|嗯)?[，,]?(就)?(继续|接着|往下)(吧|填|办|说|来|问)?(吧|嘛|哈|呀|啊)?[。.!！]?$")
CODE_AGAIN = re.compile(r"重发|再发|没收到|收不到|没有收到|没得收到|莫得收到")
PLACE = re.compile(r"街道|镇|乡|区|县|社区|村|路|市")
HUKOU = re.compile(r"城镇|农村|城市|农业|非农|居民户口")
# A free-text answer that is only a request to pause, to speak to someone, or a policy question.
BARE_INTERRUPTION_CHARS = 12


# What an interruption says in so many words. The NLU's reading alone is not enough to leave a form: "手残疾了
# 做不了重活" read as stop is still the reason asked for.
SAYS = {
    "stop": re.compile(r"算了|不办了|不填了|不弄了|不申请|不要了|先不|停一下|停一哈|等一下|等哈|等等|暂停|取消|退出|"
                       r"以后再|改天|先放|歇一下|歇哈|不想|别问|莫问|不搞了|拉倒|找下|找一下|去找"),
    "request_human": re.compile(r"人工|工作人员|真人|打电话|回电|来电话|找人|客服|电话给我|打给我|社区的人|街道的人|干部"),
    "ask_policy": re.compile(r"吗|嘛|多少|好多|怎么|咋|么样|什么|啥|哪|几|？|\?|能不能|可不可以|是不是|要不要|有没有|标准|条件|政策"),
    "bot_challenge": re.compile(r"机器|真人|人工智能|AI|ai|程序|电脑"),
}


ASKS_A_PERSON = re.compile(r"人工|工作人员|真人|客服|找人|喊人|叫人|打给我|电话给我")  # a hurry that asks for a call-back
EXPLICIT = re.compile(r"^(我要|我想|请|帮我|给我)?(找|转|要|叫|喊)(个|一个|一下)?(人工|工作人员|真人|客服|人)|^转人工|^人工|"
                      r"^(算了|不办了|不填了|不申请了|取消|退出|暂停)")


# "投诉", "我要投诉 等了三天没人打电话": said at any form's question, in so many words, it is the complaint — whatever the
# NLU read (a tester's "投诉" at the call-back's phone question was told "手机号好像不对"). The form waits (paused_form).
COMPLAINS = re.compile(r"^(?:我|那我|那)?(?:就|要|想|必须)?(?:要|想)?(?:投诉|举报)")


def complains(text: str) -> bool:
    return bool(COMPLAINS.match(text.strip()))


def complaint_instead(dispatcher: CollectingDispatcher, tracker: Tracker, form: str) -> list[EventType]:
    """The form's question stops and the complaint is taken (complaint_form), with what was said beyond "投诉"; the form
    waits for "继续" (a call-back asked for in another form leaves that form waiting, as it was)."""
    text = str(tracker.latest_message.get("text") or "").strip()
    requested = tracker.get_slot("requested_slot")
    waiting = tracker.get_slot("paused_form") if form == "callback_form" and tracker.get_slot("paused_form") else form
    dispatcher.utter_message(response="utter_complaint_pauses_form")
    said = [] if parsing.is_bare_complaint(text) else [SlotSet("complaint_text", text[:2000])]
    return [ActionExecutionRejected(form), ActiveLoop(None), *([SlotSet(requested, None)] if requested else []),
            SlotSet("requested_slot", None), SlotSet("form_retries", None), SlotSet("ask_style", None),
            SlotSet("paused_form", waiting), *said, FollowupAction("complaint_form")]


def clearly(intent: str | None, text: str) -> bool:
    """Whether a message the NLU read as an interruption also says one ("停一下", "找工作人员", "…多少？")."""
    pattern = SAYS.get(intent or "")
    return pattern is None or bool(pattern.search(text))


# "这个是啥子意思", "啥子验证码哦", "看不懂": a question about the question asked (not about a term of the rules, "受理是啥子意思").
MEANING = re.compile(r"^(这个|这|那个|你|您)?(说的|问的|讲的)?(是)?(啥子|啥|什么|么子|哪样)意思|^(看不懂|听不懂|不懂|不明白|没懂|没听懂)"
                     r"|^(搞不懂|听不明白|看不明白|没听明白|没看懂|不晓得你?(说|问|讲)的?(是)?(啥|什么))"
                     r"|^(啥子|啥|什么|么子|哪个)(验证码|授权码|码|短信|收入|存款|户口|原因|手机号|号码|身份证号?|街道|名字|家庭成员)"
                     r"(哦|哟|啊|呀|嘛|哈|喔|噢|呢)*[？?。.!！]*$"
                     # "啥子哦", "啥？", "你说啥", "问的啥子哦", "啊？": what was that
                     r"|^(你|您)?(说|问|讲)?(的)?(是)?(啥子|啥|什么|么子|哪样|啥玩意)(哦|哟|啊|呀|嘛|哈|喔|噢|呢|哇|喃|诶)*[？?。.!！~～]*$"
                     r"|^(啊|嗯|蛤|哈|啥)[？?]+$")


def asks_meaning(text: str) -> bool:
    """Whether a message asks what the question just asked means (its explaining wording answers it)."""
    return bool(MEANING.search(text.strip()))


# "我歇一哈", "让我歇口气", "累了 先休息一下": a rest asked for, said alone (never inside an answer).
REST = re.compile(r"^(好累|累了|累得很)?[\s，,]*(我|我们|让我|等我|容我)?(先)?(歇|休息|喘)(一)?(哈|下|会|会儿|阵|口气)(儿)?"
                  r"(再说|再来|再填|再弄)?(嘛|哈|哦|啊|吧|呀)?[。.!！~～]*$")


def rests(text: str) -> bool:
    return bool(REST.match(text.strip()))


def is_resume(text: str) -> bool:
    """"继续" / "那继续吧" / "接着填": go on with the question, not an answer and not a pause."""
    return bool(RESUME.match(text.strip()))


def looks_like_answer(slot: str | None, text: str, intent: str | None, form: str | None, current_type: str | None = None) -> bool:
    """Whether a message the NLU read as an interruption is in fact an answer to the question asked."""
    t = text.strip()
    if not slot or not t or t.startswith("/"):
        return False  # a button's intent ("/stop", "/request_human") is what it says
    if complains(t) and form != "complaint_form":
        return True  # "投诉 等了三天": its validator hands over to the complaint (complaint_instead)
    if slot in CODE_SLOTS and codes.waits_for_holder(t):
        return True  # "等下我打电话问她": a wait for her code, never a call-back (its validator says so)
    if form in ("emergency_form", "eligibility_form") and not_urgent.denies(t):
        return True  # "不是急事 我是问低保", "不要不要 我不报": its validator leaves the report, or asks again (not_urgent.py)
    if form == "application_form" and (slot == "discard_confirmed" or parsing.says_discard(t)):
        # "填错了 不要了 重新来" read as stop, "算了 接着填" to "作废吗": the form asks, and reads the answer (actions/discard.py).
        return not (intent == "request_human" and EXPLICIT.match(t))
    if intent in OWN_TOPIC.get(form or "", ()):
        return True
    if form == "emergency_form" and emergency.cannot_confirm(slot, t):
        return True  # "急得很 直接报给街道嘛": never a wait on her code (actions/emergency.py)
    if form == "emergency_form" and emergency.distressed(t):
        return True  # "救命", "呜呜 咋个办嘛": its validator calms her and asks again (actions/emergency.py)
    if is_resume(t) or asks_meaning(t):
        return True  # the validators re-ask (explained) without counting it as a wrong answer
    if form == "eligibility_form" and asks_about_family(t):
        return True  # "有女儿能不能吃低保": answered by the pre-check's validator, then asked again (actions/precheck_asides.py)
    if corrections.bare_answer(t) is not None:
        return True  # "不对 是一千二": an answer corrected (actions/amount_answers.py, readback.py), never a no
    if not clearly(intent, t):
        return True  # the NLU's guess alone does not leave a form: the question's validator decides
    if intent in ("request_human", "stop") and EXPLICIT.match(t):
        return False  # "找工作人员", "转人工", "算了不办了": never a name, a relation or a helper's kind
    if form == "emergency_form" and emergency.heard_anyway(slot, t):
        return True  # "帮她报" read as applying; "对，报上去" at the read-back (actions/emergency.py)
    if form == "emergency_form" and emergency.aside(t) == "when" and slot != "emergency_what" and not ASKS_A_PERSON.search(t):
        return True  # "等好久勒 没得人来 也没人打电话": answered there (what was filed, who calls), never a second call-back
    if form == "application_form" and all_at_once.is_all_at_once(t):
        return True  # "王秀英 身份证… 电话… 住七星岗街道 一个人住…": everything at once, read for every question (said_ahead.py)
    if intent == "apply_assistance":
        named = parsing.canonical_type(t)
        if slot == "assistance_type":  # "我是网格员 帮周德贵申请": who files, kept there (actions/first_answers.py)
            return named is not None or parsing.parse_filing_for(t) == "other"
        if named and current_type and named != current_type:
            return False  # another type named: offered as a change (rules.yml)
        if form == "application_form":
            return True  # "我要申请" while applying, or an answer that sounds like it ("老伴去世了，我身体不好"): not a way out
    if form == "eligibility_form" and intent == "report_emergency" and not (slot == "illness_or_disability" and names_illness(t)):
        return not not_urgent.names_danger(t)  # "儿子在广东 一分钱都不拿回来": the answer, never a report (not_urgent.py)
    if slot in NAME_SLOTS or slot in ID_SLOTS:
        name, id_text = parsing.split_name_and_id(t)
        return bool(name or id_text) and intent != "stop"
    if slot in PHONE_SLOTS:
        return bool(re.search(r"\d{5,}", t)) or parsing.says_no_phone(t)
    if slot in CODE_SLOTS:
        return bool(re.search(r"\d{4,}", t)) or bool(CODE_AGAIN.search(t))
    if slot in AMOUNT_SLOTS:
        # "每月收入是两个人加起来的嘛": asked back, answered by the income's validator (actions/amount_answers.py)
        return intent != "stop" and (parsing.parse_amount(t) is not None or slot == "monthly_income" and asks_whose_income(t))
    if slot in YES_NO_SLOTS:
        if slot == "illness_or_disability" and (ILLNESS_ASKED.search(t) or names_illness(t)):
            # "残疾算不算？": what counts is said by its validator (actions/precheck.py), then asked again; "爷爷去年中风了"
            # (read as an emergency) is the answer, never a report or a phone check.
            return True
        return parsing.is_bare_yes(t) or bool(re.fullmatch(r"(没有|没得|莫得|不是|不对|没了|没有了|不要)[。.!！]?", t)) or (
            slot == "confirmed" and (corrections.read_correction(t)[0] is not None or corrections.is_vague_no(t)))
    if slot == "street":
        return intent not in ("stop", "request_human") and bool(PLACE.search(t))
    if slot == "hukou":
        return bool(HUKOU.search(t))
    if slot == "member_relation":
        return parsing.parse_relation(t) is not None
    if slot == "filing_for":
        return parsing.parse_filing_for(t) is not None and intent != "stop"
    if slot == "helper_kind":
        return parsing.parse_helper_kind(t) is not None
    if slot == "assistance_type":
        return parsing.canonical_type(t) is not None
    if slot in FREE_TEXT_SLOTS:
        # A description is an answer; only a short bare request (算了 / 找工作人员 / 标准是多少) interrupts. What
        # happened in an emergency is never gated by the NLU: only a bare 算了 or 找工作人员 leaves it.
        if slot == "emergency_what" and intent not in ("stop", "request_human"):
            return True
        return intent in ("report_emergency", "apply_assistance") or len(re.sub(r"[\s，,。.!！?？]", "", t)) > BARE_INTERRUPTION_CHARS
    return False


class ActionReadAnswer(Action):
    """The custom slot mapping that gives a form's question the first say over an interrupting intent."""

    def name(self) -> str:
        return "action_read_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        slot = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
        message: dict[str, Any] = tracker.latest_message or {}
        text = str(message.get("text") or "")
        intent = (message.get("intent") or {}).get("name")
        if looks_like_answer(slot, text, intent, tracker.active_loop_name, tracker.get_slot("assistance_type")):
            return [SlotSet(slot, text)]
        if slot and await privacy.asks(text):
            # "照片你们存好久" read as a person or a policy question: the form's validation answers it and asks the
            # question again (actions/retry.py), whatever the NLU read; never a call-back or the materials list.
            return [SlotSet(slot, text)]
        return []
