"""Staff sign-in that cannot be turned against staff (issue 21, point 5).

- Wrong passwords pause the address they come from, for that account; the owner elsewhere signs in, and is
  told what happened (audited).
- A name that does not exist, a wrong password and a paused address get the same answer after the same work.
- The second factor (TOTP): enrolment on 账号安全, a right code, a wrong code, a code used twice; the JSON
  login's `totp_code`; administrators outside development must enrol before anything else.

Parallel guesses are in test_limits.py (they need requests that really commit).
"""

import re
from datetime import timedelta

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.auth import login_counters, staff_login, throttle, web_sessions
from backend.auth.models import StaffLoginCounter
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.settings import get_settings
from backend.staff.models import StaffUser
from tests.backend.staff_pages import csrf_of, https, sign_in
from tests.backend.world import STAFF_PASSWORD

LOGIN = "/api/v1/auth/staff/login"


def _from(client: TestClient, host: str) -> TestClient:
    return TestClient(client.app, base_url="https://testserver", client=(host, 50000))


def _audited(world, action: str) -> list[AuditEntry]:  # noqa: ANN001
    return list(world.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _staff(world, username: str) -> StaffUser:  # noqa: ANN001
    staff = world.session.scalars(select(StaffUser).where(StaffUser.username == username)).one()
    world.session.refresh(staff)
    return staff


def _totp(world, username: str) -> pyotp.TOTP:  # noqa: ANN001
    return pyotp.TOTP(get_vault().decrypt(_staff(world, username).totp_secret_cipher))


def _code(otp: pyotp.TOTP, steps: int = 0) -> str:
    """The code of the current time step, or of one `steps` away (inside the accepted window)."""
    return otp.at(clock.now_utc() + timedelta(seconds=30 * steps))


# Lock-out ------------------------------------------------------------------------------------------

def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(world) -> None:
    attacker, owner = _from(world.client, "203.0.113.9"), _from(world.client, "198.51.100.20")
    guesses = [attacker.post(LOGIN, data={"username": "cw_yuzhong", "password": f"guess-{i}"}).status_code
               for i in range(throttle.LIMITS["staff_login:account"].amount + 2)]
    assert set(guesses) <= {401, 429} and 429 in guesses  # the attacker is slowed down and paused …
    assert attacker.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD}).status_code in (401, 429)

    signed = owner.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD})  # … the owner is not
    assert signed.status_code == 200, signed.text
    notice = signed.json()["notice"]
    assert re.search(r"您的账号在.+以后有\d+次密码错误，出错的地址被暂停登录1次", notice), notice
    locked = _audited(world, "staff.locked")
    assert [e.detail["scope"] for e in locked] == ["address"] and locked[0].entity_id == str(_staff(world, "cw_yuzhong").id)
    assert _audited(world, "staff.lockout_notice")[0].detail["lockouts"] == 1
    # Told once.
    again = owner.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD})
    assert again.status_code == 200 and again.json()["notice"] is None


def test_unknown_and_locked_usernames_get_identical_answers(world, monkeypatch) -> None:
    attacker = _from(world.client, "203.0.113.10")
    for _ in range(staff_login.MAX_FAILED_LOGINS):
        attacker.post(LOGIN, data={"username": "cw_yuzhong", "password": "wrong"})
    checked: list[str | None] = []
    real_verify = staff_login.verify_password
    monkeypatch.setattr(staff_login, "verify_password",
                        lambda password, stored: checked.append(stored) or real_verify(password, stored))

    locked = attacker.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD})
    unknown = attacker.post(LOGIN, data={"username": "cw_nobody", "password": STAFF_PASSWORD})
    wrong = _from(world.client, "203.0.113.11").post(LOGIN, data={"username": "cw_yuzhong", "password": "wrong"})
    for resp in (locked, unknown, wrong):
        assert resp.status_code == 401
        assert resp.json() == {"error": {"code": "bad_credentials", "message": staff_login.BadCredentials.message,
                                         "details": None}}
    same = {"x-request-id", "date", "content-length"}
    assert {k: v for k, v in locked.headers.items() if k not in same} == \
           {k: v for k, v in unknown.headers.items() if k not in same}
    assert len(checked) == 3 and checked[:2] == [None, None]  # the paused one did the same argon2 work

    # The page says the same to both.
    page_client = _from(world.client, "203.0.113.10")
    token = csrf_of(page_client.get("/staff/login").text)
    pages = [page_client.post("/staff/login", data={"username": name, "password": STAFF_PASSWORD, "csrf_token": token})
             for name in ("cw_yuzhong", "cw_nobody")]
    assert [p.status_code for p in pages] == [401, 401]
    assert pages[0].text.replace("cw_yuzhong", "NAME") == pages[1].text.replace("cw_nobody", "NAME")


# Second factor --------------------------------------------------------------------------------------

def _enrol_on_account_page(world) -> pyotp.TOTP:  # noqa: ANN001
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/account")
    assert page.status_code == 200 and "未设置" in page.text
    otp = _totp(world, "cw_yuzhong")
    assert otp.secret not in _staff(world, "cw_yuzhong").totp_secret_cipher  # encrypted at rest
    assert otp.provisioning_uri(name="cw_yuzhong", issuer_name="救助 Jiuzhu").replace("&", "&amp;") in page.text
    assert "<svg" in page.text  # the QR code
    wrong = world.client.post("/staff/account/totp", data={"code": "000000" if _code(otp) != "000000" else "111111",
                                                           "csrf_token": csrf})
    assert wrong.status_code == 400 and "动态码不对" in wrong.text
    done = world.client.post("/staff/account/totp", data={"code": _code(otp, -1), "csrf_token": csrf},
                             follow_redirects=False)
    assert done.status_code == 303 and "已启用" in world.client.get("/staff/account").text
    assert len(_audited(world, "staff.totp_enrolled")) == 1
    world.client.post("/staff/logout", data={"csrf_token": csrf})
    return otp


def test_enrolled_staff_sign_in_with_a_code_that_works_once(world) -> None:
    otp = _enrol_on_account_page(world)
    client = world.client
    token = csrf_of(client.get("/staff/login").text)
    step = client.post("/staff/login", data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "csrf_token": token,
                                             "next": "/staff/desk"}, follow_redirects=False)
    assert step.status_code == 303 and step.headers["location"] == "/staff/login/code?next=/staff/desk"
    assert client.get("/staff/", follow_redirects=False).status_code == 303  # not signed in yet
    form = client.get(step.headers["location"])
    assert form.status_code == 200 and "动态码" in form.text

    wrong = client.post("/staff/login/code", data={"code": "12345x", "csrf_token": token, "next": "/staff/desk"})
    assert wrong.status_code == 401 and "动态码不对" in wrong.text
    code = _code(otp)
    right = client.post("/staff/login/code", data={"code": code, "csrf_token": token, "next": "/staff/desk"},
                        follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/staff/desk"
    assert client.get("/staff/").status_code == 200

    # The same code again, on another sign-in: refused.
    other = https(TestClient(client.app))
    token = csrf_of(other.get("/staff/login").text)
    other.post("/staff/login", data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "csrf_token": token})
    replayed = other.post("/staff/login/code", data={"code": code, "csrf_token": token}, follow_redirects=False)
    assert replayed.status_code == 401 and other.get("/staff/", follow_redirects=False).status_code == 303
    later = other.post("/staff/login/code", data={"code": _code(otp, 1), "csrf_token": token}, follow_redirects=False)
    assert later.status_code == 303


def test_the_json_login_takes_the_code_as_a_field(world) -> None:
    otp = _enrol_on_account_page(world)
    api = world.client
    ask = api.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD})
    assert ask.status_code == 401 and ask.json()["error"]["code"] == "totp_required"
    bad = api.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "totp_code": "99999"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "totp_wrong"
    code = _code(otp)
    ok = api.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "totp_code": code})
    assert ok.status_code == 200 and ok.json()["access_token"]
    replay = api.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "totp_code": code})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "totp_wrong"
    # A right password does not open the way to guess codes without end: codes are counted like passwords.
    for guess in range(staff_login.MAX_FAILED_LOGINS - 1):
        api.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "totp_code": f"00000{guess}"})
    paused = api.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD, "totp_code": _code(otp, 1)})
    assert paused.status_code == 401 and paused.json()["error"]["code"] == "bad_credentials"


def test_an_admin_in_production_without_a_second_factor_reaches_nothing_but_enrolment(world, monkeypatch) -> None:
    monkeypatch.setattr(get_settings(), "environment", "production")
    client = https(world.client)
    token = csrf_of(client.get("/staff/login").text)
    step = client.post("/staff/login", data={"username": "admin_all", "password": STAFF_PASSWORD, "csrf_token": token},
                       follow_redirects=False)
    assert step.status_code == 303 and step.headers["location"].startswith("/staff/login/enrol")
    for page in ("/staff/", "/staff/desk", "/staff/supervision", "/staff/account"):
        assert client.get(page, follow_redirects=False).headers["location"].startswith("/staff/login?next="), page
    assert client.get("/staff/login/code", follow_redirects=False).status_code == 303  # not the code step either
    api = client.post(LOGIN, data={"username": "admin_all", "password": STAFF_PASSWORD})
    assert api.status_code == 403 and api.json()["error"]["code"] == "totp_enrolment_required"

    # A session opened before the rule (or by any other way) is held at 账号安全 too.
    admin = _staff(world, "admin_all")
    stale = https(TestClient(client.app))
    stale.cookies.set(web_sessions.COOKIE_NAME, web_sessions.open_session(world.session, admin))
    world.session.commit()
    assert stale.get("/staff/", follow_redirects=False).headers["location"] == "/staff/account"

    enrol = client.get(step.headers["location"])
    assert enrol.status_code == 200 and "设置动态码" in enrol.text
    otp = _totp(world, "admin_all")
    done = client.post("/staff/login/enrol", data={"code": _code(otp), "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert stale.get("/staff/").status_code == 200


def test_stale_counts_are_purged_and_trusted_addresses_kept(world) -> None:
    from_a, owner = _from(world.client, "203.0.113.12"), _from(world.client, "198.51.100.21")
    from_a.post(LOGIN, data={"username": "someone_unknown", "password": "x"})
    assert owner.post(LOGIN, data={"username": "cw_yuzhong", "password": STAFF_PASSWORD}).status_code == 200
    rows = lambda: world.session.scalar(select(func.count()).select_from(StaffLoginCounter))  # noqa: E731
    assert rows() == 4  # (name, address) and (name, every address), for each name
    later = clock.now_utc() + timedelta(days=login_counters.KEEP_DAYS + 1)
    assert login_counters.purge_stale(world.session, now=later) == 3
    later = clock.now_utc() + timedelta(days=login_counters.TRUSTED_DAYS + 1)
    assert login_counters.purge_stale(world.session, now=later) == 1
