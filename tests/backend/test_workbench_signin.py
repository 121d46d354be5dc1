"""The workbench's sign-in (/staff/login): the API's password check, lock-out and audit; a server-side
session in an HttpOnly, SameSite=Strict, Secure cookie; idle timeout; sign-out; CSRF on every post."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.auth import web_sessions
from backend.auth.models import StaffWebSession
from backend.auth.staff_login import MAX_FAILED_LOGINS
from backend.core import clock
from tests.backend.staff_pages import csrf_of, https, replay, sign_in


def test_sign_in_opens_a_session_with_safe_cookie_flags(world) -> None:
    client = https(world.client)
    token = csrf_of(client.get("/staff/login").text)
    resp = client.post("/staff/login", data={"username": "cw_yuzhong", "password": "pw-for-tests-123",
                                             "csrf_token": token, "next": "/staff/?step=submitted"},
                       follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/staff/?step=submitted"
    cookie = next(c for c in resp.headers.get_list("set-cookie") if c.startswith(f"{web_sessions.COOKIE_NAME}="))
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/staff"} <= flags
    assert not any(f.startswith(("max-age", "expires")) for f in flags)  # gone with the browser
    raw = cookie.split(";")[0].split("=", 1)[1]
    rows = world.session.scalars(select(StaffWebSession)).all()
    assert len(rows) == 1 and rows[0].token_hash != raw and raw not in rows[0].token_hash  # hashed at rest
    page = client.get("/staff/")
    assert page.status_code == 200 and "cw_yuzhong" in page.text and "街道（乡镇）经办人" in page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert "渝中区" in page.text and "退出" in page.text
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.login")).first() is not None


def test_a_page_without_a_session_sends_to_sign_in_with_the_way_back(world) -> None:
    resp = https(world.client).get("/staff/?step=accepted", follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/staff/login?next=/staff/%3Fstep%3Daccepted"


def test_next_never_leaves_the_workbench(world) -> None:
    client = https(world.client)
    for evil in ("https://evil.example/", "//evil.example/staff/", "/api/v1/applications"):
        token = csrf_of(client.get("/staff/login").text)
        resp = client.post("/staff/login", data={"username": "cw_yuzhong", "password": "pw-for-tests-123",
                                                 "csrf_token": token, "next": evil}, follow_redirects=False)
        assert resp.headers["location"] == "/staff/", evil


def test_wrong_password_is_refused_kindly_and_counted(world) -> None:
    sign_in(world.client, "cw_yuzhong", "wrong-password", expect=401)
    resp = world.client.get("/staff/", follow_redirects=False)
    assert resp.status_code == 303  # not signed in
    client = world.client
    token = csrf_of(client.get("/staff/login").text)
    page = client.post("/staff/login", data={"username": "cw_yuzhong", "password": "nope", "csrf_token": token})
    assert page.status_code == 401 and "用户名或密码不对" in page.text
    assert 'value="cw_yuzhong"' in page.text  # the name stays typed in


def test_lock_out_applies_to_the_pages_as_to_the_api(world) -> None:
    """Paused for this address, with the answer every failure gets; the owner elsewhere still signs in."""
    client = https(world.client)
    token = csrf_of(client.get("/staff/login").text)
    statuses = []
    for _ in range(MAX_FAILED_LOGINS):
        statuses.append(client.post("/staff/login", data={"username": "cw_yuzhong", "password": "bad",
                                                          "csrf_token": token}).status_code)
    assert statuses == [401] * MAX_FAILED_LOGINS
    page = client.post("/staff/login", data={"username": "cw_yuzhong", "password": "pw-for-tests-123",
                                             "csrf_token": token})
    assert page.status_code == 401 and "15分钟后再试" in page.text  # the right password waits too, here
    api = client.post("/api/v1/auth/staff/login", data={"username": "cw_yuzhong", "password": "pw-for-tests-123"})
    assert api.status_code == 401 and api.json()["error"]["code"] == "bad_credentials"
    elsewhere = TestClient(client.app, base_url="https://testserver", client=("10.9.8.7", 50000))
    token = csrf_of(elsewhere.get("/staff/login").text)
    notice = elsewhere.post("/staff/login", data={"username": "cw_yuzhong", "password": "pw-for-tests-123",
                                                  "csrf_token": token, "next": "/staff/desk"}, follow_redirects=False)
    # Signed in; first told what happened meanwhile, then on to the page asked for.
    assert notice.status_code == 200 and "7次密码错误" in notice.text and 'href="/staff/desk"' in notice.text
    assert elsewhere.get("/staff/", follow_redirects=False).status_code == 200


def test_idle_session_ends_after_thirty_minutes(world, monkeypatch) -> None:
    sign_in(world.client, "cw_yuzhong")
    later = clock.now() + timedelta(minutes=web_sessions.IDLE_MINUTES - 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert world.client.get("/staff/", follow_redirects=False).status_code == 200  # in use: kept alive
    idle = later + timedelta(minutes=web_sessions.IDLE_MINUTES + 1)
    monkeypatch.setattr(clock, "now", lambda: idle)
    assert world.client.get("/staff/", follow_redirects=False).status_code == 303


def test_a_session_ends_at_its_lifetime_even_in_use(world, monkeypatch) -> None:
    sign_in(world.client, "cw_yuzhong")
    start = clock.now()
    for minutes in range(20, web_sessions.ABSOLUTE_HOURS * 60, 20):
        moment = start + timedelta(minutes=minutes)
        monkeypatch.setattr(clock, "now", lambda moment=moment: moment)
        assert world.client.get("/staff/", follow_redirects=False).status_code == 200
    end = start + timedelta(hours=web_sessions.ABSOLUTE_HOURS, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: end)
    assert world.client.get("/staff/", follow_redirects=False).status_code == 303


def test_signing_in_again_ends_the_browsers_previous_session(world) -> None:
    client = world.client
    sign_in(client, "cw_yuzhong")
    first = client.cookies.get(web_sessions.COOKIE_NAME)
    assert replay(client, first).get("/staff/", follow_redirects=False).status_code == 200  # the copy works
    sign_in(client, "rv_yuzhong")
    assert "区县审核人" in client.get("/staff/").text
    assert replay(client, first).get("/staff/", follow_redirects=False).status_code == 303


def test_sign_out_revokes_the_session_on_the_server(world) -> None:
    client = world.client
    csrf = sign_in(client, "cw_yuzhong")
    cookie = client.cookies.get(web_sessions.COOKIE_NAME)
    assert replay(client, cookie).get("/staff/", follow_redirects=False).status_code == 200  # the copy works
    resp = client.post("/staff/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == "/staff/login?bye=1"
    assert "您已安全退出" in client.get("/staff/login?bye=1").text
    # The old cookie, replayed, signs nobody in: the session is revoked, not just forgotten by the browser.
    assert replay(client, cookie).get("/staff/", follow_redirects=False).status_code == 303


def test_posts_without_the_session_token_are_refused(world) -> None:
    client = world.client
    csrf = sign_in(client, "cw_yuzhong")
    for data in ({}, {"csrf_token": "x" * 64}, {"csrf_token": csrf[:-1] + ("0" if csrf[-1] != "0" else "1")}):
        resp = client.post("/staff/logout", data=data, follow_redirects=False)
        assert resp.status_code == 403 and "页面已过期" in resp.text and "<html" in resp.text
    assert client.get("/staff/", follow_redirects=False).status_code == 200  # still signed in
    # Another session's token is no good either: the token is bound to its session.
    other = sign_in(TestClient(world.client.app), "rv_yuzhong")
    assert client.post("/staff/logout", data={"csrf_token": other}, follow_redirects=False).status_code == 403
    assert client.post("/staff/logout", headers={"X-CSRF-Token": csrf}, follow_redirects=False).status_code == 303


def test_the_sign_in_form_needs_its_token_too(world) -> None:
    client = https(world.client)
    client.get("/staff/login")
    resp = client.post("/staff/login", data={"username": "cw_yuzhong", "password": "pw-for-tests-123"},
                       follow_redirects=False)
    assert resp.status_code == 403 and "页面已过期" in resp.text
    assert web_sessions.COOKIE_NAME not in resp.cookies
