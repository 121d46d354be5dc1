"""The backend's WeChat endpoints (the contract of issue #14): service token only, audited, 503 without
WeChat configured; an OpenID is bound only with a phone code's citizen token, and a bound OpenID gets a
citizen token without a new code."""

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.crypto import get_vault
from backend.core.settings import get_settings
from backend.wechat.client import HttpWeChatApi, set_wechat_api
from backend.wechat.models import WeChatBinding
from tests.backend.world import APPLICANT_PHONE, STRANGER_PHONE, citizen_headers
from tests.fakes.wechat_server import APP_ID, APP_SECRET, FakeWeChat

OPENID = "oWx1234567890abcdefghijklmno"
API = "/api/v1/wechat"


@pytest.fixture
def fake():  # noqa: ANN201
    server = FakeWeChat().start()
    api = HttpWeChatApi(APP_ID, APP_SECRET, server.url, timeout=2)
    set_wechat_api(api)
    yield server
    set_wechat_api(None)
    api.close()
    server.stop()


def service() -> dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def as_citizen(phone: str) -> dict[str, str]:
    return {**service(), "X-Citizen-Token": citizen_headers(phone)["Authorization"].removeprefix("Bearer ")}


def _bind(world, phone: str = APPLICANT_PHONE, openid: str = OPENID):  # noqa: ANN001, ANN202
    return world.client.post(f"{API}/bindings", json={"openid": openid, "phone": phone}, headers=as_citizen(phone))


def _actions(world) -> list[str]:  # noqa: ANN001
    return list(world.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("wechat.%")).order_by(AuditEntry.seq)))


def test_without_app_id_and_secret_every_endpoint_answers_503(world) -> None:  # noqa: ANN001
    set_wechat_api(None)
    assert not get_settings().wechat_configured
    for path, body in [("send", {"openid": OPENID, "texts": ["您好"]}), ("subscription", {"openid": OPENID, "action": "subscribe"}),
                       ("unbind", {"openid": OPENID}), ("session", {"openid": OPENID})]:
        resp = world.client.post(f"{API}/{path}", json=body, headers=service())
        assert resp.status_code == 503, path
        assert resp.json()["error"]["code"] == "wechat_not_configured" and "WECHAT_APP_ID" in resp.json()["error"]["message"]
    assert _bind(world).status_code == 503


def test_only_the_service_token_may_call(world, fake) -> None:  # noqa: ANN001
    body = {"openid": OPENID, "texts": ["您好"]}
    assert world.client.post(f"{API}/send", json=body).status_code == 401
    assert world.client.post(f"{API}/send", json=body, headers=world.applicant).status_code == 403
    assert world.client.post(f"{API}/send", json=body, headers=world.caseworker).status_code == 403
    assert world.client.post(f"{API}/session", json={"openid": OPENID}, headers=world.applicant).status_code == 403
    # A citizen's own token cannot bind: only the action server speaking for her in the conversation.
    assert world.client.post(f"{API}/bindings", json={"openid": OPENID}, headers=world.applicant).status_code == 403
    assert fake.texts == []


def test_send_splits_and_reports_refusals(world, fake) -> None:  # noqa: ANN001
    resp = world.client.post(f"{API}/send", json={"openid": OPENID, "texts": ["您好", "中" * 1000]}, headers=service())
    assert resp.status_code == 200 and resp.json() == {"sent": 3}
    assert len(fake.texts) == 3 and {t["touser"] for t in fake.texts} == {OPENID}
    fake.not_following.add(OPENID)
    resp = world.client.post(f"{API}/send", json={"openid": OPENID, "texts": ["还在吗"]}, headers=service())
    assert resp.status_code == 502 and resp.json()["error"]["details"]["errcode"] == 43004
    assert _actions(world) == ["wechat.send", "wechat.send"]


def test_binding_needs_a_code_proven_phone_and_is_kept_encrypted(world, fake) -> None:  # noqa: ANN001
    assert world.client.post(f"{API}/bindings", json={"openid": OPENID}, headers=service()).status_code == 403
    # The phone named must be the one the code proved.
    wrong = world.client.post(f"{API}/bindings", json={"openid": OPENID, "phone": STRANGER_PHONE}, headers=as_citizen(APPLICANT_PHONE))
    assert wrong.status_code == 403
    resp = _bind(world)
    assert resp.status_code == 201, resp.text
    assert "不用再收验证码" in resp.json()["reply"] and "解绑" in resp.json()["reply"] and "138****1111" in resp.json()["reply"]
    row = world.session.scalars(select(WeChatBinding)).one()
    assert OPENID not in row.openid_cipher and get_vault().decrypt(row.openid_cipher) == OPENID
    assert row.openid_hash == get_vault().lookup_hash(OPENID) and row.phone_hash == get_vault().lookup_hash(APPLICANT_PHONE)
    assert row.bound_at is not None and row.subscribed
    # Again with the same phone: nothing changes, the reply says so.
    again = _bind(world)
    assert again.status_code == 201 and "已经和手机138****1111绑定好了" in again.json()["reply"]
    assert _actions(world) == ["wechat.bind"]
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "wechat.bind")).one()
    assert OPENID not in str(entry.entity_id) + str(entry.detail) and entry.entity_id == get_vault().lookup_hash(OPENID)[:12]


def test_a_bound_openid_gets_a_citizen_token_without_a_code(world, fake) -> None:  # noqa: ANN001
    missing = world.client.post(f"{API}/session", json={"openid": OPENID}, headers=service())
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "wechat_not_bound"
    _bind(world)
    resp = world.client.post(f"{API}/session", json={"openid": OPENID}, headers=service())
    assert resp.status_code == 200 and resp.json()["phone"] == "138****1111" and "不用再收验证码" in resp.json()["reply"]
    token = resp.json()["citizen_token"]
    mine = world.client.get("/api/v1/applications/mine", headers={**service(), "X-Citizen-Token": token})
    assert mine.status_code == 200
    # Asked for another phone: that phone needs its own code.
    other = world.client.post(f"{API}/session", json={"openid": OPENID, "phone": STRANGER_PHONE}, headers=service())
    assert other.status_code == 404 and other.json()["error"]["code"] == "wechat_other_phone"
    same = world.client.post(f"{API}/session", json={"openid": OPENID, "phone": APPLICANT_PHONE}, headers=service())
    assert same.status_code == 200
    assert _actions(world) == ["wechat.bind", "wechat.session", "wechat.session"]


def test_rebinding_to_another_phone_needs_unbinding_first(world, fake) -> None:  # noqa: ANN001
    _bind(world)
    resp = _bind(world, STRANGER_PHONE)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "wechat_bound_elsewhere"
    assert "解绑" in resp.json()["error"]["message"] and "138****1111" in resp.json()["error"]["message"]
    unbound = world.client.post(f"{API}/unbind", json={"openid": OPENID}, headers=service())
    assert unbound.status_code == 200 and "已解除" in unbound.json()["reply"]
    assert world.client.post(f"{API}/session", json={"openid": OPENID}, headers=service()).status_code == 404
    assert _bind(world, STRANGER_PHONE).status_code == 201
    row = world.session.scalars(select(WeChatBinding)).one()  # one row per OpenID
    world.session.refresh(row)
    assert row.phone_hash == get_vault().lookup_hash(STRANGER_PHONE) and row.unbound_at is None
    again = world.client.post(f"{API}/unbind", json={"openid": "oNeverBound000000000000"}, headers=service())
    assert again.status_code == 200 and "还没有绑定" in again.json()["reply"]
    assert _actions(world) == ["wechat.bind", "wechat.unbind", "wechat.bind"]


def test_unfollowing_stops_wechat_notices_and_following_again_restarts_them(world, fake) -> None:  # noqa: ANN001
    _bind(world)
    hello = world.client.post(f"{API}/subscription", json={"openid": OPENID, "action": "subscribe"}, headers=service())
    assert hello.status_code == 200 and "转人工" in hello.json()["reply"]
    bye = world.client.post(f"{API}/subscription", json={"openid": OPENID, "action": "unsubscribe"}, headers=service())
    assert bye.status_code == 200 and bye.json() == {"reply": None}
    row = world.session.scalars(select(WeChatBinding)).one()
    world.session.refresh(row)
    assert not row.subscribed and row.unsubscribed_at is not None
    world.client.post(f"{API}/subscription", json={"openid": OPENID, "action": "subscribe"}, headers=service())
    world.session.refresh(row)
    assert row.subscribed
    assert _actions(world) == ["wechat.bind", "wechat.subscribe", "wechat.unsubscribe", "wechat.subscribe"]


def test_the_settings_build_the_real_client(world, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    server = FakeWeChat().start()
    settings = get_settings()
    for name, value in (("wechat_app_id", APP_ID), ("wechat_app_secret", APP_SECRET), ("wechat_api_base", server.url)):
        monkeypatch.setattr(settings, name, value)
    set_wechat_api(None)
    try:
        resp = world.client.post(f"{API}/send", json={"openid": OPENID, "texts": ["您好"]}, headers=service())
    finally:
        set_wechat_api(None)
        server.stop()
    assert resp.status_code == 200 and [t["text"]["content"] for t in server.texts] == ["您好"] and server.token_fetches == 1
