"""A helper at the principal's phone question (a tester, a grandson in 北京 for his grandmother in 重庆): he had
signed in with her phone ("用我奶奶的手机吧 139…"), so the backend refused that number as his own, and every way
out ("这就是我奶奶的手机号啊", "重新开始", "我要换个手机号登录") was "手机号好像不对"; then "我的号是北京的 186…" was
taken as HER phone and her consent code went to HIS. Here: a number he calls his own is never hers; the number he
signed in with, said to be hers, is explained with the two ways on — sign in again with his own phone keeping every
answer (a real re-verification), or she applies herself with her phone — and words that are no number get the
choices, never "手机号好像不对". The backend holds the rule (backend/delegations/service.py consent_phone)."""

import re
from collections.abc import Awaitable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.backend_client import BackendError
from actions.neutral import NEUTRAL

Slots = dict[str, Any]
# Phones the helper signed in with or called his own in this conversation (bot/domain.yml): never the principal's.
OWN_PHONES = "helper_own_phones"
IS_HELPER = "principal_phone_is_helper"  # the backend's refusal (backend/delegations/service.py)

OWN = re.compile(r"我(自己)?的(手机|电话|号)|我自己(的|手机|电话)|我本人的")
HERS = re.compile(r"(奶奶|外婆|婆婆|爷爷|外公|姥姥|妈|爸|她|他|老人|本人)(的)?(手机|电话|号)|刚才(那个|那)|念给我|就是(她|他)的")
RELOGIN = re.compile(r"重新(开始|验证|登录|登陆|来)|换(个|一个)?(手机|号|电话)(号)?(登录|登陆|验证)?|用我(自己)?(的)?手机.{0,4}(验证|登录|登陆)"
                     r"|换我的")
SELF_APPLY = re.compile(r"(她|他|奶奶|外婆|爷爷|本人|老人)(用她的手机)?自己(来)?(申请|办|弄)")


def own_phones(tracker: Tracker) -> list[str]:
    return [p for p in (tracker.get_slot(OWN_PHONES) or []) if p]


def helper_phones(tracker: Tracker) -> list[str]:
    """The phones sent to the backend as the helper's own (POST /delegations/consent-code, helper.own_phones)."""
    return own_phones(tracker)


def relogin(dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
    """Sign in again with his own phone: the sign-in is asked again, every answer of the form kept. The phone he
    signed in with is not added to his own (he said it is hers)."""
    dispatcher.utter_message(response="utter_helper_relogin")
    return {"applicant_phone": None, "consent_code": None, "verify_phone": None, "verify_code": None,
            "citizen_token": None, "verified_phone": None, "phone_verified": False, NEUTRAL: True}


def self_apply(dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
    """She applies herself, with the phone already signed in (hers): she is the applicant, he only types."""
    dispatcher.utter_message(response="utter_principal_applies_herself", applicant_name=tracker.get_slot("applicant_name") or "她")
    return {"filing_for": "self", "applicant_phone": tracker.get_slot("verified_phone"), "consent_code": None, NEUTRAL: True}


def choices(dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
    """The number he signed in with is hers: what happened, and the two ways on."""
    verified = tracker.get_slot("verified_phone") or ""
    dispatcher.utter_message(response="utter_signed_in_with_principal_phone", applicant_name=tracker.get_slot("applicant_name") or "本人",
                             phone_masked=parsing.mask_phone(verified) if verified else "这个号")
    return {"applicant_phone": None, NEUTRAL: True}


def read(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots | None:
    """Before the number is read as hers: None when it is a phone number to send her code to."""
    phone = parsing.parse_phone(text)
    verified = tracker.get_slot("verified_phone")
    if phone is None and RELOGIN.search(text):
        return relogin(dispatcher, tracker)
    if phone is None and SELF_APPLY.search(text) and verified:
        return self_apply(dispatcher, tracker)
    if phone and (OWN.search(text) or phone in own_phones(tracker)):
        # "我的号是北京的 186…": his, never hers — said, with the way on (his phone to sign in with).
        dispatcher.utter_message(response="utter_principal_phone_not_yours", applicant_name=tracker.get_slot("applicant_name") or "本人")
        return {"applicant_phone": None, OWN_PHONES: sorted({*own_phones(tracker), phone}), NEUTRAL: True}
    if phone is None and verified and (HERS.search(text) or not re.search(r"\d", text)):
        # "这就是我奶奶的手机号啊", "就刚才那个 奶奶的号", any sentence with no digits: the choices.
        return choices(dispatcher, tracker)
    return None


async def unless_helpers(request: Awaitable[Any], refused: list[str]) -> Any:
    """The backend's refusal of the helper's own number is answered by the chat's own words (choices), not its text."""
    try:
        return await request
    except BackendError as err:
        if err.code != IS_HELPER:
            raise
        refused.append(err.code)
        return None
