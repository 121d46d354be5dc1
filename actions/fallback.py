"""What is tried before "没太听懂": a follow-up to the call-back booked in this conversation ("好久打嘛" is told its
number and day again, never a second ticket), and a question the backend can answer from the words alone
("受理是啥子意思", "退休金算不算收入": backend/policy/data/terms.yaml and the income rules)."""

import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_after
from actions import emergency_booked, emergency_call_phone, emergency_found_id, emergency_next, how_to_check, member_ids
from actions.backend_client import BackendError, BackendUnavailable, get_client
from actions.precheck import precheck_corrected

# "好久打嘛", "啥时候打电话", "咋个还没人打来", "说好的回电呢", "电话还没来"
FOLLOW_UP = re.compile(r"(好久|多久|什么时候|啥时候|啥子时候|几时|几点|到底|还没|咋个还|怎么还|说好的|等了|等到|还要等|催)"
                       r".{0,8}(打|电话|回电|来人|联系)|(电话|回电|人).{0,4}(呢|还没|没来|没打|没到)|值班电话")


def asks_after_callback(tracker: Tracker, text: str) -> bool:
    return bool(tracker.get_slot("callback_booked")) and bool(FOLLOW_UP.search(text))


ASKS_NUMBER = re.compile(r"值班|电话是|号码|打哪个|电话多少|电话好多|啥子电话|什么电话")
# "南坪街道电话", "铜元局街道的值班电话", "渝中区民政局电话", "民政局电话": a named office's number.
ASKS_OFFICE_PHONE = re.compile(r"([\u4e00-\u9fff]{0,8}?(?:街道|镇|乡|民政局))(?:的)?(?:办事处|便民服务中心|社会救助窗口)?(?:的)?"
                               r"(?:值班|办公室|办公|联系|咨询|救助)?(?:电话|号码)")


async def answered_office_phone(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """A named street's (or the 民政局's) number, from the offices the backend has: the real one where on file, else
    plainly not on file, the district 民政局's if on file, and 12345 as a hotline to call. False: not asked."""
    m = ASKS_OFFICE_PHONE.search(text or "")
    if not m:
        return False
    place = re.sub(r"^(我们|我|这边|那边|我家|屋头|你们|给我|告诉我)+", "", m.group(1)).removesuffix("民政局").removesuffix("的")
    place = place if place not in ("", "街道", "镇", "乡") else tracker.get_slot("street") or ""  # "街道电话": hers
    try:
        client = get_client()
        area = next((a for a in await client.search_areas(place) if a.get("match") == "exact"), None) if place else None
        district = None
        if area and area["level"] == "street" and not (area.get("office_configured") and (area.get("office_phone") or area.get("duty_phone"))) \
                and area.get("district"):
            district = next((a for a in await client.search_areas(area["district"]) if a["level"] == "district"
                             and a.get("office_configured") and a.get("office_phone")), None)
    except (BackendError, BackendUnavailable):
        area, district = None, None
    if area and area.get("office_configured") and area.get("duty_phone"):
        dispatcher.utter_message(response="utter_office_duty_phone", office_name=area["office_name"], duty_phone=area["duty_phone"])
    if area and area.get("office_configured") and area.get("office_phone"):
        dispatcher.utter_message(response="utter_callback_office", office_name=area["office_name"],
                                 office_phone=area["office_phone"], office_hours=area.get("office_hours") or "工作日")
        return True
    if area and area.get("office_configured") and area.get("duty_phone"):
        return True
    dispatcher.utter_message(response="utter_office_phone_not_on_file", place=(area or {}).get("name") or m.group(1))
    if district:
        dispatcher.utter_message(response="utter_callback_office", office_name=district["office_name"],
                                 office_phone=district["office_phone"], office_hours=district.get("office_hours") or "工作日")
    dispatcher.utter_message(response="utter_hotline_to_call")
    return True


def say_callback_again(dispatcher: CollectingDispatcher, booked: dict | None, text: str = "") -> None:
    """The call-back booked, again; asked for a number to ring ("有没得值班电话"), the office's if on file, else
    plainly none and 12345 to call (a tester asking for the duty number was only told the call-back again)."""
    booked = booked or {}
    # The promise as the booking said it (the backend's one wording); a call-back booked before it had one: its day.
    promise = booked.get("promise") or f"{booked.get('due_day')}{'' if booked.get('due_day') == '今天' else '前'}"
    dispatcher.utter_message(response="utter_callback_followup", reference=booked.get("reference"),
                             caller=booked.get("caller"), due_day=booked.get("due_day"), promise=promise,
                             phone_masked=booked.get("phone_masked"))
    if ASKS_NUMBER.search(text):
        if booked.get("office_phone"):
            dispatcher.utter_message(response="utter_emergency_office_phone", office_name=booked.get("caller"),
                                     office_phone=booked["office_phone"], office_hours=booked.get("office_hours") or "工作日")
        else:
            dispatcher.utter_message(response="utter_callback_no_office")


async def words_answer(text: str) -> dict | None:
    """The backend's answer from the words alone (a word's meaning, an income's kind, her data, when the home visit
    comes: its `term` says which), or None: nothing said, a button, or the backend not answering."""
    if not text.strip() or text.startswith("/"):
        return None
    try:
        client = get_client()
        offer = await client.offer()
        return await client.policy_answer(assistance_type=offer["default_type"], aspect=offer["default_aspect"],
                                          region=None, said=" ".join(text.split())[:200])
    except (BackendError, BackendUnavailable):
        return None  # the fallback below still answers; an outage is not the person's business here


async def answered_from_words(dispatcher: CollectingDispatcher, text: str, only: str | None = None) -> bool:
    """A word's meaning, whether an income counts or a question about her data (actions/privacy.py), when the
    message asks that; False when it does not. `only`: that kind of answer alone (the backend's `term`)."""
    result = await words_answer(text)
    if not result or not result.get("term") or not result.get("answer") or only not in (None, result["term"]):
        return False
    dispatcher.utter_message(text=result["answer"])
    return True


URGE = re.compile(r"等不起|等不及|快点|马上|赶紧|急死|好久|多久|什么时候|啥时候|来人|打电话")


async def says_emergency_again(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
    """"好久打电话来嘛 等不起了" after a 急难 report in this conversation: that report, never a second ticket with
    another caller (a tester got one from the city's office after the street's). Right after filing ("好久来人" seconds
    later) nothing is urged: she is told it was just filed, who calls by when, the duty phone; later the hurry goes on
    the report — its application's notes, or the call-back it went as — and is said as it is: "又催了一次" while the
    office is at work, noted for the morning at night, with when it opens and what to call now
    (actions/emergency_booked.py, say_booked and hurry)."""
    if not (tracker.get_slot("emergency_filed") and URGE.search(text)):
        return False
    if emergency_booked.recent(tracker) and await emergency_booked.say_booked(dispatcher, tracker):
        return True
    return await emergency_booked.hurry(dispatcher, tracker, text)


async def before_not_understood(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """True when something was answered, so "没太听懂" is not said."""
    text = tracker.latest_message.get("text") or ""
    if await emergency_found_id.attach(dispatcher, tracker, text):
        return True  # "我找到他身份证了 500222…" after the 急难 report: put on it
    if await answered_office_phone(dispatcher, tracker, text):
        return True
    if emergency_booked.asks_on_duty(text) and await emergency_booked.answer_on_duty(dispatcher, tracker, text):
        return True  # "今天晚上有人管没得": who is at work, or plainly nobody until the office opens, and what to call now
    if await says_emergency_again(dispatcher, tracker, text):
        return True
    if asks_after_callback(tracker, text):
        say_callback_again(dispatcher, tracker.get_slot("callback_booked"), text)
        return True
    if how_to_check.answered(dispatcher, text):
        return True  # "我以后咋个查嘛": how to follow it, never "帮不上忙"
    return await answered_from_words(dispatcher, text)


# Fear and crying, with nothing else said ("呜呜", "救命", "娃儿在哭"): a calm word, never "没太听懂".
DISTRESS = re.compile(r"呜+|哇+|救命|救救|帮帮|(?:娃儿|娃娃|孩子|小孩|娃)(?:一直|还)?在?哭|哭|好怕|害怕|吓死|吓人|"
                      r"怎么办|咋办|咋个办|天啊|天哪|老天爷?|求求")
CALM_FILLERS = re.compile(r"[\s，,。.!！?？~～、…]|我|们|你|了|啊|呀|嘛|哦|喃|哟|噻|吧|呢|的|要|好|快|点|来|人")


def distressed(text: str) -> bool:
    """Only fear in it: nothing left once the cries and fillers are taken out (a name or a number is an answer)."""
    return bool(DISTRESS.search(text)) and not re.search(r"\d", text) and not CALM_FILLERS.sub("", DISTRESS.sub("", text))


class ActionFallback(Action):
    """Outside any form, the NLU had no idea: the follow-up or the word question first, then "没太听懂"."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        return emergency_booked.once(dispatcher, tracker, await self._run(dispatcher, tracker))  # each safety line once

    async def _run(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        if (again := await precheck_corrected(dispatcher, tracker)) is not None:
            return again  # "我们是城镇户口哦" after a pre-check's result: that answer corrected, the result again
        if (events := await emergency_call_phone.heard(dispatcher, tracker, str(tracker.latest_message.get("text") or ""))) is not None:
            return events  # "打我儿子电话嘛 135… 他叫吴磊" after a report: the number to call changed
        if (events := await emergency_next.answer(dispatcher, tracker, str(tracker.latest_message.get("text") or ""))) is not None:
            return events  # "火早就灭了", "咋个办嘛", "一上班是几点嘛" after a report: for that report
        said = str(tracker.latest_message.get("text") or "")
        if (events := await emergency_after.plans_heard(dispatcher, tracker, said)) is not None:
            return events  # "今天晚上我去儿子那点挤一下" after a report: his plans on the case (actions/emergency_after.py)
        if (events := await member_ids.found(dispatcher, tracker)) is not None:
            return events  # a family member's ID number found after filing, or the answer to whose it is
        if (events := how_to_check.income_offer(dispatcher, tracker, str(tracker.latest_message.get("text") or ""))) is not None:
            return events  # "我一个月就一百五十多块": the pre-check offered, the figure kept for it
        if await before_not_understood(dispatcher, tracker):
            return []
        if distressed(str(tracker.latest_message.get("text") or "")):
            dispatcher.utter_message(response="utter_distress")  # "呜呜" after a report: a calm word and a person
            return [UserUtteranceReverted()]
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]


def booked(created: dict, phone_masked: str, urgent: bool) -> SlotSet:
    """What a follow-up is told again (callback_booked)."""
    return SlotSet("callback_booked", {"reference": created["reference"], "caller": created["caller"],
                                       "due_day": "今天" if urgent and created.get("due_today") else created["due_day"],
                                       "promise": created.get("promise"),
                                       "phone_masked": phone_masked,
                                       # the caller's own number only: the hotline's 12345 is nobody's office phone
                                       "office_phone": created.get("office_phone") if created.get("office_name") == created["caller"] else None,
                                       "office_hours": created.get("office_hours")})
