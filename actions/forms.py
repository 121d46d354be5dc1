"""Form validation: each answer read, checked with the backend where a rule applies, kept or asked again kindly."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import first_answers, not_urgent
from actions import amount_answers, change_of_mind, codes, household_incomes, members, parsing, requests, streets, wechat
from actions.backend_client import call, get_client
from actions.complaints import ValidateComplaintForm  # noqa: F401  (the complaint form moved there, with where to complain)
from actions.precheck import NO_QUESTION, NONE_EXCLUDED, AsksSupporter, PrecheckAnswers, read_excluded, read_hukou
from actions.precheck_income import HouseholdIncome
from actions.precheck_asides import PrecheckAsides
from actions.answers.names import address_name
from actions.for_whom import ForWhom
from actions.members import MEMBER_SLOTS
from actions.helper_switch import TurnsToHelper
from actions.consent import PrincipalConsent
from actions.discard import ASKED as DISCARD_ASKED, DiscardDraft
from actions.drafts import NO_PHONE, HeldDelegation
from actions.emergency import EmergencyAsides
from actions.emergency_name_check import NameAgainstId
from actions.emergency_others import ForOthers
from actions.emergency_readback import EmergencyReadBack
from actions.amount_answers import LastAmountCorrected
from actions.readback import ReadBack
from actions.said_ahead import SaidAhead
from actions.retry import NEUTRAL, RetryingFormValidationAction
from actions.said_facts import KIND_SAID, kind_words
from actions.notes import SKIPPED_NOTE

Slots = dict[str, Any]
HELPER_KIND_NAMES = {"relative": "亲属", "grid_worker": "网格员", "volunteer": "志愿者", "community_police": "社区民警", "staff": "工作人员"}
def household_size(tracker: Tracker) -> int:
    """The household as far as the conversation knows it: the pre-check's answer, or the members added (with those whose
    ID number is to be added later: they live with her all the same)."""
    heard = (tracker.get_slot("precheck_heard") or {}).get("household_size")
    return max(int(heard or 1), members.listed(tracker))


def _text(value: Any) -> str:
    return str(value or "").strip()


def _phone(value: Any, dispatcher: CollectingDispatcher) -> str | None:
    """The one reading of a typed phone number; says so when it is not one."""
    phone = parsing.parse_phone(_text(value))
    if phone is None:
        dispatcher.utter_message(response="utter_phone_invalid")
    return phone


class SharedValidators:
    """Validators for slots several forms ask: phones and codes, names, ID numbers, streets."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        """A code lock-out pauses the form (actions/codes.py): the answers stay, the question is not asked again."""
        events = await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        if any(e.get("name") == codes.PAUSE for e in events):
            return codes.pause_events(self.form_name(), events)  # type: ignore[attr-defined]
        return events

    async def validate_verify_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        if tracker.get_slot("citizen_token") and value and value == tracker.get_slot("verified_phone"):
            return {"verify_phone": value}  # known through a bound WeChat (masked): nothing to check again
        phone = _phone(value, dispatcher)
        if phone is None:
            return {"verify_phone": None}
        if (bound := await wechat.bound_session(tracker, dispatcher, phone)) is not None:
            return {"verify_phone": phone, **bound}
        ok, paused = await codes.sent(dispatcher, get_client().request_code(phone))
        if not ok:
            return {"verify_phone": None, **paused}
        dispatcher.utter_message(response="utter_code_sent")  # said only when one was sent (not after a wrong code)
        return {"verify_phone": phone, "verify_code": None}

    async def validate_verify_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        phone = tracker.get_slot("verify_phone")
        text = _text(value)
        if text == "ok" and tracker.get_slot("citizen_token"):
            return {"verify_code": "ok"}  # already verified (the form re-checks filled slots when it resumes)
        if codes.asks_resend(text):
            # A new code, within the backend's limits (it says when they are reached).
            ok, paused = await codes.sent(dispatcher, get_client().request_code(phone)) if phone else (False, {})
            if ok:
                dispatcher.utter_message(response="utter_code_resent")
            return {"verify_code": None, NEUTRAL: True, **paused}
        code = parsing.parse_code(text)
        if code is None and codes.waits(text):  # "等下 奶奶在找短信": she is looking, nothing was wrong
            dispatcher.utter_message(response="utter_code_wait")
            return {"verify_code": None, NEUTRAL: True}
        if code is None or not phone:  # "验证码是啥子": explained, not counted as a wrong code
            dispatcher.utter_message(response="utter_code_what" if codes.asks_what(text) else "utter_code_wrong")
            return {"verify_code": None, **({NEUTRAL: True} if codes.asks_what(text) else {})}
        token, paused = await codes.checked(dispatcher, get_client().verify_code(phone, code))
        if token is None:
            return {"verify_code": None, **paused}
        await wechat.bind_after_code(tracker, dispatcher, token, phone)
        return {"verify_code": "ok", "citizen_token": token, "verified_phone": phone, "phone_verified": True}

    async def validate_applicant_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The applicant's own phone (every form): kept if it is the verified one, otherwise it gets a code."""
        phone = _phone(value, dispatcher)
        if phone is None:
            return {"applicant_phone": None}
        if tracker.get_slot("citizen_token") and tracker.get_slot("verified_phone") == phone:
            return {"applicant_phone": phone}
        if (bound := await wechat.bound_session(tracker, dispatcher, phone)) is not None:
            return {"applicant_phone": phone, "verify_phone": phone, **bound}
        ok, paused = await codes.sent(dispatcher, get_client().request_code(phone))
        if not ok:
            return {"applicant_phone": None, **paused}
        dispatcher.utter_message(response="utter_code_sent")
        return {"applicant_phone": phone, "verify_phone": phone, "verify_code": None, "citizen_token": None,
                "phone_verified": False}

    async def _name_and_id(self, name_slot: str, id_slot: str, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker) -> Slots:
        """Name and ID number are asked together and either may come first or alone; only what is
        still missing is asked next."""
        text = _text(value)
        name, id_text = parsing.split_name_and_id(text)
        # Never the slot's own value as a fallback: it is this very answer (an ID number, "我不晓得").
        slots: Slots = {name_slot: name}
        phone = parsing.parse_phone(text.replace(id_text, " ") if id_text else text)
        if id_text and not tracker.get_slot(id_slot):
            slots.update(await self._check_id(id_slot, id_text, dispatcher, tracker))
            phone = phone if slots.get(id_slot) else None
        if phone and name and name_slot == "applicant_name" and tracker.get_slot("filing_for") != "other" \
                and not tracker.get_slot("applicant_phone"):
            # "张秀英 5001…1226 13912345678": her phone too, with its code, not asked again.
            slots.update(await self.validate_applicant_phone(phone, dispatcher, tracker, {}))
        elif not name and not id_text:
            self._not_a_name(text, name_slot, dispatcher, slots, tracker)
        return slots

    @staticmethod
    def _not_a_name(text: str, name_slot: str, dispatcher: CollectingDispatcher, slots: Slots, tracker: Tracker) -> None:
        """Say why an answer is not taken as the name: a relation ("我老伴") is kept as what it says."""
        relation = members.relation_said(text, tracker) if name_slot == "member_name" else None
        if relation in parsing.MEMBER_RELATIONS:
            slots["member_relation"] = relation
            dispatcher.utter_message(response="utter_name_not_relation", relation=relation)
        elif parsing.is_skip(text) or any(w in text for w in ("晓得", "知道", "记不")):
            dispatcher.utter_message(response="utter_name_unknown")
        else:
            dispatcher.utter_message(response="utter_name_unclear")

    async def validate_applicant_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        his = members.helper_name_was_his(_text(value), tracker) if tracker.get_slot("filing_for") == "other" else None
        if his:
            # "不是，周德贵是老人的名字": the name taken for the helper's is his; hers is asked again (it comes first).
            dispatcher.utter_message(response="utter_helper_name_was_principal", applicant_name=his)
            id_text = parsing.split_name_and_id(_text(value))[1]
            checked = await self._check_id("applicant_id", id_text, dispatcher, tracker) if id_text and not tracker.get_slot("applicant_id") else {}
            return {**checked, "applicant_name": his, "helper_name": None}
        slots = await self._name_and_id("applicant_name", "applicant_id", value, dispatcher, tracker)
        near = (slots.get("applicant_id") or tracker.get_slot("applicant_id") or "")[:6] or None
        if slots.get("applicant_name") and await streets.names_a_place(slots["applicant_name"], near):
            dispatcher.utter_message(response="utter_name_unclear")  # "七星岗": the street, not her name
            slots["applicant_name"] = None
        if tracker.get_slot("filing_for") == "other" and slots.get("applicant_name") and slots["applicant_name"] == tracker.get_slot("helper_name"):
            dispatcher.utter_message(response="utter_applicant_is_helper")  # the helper's own name, given for the applicant
            slots["applicant_name"] = None
        return slots

    async def _check_id(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        """The backend says whether the number is valid; where to find it is the question's help wording."""
        if not re.search(r"\d", parsing.spoken_digits(_text(value))):
            # A question or a remark while the ID number is asked: not "您输入的是26位".
            dispatcher.utter_message(response="utter_id_not_said")
            return {slot: None}
        number = parsing.parse_id_number(parsing.spoken_digits(_text(value)))
        result = await call(dispatcher, get_client().check_id(number))
        if result is None:
            return {slot: None}
        if not result["valid"]:
            dispatcher.utter_message(text=result["message"])
            return {slot: None}
        return {slot: number}

    async def validate_applicant_id(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        name, id_text = parsing.split_name_and_id(_text(value))
        slots = await self._check_id("applicant_id", id_text or value, dispatcher, tracker)
        if name and not tracker.get_slot("applicant_name"):
            slots["applicant_name"] = name
        return slots

    async def validate_street(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return await streets.read_street(_text(value), dispatcher, tracker, hukou=self.name() == "validate_application_form")


class ValidateVerifyForm(SharedValidators, RetryingFormValidationAction):
    def name(self) -> str:
        return "validate_verify_form"


class ValidateEligibilityForm(not_urgent.NotUrgent, PrecheckAsides, HouseholdIncome, PrecheckAnswers, AsksSupporter,
                              LastAmountCorrected, RetryingFormValidationAction):
    def name(self) -> str:
        return "validate_eligibility_form"

    def _number(self, slot: str, value: Any, dispatcher: CollectingDispatcher, *, count: bool = False) -> Slots:
        parsed = parsing.parse_count(_text(value)) if count else parsing.parse_amount(_text(value), per_month=slot == "monthly_income")
        if parsed is None:
            dispatcher.utter_message(response="utter_number_unclear")
        return {slot: parsed}

    def validate_household_size(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return self._number("household_size", value, dispatcher, count=True)

    async def _amount(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        if isinstance(value, (int, float)):
            return {slot: float(value)}
        text = _text(value)
        if (asked := await amount_answers.asked_instead(slot, text, dispatcher)) is not None:
            return asked
        answers = amount_answers.answered(slot, text, tracker)  # with the savings said with the income
        slots = await amount_answers.take(answers, dispatcher, tracker, household_size=int(tracker.get_slot("household_size") or 1))
        if answers[slot] is None:
            dispatcher.utter_message(response="utter_number_unclear")
        if slot == "monthly_income" and slots.get(slot):
            said = parsing.labeled_clauses(text).get("monthly_income") or [text]  # its own words, not the savings'
            slots[KIND_SAID] = kind_words(said[0] if len(said) == 1 else text)  # carried to an application (said_facts.py)
        return slots

    async def validate_monthly_income(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return await self._amount("monthly_income", value, dispatcher, tracker)

    async def validate_savings(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return await self._amount("savings", value, dispatcher, tracker)

    async def validate_income_excluded(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        """"我是厂头退休的 退休金" to "有没有基础养老金…": a kind that counts is no income left out (it was once told
        "按规定不算家庭收入"); which kinds count is the backend's."""
        text = _text(value).strip()
        if not text or text in (NONE_EXCLUDED, NO_QUESTION):
            return {"income_excluded": text or None}
        kind = await call(CollectingDispatcher(), get_client().income_kind(text))
        if kind is not None and not kind["recognized"]:
            if parsing.parse_yes_no(text) is False:
                return {"income_excluded": NONE_EXCLUDED}  # "莫得", "都没有"
            part, income = parsing.read_amount(text), tracker.get_slot("monthly_income")
            if part is None or (income is not None and float(part.value) > float(income)):
                # "三千多" to a 1900 income (her savings, said early): not a part of that income; asked again, never
                # kept as a kind of income (a tester's was stored as an income line "三千多", "按规定不算家庭收入").
                return {"income_excluded": None}
        counted = kind is not None and kind["recognized"] and kind["counted"] and not kind["deductible"]
        return {"income_excluded": NONE_EXCLUDED if counted else text}

    def validate_applicant_age(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        age = parsing.parse_age(_text(value))  # "81岁" (a tester's "81岁" was refused and "莫得" taken for her age)
        if age is None:
            dispatcher.utter_message(response="utter_number_unclear")
            return {"applicant_age": None}
        return {"applicant_age": age}


class ValidateApplicationForm(change_of_mind.ChangeOfMind, DiscardDraft, TurnsToHelper, ForWhom, PrincipalConsent, SharedValidators,
                              HeldDelegation, SaidAhead, ReadBack, LastAmountCorrected, RetryingFormValidationAction):
    # What the form can do without, and what it records instead (the caseworker sees the note).
    skippable = {"monthly_income": 0.0, "savings": 0.0, "member_income": 0.0, "reason": "未说明" + SKIPPED_NOTE}

    def name(self) -> str:
        return "validate_application_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        s = tracker.get_slot
        other = s("filing_for") == "other"
        verified = bool(s("citizen_token"))
        slots = ["assistance_type", "filing_for"]
        if other:
            slots += ["helper_kind", "helper_name"]
            if not verified:
                slots += ["verify_phone", "verify_code"]
        # Name and ID are asked in one question (applicant_name); applicant_id only when still missing.
        # Her phone is not needed with her consent held or no phone; asked all the same when asked for ("改手机").
        # "他没得手机" (NO_PHONE) ends her phone's question at once: while it was still the question it was asked again
        # forever (a son for his father in 深圳); 改手机 at the read-back clears NO_PHONE (actions/readback.py).
        slots += ["applicant_name", "applicant_id"] + ([] if other and (s(NO_PHONE) or s("delegation_id")
                                                                        and s("requested_slot") != "applicant_phone")
                                                       else ["applicant_phone"])
        if not other and not verified:
            slots += ["verify_code"]
        if other and not s("delegation_id") and not s(NO_PHONE):
            slots += ["consent_code"]  # without a phone: a signed paper form at the end (actions/drafts.py)
        # Income and savings likewise: one question, savings asked alone only when it was not said.
        slots += ["street"]
        if s("street") and s("hukou") != NO_QUESTION:
            slots += ["hukou"]  # 城镇/农村 matters here and the street's name did not suggest it
        slots += ["monthly_income", "savings", "more_members"]
        if s("more_members"):
            slots += list(MEMBER_SLOTS)
        # "不要这个了 重新来": whether to throw this application away is asked before anything else (actions/discard.py).
        return (["discard_confirmed"] if s(DISCARD_ASKED) else []) + slots + ["reason", "confirmed"]

    def validate_assistance_type(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        # "特困吧 …不行的话就低保": the one chosen, not the fallback (actions/first_answers.py).
        kind = first_answers.chosen_type(_text(tracker.latest_message.get("text"))) or parsing.canonical_type(_text(value))
        if kind is None:
            return first_answers.type_unclear(_text(value), dispatcher, tracker)  # "我是网格员 帮周德贵申请": who is kept
        return {"assistance_type": kind}

    def validate_helper_kind(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        if text in HELPER_KIND_NAMES:
            return {"helper_kind": text}
        if parsing.is_bare_yes(text):
            dispatcher.utter_message(response="utter_either_or")
            return {"helper_kind": None, "ask_style": "help"}
        kind = parsing.parse_helper_kind(text)
        slots: Slots = {"helper_kind": kind}
        relation = parsing.helper_relation(text) if kind == "relative" else None
        if relation:
            slots["helper_relation"] = relation
        return slots

    async def validate_helper_name(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        """"李红", "王浩 我是她孙子", "李红，电话13908230021": the name, and a phone said with it is not asked again."""
        text = _text(value)
        if (principal := await members.principal_said(text, self._check_id, dispatcher, tracker)) is not None:
            return principal  # "我是她孙子小刘 奶奶叫刘淑芬身份证…电话…": her details, never his phone
        if (both := first_answers.own_and_his(text, tracker.get_slot("applicant_name"))) is not None:
            return both  # "申请人叫刘德富 我是网格员陈敏": hers taken, his kept as his (actions/first_answers.py)
        if (his := members.principal_for_helper(text, dispatcher, tracker)) is not None:
            return his  # "周德贵" again, "他叫周德贵": his name, not hers
        # His name, or what he goes by ("叫我小陈就行", "老李"): his own, never an applicant's (names.address_name).
        name = parsing.split_name_and_id(text)[0] or address_name(text)
        slots: Slots = {"helper_name": name}
        if name and not tracker.get_slot("helper_relation") and (relation := parsing.helper_relation(text.replace(name, " "))):
            slots["helper_relation"] = relation  # "我是她孙子 叫我小陈就行": what he is to her, kept with it
        phone = parsing.parse_phone(text)
        if name and phone and not tracker.get_slot("verify_phone") and not tracker.get_slot("citizen_token"):
            slots.update(await self.validate_verify_phone(phone, dispatcher, tracker, domain))
        return slots

    async def validate_monthly_income(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if isinstance(value, (int, float)):
            return {"monthly_income": float(value)}
        text = _text(value)
        if (hukou := streets.hukou_said_instead(text, tracker)) is not None:
            return {"monthly_income": None, **hukou}  # "是农村户口" after the street's guess; income asked again
        if (whole := members.said_whole(text, tracker)) is not None:
            # "有 我老伴 李国华 84岁 身份证我手上没有" to the income question: he is kept, and its "没有" is never "no income"
            return {**members.id_later(whole, dispatcher, tracker), "monthly_income": None}
        if (asked := await amount_answers.asked_instead("monthly_income", text, dispatcher)) is not None:
            return asked
        answers: dict[str, Any] = {"monthly_income": amount_answers.confirming("monthly_income", text, tracker)}
        several = household_incomes.read(text, tracker) if answers["monthly_income"] is None else None  # hers and his
        if answers["monthly_income"] is None:
            income, savings = parsing.read_income_and_savings(text)
            # "没钱", "一百多" alone: answers the question asked.
            answers["monthly_income"] = (several or {}).get("amount") or income or (
                parsing.read_amount(text, per_month=True) if savings is None else None)
            if savings is not None and tracker.get_slot("savings") is None:
                answers["savings"] = savings
        slots = await amount_answers.take(answers, dispatcher, tracker, household_size=household_size(tracker))
        if not any(answers.values()):
            dispatcher.utter_message(response="utter_number_unclear")
        if slots.get("monthly_income") is not None and members.household_short(tracker, tracker.get_slot("members"), dispatcher,
                                                                               slots["monthly_income"]):
            said = {k: v for k, v in (slots.get(amount_answers.SAID) or {}).items() if k != "monthly_income"}
            return {**slots, "monthly_income": None, amount_answers.SAID: said or None}  # the household's asked again
        if slots.get("monthly_income"):
            # "每月有100多块养老金": declared as what it is, so the rules leave it out (no extra question).
            said = [several["own"]] if several else parsing.labeled_clauses(text).get("monthly_income") or [text]  # its own words
            slots.update(household_incomes.placed(several and several["others"], tracker))  # on his row, now or when added
            slots["income_excluded"] = await read_excluded(said[0] if len(said) == 1 else text)
            # Filed as the kind said (said_facts.py); a bare "八百多" keeps the kind said before it ("养老金，不晓得哪种").
            slots[KIND_SAID] = kind_words(said[0] if len(said) == 1 else text) or tracker.get_slot(KIND_SAID)
        elif slots.get("monthly_income") is None and kind_words(text):
            slots[KIND_SAID] = text  # "不晓得是哪种养老金" with no figure: the kind stays for the figure asked again
        return slots

    def validate_hukou(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return read_hukou(value, dispatcher)

    async def validate_savings(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if isinstance(value, (int, float)):
            return {"savings": float(value)}
        text = _text(value)
        if (asked := await amount_answers.asked_instead("savings", text, dispatcher)) is not None:
            return asked
        if (whole := members.said_whole(text, tracker)) is not None:
            return {**members.id_later(whole, dispatcher, tracker), "savings": None}  # a member said here: kept, asked again
        savings = amount_answers.confirming("savings", text, tracker)
        if savings is None:
            income, savings = parsing.read_income_and_savings(text)
            if savings is None and income is not None and not any(w in text for w in parsing.INCOME_WORDS):
                savings = income  # a bare number answers the question asked
            if savings is None and income is None:
                savings = parsing.read_amount(text)  # "没钱"
        slots = await amount_answers.take({"savings": savings}, dispatcher, tracker, household_size=household_size(tracker))
        if savings is None:
            dispatcher.utter_message(response="utter_number_unclear")
        return slots

    def validate_more_members(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        # "他一个人住", "一家三口"; "没有了 就她和儿子两个" read as a no (deny) still says her son lives with her.
        text = str(tracker.latest_message.get("text") or "") if isinstance(value, bool) else _text(value)
        if (whole := members.said_whole(text, tracker)) is not None:
            return members.id_later(whole, dispatcher, tracker)  # "有 我爷爷 李国华 84岁 身份证我手上没有": kept, number to come
        said = members.more_said(text, tracker)
        answer = said if said is not None else value if isinstance(value, bool) else parsing.parse_yes_no(text)
        return {"more_members": answer}

    async def validate_member_name(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if (out := members.left_out("member_name", _text(value), dispatcher, tracker)) is not None:
            return out
        if (whole := members.said_whole(_text(value), tracker)) is not None:
            return members.id_later(whole, dispatcher, tracker)
        name, id_text = parsing.split_name_and_id(_text(value))
        if not name and not id_text and parsing.parse_yes_no(_text(value)) is False:
            return {"more_members": False, **{slot: None for slot in MEMBER_SLOTS}}  # 没有了: no one more to add after all
        slots = await self._name_and_id("member_name", "member_id", value, dispatcher, tracker)
        return await self._member_id_checks(slots, dispatcher, tracker)

    async def validate_member_id(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if (out := members.left_out("member_id", _text(value), dispatcher, tracker)) is not None:
            return out
        name, id_text = parsing.split_name_and_id(_text(value))
        slots = await self._check_id("member_id", id_text or value, dispatcher, tracker)
        if name and not tracker.get_slot("member_name"):
            slots["member_name"] = name
        return await self._member_id_checks(slots, dispatcher, tracker)

    async def _member_id_checks(self, slots: Slots, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        """The applicant is never a member again, and no one is in the household twice."""
        number = slots.get("member_id")
        if not number:
            return slots
        if number == tracker.get_slot("applicant_id"):
            dispatcher.utter_message(response="utter_member_is_applicant")
            return {**slots, "member_id": None}
        if any(m.get("id_number") == number for m in tracker.get_slot("members") or []):
            dispatcher.utter_message(response="utter_member_duplicate")
            return {**slots, "member_id": None}
        return slots

    def validate_member_relation(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if (out := members.left_out("member_relation", _text(value), dispatcher, tracker)) is not None:
            return out
        relation = members.relation_said(_text(value), tracker)  # a helper's "我爷爷": what he is to her
        if relation is None:
            dispatcher.utter_message(response="utter_relation_unclear")
        return {"member_relation": relation}

    async def validate_member_income(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if (out := members.left_out("member_income", _text(value), dispatcher, tracker)) is not None:
            return out
        text = _text(value)
        found = (parsing.Amount(float(value)) if isinstance(value, (int, float)) else
                 amount_answers.confirming("member_income", text, tracker) or parsing.read_amount(text, per_month=True))
        taken = await amount_answers.take({"member_income": found}, dispatcher, tracker)
        if found is None:
            dispatcher.utter_message(response="utter_number_unclear")
        if taken["member_income"] is None:
            return taken
        said = (found.said or f"约{parsing.as_typed(found.value)}") if found.approximate else None
        # One member done: keep them, and ask whether there is another (or, where the members now earn more than the
        # household's income said, that income again: it is the whole household's, hers is what is left).
        kept = members.with_member(tracker, taken["member_income"], said=said)
        if kind_words(text):
            kept["members"][-1][KIND_SAID] = text  # "养老金八百": filed as the kind said (actions/said_facts.py)
        if (own := tracker.get_slot(members.OWN_KEPT)) is not None:
            # Asked again from the read-back's 改 button: hers stays, the household's total follows (said aloud).
            total = members.household_with(own, kept["members"])
            dispatcher.utter_message(response="utter_income_part_corrected", who=kept["members"][-1]["name"],
                                     amount=parsing.as_typed(taken["member_income"]), total=parsing.as_typed(total))
            return {**kept, amount_answers.TO_CONFIRM: None, "monthly_income": total, members.OWN_KEPT: None, "more_members": False}
        short = members.household_short(tracker, kept["members"], dispatcher)
        return {**kept, amount_answers.TO_CONFIRM: None, **({"monthly_income": None} if short else {})}

    def on_skip(self, slot: str, tracker: Tracker) -> Slots:
        """"不晓得" to a family member's income: she is kept, her income noted as not known (never dropped)."""
        if slot == "member_income" and tracker.get_slot("member_name"):
            # Hers kept for a figure that did not come: the household's total holds his part as before.
            return {**members.with_member(tracker, 0.0, skipped=True), amount_answers.TO_CONFIRM: None, members.OWN_KEPT: None}
        return {}

    async def validate_reason(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        if (instead := await change_of_mind.at_reason(text, dispatcher, tracker)) is not None:
            return instead  # a question, a stop, "先查下能不能批", "原因不是这个": never the reason (actions/change_of_mind.py)
        return {"reason": text[:500] if len(text) >= 2 and not parsing.is_bare_yes(text) else None}


class ValidateEmergencyForm(NameAgainstId, ForOthers, EmergencyAsides, EmergencyReadBack, SharedValidators, requests.ContactPhone,
                            RetryingFormValidationAction):
    """急难: its questions, street and read-back (actions/emergency_readback.py), what is said aside (actions/emergency.py)."""
    skippable = {"emergency_what": "未说明" + SKIPPED_NOTE}

    def name(self) -> str:
        return "validate_emergency_form"
