"""A grid worker filing for several old people (tester's finding): each principal's consent code goes to that
person's own phone, so it counts against that phone (per purpose) and against the helper as a requester with
a ceiling of its own, never against the helper's chat or her own sign-in. Before, every consent code used a
slot of the chat's sign-in allowance (10 an hour): the helper's own code was refused after a few people, and
the chat told her "这个手机号一小时里收的验证码太多了"."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from backend.auth import otp, throttle
from backend.auth.models import OneTimeCode
from backend.core.settings import get_settings
from backend.core.crypto import get_vault
from tests.backend.world import HELPER_PHONE, citizen_headers, member

GRID_WORKER = {"name": "李红", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}


def _new_phone() -> str:
    return f"137{uuid.uuid4().int % 10**8:08d}"


def _through_the_chat(conversation: str) -> dict[str, str]:
    """The action server's call for the helper verified in this conversation."""
    token = citizen_headers(HELPER_PHONE)["Authorization"][7:]
    return {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat",
            "X-Citizen-Token": token, throttle.CONVERSATION_HEADER: conversation}


def _principal(i: int, phone: str | None = None) -> dict[str, str]:
    person = member("张秀英", born=date(1940, 1 + i % 12, 1 + i // 12), seq=i + 1)
    return {"name": "张秀英", "id_number": person["id_number"], "phone": phone or _new_phone()}


def _consent(client, principal: dict, headers: dict):  # noqa: ANN001, ANN202
    return client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": GRID_WORKER},
                       headers=headers)


def test_a_grid_worker_filing_for_many_people_can_still_confirm_her_own_phone(client) -> None:
    conversation = f"web:{uuid.uuid4().hex}"
    chat = _through_the_chat(conversation)
    many = throttle.LIMITS["code_request:conversation"].amount + 2  # more people than the chat's sign-in codes
    assert many < throttle.CONSENT_CODES_PER_REQUESTER_PER_HOUR
    for i in range(many):
        resp = _consent(client, _principal(i), chat)
        assert resp.status_code == 200, (i, resp.text)
    own = client.post("/api/v1/auth/otp/request", json={"phone": HELPER_PHONE},
                      headers={k: v for k, v in chat.items() if k != "X-Citizen-Token"})
    assert own.status_code == 200, own.text  # her own number is confirmed again in the same chat


def test_the_helper_has_a_higher_ceiling_of_her_own_across_chats(client) -> None:
    ceiling = throttle.CONSENT_CODES_PER_REQUESTER_PER_HOUR
    assert ceiling >= 20
    for i in range(ceiling):
        # A new chat now and then (the web chat reloaded, then SMS): still the same helper.
        resp = _consent(client, _principal(i), _through_the_chat(f"web:{i // 7}-{uuid.uuid4().hex[:6]}"))
        assert resp.status_code == 200, (i, resp.text)
    refused = _consent(client, _principal(ceiling), _through_the_chat(f"sms:{uuid.uuid4().hex}"))
    assert refused.status_code == 429, refused.text
    assert "您这一小时" in refused.json()["error"]["message"]
    assert refused.json()["error"]["details"]["limit"] == "requester"
    # Another helper is not held up by her.
    other = citizen_headers("13900007777")
    other_helper = {**GRID_WORKER, "name": "王芳", "phone": "13900007777"}
    resp = client.post("/api/v1/delegations/consent-code",
                       json={"principal": _principal(ceiling + 1), "helper": other_helper}, headers=other)
    assert resp.status_code == 200, resp.text


def test_a_principals_phone_keeps_its_own_limit(client) -> None:
    chat = _through_the_chat(f"web:{uuid.uuid4().hex}")
    grandma = _principal(0, phone="13700001111")
    for _ in range(throttle.CODES_PER_PHONE_PER_HOUR):
        assert _consent(client, grandma, chat).status_code == 200
    refused = _consent(client, grandma, chat)
    assert refused.status_code == 429 and refused.json()["error"]["details"]["limit"] == "phone"
    assert "本人手机" in refused.json()["error"]["message"]
    # The next old person's phone is another destination: the helper goes on.
    assert _consent(client, _principal(1), chat).status_code == 200


def test_the_limiter_counts_a_phone_per_purpose() -> None:
    phone = _new_phone()
    for _ in range(throttle.CODES_PER_PHONE_PER_HOUR):
        throttle.code_request(None, phone, "phone_change")
    throttle.code_request(None, phone, "login")  # someone's phone-change codes never take her sign-in's
    for _ in range(throttle.CODES_PER_PHONE_PER_HOUR):
        throttle.consent_request(None, "requester-a", phone, "consent")
    throttle.consent_request(None, "requester-a", phone, "scope")


def test_the_database_counts_a_phone_per_purpose(session) -> None:
    phone = _new_phone()
    for _ in range(otp.MAX_CODES_PER_HOUR):
        otp.send_code(session, phone, "phone_change", "otp_phone_change", new_masked="139****0000")
    otp.send_code(session, phone, "login", "otp_login")
    for _ in range(otp.MAX_CODES_PER_HOUR):
        otp.send_code(session, phone, "consent", "otp_consent", helper_name="李红", helper_kind="网格员")
    with pytest.raises(otp.TooManyCodes):
        otp.send_code(session, phone, "consent", "otp_consent", helper_name="李红", helper_kind="网格员")
    # Every scope code (one purpose each delegation and scope) is the purpose "scope", apart from consent.
    for i in range(otp.MAX_CODES_PER_HOUR):
        otp.send_code(session, phone, f"{otp.SCOPE_PREFIX}{i:012x}", "otp_scope", helper_name="李红",
                      helper_kind="网格员", scope_label="刷脸认证")
    with pytest.raises(otp.TooManyCodes):
        otp.send_code(session, phone, f"{otp.SCOPE_PREFIX}ffffffffffff", "otp_scope", helper_name="李红",
                      helper_kind="网格员", scope_label="刷脸认证")
    sent = session.scalars(select(OneTimeCode.purpose).where(OneTimeCode.phone_hash == get_vault().lookup_hash(phone)))
    assert len(list(sent)) == 3 * otp.MAX_CODES_PER_HOUR + 1
