"""Form validation: each answer is read, checked with the backend where a rule applies, and either
kept or asked again with a plain explanation. No answer ever leads to a dead end."""

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import parsing
from actions.backend_client import call, get_client

Slots = dict[str, Any]
HELPER_KIND_NAMES = {"relative": "亲属", "grid_worker": "网格员", "volunteer": "志愿者", "community_police": "社区民警", "staff": "工作人员"}
MEMBER_SLOTS = ("member_name", "member_relation", "member_id", "member_income")


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

    async def validate_verify_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        phone = _phone(value, dispatcher)
        if phone is None:
            return {"verify_phone": None}
        if await call(dispatcher, get_client().request_code(phone)) is None:
            return {"verify_phone": None}
        return {"verify_phone": phone, "verify_code": None}

    async def validate_verify_code(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        phone = tracker.get_slot("verify_phone")
        text = _text(value)
        if text == "ok" and tracker.get_slot("citizen_token"):
            return {"verify_code": "ok"}  # already verified (the form re-checks filled slots when it resumes)
        if "重发" in text or "没收到" in text:
            if phone and await call(dispatcher, get_client().request_code(phone)) is not None:
                dispatcher.utter_message(response="utter_code_resent")
            return {"verify_code": None}
        code = parsing.parse_code(text)
        if code is None or not phone:
            dispatcher.utter_message(response="utter_code_wrong")
            return {"verify_code": None}
        token = await call(dispatcher, get_client().verify_code(phone, code))
        if token is None:
            return {"verify_code": None}
        return {"verify_code": "ok", "citizen_token": token, "verified_phone": phone, "phone_verified": True}

    async def validate_applicant_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        """The applicant's own phone (every form): kept if it is the verified one, otherwise it gets a code."""
        phone = _phone(value, dispatcher)
        if phone is None:
            return {"applicant_phone": None}
        if tracker.get_slot("citizen_token") and tracker.get_slot("verified_phone") == phone:
            return {"applicant_phone": phone}
        if await call(dispatcher, get_client().request_code(phone)) is None:
            return {"applicant_phone": None}
        return {"applicant_phone": phone, "verify_phone": phone, "verify_code": None, "citizen_token": None,
                "phone_verified": False}

    def validate_applicant_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        name = parsing.parse_name(_text(value))
        if name is None:
            dispatcher.utter_message(response="utter_ask_applicant_name")
        return {"applicant_name": name}

    async def _check_id(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        number = parsing.parse_id_number(_text(value))
        result = await call(dispatcher, get_client().check_id(number))
        if result is None:
            return {slot: None}
        if result["valid"]:
            return {slot: number, "id_attempts": 0}
        attempts = int(tracker.get_slot("id_attempts") or 0) + 1
        dispatcher.utter_message(text=result["message"])
        if attempts >= 2:
            dispatcher.utter_message(response="utter_id_help")
        return {slot: None, "id_attempts": attempts}

    async def validate_applicant_id(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        return await self._check_id("applicant_id", value, dispatcher, tracker)

    async def validate_street(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Slots:
        found = await call(dispatcher, get_client().search_areas(_text(value)))
        if found is None:
            return {"street": None}
        streets = [a for a in found if a["level"] == "street"]
        if len(streets) == 1:
            s = streets[0]
            return {"street": f"{s['district'] or ''}{s['name']}", "area_code": s["code"]}
        if len(streets) > 1:
            dispatcher.utter_message(response="utter_ask_street",
                                     buttons=[{"title": f"{s['district'] or ''}{s['name']}", "payload": f"{s['district'] or ''}{s['name']}"} for s in streets[:6]])
            return {"street": None}
        dispatcher.utter_message(response="utter_street_unknown")
        return {"street": None}


class ValidateVerifyForm(SharedValidators, FormValidationAction):
    def name(self) -> str:
        return "validate_verify_form"


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_eligibility_form"

    def _number(self, slot: str, value: Any, dispatcher: CollectingDispatcher, *, count: bool = False) -> Slots:
        parsed = parsing.parse_count(_text(value)) if count else parsing.parse_amount(_text(value))
        if parsed is None:
            dispatcher.utter_message(response="utter_number_unclear")
        return {slot: parsed}

    def validate_household_size(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return self._number("household_size", value, dispatcher, count=True)

    def validate_monthly_income(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return self._number("monthly_income", value, dispatcher)

    def validate_savings(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return self._number("savings", value, dispatcher)

    def validate_applicant_age(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        age = parsing.parse_amount(_text(value))
        if age is None or not 0 <= age <= 120:
            dispatcher.utter_message(response="utter_number_unclear")
            return {"applicant_age": None}
        return {"applicant_age": age}

    def validate_illness_or_disability(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if isinstance(value, bool):
            return {"illness_or_disability": value}
        answer = parsing.parse_yes_no(_text(value))
        if answer is None:
            dispatcher.utter_message(response="utter_ask_illness_or_disability")
        return {"illness_or_disability": answer}


class ValidateApplicationForm(SharedValidators, FormValidationAction):
    def name(self) -> str:
        return "validate_application_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        other = tracker.get_slot("filing_for") == "other"
        verified = bool(tracker.get_slot("citizen_token"))
        slots = ["assistance_type", "filing_for"]
        if other:
            slots += ["helper_kind", "helper_name"]
            if not verified:
                slots += ["verify_phone", "verify_code"]
        slots += ["applicant_name", "applicant_id", "applicant_phone"]
        if not other and not verified:
            slots += ["verify_code"]
        if other and not tracker.get_slot("delegation_id"):
            slots += ["consent_code"]
        slots += ["street", "monthly_income", "savings", "more_members"]
        if tracker.get_slot("more_members"):
            slots += list(MEMBER_SLOTS)
        return slots + ["reason", "confirmed"]

    def validate_assistance_type(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        kind = parsing.canonical_type(_text(value))
        if kind is None:
            dispatcher.utter_message(response="utter_type_unclear")
        return {"assistance_type": kind}

    def validate_filing_for(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        who = value if value in ("self", "other") else parsing.parse_filing_for(_text(value))
        return {"filing_for": who}

    def validate_helper_kind(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        if text in HELPER_KIND_NAMES:
            return {"helper_kind": text}
        kind = parsing.parse_helper_kind(text)
        slots: Slots = {"helper_kind": kind}
        if kind == "relative" and text not in ("亲属", "家人", "亲戚"):
            slots["helper_relation"] = text[:16]
        return slots

    def validate_helper_name(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        name = parsing.parse_name(_text(value))
        if name is None:
            dispatcher.utter_message(response="utter_ask_helper_name")
        return {"helper_name": name}

    async def validate_applicant_phone(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if tracker.get_slot("filing_for") != "other":
            return await super().validate_applicant_phone(value, dispatcher, tracker, domain)
        phone = _phone(value, dispatcher)
        if phone is None:
            return {"applicant_phone": None}
        principal = {"name": tracker.get_slot("applicant_name"), "id_number": tracker.get_slot("applicant_id"), "phone": phone}
        helper = {"name": tracker.get_slot("helper_name"), "phone": tracker.get_slot("verified_phone"),
                  "kind": tracker.get_slot("helper_kind") or "relative", "relation": tracker.get_slot("helper_relation")}
        sent = await call(dispatcher, get_client().send_consent_code(tracker.get_slot("citizen_token"), principal, helper))
        if sent is not None and sent.get("phone_masked") not in (None, parsing.mask_phone(phone)):
            # A recorded person's code goes to the phone on record, not the one typed here: say where.
            dispatcher.utter_message(text=sent["message"])
        return {"applicant_phone": phone if sent is not None else None, "consent_code": None}

    async def validate_consent_code(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if value == "ok" and tracker.get_slot("delegation_id"):
            return {"consent_code": "ok"}
        code = parsing.parse_code(_text(value))
        if code is None:
            dispatcher.utter_message(response="utter_code_wrong")
            return {"consent_code": None}
        body = {
            "principal": {"name": tracker.get_slot("applicant_name"), "id_number": tracker.get_slot("applicant_id"),
                          "phone": tracker.get_slot("applicant_phone")},
            "helper": {"name": tracker.get_slot("helper_name"), "phone": tracker.get_slot("verified_phone"),
                       "kind": tracker.get_slot("helper_kind") or "relative", "relation": tracker.get_slot("helper_relation")},
            "scope": ["apply", "query", "notices"],
            "consent": {"method": "otp", "code": code},
        }
        created = await call(dispatcher, get_client().create_delegation(tracker.get_slot("citizen_token"), body))
        if created is None:
            return {"consent_code": None}
        return {"consent_code": "ok", "delegation_id": float(created["id"])}

    def _money(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> Slots:
        amount = parsing.parse_amount(_text(value))
        if amount is None:
            dispatcher.utter_message(response="utter_number_unclear")
        return {slot: amount}

    def validate_monthly_income(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return self._money("monthly_income", value, dispatcher)

    def validate_savings(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return self._money("savings", value, dispatcher)

    def validate_more_members(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        answer = value if isinstance(value, bool) else parsing.parse_yes_no(_text(value))
        return {"more_members": answer}

    def validate_member_name(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        name = parsing.parse_name(_text(value))
        if name is None:
            dispatcher.utter_message(response="utter_ask_member_name")
        return {"member_name": name}

    def validate_member_relation(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return {"member_relation": parsing.parse_relation(_text(value))}

    async def validate_member_id(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        return await self._check_id("member_id", value, dispatcher, tracker)

    def validate_member_income(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        amount = parsing.parse_amount(_text(value))
        if amount is None:
            dispatcher.utter_message(response="utter_number_unclear")
            return {"member_income": None}
        member = {"name": tracker.get_slot("member_name"), "relation": tracker.get_slot("member_relation"),
                  "id_number": tracker.get_slot("member_id"), "income": amount}
        # One member done: keep them, and ask whether there is another.
        return {"members": [*(tracker.get_slot("members") or []), member], "more_members": None,
                **{slot: None for slot in MEMBER_SLOTS}}

    def validate_reason(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        return {"reason": text[:500] if len(text) >= 2 else None}

    def validate_confirmed(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        answer = value if isinstance(value, bool) else parsing.parse_yes_no(_text(value))
        return {"confirmed": answer}


class ValidateEmergencyForm(SharedValidators, FormValidationAction):
    def name(self) -> str:
        return "validate_emergency_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:  # noqa: ANN001
        slots = ["emergency_what", "applicant_name", "applicant_id", "applicant_phone"]
        if not tracker.get_slot("citizen_token") or tracker.get_slot("verified_phone") != tracker.get_slot("applicant_phone"):
            slots.append("verify_code")
        return slots + ["street"]

    def validate_emergency_what(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        return {"emergency_what": text[:300] if text else None}


class ValidateComplaintForm(FormValidationAction):
    def name(self) -> str:
        return "validate_complaint_form"

    def validate_complaint_text(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        text = _text(value)
        return {"complaint_text": text[:2000] if len(text) >= 2 else None}


