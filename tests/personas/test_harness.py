"""The harness itself, without a stack: the personas are well formed (their ID numbers valid unless meant to be
wrong, no two sharing a phone or an ID number, as many as the issue asks), and every question wording in
bot/domain.yml is recognised as the question it is. Reading the domain is how a reworded question shows up here
first."""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from backend.core.idnumber import check_char
from scripts.turns import HELPER_PHONE, OLD_LADY_ID, OLD_LADY_PHONE, PATIENT, PATIENT_PHONE
from tests.personas import questions
from tests.personas.people import load_all

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = load_all()
# Each utter_ask_* response (and the other questions the forms ask) → the kind the driver must see in it.
ASKED = {
    "utter_ask_verify_phone": "phone", "utter_ask_verify_code": "code", "utter_ask_household_size": "household_size",
    "utter_ask_monthly_income": "income", "utter_ask_savings": "savings", "utter_ask_applicant_age": "age",
    "utter_ask_illness_or_disability": "illness", "utter_ask_income_excluded": "income_excluded", "utter_ask_hukou": "hukou",
    "utter_ask_assistance_type": "assistance_type", "utter_ask_filing_for": "filing_for", "utter_ask_helper_kind": "helper_kind",
    "utter_ask_helper_name": "helper_name", "utter_ask_applicant_name": ("name", "name_and_id"), "utter_ask_applicant_id": "id",
    "utter_ask_applicant_phone": "applicant_phone", "utter_ask_consent_code": "consent_code", "utter_ask_street": "street",
    "utter_ask_application_form_monthly_income": ("income", "income_and_savings"),
    "utter_ask_application_form_savings": "savings", "utter_ask_more_members": "more_members",
    "utter_ask_member_name": ("member_name", "member_name_and_id"), "utter_ask_member_relation": "member_relation",
    "utter_ask_member_income": ("member_income", "income"), "utter_ask_reason": "reason", "utter_readback": "confirm",
    "utter_ask_emergency_what": "emergency_what", "utter_ask_complaint_text": "complaint_text",
    "utter_ask_region": "region", "utter_offer_apply": "offer_apply", "utter_offer_apply_type": "offer_apply",
    "utter_street_in_area": "street", "utter_ask_has_supporter": "supporter",
    "utter_street_unknown": "street", "utter_code_wrong": "code", "utter_retry_offer": "stuck",
    "utter_stopped": "left_form", "utter_not_submitted": "left_form", "utter_nothing_to_stop": "left_form",
}
# Wordings shared by two questions: the kind asked just before decides.
CONTEXT = {"utter_ask_member_id": ("member_name", "member_id"), "utter_ask_member_income": ("member_relation", "member_income")}


def _responses() -> dict:
    return yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))["responses"]


@pytest.mark.parametrize("name", sorted(ASKED))
def test_each_question_wording_is_recognised(name: str) -> None:
    wanted = ASKED[name] if isinstance(ASKED[name], tuple) else (ASKED[name],)
    for variant in _responses()[name]:
        kind = questions.question_in([variant["text"]])
        assert kind in wanted, f"{name}: “{variant['text']}” read as {kind}, should be {wanted}"


@pytest.mark.parametrize("name", sorted(CONTEXT))
def test_shared_wordings_are_told_apart_by_the_question_before(name: str) -> None:
    before, wanted = CONTEXT[name]
    for variant in _responses()[name]:
        assert questions.question_in([variant["text"]], before) == wanted, variant["text"]


def test_the_last_question_of_a_reply_counts() -> None:
    reply = ["这个问题好像不好答，不怪您。可以请街道的工作人员给您回电话帮着办", "申请人住在哪个街道（乡镇）？"]
    assert questions.question_in(reply) == "street"
    assert questions.question_in(["已经登记了回电请求。"]) is None


def test_fallback_and_promises_are_seen() -> None:
    assert questions.is_fallback(_responses()["utter_default"][0]["text"])
    assert not questions.is_fallback(_responses()["utter_not_understood"][0]["text"])
    # What the bot once said with no phone to call (issue 20): each must be seen as a promise.
    for said in ("好的，已经请七星岗街道社会救助窗口的同志给您回电话。", "已经报给街道了，值班同志会尽快联系您。",
                 "已经记下来了，编号TS000012，工作人员会在3个工作日内联系您。", "好的，已经请政务服务便民热线的同志给您回电话。"):
        assert questions.promises_contact(said), said
    assert not questions.promises_contact(_responses()["utter_retry_offer"][0]["text"])


def test_there_are_enough_personas_and_a_fast_few() -> None:
    assert len(PEOPLE) >= 40
    assert 6 <= sum(p.fast for p in PEOPLE) <= 10
    assert len({p.id for p in PEOPLE}) == len(PEOPLE)


def test_persona_facts_are_sound() -> None:
    ids: Counter = Counter()
    phones: Counter = Counter()
    for p in PEOPLE:
        for key, value in p.facts.items():
            if key == "id" or key.endswith("_id"):
                value = str(value)
                valid = len(value) == 18 and value[:17].isdigit() and check_char(value[:17]) == value[17]
                assert valid != key.startswith("bad"), f"{p.id}: {key} {value} is {'valid' if valid else 'not valid'}"
                if valid:
                    ids[value] += 1
            if key.endswith("phone") and value:
                phones[str(value)] += 1
    assert not [v for v, n in ids.items() if n > 1], "two personas share an ID number (one open application each)"
    assert not [v for v, n in phones.items() if n > 1], "two personas share a phone (5 codes an hour per phone)"
    # tests/e2e files scripts/turns.py's people on the same stack
    e2e = {OLD_LADY_ID, PATIENT[2].message.split()[-1], HELPER_PHONE, OLD_LADY_PHONE, PATIENT_PHONE}
    assert not e2e & (set(ids) | set(phones)), "a persona shares an ID number or phone with tests/e2e"
