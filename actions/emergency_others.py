"""急难 reported for someone else, and what the street's staff read of it.

A neighbour reporting a kitchen fire for 刘婆婆 (80, living alone, no phone) was asked her name and ID number until she
gave up: a neighbour knows what people call her, never her ID, and the papers had burnt. For someone else
(emergency_for "other": "帮她报", "隔壁刘婆婆…", "不是我"), the name question now takes what she is called ("刘婆婆",
"隔壁刘婆婆", "姓刘的婆婆") as that — a 称呼, kept as said, never taken for the name on an ID — and the ID question takes
"不晓得" / "烧了" / "没有" at once. The report then goes to the street as the reporter's, not confirmed by her (an urgent
call-back to the reporter's phone, actions/emergency_report.py), and its record carries everything heard (`record`):
what happened, who it is for, the needs heard, who reported it. A call-back asked for in the middle of the report
("找工作人员") is that report, with the same record (actions/callbacks.py); the staff once read "/request_human".

Inside the report, "我前头不是报了嘛 HD000001", "报上没得" and "咋个还没人来" are answered — what was filed here, when,
who calls — or plainly that a report made elsewhere cannot be told without knowing who asks; then the question again."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency, emergency_booked, emergency_reporter, fallback, form_first, parsing
from actions.answers.kin import KIN_PATTERN, TITLES
from actions.answers.names import COMMON_SURNAMES

ABOUT, FOR_OTHER_SLOT = emergency.ABOUT, emergency.FOR_OTHER_SLOT
RECORD_MAX = 255  # the call-back's topic as the backend keeps it (backend/service_desk: CallbackIn.topic)

# ---- what is heard -----------------------------------------------------------------------------------------------
_TITLES = sorted({*TITLES, "爷爷", "奶奶", "婆婆", "嬢嬢", "太婆", "大娘", "大叔", "婶婶", "伯娘", "老奶奶", "老爷爷", "老太爷"}
                 - {"邻居", "居民", "本人", "自己", "申请人", "家人", "亲戚"}, key=len, reverse=True)
_SURNAME = f"[{''.join(sorted(COMMON_SURNAMES))}]"
_WHERE = r"(?:隔壁|对门|楼上|楼下|院子里|巷子里)(?:的|那个|那家)?"
# "刘婆婆", "隔壁刘婆婆", "姓刘的婆婆", "王大爷", "隔壁的婆婆": what neighbours call her.
CALLED = re.compile(rf"(?:{_WHERE})?(?:姓{_SURNAME}的|老?{_SURNAME})(?:{'|'.join(_TITLES)})|{_WHERE}(?:{'|'.join(_TITLES)})")
SURNAME_ONLY = re.compile(rf"姓({_SURNAME})")
# "身份证我不晓得", "证件都烧了", "不晓得她身份证": no ID number to give.
ID_UNKNOWN = re.compile(r"(?:身份证|证件|号码)[^，。,.]{0,8}?(?:不晓得|不知道|不清楚|晓不得|没有|没得|莫得|烧|找不到|丢|不在|记不)|"
                        r"(?:不晓得|不知道|不清楚|晓不得|没有|没得|莫得)[^，。,.]{0,4}?(?:身份证|证件)")
MY_PEOPLE = re.compile(rf"我(?:的|家)?(?:{KIN_PATTERN})|(?:她|他)(?:屋头|家里|家)")  # "我妈屋头着火了 报上没得"
NEIGHBOUR = re.compile(r"(?:帮|替|代|是|我)(?:我的|我们|我)?(?:隔壁|邻居|对门|楼上|楼下)|(?:她|他)是我的?邻居|我是(?:她|他)的?邻居|"
                       r"(?:隔壁|对门|楼上|楼下)[^\s，,。]{0,5}?(?:屋头|家里|着火|失火|出事|房子)")
NOT_ME = re.compile(r"不是我(?:自己)?(?=[\s，,。]|是|$)|不是给我")
# Words that say nothing more once the 称呼 is taken ("就写刘婆婆嘛", "大家都喊她刘婆婆").
CALLED_FILLERS = re.compile(r"[\s，,。.!！?？~～、]|就写|写成?|大家|都|喊她?|叫她?|只晓得|只知道|不晓得|不知道|晓得|知道|姓.|不是|没有|没得|"
                            r"莫得|一下|嘛|吧|哈|噻|撒|的|是|我|她|他|了|勒|嘞|呢|啊|哦|个|就|要|嗯|好|也")
# An earlier report: its number, or words that it was made ("我前头不是报了嘛", "隔壁说帮她报了的", "报上没得").
REFERENCE = re.compile(r"(?i)(HD|TS|JZ)\s*(\d{6,14})")
REPORTED = re.compile(r"(?:前头|之前|先前|刚才|刚刚|早就|已经|上午|下午|昨天|不是)[^，。,.\s]{0,4}报(?:了|过|上)|报(?:了|过)的|"
                      r"报上(?:去)?(?:了)?没|报了没|报没报|有没有人?报|报(?:上去)?了(?:吗|没|不)")
ASKED_AT = (*emergency.ASIDE_SLOTS, "contact_phone")  # the questions a hurry or an earlier report is said at
# Where "我爸屋头遭水淹了" says whose trouble it is (elsewhere it is more of what happened, actions/emergency.py).
WHOSE_ASKED_AT = ("emergency_what", "applicant_name", "applicant_id")
# "留我的号码", "打我电话 139…", "我的手机是…": the reporter's own phone, said where his was asked.
REPORTERS_PHONE = re.compile(rf"(?:(?:打|留|用|记|写)(?:给)?我|我)(?!(?:的|家)?(?:{KIN_PATTERN}))(?:自己)?(?:的|勒|嘞)?"
                             r"(?:电话|手机|号码|号)|(?:打|留|用|记|写)(?:给)?我(?:自己)?(?:的|勒|嘞)?(?=$|[\s，,。就吧嘛哈])")


def called_name(text: str) -> str | None:
    """What people call her, as said ("隔壁刘婆婆"); "姓刘" when only her surname is known; None otherwise."""
    m = CALLED.search(text)
    if m:
        return m.group(0)
    m = SURNAME_ONLY.search(text)
    return f"姓{m.group(1)}" if m else None


def reporter_heard(text: str, heard: dict[str, Any]) -> dict[str, Any]:
    """Who the reporter is to her and her own name, as this message says them ("我是他女儿何静": 女儿; "我妈屋头着火了":
    子女; "隔壁刘婆婆屋头着火了", "帮我邻居报": 邻居), over what was heard before (actions/emergency_reporter.py)."""
    return emergency_reporter.heard(text, heard, neighbour_guess=bool(NEIGHBOUR.search(text)))


def about_someone_else(text: str, *, kin: bool = True) -> bool:
    """"帮她报", "隔壁刘婆婆…", "不是我", a 称呼; with `kin`, also his trouble told by his family ("我爸屋头遭水淹了")."""
    return emergency.for_someone_else(text) is not None or bool(NEIGHBOUR.search(text) or NOT_ME.search(text) or CALLED.search(text)) \
        or kin and emergency_reporter.kin_in_trouble(text)


def mentions_report(text: str) -> bool:
    return bool(REFERENCE.search(text) or REPORTED.search(text))


def _instead_of_answer(slot: str, text: str) -> bool:
    """An earlier report named where an answer was asked, with no answer in it ("我前头不是报了嘛 HD000001")."""
    if not mentions_report(text):
        return False
    rest = REFERENCE.sub(" ", text)
    if re.search(r"\d{4,}", parsing.spoken_digits(rest)):
        return False  # a code, an ID or a phone said with it: that answer
    return slot != "applicant_name" or not (parsing.split_name_and_id(rest)[0] or called_name(rest))


def about(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.get_slot(ABOUT) or {})


# ---- what the street reads ---------------------------------------------------------------------------------------

def who_line(tracker: Tracker) -> str:
    """Who the report is for, as read back: a 称呼 says it is one."""
    name = str(tracker.get_slot("applicant_name") or "没说名字")
    if about(tracker).get("called"):
        return f"{name}（大家平时这么叫，不是身份证上的名字；您代报）"
    return name + ("（您代报）" if tracker.get_slot(FOR_OTHER_SLOT) else "")


def _masked_id(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}" if len(number) == 18 else number


def record(tracker: Tracker, said: str | None = None) -> str:
    """The report as the street's staff read it on the call-back (at most RECORD_MAX characters): whose report, for
    whom (a 称呼 marked as one), her ID number as it truly is (given, not matching the name said, or not known), her
    phone (never the reporter's as hers), the needs heard, who called (her tie and name as said); then what was said."""
    s, heard = tracker.get_slot, about(tracker)
    other = bool(s(FOR_OTHER_SLOT) or heard.get("reporter"))
    reporter = heard.get("reporter") or "他人"
    unsure = heard.get(emergency.ID_CHECK) == emergency.ID_UNVERIFIED
    if any(heard.get(k) for k in ("called", "id", "her_phone")) and (emergency.unconfirmed(tracker) or heard.get("called")) \
            or (unsure or emergency.unconfirmed(tracker)) and heard.get("reporter"):
        note = f"{reporter}代报，本人未确认"  # why (a 称呼, no ID number, no phone, no code) is in the lines below
    elif emergency.unconfirmed(tracker):
        note = emergency.UNCONFIRMED_NOTE
    else:
        note = f"{reporter}代报" if other else ""
    what = s("emergency_what") or "没说"
    parts = []
    if s("applicant_name"):
        parts.append(f"当事人{s('applicant_name')}" + ("（大家平时的叫法，不是身份证上的名字）" if heard.get("called") else ""))
    if s("applicant_id"):  # the number as it truly is: given (masked here; the whole number goes on the call-back apart)
        check = heard.get(emergency.ID_CHECK)
        parts.append(f"身份证{_masked_id(s('applicant_id'))}" + ("（和说的名字对不上，请核实）" if check == emergency.ID_UNVERIFIED
                                                           else "（代报人给的，未核实）" if other and check != "ok" else ""))
    elif heard.get("id"):
        parts.append(f"没有身份证号（{heard['id']}）")
    if heard.get("her_phone"):
        parts.append(f"本人{heard['her_phone']}")
    elif s("applicant_phone") and not (other and s("applicant_phone") in (s("verified_phone"), s("contact_phone"))):
        parts.append(f"本人手机{parsing.mask_phone(s('applicant_phone'))}")  # the reporter's own is hers, said below
    if heard.get("needs"):
        parts.append("急需（见说的）" if heard["needs"] in what else f"急需：{heard['needs']}")
    if other:
        who = f"当事人的{reporter}" if reporter != "他人" else "代报的人"
        parts.append(f"报告人是{who}{heard.get('reporter_name') or ''}，回电打报告人这个号")
    if said and said not in what:
        parts.append(f"又说：{said}")
    head = f"【急难·{note}】" if note else "【急难】"
    # What happened is kept as said: the lines before it give way first.
    tail = f"｜说的：{what}"
    front = f"{head}{'；'.join(parts)}"
    if len(front) + len(tail) > RECORD_MAX:
        front = front[:max(RECORD_MAX - len(tail), 80) - 1] + "…"
    return f"{front}{tail}"[:RECORD_MAX]


def said_words(text: str | None) -> str | None:
    """What a person said, for a record: a button's payload ("/request_human") is not."""
    text = str(text or "").strip()
    return None if not text or text.startswith("/") else text[:200]


def in_report(tracker: Tracker) -> bool:
    """The 急难 report is being made (asked, or waiting while a call-back is asked for), with what happened said."""
    asked = tracker.active_loop_name == "emergency_form" or tracker.get_slot("paused_form") == "emergency_form"
    return asked and bool(tracker.get_slot("emergency_what"))


def called_back(created: dict, phone: str | None, phone_masked: str, office: dict) -> list[EventType]:
    """An urgent call-back filed as the 急难 report: "好久打嘛" is told this one (callback_booked), and "好久来人" right
    after it that it was just filed (emergency_booked); what is said after it goes on it (to `phone`)."""
    return [fallback.booked(created, phone_masked, True), SlotSet("emergency_filed", True),
            emergency_booked.booked(number=created["reference"], application=None, caller=created["caller"], phone=phone,
                                    due=created.get("promise") or created.get("due_day"), phone_masked=phone_masked, office=office)]


def report_ended(tracker: Tracker) -> list[EventType]:
    """The report's answers forgotten once it is filed (a 称呼 is never taken for a name later), its form ended."""
    ended = [SlotSet(k, None) for k in ("emergency_what", "submission_key", emergency.READ_BACK, FOR_OTHER_SLOT, ABOUT)]
    if about(tracker).get("called"):
        ended += [SlotSet("applicant_name", None), SlotSet("applicant_id", None)]
    if emergency.unconfirmed(tracker):
        ended += [SlotSet("verify_code", None), SlotSet("contact_phone", None)]
    if tracker.get_slot("paused_form") == "emergency_form":
        ended.append(SlotSet("paused_form", None))
    if tracker.active_loop_name == "emergency_form":
        ended += [ActiveLoop(None), SlotSet("requested_slot", None), FollowupAction("action_listen")]
    return ended


# ---- "咋个还没人来", "我前头报了" ------------------------------------------------------------------------------------

async def tell_filed(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """What was filed in this conversation, said again (the 急难 report: who calls, by when; else the call-back
    booked). False when nothing was."""
    booked = tracker.get_slot("callback_booked")
    if tracker.get_slot("emergency_filed"):
        if emergency_booked.recent(tracker) and await emergency_booked.say_booked(dispatcher, tracker):
            return True
        if await fallback.says_emergency_again(dispatcher, tracker, text):
            return True
        if not booked:
            return await emergency_booked.say_booked(dispatcher, tracker)
    if booked:
        fallback.say_callback_again(dispatcher, booked, text)
        return True
    return False


async def earlier_report(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    """"我前头不是报了嘛 HD000001": that report, when it was made here; a number made elsewhere, plainly that it cannot
    be told without knowing who asks, and that this report goes to the same street; nothing made: it is not yet."""
    m = REFERENCE.search(text)
    number = f"{m.group(1).upper()}{m.group(2)}" if m else None
    ours = {(tracker.get_slot("callback_booked") or {}).get("reference"), (tracker.get_slot(emergency_booked.SLOT) or {}).get("number")}
    if number and number not in ours:
        dispatcher.utter_message(response="utter_emergency_others_private", which=f"编号{number}不是在这里报的，")
    elif not await tell_filed(dispatcher, tracker, text):
        dispatcher.utter_message(response="utter_emergency_nothing_filed_here")


def _more_than(text: str, called: str) -> bool:
    """Something said besides the 称呼 ("…八十岁勒", "…屋头着火勒"): kept with what happened; an ID number is not."""
    rest = re.sub(parsing.ID_WORDS, "", emergency.ID_NUMBER.sub("", text.replace(called, "")))
    rest = ID_UNKNOWN.sub("", emergency.FOR_OTHER.sub("", rest))
    return len(CALLED_FILLERS.sub("", rest)) >= 2


class ForOthers:
    """Mixin for the 急难 form's validator (first in its bases): a report for someone else, and an earlier report or a
    hurry said where an answer was asked."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> list[dict]:
        requested = tracker.get_slot("requested_slot")
        text = str(tracker.latest_message.get("text") or "").strip()
        if not requested or requested not in tracker.slots_to_validate() or text.startswith("/"):
            return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        if form_first.complains(text):
            return form_first.complaint_instead(dispatcher, tracker, "emergency_form")  # "我要投诉 等了一晚上": never a hurry
        if requested in ASKED_AT and _instead_of_answer(requested, text):
            await earlier_report(dispatcher, tracker, text)
            return [SlotSet(requested, None)]  # then the same question (not a wrong answer)
        if requested in ASKED_AT and emergency.aside(text) == "when" and await tell_filed(dispatcher, tracker, text):
            return [SlotSet(requested, None)]  # "咋个还没人来" after a call-back was booked: that one, not "问完这几句"
        kept = about(tracker)
        heard = dict(kept)
        other = tracker.get_slot(FOR_OTHER_SLOT) == "other" or about_someone_else(text, kin=requested in WHOSE_ASKED_AT)
        reporter = reporter_heard(text, heard) if other else {}
        heard.update(reporter)
        if other and requested in ("contact_phone", "applicant_phone") and parsing.NO_PHONE.search(re.sub(r"\d", "", text)):
            heard["her_phone"] = "没有手机"  # "13952718346 这是我的电话 刘婆婆没得手机"
        events = await self._for_other(requested, text, heard, dispatcher, tracker) if other else None
        said_own = bool(reporter.get("reporter_said") or reporter.get("reporter_name"))
        if events is None and requested == "applicant_name" and said_own and not emergency.aside(text) \
                and parsing.split_name_and_id(text) == (None, None) and not called_name(text):
            events = self._reporter_noted(heard, dispatcher)  # "我是他女儿何静": hers, not his; his name asked again
        if events is None:
            events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        for e in events:  # what the asides kept (a need heard) goes with what is heard here
            if e.get("name") == ABOUT and e.get("value"):
                heard.update({k: v for k, v in e["value"].items() if kept.get(k) != v})
        if other and heard.get("reporter_name") and any(e.get("name") == "applicant_name" and e.get("value") == heard["reporter_name"]
                                                        for e in events):
            events = [e for e in events if e.get("name") != "applicant_name"] + self._reporter_noted(heard, dispatcher)
        if any(e.get("name") == "applicant_id" and e.get("value") for e in events):
            heard.pop("id", None)  # his ID number given after all: the record says so, never "没有身份证号"
        if other and mentions_report(text) and not heard.get("told"):
            # "隔壁黄大姐说帮她报了的", said with his answers: answered once, honestly.
            dispatcher.utter_message(response="utter_emergency_others_private", which="别人帮忙报的，")
            heard["told"] = True
        events = [e for e in events if e.get("name") != ABOUT] + ([SlotSet(ABOUT, heard)] if heard != kept else [])
        if other and tracker.get_slot(FOR_OTHER_SLOT) != "other" and not any(e.get("name") == FOR_OTHER_SLOT for e in events):
            events.append(SlotSet(FOR_OTHER_SLOT, "other"))
        return events

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Any) -> EventType | None:
        if tracker.slots.get("paused_form") == "emergency_form" and tracker.slots.get("requested_slot") is None:
            return None  # handed over (a complaint) with the report waiting: nothing more is asked here
        return await super().next_requested_slot(dispatcher, tracker, domain)  # type: ignore[misc]

    async def _for_other(self, slot: str, text: str, heard: dict, dispatcher: CollectingDispatcher,
                         tracker: Tracker) -> list[dict] | None:
        """The name, ID and phone questions for someone else; None: the usual validators read the answer."""
        if slot not in ("emergency_what", "applicant_name", "applicant_id") and (found := await self._id_found(text, dispatcher, tracker)):
            return found  # "我找到他身份证了 5002…" at the phone question: on the report, then the question again
        if slot == "applicant_name":
            return await self._called(text, heard, dispatcher, tracker)
        if slot == "applicant_id" and not re.search(r"\d", parsing.spoken_digits(text)) and \
                (ID_UNKNOWN.search(text) or not (emergency.aside(text) or emergency.distressed(text))):
            more = [emergency.noted(tracker, text)] if _more_than(text, "") else []  # "…她屋头烧完勒": kept too
            return self._no_id(text, heard, dispatcher) + more  # "不晓得", "烧了", "证件都找不到": at once, no retry
        phone = parsing.parse_phone(text) if slot == "applicant_phone" else None
        verified = tracker.get_slot("verified_phone") if tracker.get_slot("citizen_token") else None
        if slot == "applicant_phone" and (heard.get("her_phone") and phone or REPORTERS_PHONE.search(re.sub(r"\d", "", text))
                                          or phone and phone == verified):
            # "我妈没得手机 留我的 13760428815", "留我的号码", "打我电话 139…": the reporter's phone is the one to call,
            # never recorded as his; no code for his.
            dispatcher.utter_message(response="utter_emergency_unconfirmed")
            return [SlotSet("applicant_phone", None), SlotSet("verify_phone", None), SlotSet("contact_phone", phone),
                    SlotSet("verify_code", emergency.UNCONFIRMED)]
        return None

    async def _id_found(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
        """His ID number said at another question while none is held: taken (checked), and the question asked again."""
        said = emergency.ID_NUMBER.search(parsing.spoken_digits(text).replace(" ", ""))
        if tracker.get_slot("applicant_id") or not said or re.search(r"\d", text.replace(said.group(0), "")):
            return None
        checked = await self._check_id("applicant_id", said.group(0), dispatcher, tracker)  # type: ignore[attr-defined]
        if checked.get("applicant_id"):
            dispatcher.utter_message(response="utter_emergency_id_taken", masked=_masked_id(checked["applicant_id"]))
        return [SlotSet("applicant_id", checked.get("applicant_id")), SlotSet(tracker.get_slot("requested_slot"), None)]

    @staticmethod
    def _reporter_noted(heard: dict, dispatcher: CollectingDispatcher) -> list[dict]:
        """The reporter's own name or tie, said where his name was asked: kept as hers, his asked again (no wrong answer)."""
        who = "、".join(w for w in (heard.get("reporter") if heard.get("reporter_said") else None, heard.get("reporter_name")) if w)
        dispatcher.utter_message(response="utter_emergency_reporter_noted", who=who or "代报的人")
        return [SlotSet("applicant_name", None)]

    async def _called(self, text: str, heard: dict, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
        """"刘婆婆", "我只晓得她姓刘 大家都喊她刘婆婆 八十岁勒": the 称呼 as her name on the report, marked as one."""
        name, id_text = parsing.split_name_and_id(text)
        called = None if name else called_name(text)
        if not called:
            return None  # a name (or nothing like one): the usual validators
        dispatcher.utter_message(response="utter_emergency_called", called=called)
        heard["called"] = True
        events: list[dict] = [SlotSet("applicant_name", called), SlotSet(FOR_OTHER_SLOT, "other"),
                              SlotSet("verify_code", emergency.UNCONFIRMED)]  # no application in a 称呼's name: her code is never asked
        if _more_than(text, called):
            events.append(emergency.noted(tracker, text))  # "…八十岁勒", "…屋头着火勒": kept with what happened
            if emergency.aside(text) == "more" and (urgent := await emergency.urgent_need(tracker, text)):
                dispatcher.utter_message(text=urgent)  # "刘婆婆 今晚没得地方睡": where to sleep, now
                heard["needs"] = emergency.need_heard(tracker, text)["value"]["needs"]
        if ID_UNKNOWN.search(text):
            events += self._no_id(text, heard, dispatcher)
        elif id_text:
            checked = await self._check_id("applicant_id", id_text, dispatcher, tracker)  # type: ignore[attr-defined]
            events += [SlotSet(k, v) for k, v in checked.items()]
        return events

    @staticmethod
    def _no_id(text: str, heard: dict, dispatcher: CollectingDispatcher) -> list[dict]:
        """No ID number: not asked again (required_slots), and no code for her (the reporter is called back)."""
        dispatcher.utter_message(response="utter_emergency_no_id")
        said = ID_UNKNOWN.search(text)
        heard["id"] = said.group(0) if said else "不晓得" if parsing.is_skip(text) else "没说"
        return [SlotSet("applicant_id", None), SlotSet("verify_code", emergency.UNCONFIRMED)]
