"""The journeys after the forms: application, queries, 急难, complaints, a person to call (the pre-check: precheck.py)."""

import re
import uuid
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import (consent, corrections, discard, drafts, emergency_after, emergency_booked, fallback, first_answers,
                     next_person, parsing, readback, readback_asides, requests, wechat)
from actions.household_incomes import earning, pension_kind_note
from actions.members import LATER, own_income
from actions.backend_client import call, get_client
from actions.face import issue_face_link
from actions.amount_answers import SAID
from actions.notes import approximate_note, illness_note, pension_note, skipped_note
from actions.precheck import ActionPrecheck, income_lines, parse_hukou  # noqa: F401  (ActionPrecheck moved to precheck.py)
from actions.precheck import applies_after, precheck_corrected
from actions.said_facts import KIND_SAID, health_of, health_said, income_line, pensions_unconfirmed, precheck_ill_alone
from actions.streets import HUKOU_SAID
from actions import complaints, member_ids, my_requests, paper_wait, signing_ways, streets, visits
from actions.readback_lines import _answered, _mask_id, _mask_phone, household_note, readback_lines  # noqa: F401 (imported from here)

# Whether the 急难 report went in, or when someone comes ("到底报上没得", "好久有人去"): answered from the report filed.
REPORT_ASKED = re.compile(r"报上|报了没|报没报|报到了|有人去|有人来|来人|没人来|没得人来|好久.{0,4}(来|去)")
# A stop that names the application or taking it back (read as stop, not withdraw_application).
STOP_OR_WITHDRAW = re.compile(r"撤|取消|不申请|申请.*不要|不要.*申请")

# What a pre-check in the same conversation heard and an application asks too: carried, read back, never asked again.
CARRIED = ("monthly_income", "savings", "income_excluded", "more_members")
# after_verify for someone else's progress ("查下我奶奶的申请": what his phone may see is said with it), or a hurry.
RELATIVE, HURRY = "relative", "hurry"


def _submission_key(kind: str = "chat") -> str:
    """A fresh idempotency key for one filing (at most 42 characters; never the conversation id: an SMS
    conversation is the phone number, which has no place in a header; the backend scopes keys per caller)."""
    return f"{kind}-{uuid.uuid4().hex}"


def application_incomes(income: float, excluded_said: str | None, words: str | None = None) -> list[dict[str, Any]]:
    """The applicant's income lines for the application: the pre-check's lines (an excluded part named as said,
    the backend recognises its kind), the excluded part as a transfer income, the rest as declared income; a whole
    income of one kind by the words said (退休金 a transfer, 打零工 a wage: actions/said_facts.py)."""
    lines = income_lines(income, excluded_said)
    if len(lines) == 1 and lines[0]["kind"] == "收入":
        return [income_line(income, words, counted=True)]  # all of it counts, as the chat settled
    return [{"category": "工资性" if x["kind"] == "收入" else "转移净", "kind": "申报收入" if x["kind"] == "收入" else x["kind"],
             "monthly_amount": x["monthly_amount"]} for x in lines]


def _reset(slots: tuple[str, ...]) -> list[EventType]:
    return [SlotSet(s, None) for s in slots]


class ActionStartApplication(Action):
    """Start, or resume, the application form; a type named in this message replaces an older one."""

    def name(self) -> str:
        return "action_start_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if parsing.asks_progress(tracker.latest_message.get("text") or ""):
            return await progress_instead(dispatcher, tracker)  # "查下我奶奶的申请 她身份证是…": no new application
        if (instead := await member_ids.instead_of_applying(dispatcher, tracker)) is not None:
            return instead  # "我儿子的身份证号找到了 5001…": his, never the new application's (actions/member_ids.py)
        # "还有一个人要申请" after a filing, or while one is being filled in (kept as a draft): the next person from clean answers.
        events: list[EventType] = await next_person.next_person(dispatcher, tracker) if next_person.says_another(tracker) else []
        named = next((e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "assistance_type"), None)
        before = tracker.get_slot("assistance_type")
        started = [] if events else [s for s in ("applicant_name", "applicant_id", "street", "filing_for") if tracker.get_slot(s)]
        if started:
            dispatcher.utter_message(response="utter_resume_application")
        style = None
        if named and started and before and named != before:
            # Another type on resume: asked, never replaced silently; the form then asks the type with these two.
            dispatcher.utter_message(response="utter_type_change", type_before=before, type_named=named,
                                     buttons=[{"title": named, "payload": named}, {"title": before, "payload": before}])
            events.append(SlotSet("assistance_type", None))
            style = "type_change"
        elif named:
            events.append(SlotSet("assistance_type", named))
        # What the first message already says (for whom, the helper, a name, a street) is not asked again.
        said = parsing.first_message_slots(tracker.latest_message.get("text") or "")
        if said.get("filing_for") and tracker.get_slot("filing_for") not in (None, said["filing_for"]):
            said = {"filing_for": said["filing_for"]}  # now for someone else: the older answers stay as they are
        if tracker.get_slot("citizen_token"):
            said.pop("verify_phone", None)  # verified already: a number said is not checked again
        events += [SlotSet(k, v) for k, v in said.items() if not tracker.get_slot(k)]
        events += carried_from_precheck(tracker)
        events += [SlotSet("form_retries", None), SlotSet("ask_style", style)]
        if not tracker.get_slot("submission_key"):
            events.append(SlotSet("submission_key", _submission_key()))
        return events


APPLY_WORDS = parsing.APPLY_WORDS


class ActionLooseAnswer(ActionStartApplication):
    """An answer with no question asked: outside any form the NLU read "inform". Where it asks to apply for a
    type ("我想给我自己申请低保我叫周美华身份证…", a voice-typed first message) the application starts with all
    it said; anything else is the fallback as before (said, and the message forgotten)."""

    def name(self) -> str:
        return "action_loose_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        typed = any(e.get("entity") == "assistance_type" for e in tracker.latest_message.get("entities", []))
        if (again := await precheck_corrected(dispatcher, tracker)) is not None:
            return again
        if parsing.asks_progress(text):
            return await progress_instead(dispatcher, tracker)
        if (typed and APPLY_WORDS.search(text)) or next_person.starts_another(tracker) or applies_after(tracker):
            # A type to apply for, another person after a filing ("还有一个人要申请"), "那申请嘛" after a pre-check.
            return await super().run(dispatcher, tracker, {}) + [FollowupAction("application_form")]
        # Anything else is what the fallback hears, in one place: after a report "打我儿子电话嘛 135… 他叫吴磊" (read as
        # inform) changes the number to call, as it does when the NLU has no idea; a member's ID number found later;
        # "我一个月就一百五十多块"; a question after a result; else "没太听懂".
        return await fallback.ActionFallback().run(dispatcher, tracker, {})


class ActionOfferDeclined(Action):
    """"先不用" (/deny) to the pre-check's offer: said kindly, never "没太听懂"; "不对 是一千二" read as a no is the
    income corrected, and the result again."""

    def name(self) -> str:
        return "action_offer_declined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if (again := await precheck_corrected(dispatcher, tracker)) is not None:
            return again
        dispatcher.utter_message(response="utter_offer_declined")
        return []


def carried_from_precheck(tracker: Tracker) -> list[EventType]:
    """The pre-check's answers for the slots the application has not filled yet. 户口 as said ("农村的"):
    the street's name then suggests nothing over it (actions/streets.py)."""
    heard = tracker.get_slot("precheck_heard") or {}
    carried = {k: heard[k] for k in CARRIED if heard.get(k) is not None and tracker.get_slot(k) is None}
    if heard.get("hukou") in HUKOU_SAID and not tracker.get_slot("hukou"):
        carried["hukou"] = HUKOU_SAID[heard["hukou"]]
    said = {k: v for k, v in (heard.get("said") or {}).items() if k in carried}
    if said:
        carried[SAID] = {**(tracker.get_slot(SAID) or {}), **said}
    return [SlotSet(k, v) for k, v in carried.items()]


class ActionAskConfirmed(Action):
    """Read the whole application back, one answer a line, before asking to submit it. In the web chat each
    line has its 改 button ("改" + the line's label, actions/corrections.py); by SMS and WeChat the person
    says what is wrong ("名字不对，是刘淑芬")."""

    def name(self) -> str:
        return "action_ask_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        lines = readback_lines(tracker)
        # One message: a newer message closes the web page's older buttons, and these are the question's own.
        fixes = [{"title": f"改{label}", "payload": f"改{label}"} for label, _ in lines
                 if (label in corrections.BY_LABEL or label.endswith(readback.MEMBER_INCOME))
                 and tracker.get_latest_input_channel() in ("rest", None)]
        # Approximate amounts are noted on their own lines (readback_lines), never after her reason.
        note = f"\n{n}" if (n := skipped_note(tracker.get_slot("skipped_slots") or [], _answered(tracker))) else ""
        if (short := readback_asides.said_short(dispatcher, tracker, fixes)) is None:  # a question was just answered: one line
            dispatcher.utter_message(response="utter_readback", lines="\n".join(f"{label}：{value}" for label, value in lines),
                                     note=note, buttons=fixes)
        return short or []


ALREADY_OPEN = "application_already_open"  # the backend's code: one open case of a type per person
NAME_MISMATCH = "name_mismatch"  # the backend's code: the name is not the one on record for that ID number


class ActionSubmitApplication(Action):
    def name(self) -> str:
        return "action_submit_application"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        s = tracker.get_slot
        if s("confirmed") is False:
            # Not now: nothing is thrown away; "继续" reads it back again.
            dispatcher.utter_message(response="utter_not_submitted")
            return [SlotSet("confirmed", None), SlotSet("paused_form", "application_form")]
        if s("filing_for") == "other" and s(drafts.NO_PHONE) and not s("delegation_id"):
            waiting = await drafts.paper_step(dispatcher, tracker)  # her signed paper form first
            if waiting is not None:
                return waiting  # else verified meanwhile: filed now, in this one action
        ill_alone = precheck_ill_alone(s("precheck_heard"), s("members"))  # 重病或残疾 in a household of one: hers
        health = health_said(s("reason"), s("members") or [], for_self=s("filing_for") != "other", precheck_ill=ill_alone,
                             applicant_male=parsing.id_male(s("applicant_id")))
        applicant = {"name": s("applicant_name"), "id_number": s("applicant_id"), "relation": "本人", "phone": s("applicant_phone"),
                     "incomes": application_incomes(own_income(s("monthly_income"), [*(s("members") or []), *earning(s(LATER))]),
                                                    s("income_excluded"), s(KIND_SAID)),
                     **health_of(health, 0), **({"serious_illness": True} if ill_alone else {})}
        others = [{"name": m["name"], "id_number": m["id_number"], "relation": m["relation"], **health_of(health, i),
                   "incomes": [income_line(m["income"], m.get(KIND_SAID))] if m.get("income") else []}
                  for i, m in enumerate(s("members") or [], 1)]
        key = s("submission_key") or _submission_key()
        # Those whose ID number is to come go as members (the backend counts them and marks them 身份证号待补), with the
        # income said for them in her income answer (actions/household_incomes.py).
        pending = [{"name": m["name"], **{k: m[k] for k in ("relation", "age") if m.get(k)},
                    **({"incomes": [income_line(m["income"], m.get(KIND_SAID))]} if m.get("income") else {})} for m in s(LATER) or []]
        unsure = pensions_unconfirmed([applicant, *others, *({"incomes": [], **m} for m in pending)],
                                      [s(KIND_SAID), *(m.get(KIND_SAID) for m in [*(s("members") or []), *(s(LATER) or [])])])
        earners = [*(s("members") or []), *earning(s(LATER))]
        notes = (skipped_note(s("skipped_slots") or [], _answered(tracker)) + approximate_note(s(SAID), earners) + household_note(tracker)
                 + pension_kind_note(s(LATER)) + pension_note(unsure) + illness_note((s("precheck_heard") or {}).get("illness_said")))
        reason = f"{s('reason') or ''}{notes}" or None
        offer = await call(dispatcher, get_client().offer())
        if offer is None:
            return [SlotSet("confirmed", None), SlotSet("submission_key", key)]
        kind = s("assistance_type") or offer["default_type"]
        subtype = next((t["default_subtype"] for t in offer["filing_types"] if t["assistance_type"] == kind), None)
        body = {"assistance_type": kind, "subtype": subtype, "area_code": s("area_code"),
                "channel": "sms" if tracker.get_latest_input_channel() == "twilio" else "chat", "reason": reason,
                "members": [applicant, *others, *pending], "assets": [{"kind": "存款", "value": s("savings") or 0}],
                "hukou": parse_hukou(s("hukou")),  # never asked here: homes, vehicles; 户口 where the standards are the same
                "not_asked": ["homes", "vehicles", *(["hukou"] if parse_hukou(s("hukou")) is None else [])]}
        if s(streets.DETAIL):
            body["address"] = streets.address(tracker)  # the road and door said after the street: the case page's 住址
        if s("filing_for") == "other" and s("helper_name"):
            # The helper's own name as she last said it: corrected at the read-back after her principal's consent was
            # recorded, the delegation's record follows (backend correct_helper_name); it was never sent again.
            body["helper_name"] = s("helper_name")
        refused: list[str] = []
        created = await call(dispatcher, get_client().submit_application(s("citizen_token"), body, key), refused)
        if ALREADY_OPEN in refused:
            # Her case of this type is already being handled (the backend said which): nothing to file again.
            await drafts.drop(tracker)
            return drafts.ended(*next_person.FILING_SLOTS)
        if NAME_MISMATCH in refused:
            # The name does not go with the ID number on record: both asked again once, then the window or a person.
            return await consent.name_refused(dispatcher, tracker)
        if created is None:
            # Nothing is lost: the answers and the key stay, so trying again cannot file twice.
            return [SlotSet("confirmed", None), SlotSet("submission_key", key)]
        dispatcher.utter_message(response="utter_submitted", number=created["number"], status_label=created["status_label"],
                                 due=created.get("step_due_day") or "近几个工作日")
        member_ids.say_filed(dispatcher, created)  # whose ID number is still to come, and to just send it
        if later := tracker.get_slot(first_answers.ALSO_WANTED):  # "两个都要": the other type offered now that this is filed
            dispatcher.utter_message(response="utter_second_type_offer", later=later, buttons=[
                {"title": f"接着申请{later}", "payload": f'/apply_assistance{{"assistance_type":"{later}"}}'}])
        await drafts.drop(tracker)
        # Filed: nothing of this application stays open or paused ("继续" never reads it back again, a correction goes to
        # the filed case: actions/requests.py); a next application in this chat starts clean.
        return drafts.ended(*next_person.FILING_SLOTS, first_answers.ALSO_WANTED) + [SlotSet("application_no", created["number"])]


class ActionCancel(Action):
    """算了: leave the form; what was filled in stays for next time."""

    def name(self) -> str:
        return "action_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.active_loop_name:
            dispatcher.utter_message(response="utter_stopped")
            saved = await drafts.keep(dispatcher, tracker) if tracker.active_loop_name == "application_form" else []
            # "继续" goes back to this form (bot/data/rules.yml, resume); every answer stays, an application's also
            # for the verified phone, for another day (actions/drafts.py).
            # A call-back's phone question stopped: the form it interrupted is the one "继续" goes back to.
            aside = tracker.active_loop_name == "callback_form" and tracker.get_slot("paused_form")
            paused = tracker.get_slot("paused_form") if aside else tracker.active_loop_name
            return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("paused_form", paused), *saved]
        if discard.about_draft(tracker.latest_message.get("text") or ""):
            return await requests.discard_instead(dispatcher, tracker)  # "填得乱七八糟的 不要了": the saved draft
        if paper_wait.waiting(tracker) and paper_wait.wants_link(tracker.latest_message.get("text") or ""):
            await drafts.say_paper_way(dispatcher, tracker)  # "算了 我现在拍一张试一下": the upload link again
            return []
        if STOP_OR_WITHDRAW.search(tracker.latest_message.get("text") or ""):
            # "取消申请", "撤销" with no form open: perhaps the application already handed in (never "好的" and nothing).
            dispatcher.utter_message(response="utter_stop_maybe_withdraw")
            return []
        said = tracker.latest_message.get("text") or ""
        if (events := await emergency_after.plans_heard(dispatcher, tracker, said)) is not None:
            return events  # "今天晚上我去儿子那点挤一下 救助站就不去了" after a report: on his case, never "还有别的吗"
        dispatcher.utter_message(response="utter_nothing_to_stop")
        return []


class ActionStartVerifiedQuery(Action):
    """Progress and payment need to know who is asking; the rules verify the phone first if needed."""

    def name(self) -> str:
        return "action_start_verified_query"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        said = tracker.latest_message.get("text") or ""
        if tracker.latest_message.get("intent", {}).get("name") == "query_progress" and applies_after(tracker):
            # "那申请嘛" after a pre-check read as a progress query: its phone check led to "还没有申请记录", the
            # application (and what the pre-check heard) lost. The application instead, nothing asked again.
            return await ActionStartApplication().run(dispatcher, tracker, {}) + [FollowupAction("application_form")]
        if (about := complaints.asked_about(said, tracker.get_slot(complaints.FILED) or [])) not in (None, "where"):
            # "TS000001有人管没有" read as progress: her complaint's ticket, never "还没有申请记录" (actions/complaints.py).
            await complaints.answer_about(dispatcher, tracker, about, said)
            return [UserUtteranceReverted()]
        if emergency_booked.asks_on_duty(said) and await emergency_booked.answer_on_duty(dispatcher, tracker, said):
            return [UserUtteranceReverted()]  # "今天晚上有人管没得" read as progress: who is at work now (emergency_booked)
        if REPORT_ASKED.search(said) and await emergency_booked.say_booked(dispatcher, tracker):
            # "到底报上没得" after his 急难 report in this chat: what was filed and who calls, never "还没有申请记录".
            return [UserUtteranceReverted()]
        if drafts.asks_paper_upload(tracker.latest_message.get("text") or ""):
            # "委托书要怎么传" read as signing (sign_authorization): how the paper form comes in, no face link.
            await drafts.answer_paper_upload(dispatcher, tracker)
            return [UserUtteranceReverted()]
        if signing_ways.asks(tracker, said):  # "爷爷没手机 咋签": each one's ways by name, never a code (signing_ways.py)
            return await signing_ways.start(dispatcher, tracker, start_query)
        if paper_wait.waiting(tracker) and await paper_wait.answer(dispatcher, tracker, said):
            # Her question while the paper 委托书 is to come ("入户核查是哪个来做"): answered, then what is still missing.
            paper_wait.remind(dispatcher, tracker)
            return [UserUtteranceReverted()]
        if (visit := await visits.asked(dispatcher, tracker, said)) is not None:
            return await start_query(dispatcher, tracker) + visit  # "入户核查啥时候来": her case's visit (actions/visits.py)
        if await fallback.answered_from_words(dispatcher, tracker.latest_message.get("text") or ""):
            # "授权委托书是啥子，表在哪里拿" read as signing or progress: a word's meaning, no phone asked for.
            return [UserUtteranceReverted()]
        return await start_query(dispatcher, tracker)


async def start_query(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """What is asked for (progress, a relative's progress, payments, a face link), and the phone verified first if needed."""
    intent = tracker.latest_message.get("intent", {}).get("name")
    mode = {"query_payment": "payment", "sign_authorization": "authorization", "certify_liveness": "certification"}.get(intent, "progress")
    if mode == "progress" and parsing.about_someone_else(tracker.latest_message.get("text") or ""):
        mode = RELATIVE
    elif mode == "progress" and requests.HURRY.search(tracker.latest_message.get("text") or ""):
        mode = HURRY  # "能不能催一下": where it stands, its time limit, a call-back offered (actions/requests.py)
    events: list[EventType] = [SlotSet("after_verify", mode)]
    if tracker.get_slot("phone_verified"):
        return events
    if mode == RELATIVE:
        dispatcher.utter_message(response="utter_relative_progress_first")  # why his phone, and what it can see
    if (bound := await wechat.bound_session(tracker, dispatcher)) is not None:
        # A bound WeChat user: the verify form finds its slots filled and asks nothing.
        return events + [SlotSet("verify_phone", bound["verified_phone"])] + [SlotSet(k, v) for k, v in bound.items()]
    return events + [SlotSet("verify_phone", None), SlotSet("verify_code", None)]


async def progress_instead(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A progress query the NLU read as an application: the progress path (the rules' own for query_progress). Nothing
    in the message fills a slot: an ID number in it is neither kept nor sent (his phone shows what he may see)."""
    events = await start_query(dispatcher, tracker)
    if not tracker.get_slot("phone_verified"):
        return events + [FollowupAction("verify_form")]  # then the rule "phone verified" answers (action_after_verify)
    tracker.slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    # Answered here, then listen: the rule that brought us here would open the application form next.
    return events + await ActionAfterVerify().run(dispatcher, tracker, {}) + [FollowupAction("action_listen")]


class ActionAfterVerify(Action):
    """What the person asked for once we know who they are: progress, payments, or a face-check link."""

    def name(self) -> str:
        return "action_after_verify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        events = await self._answer(dispatcher, tracker)
        if tracker.get_slot("paused_form") == "eligibility_form":
            dispatcher.utter_message(response="utter_precheck_go_on")  # "查进度" in the pre-check's middle: it waits
        return events

    async def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        if tracker.get_slot("after_verify") == member_ids.AFTER_VERIFY:
            return await member_ids.after_verify(dispatcher, tracker)  # a family member's ID number said before the code
        if tracker.get_slot("after_verify") in requests.CHANGES:
            return await requests.after_verify(dispatcher, tracker)  # withdrawing or correcting (actions/requests.py)
        if tracker.get_slot("after_verify") == signing_ways.MODE:
            return await signing_ways.after_verify(dispatcher, tracker)  # "核对授权书怎么签" once his phone is verified
        if tracker.get_slot("after_verify") == "draft":
            return [SlotSet("after_verify", None), *await drafts.restore(dispatcher, tracker)]  # "继续" another day
        token = tracker.get_slot("citizen_token")
        number = tracker.get_slot("application_no")
        mine = await call(dispatcher, get_client().my_applications(token))
        if mine is None:
            return [SlotSet("citizen_token", None), SlotSet("phone_verified", False)]
        numbers = [a["number"] for a in mine]
        if number not in numbers:
            number = numbers[0] if numbers else None
        if number is None:
            # A helper whose forms wait (a paper 委托书 being checked, a form paused) asked "存好了没得": they are
            # kept, not "no records" (a grid worker was told the latter just after "填过的都存着").
            kept = await call(dispatcher, get_client().my_drafts(token)) or []
            if kept:
                await visits.no_case(dispatcher, tracker)  # "入户核查好久来" asked: the time limits, not only "存着"
                dispatcher.utter_message(response="utter_no_applications_drafts_kept",
                                         labels="、".join(d["label"] for d in kept[:5]))
                paper_wait.remind(dispatcher, tracker)  # the 委托书 photo, or the window, still to come
                await my_requests.say(dispatcher, tracker, token)
                _relative_note(dispatcher, tracker)
                return []
            if await my_requests.say(dispatcher, tracker, token, alone=True):
                # Her 急难 report (HD…) or complaint (TS…): where each stands, never "还没有申请记录".
                _relative_note(dispatcher, tracker)
                return []
            await visits.no_case(dispatcher, tracker)  # "入户核查啥时候来" with no case: what happens after filing
            dispatcher.utter_message(response="utter_no_applications")  # its second line is the relative's way
            return []
        mode = tracker.get_slot("after_verify")
        hurried: list[EventType] = []
        if mode in ("authorization", "certification"):
            return [*await issue_face_link(dispatcher, tracker, token, number, mode), SlotSet("application_no", number)]
        if mode == "payment":
            payments = await call(dispatcher, get_client().payments(token, number))
            if payments is not None:
                paid = [p for p in payments if p["status"] == "paid"]
                if paid:
                    p = paid[0]
                    dispatcher.utter_message(response="utter_last_payment", number=number, month=p["month_said"],
                                             amount=p["amount_said"], paid_on=p["paid_on_said"])
                else:
                    # How this case's money comes (monthly, once, or a 急难 case's 先行救助): the backend's, by its type.
                    progress = await call(dispatcher, get_client().progress(token, number))
                    if progress and progress.get("payment_said"):
                        dispatcher.utter_message(response="utter_payment_how", said=progress["payment_said"])
                    else:
                        dispatcher.utter_message(response="utter_no_payment_yet", number=number)
        else:
            progress = await call(dispatcher, get_client().progress(token, number))
            if progress is not None:
                # Steps done, the one now (who, by when) and what comes next; shorter by SMS.
                sms = tracker.get_latest_input_channel() == "twilio"
                told = visits.said(progress, mode) or progress["said_sms" if sms else "said"]  # the visit, when asked
                dispatcher.utter_message(text=told or progress["summary"])
                member_ids.say_how(dispatcher, progress)  # whose ID number is still to come: just send it
                if mode == HURRY:
                    case = next((a for a in mine if a["number"] == number), {})
                    hurried = requests.say_hurry(dispatcher, tracker, progress, case.get("area_code"))
        if len(numbers) > 1:
            dispatcher.utter_message(response="utter_other_applications", numbers="、".join(n for n in numbers if n != number))
        await my_requests.say(dispatcher, tracker, token)  # her 急难 reports and complaints too
        if all(a.get("own", True) for a in mine):  # a relative's case shown: no "没有看到家里人的申请的话"
            _relative_note(dispatcher, tracker)
        return [SlotSet("application_no", number), *hurried]


def _relative_note(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """After what his phone shows, for a relative's progress: what that is, and how to see hers if it is not there."""
    if tracker.get_slot("after_verify") == RELATIVE:
        dispatcher.utter_message(response="utter_relative_what_you_see")
