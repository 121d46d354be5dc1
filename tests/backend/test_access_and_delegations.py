"""Who may act: a helper only under an active delegation; staff only in their own district."""


import pytest

from backend.notifications.dispatcher import Dispatcher
from backend.notifications.providers import ConsoleProvider
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, application_body, member


class Outbox:
    """The console provider behind a real dispatcher: what an SMS would have said."""

    def __init__(self, session) -> None:  # noqa: ANN001
        self.session = session
        self.provider = ConsoleProvider(quiet=True)
        self.dispatcher = Dispatcher(self.provider, workers=1)

    @property
    def sent(self) -> list[tuple[str, str]]:
        self.dispatcher.run_until_empty(self.session)
        return [(to.removeprefix("+86"), text) for to, text in self.provider.sent]


@pytest.fixture
def sms(world):  # noqa: ANN001, ANN201
    outbox = Outbox(world.session)
    yield outbox
    outbox.dispatcher.close()


def _code_sent_to(sms: Outbox, phone: str) -> str:
    text = next(t for p, t in reversed(sms.sent) if p == phone)
    return "".join(c for c in text.split("验证码")[1] if c.isdigit())[:6]


PRINCIPAL = {"name": "张秀英", "id_number": member("张秀英")["id_number"], "phone": APPLICANT_PHONE}
HELPER = {"name": "李红", "phone": HELPER_PHONE, "kind": "relative", "relation": "女儿"}


def _delegate(world, sms, scope=("apply", "query")) -> dict:
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": PRINCIPAL, "helper": HELPER},
                             headers=world.helper)
    assert resp.status_code == 200, resp.text
    assert "138****1111" in resp.json()["message"]
    code = _code_sent_to(sms, APPLICANT_PHONE)
    assert "李红（亲属）申请替您办理" in sms.sent[-1][1]
    resp = world.client.post("/api/v1/delegations", headers=world.helper, json={
        "principal": PRINCIPAL, "helper": HELPER, "scope": list(scope), "consent": {"method": "otp", "code": code},
    })
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_helper_without_a_delegation_is_refused(world) -> None:
    resp = world.client.post("/api/v1/applications", json=application_body(),
                             headers={**world.helper, "Idempotency-Key": "helper-try-01"})
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "no_delegation"
    assert "授权" in resp.json()["error"]["message"]


def test_helper_files_and_follows_under_an_otp_delegation(world, sms) -> None:
    delegation = _delegate(world, sms)
    assert delegation["consent_method"] == "otp" and delegation["active"] and delegation["helper_kind_label"] == "亲属"
    app = world.submit(headers=world.helper, key="helper-files-1")
    assert app["filed_by"] == "citizen"
    progress = world.client.get(f"/api/v1/applications/{app['number']}/progress", headers=world.helper)
    assert progress.status_code == 200
    # The applicant sees the same case; a stranger does not.
    assert world.client.get(f"/api/v1/applications/{app['number']}/progress", headers=world.applicant).status_code == 200
    # "Not yours" is the same answer as "no such number": guessing numbers tells nothing.
    stranger = world.client.get(f"/api/v1/applications/{app['number']}/progress", headers=world.stranger)
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "application_not_found"


def test_query_only_delegation_cannot_file(world, sms) -> None:
    _delegate(world, sms, scope=("query",))
    resp = world.client.post("/api/v1/applications", json=application_body(),
                             headers={**world.helper, "Idempotency-Key": "query-only-1"})
    assert resp.status_code == 403


def test_a_revoked_delegation_stops_working(world, sms) -> None:
    delegation = _delegate(world, sms)
    number = world.submit(headers=world.helper, key="before-revoke")["number"]
    resp = world.client.post(f"/api/v1/delegations/{delegation['id']}/revoke", json={"reason": "不再需要"}, headers=world.applicant)
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert world.client.get(f"/api/v1/applications/{number}/progress", headers=world.helper).status_code == 404


def test_only_the_principal_or_staff_may_revoke(world, sms) -> None:
    delegation = _delegate(world, sms)
    resp = world.client.post(f"/api/v1/delegations/{delegation['id']}/revoke", json={}, headers=world.stranger)
    assert resp.status_code == 403


def test_a_wrong_consent_code_creates_nothing(world, sms) -> None:
    world.client.post("/api/v1/delegations/consent-code", json={"principal": PRINCIPAL, "helper": HELPER}, headers=world.helper)
    resp = world.client.post("/api/v1/delegations", headers=world.helper, json={
        "principal": PRINCIPAL, "helper": HELPER, "consent": {"method": "otp", "code": "000000"},
    })
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "wrong_code"
    assert world.client.get("/api/v1/delegations", headers=world.helper).json() == []


def test_helper_must_use_the_phone_they_verified(world, sms) -> None:
    other = {**HELPER, "phone": "13911112222"}
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": PRINCIPAL, "helper": other},
                             headers=world.helper)
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "helper_phone_mismatch"


def test_paper_delegation_is_verified_by_staff(world) -> None:
    body = {"principal": {**PRINCIPAL, "phone": None}, "helper": {**HELPER, "kind": "grid_worker", "relation": "网格员"},
            "consent": {"method": "paper", "form_reference": "七星岗-2026-0031", "area_code": "500103001"}}
    assert world.client.post("/api/v1/delegations", json=body, headers=world.helper).status_code == 403
    resp = world.client.post("/api/v1/delegations", json=body, headers=world.caseworker)
    assert resp.status_code == 201 and resp.json()["consent_method"] == "paper"
    assert world.submit(headers=world.helper, key="paper-deleg-1")["status"] == "submitted"


def test_staff_of_another_district_see_nothing(world) -> None:
    number = world.submit()["number"]
    for headers in (world.other_caseworker, world.other_reviewer):
        resp = world.client.get(f"/api/v1/applications/{number}", headers=headers)
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "application_not_found"
    assert world.client.get("/api/v1/applications", headers=world.other_caseworker).json() == []
    assert [a["number"] for a in world.client.get("/api/v1/applications", headers=world.caseworker).json()] == [number]


def test_no_token_is_401_and_a_forged_token_too(world) -> None:
    number = world.submit()["number"]
    assert world.client.get(f"/api/v1/applications/{number}/progress").status_code == 401
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIiwia2luZCI6InN0YWZmIn0.bad"}
    assert world.client.get(f"/api/v1/applications/{number}/progress", headers=forged).status_code == 401


def test_the_action_server_acts_for_a_verified_citizen_only(world) -> None:
    from backend.core.settings import get_settings

    number = world.submit()["number"]
    service = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}
    alone = world.client.get(f"/api/v1/applications/{number}/progress", headers=service)
    assert alone.status_code == 403 and alone.json()["error"]["code"] == "citizen_required"
    citizen_token = world.applicant["Authorization"].split()[1]
    ok = world.client.get(f"/api/v1/applications/{number}/progress", headers={**service, "X-Citizen-Token": citizen_token})
    assert ok.status_code == 200
    bad = world.client.get(f"/api/v1/applications/{number}/progress", headers={**service, "X-Citizen-Token": "nope"})
    assert bad.status_code == 401


def test_staff_login_and_otp_login(world, sms) -> None:
    from tests.backend.world import STAFF_PASSWORD

    ok = world.client.post("/api/v1/auth/staff/login", data={"username": "cw_yuzhong", "password": STAFF_PASSWORD})
    assert ok.status_code == 200 and ok.json()["expires_in"] == 1800
    for user, pw in (("cw_yuzhong", "wrong"), ("nobody", STAFF_PASSWORD)):
        bad = world.client.post("/api/v1/auth/staff/login", data={"username": user, "password": pw})
        assert bad.status_code == 401 and bad.json()["error"]["message"].startswith("用户名或密码不对。")
    assert world.client.post("/api/v1/auth/otp/request", json={"phone": "138 0000 1111"}).status_code == 200
    code = _code_sent_to(sms, APPLICANT_PHONE)
    token = world.client.post("/api/v1/auth/otp/verify", json={"phone": APPLICANT_PHONE, "code": code})
    assert token.status_code == 200
    again = world.client.post("/api/v1/auth/otp/verify", json={"phone": APPLICANT_PHONE, "code": code})
    assert again.status_code == 400  # a code works once


def test_otp_attempts_are_limited_and_counted(world, sms) -> None:
    world.client.post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE})
    code = _code_sent_to(sms, APPLICANT_PHONE)
    wrong = "111111" if code != "111111" else "222222"
    answers = [world.client.post("/api/v1/auth/otp/verify", json={"phone": APPLICANT_PHONE, "code": wrong}) for _ in range(5)]
    assert {a.status_code for a in answers} == {400}
    # The fifth wrong try says the code is used up and how to get a new one, not "wrong" for ever (issue 20).
    assert [a.json()["error"]["code"] for a in answers] == ["wrong_code"] * 4 + ["code_used_up"]
    assert "重发" in answers[-1].json()["error"]["message"]
    # Even the right code no longer works after five wrong tries.
    late = world.client.post("/api/v1/auth/otp/verify", json={"phone": APPLICANT_PHONE, "code": code})
    assert late.status_code == 400 and late.json()["error"]["code"] == "code_used_up"


def test_otp_requests_are_rate_limited(world, sms) -> None:
    for _ in range(5):
        assert world.client.post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE}).status_code == 200
    resp = world.client.post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE})
    assert resp.status_code == 429 and "一小时后" in resp.json()["error"]["message"]


def test_bad_phone_number_gets_a_clear_message(world) -> None:
    resp = world.client.post("/api/v1/auth/otp/request", json={"phone": "12345"})
    assert resp.status_code == 422 and resp.json()["error"]["message"] == "手机号码应该是以1开头的11位数字。"


def test_staff_reading_a_full_id_number_is_audited(world) -> None:
    from sqlalchemy import select

    from backend.audit.models import AuditEntry
    from backend.people.service import find_by_id_number

    world.submit()
    person = find_by_id_number(world.session, member("张秀英")["id_number"])
    resp = world.client.get(f"/api/v1/persons/{person.id}/identity", params={"reason": "核对户籍"}, headers=world.caseworker)
    assert resp.status_code == 200 and resp.json()["id_number"] == member("张秀英")["id_number"]
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.read_identity")).one()
    assert entry.detail == {"reason": "核对户籍"} and entry.entity_id == str(person.id)
    assert world.client.get(f"/api/v1/persons/{person.id}/identity", params={"reason": "好奇"},
                            headers=world.other_caseworker).status_code == 403


def test_id_numbers_and_phones_are_encrypted_at_rest(world) -> None:
    from sqlalchemy import text

    world.submit()
    rows = world.session.execute(text("SELECT id_cipher, id_hash, id_masked, phone_cipher FROM persons")).all()
    dump = repr(rows)
    assert member("张秀英")["id_number"] not in dump and APPLICANT_PHONE not in dump
    assert rows[0].id_masked.count("*") == 8


def test_a_helper_withdraws_only_with_the_principals_own_yes(world, sms) -> None:  # noqa: ANN001
    """A tester's helper took back grandma's 低保 with nobody asking her. Withdrawing needs her yes too: a code to
    her phone adds "withdraw" to the delegation (never there by default); she may still withdraw herself."""
    delegation = _delegate(world, sms, scope=("apply", "query", "sign", "certify", "notices"))
    number = world.submit(headers=world.helper, key="helper-withdraw-1")["number"]
    refused = world.client.post(f"/api/v1/applications/{number}/actions/withdraw", json={"note": None, "data": {}},
                                headers=world.helper)
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "no_delegation" and "本人同意" in error["message"]
    assert error["details"] == {"delegation_id": delegation["id"], "missing_scope": "withdraw"}
    assert world.client.get(f"/api/v1/applications/{number}", headers=world.helper).json()["status"] == "submitted"

    sent = world.client.post(f"/api/v1/delegations/{delegation['id']}/scope-code", json={"scope": "withdraw"}, headers=world.helper)
    assert sent.status_code == 200, sent.text
    code = _code_sent_to(sms, APPLICANT_PHONE)
    assert "撤回您的救助申请" in [t for p, t in sms.sent if p == APPLICANT_PHONE][-1]
    added = world.client.post(f"/api/v1/delegations/{delegation['id']}/scopes",
                              json={"scope": "withdraw", "consent": {"method": "otp", "code": code}}, headers=world.helper)
    assert added.status_code == 200, added.text
    world.act(number, "withdraw", world.helper)
    assert world.client.get(f"/api/v1/applications/{number}", headers=world.applicant).json()["status"] == "withdrawn"
    # Her yes was to this withdrawal only: spent (a tester read "以后替您撤回" as a standing permission).
    mine = world.client.get("/api/v1/delegations", headers=world.helper).json()
    assert all("withdraw" not in d["scope"] for d in mine)
    assert any("撤回您的救助申请（只这一次）" in t for p, t in sms.sent if p == APPLICANT_PHONE)


def test_the_principal_withdraws_her_own_without_any_code(world, sms) -> None:  # noqa: ANN001
    _delegate(world, sms)
    number = world.submit(headers=world.helper, key="helper-withdraw-2")["number"]
    world.act(number, "withdraw", world.applicant)
