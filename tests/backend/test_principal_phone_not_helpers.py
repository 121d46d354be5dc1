"""A grandson signed in with his grandmother's phone, was (rightly) refused that number as hers, then gave his
own ("我的号是北京的 186…"): it was taken as HER phone and her consent code went to HIS. Now a principal's phone
that the helper signed in with or used in this chat is refused (409, in Chinese), and a principal's phone first
seen as a sign-in is flagged for the caseworker on the delegation."""

import pytest
from sqlalchemy import select

from backend.delegations.models import Delegation
from tests.backend.test_access_and_delegations import Outbox, _code_sent_to
from tests.backend.world import citizen_headers, member

GRANDMA = {"name": "王淑珍", "id_number": member("王淑珍", seq=8)["id_number"]}
GRANDMA_PHONE, HIS_PHONE = "13983251746", "18611527309"
HIM = {"name": "张宇", "phone": HIS_PHONE, "kind": "relative", "relation": "孙子"}


@pytest.fixture
def sms(world):  # noqa: ANN001, ANN201
    outbox = Outbox(world.session)
    yield outbox
    outbox.dispatcher.close()


def test_a_phone_the_helper_used_in_this_chat_is_never_the_principals(world, sms) -> None:  # noqa: ANN001
    # Signed in now with his own phone; the chat says he also called 139… his own earlier: refused, nothing sent.
    body = {"principal": {**GRANDMA, "phone": GRANDMA_PHONE}, "helper": {**HIM, "own_phones": [GRANDMA_PHONE]}}
    resp = world.client.post("/api/v1/delegations/consent-code", json=body, headers=citizen_headers(HIS_PHONE))
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "principal_phone_is_helper"
    assert "本人的手机" in resp.json()["error"]["message"]
    # His verified phone itself: 409 too.
    body = {"principal": {**GRANDMA, "phone": HIS_PHONE}, "helper": HIM}
    resp = world.client.post("/api/v1/delegations/consent-code", json=body, headers=citizen_headers(HIS_PHONE))
    assert resp.status_code == 409
    assert sms.sent == []


def test_her_phone_first_seen_as_a_sign_in_is_flagged_for_the_caseworker(world, sms) -> None:  # noqa: ANN001
    # He signed in with her phone first (she read him the code), then again with his own.
    assert world.client.post("/api/v1/auth/otp/request", json={"phone": GRANDMA_PHONE}).status_code == 200
    code = _code_sent_to(sms, GRANDMA_PHONE)
    assert world.client.post("/api/v1/auth/otp/verify", json={"phone": GRANDMA_PHONE, "code": code}).status_code == 200
    body = {"principal": {**GRANDMA, "phone": GRANDMA_PHONE}, "helper": HIM}
    sent = world.client.post("/api/v1/delegations/consent-code", json=body, headers=citizen_headers(HIS_PHONE))
    assert sent.status_code == 200, sent.text
    consent = {**body, "scope": ["apply"], "consent": {"method": "otp", "code": _code_sent_to(sms, GRANDMA_PHONE)}}
    made = world.client.post("/api/v1/delegations", json=consent, headers=citizen_headers(HIS_PHONE))
    assert made.status_code == 201, made.text
    d = world.session.scalar(select(Delegation).where(Delegation.id == made.json()["id"]))
    assert "请核实是本人的手机" in d.consent_evidence
