"""Limits that hold under concurrency: one-time codes, code requests, staff passwords, request throttling.

The parallel tests cannot use the shared, rolled-back `client` session: one session on one connection
serialises everything and shows no race. They go through `real`, an app whose every request opens its
own session on the test engine and commits or rolls back exactly as production does (`transaction`),
with real threads; what they commit is deleted afterwards.
"""

import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry, AuditHead
from backend.notifications.sealed import opened
from backend.auth import login_counters, otp, staff_login, throttle
from backend.auth.models import OneTimeCode, StaffLoginCounter
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.db import get_session, transaction
from backend.core.settings import get_settings
from backend.main import create_app
from backend.notifications.models import Notice
from backend.staff.models import StaffUser
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, STAFF_PASSWORD, _password_hash, member

CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("TEST_REDIS_URL")
PARALLEL = 40


def _new_phone() -> str:
    return f"136{uuid.uuid4().int % 10**8:08d}"


def _code_in(text: str) -> str:
    return "".join(c for c in text.split("验证码")[1] if c.isdigit())[:6]


def _wrong(code: str) -> str:
    return "111111" if code != "111111" else "222222"


@dataclass
class Real:
    """Requests that really commit, each on its own connection; remembers what to delete afterwards."""

    client: TestClient
    engine: Engine
    phones: list[str] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)

    def phone(self) -> str:
        self.phones.append(_new_phone())
        return self.phones[-1]

    def staff(self) -> str:
        username = f"lock_{uuid.uuid4().hex[:10]}"
        with Session(self.engine) as s, s.begin():
            s.add(StaffUser(username=username, display_name=username, password_hash=_password_hash(),
                            role="caseworker", district_code="500103"))
        self.usernames.append(username)
        return username

    def code_sent_to(self, phone: str) -> str:
        with Session(self.engine) as s:
            text = s.scalars(select(Notice.text).where(Notice.phone_hash == get_vault().lookup_hash(phone))
                             .order_by(Notice.id.desc())).first()
        return _code_in(opened(text))

    def otp_row(self, phone: str) -> OneTimeCode:
        with Session(self.engine) as s:
            return s.scalars(select(OneTimeCode).where(OneTimeCode.phone_hash == get_vault().lookup_hash(phone))
                             .order_by(OneTimeCode.id.desc())).first()

    def staff_row(self, username: str) -> StaffUser:
        with Session(self.engine) as s:
            return s.scalars(select(StaffUser).where(StaffUser.username == username)).one()

    def counters(self, username: str) -> dict[str, tuple[int, bool]]:
        """(failures, paused now) of the account's rows: "address" (the test client's) and "account"."""
        now = clock.now_utc()
        with Session(self.engine) as s:
            rows = s.scalars(select(StaffLoginCounter).where(
                StaffLoginCounter.account_key == login_counters.account_key(username))).all()
        return {("account" if r.client_key == login_counters.ACCOUNT_WIDE else "address"):
                (r.failures, r.locked_until is not None and r.locked_until > now) for r in rows}

    def login(self, username: str, password: str) -> httpx.Response:
        return self.client.post("/api/v1/auth/staff/login", data={"username": username, "password": password})


@pytest.fixture
def real(engine: Engine) -> Iterator[Real]:
    app = create_app()

    def _session() -> Iterator[Session]:
        session = Session(bind=engine, expire_on_commit=False)
        try:
            yield from transaction(session)
        finally:
            session.close()

    app.dependency_overrides[get_session] = _session
    with Session(engine) as s:
        head = s.get(AuditHead, 1)
        saved_head = (head.seq, head.last_hash) if head else None
    with TestClient(app) as c:
        r = Real(client=c, engine=engine)
        yield r
    hashes = [get_vault().lookup_hash(p) for p in r.phones]
    with Session(engine) as s, s.begin():
        s.execute(delete(OneTimeCode).where(OneTimeCode.phone_hash.in_(hashes)))
        s.execute(delete(Notice).where(Notice.phone_hash.in_(hashes)))
        s.execute(delete(StaffUser).where(StaffUser.username.in_(r.usernames)))
        s.execute(delete(StaffLoginCounter).where(
            StaffLoginCounter.account_key.in_([login_counters.account_key(u) for u in r.usernames])))
        # Put the audit chain back as it was, so the other tests see the chain they expect.
        s.execute(delete(AuditEntry).where(AuditEntry.seq > (saved_head[0] if saved_head else 0)))
        if saved_head:
            s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=saved_head[0], last_hash=saved_head[1]))
        else:
            s.execute(delete(AuditHead))


@pytest.fixture
def no_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the request limiter off, so that what is tested is the database's own count."""
    monkeypatch.setattr(throttle, "_enforce", lambda action, keys: None)


def _in_parallel(n: int, call: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """`n` requests released at the same moment from `n` threads."""
    start = threading.Barrier(n)

    def one(_: int) -> httpx.Response:
        start.wait()
        return call()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str,
              counts: Callable[..., bool] = lambda *a: True) -> list[int]:
    """Count the calls of module.name (thread-safe) for which `counts(*args)` holds."""
    calls, lock, real_fn = [0], threading.Lock(), getattr(module, name)

    def spy(*args):  # noqa: ANN002, ANN202
        if counts(*args):
            with lock:
                calls[0] += 1
        return real_fn(*args)

    monkeypatch.setattr(module, name, spy)
    return calls


# One-time codes under parallel requests ------------------------------------------------------------

def test_parallel_wrong_guesses_never_pass_and_count_at_most_max_attempts(real, no_throttle, monkeypatch) -> None:
    phone = real.phone()
    assert real.client.post("/api/v1/auth/otp/request", json={"phone": phone}).status_code == 200
    code = real.code_sent_to(phone)
    compared = _counting(monkeypatch, otp, "_code_hash")

    started = time.perf_counter()
    answers = _in_parallel(PARALLEL, lambda: real.client.post("/api/v1/auth/otp/verify",
                                                              json={"phone": phone, "code": _wrong(code)}))
    elapsed = time.perf_counter() - started
    statuses = Counter(r.status_code for r in answers)
    row = real.otp_row(phone)
    print(f"\nMEASURED {real.engine.dialect.name}: {PARALLEL} parallel wrong guesses -> {dict(statuses)}, "
          f"attempts counted {row.attempts}, guesses compared {compared[0]}, {elapsed:.2f} s")
    assert statuses == {400: PARALLEL}
    # Every compared guess was counted (no lost update), and no more than the limit were compared.
    assert row.attempts == compared[0] == otp.MAX_ATTEMPTS
    # The counts were committed although every request failed: the right code is now refused too.
    assert real.client.post("/api/v1/auth/otp/verify", json={"phone": phone, "code": code}).status_code == 400


def test_the_right_code_sent_in_parallel_gives_exactly_one_token(real, no_throttle) -> None:
    phone = real.phone()
    assert real.client.post("/api/v1/auth/otp/request", json={"phone": phone}).status_code == 200
    code = real.code_sent_to(phone)
    answers = _in_parallel(10, lambda: real.client.post("/api/v1/auth/otp/verify", json={"phone": phone, "code": code}))
    assert sorted(r.status_code for r in answers) == [200] + [400] * 9
    assert real.otp_row(phone).used_at is not None


def test_parallel_code_requests_cannot_pass_the_hourly_count(real, no_throttle) -> None:
    phone = real.phone()
    answers = _in_parallel(PARALLEL, lambda: real.client.post("/api/v1/auth/otp/request", json={"phone": phone}))
    statuses = Counter(r.status_code for r in answers)
    assert statuses == {200: otp.MAX_CODES_PER_HOUR, 429: PARALLEL - otp.MAX_CODES_PER_HOUR}
    with Session(real.engine) as s:
        sent = s.scalar(select(func.count()).select_from(OneTimeCode)
                        .where(OneTimeCode.phone_hash == get_vault().lookup_hash(phone)))
    assert sent == otp.MAX_CODES_PER_HOUR


def test_every_caller_of_check_code_is_throttled_per_phone(session) -> None:
    """Creating a delegation checks the principal's code through check_code without a client at hand:
    the per-phone limit still applies."""
    limit = throttle.LIMITS["code_check:phone"].amount
    for _ in range(limit):
        with pytest.raises(otp.WrongCode):
            otp.check_code(session, "13800005555", "consent", "123456")
    with pytest.raises(throttle.TooManyRequests):
        otp.check_code(session, "13800005555", "consent", "123456")


# Staff lock-out ------------------------------------------------------------------------------------

def test_five_wrong_passwords_pause_this_address_for_fifteen_minutes(real, monkeypatch) -> None:
    username = real.staff()
    answers = [real.login(username, "wrong") for _ in range(staff_login.MAX_FAILED_LOGINS)]
    assert {(r.status_code, r.json()["error"]["code"]) for r in answers} == {(401, "bad_credentials")}
    assert "连续输错5次的话，请15分钟后再试" in answers[0].json()["error"]["message"]
    # Paused here: even the right password is refused, with the same answer, and the count was committed by
    # failing requests.
    paused = real.login(username, STAFF_PASSWORD)
    assert paused.status_code == 401 and paused.json() == answers[0].json() and "Retry-After" not in paused.headers
    assert real.counters(username) == {"address": (staff_login.MAX_FAILED_LOGINS, True),
                                       "account": (staff_login.MAX_FAILED_LOGINS, False)}

    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert real.login(username, STAFF_PASSWORD).status_code == 200
    assert real.counters(username)["address"] == (0, False)


def test_a_right_password_resets_the_count(real) -> None:
    username = real.staff()
    for _ in range(staff_login.MAX_FAILED_LOGINS - 1):
        assert real.login(username, "wrong").status_code == 401
    assert real.login(username, STAFF_PASSWORD).status_code == 200
    for _ in range(staff_login.MAX_FAILED_LOGINS - 1):
        assert real.login(username, "wrong").status_code == 401
    assert real.login(username, STAFF_PASSWORD).status_code == 200


def test_parallel_wrong_passwords_check_at_most_five(real, no_throttle, monkeypatch) -> None:
    username = real.staff()
    checked = _counting(monkeypatch, staff_login, "verify_password", lambda password, stored: stored is not None)
    answers = _in_parallel(PARALLEL, lambda: real.login(username, "wrong"))
    statuses = Counter(r.status_code for r in answers)
    assert checked[0] == staff_login.MAX_FAILED_LOGINS
    assert statuses == {401: PARALLEL}
    assert real.login(username, STAFF_PASSWORD).status_code == 401  # this address is paused


def test_parallel_guesses_from_many_addresses_check_at_most_the_account_limit(real, no_throttle, monkeypatch) -> None:
    """Guessing from many addresses at once: the account's own count holds them all, while the owner at the
    address she signed in from before is not held by it."""
    username = real.staff()
    owner = _other_address(real.client, "10.1.0.1")
    assert owner.post("/api/v1/auth/staff/login", data={"username": username, "password": STAFF_PASSWORD}).status_code == 200
    checked = _counting(monkeypatch, staff_login, "verify_password", lambda password, stored: stored is not None)
    guessers = [_other_address(real.client, f"10.2.{i // 200}.{i % 200 + 1}") for i in range(PARALLEL)]
    turn = iter(guessers)
    lock = threading.Lock()

    def guess() -> httpx.Response:
        with lock:
            guesser = next(turn)
        return guesser.post("/api/v1/auth/staff/login", data={"username": username, "password": "wrong"})

    answers = _in_parallel(PARALLEL, guess)
    assert Counter(r.status_code for r in answers) == {401: PARALLEL}
    assert checked[0] == login_counters.ACCOUNT_MAX_FAILURES
    stranger = _other_address(real.client, "10.3.0.1")
    assert stranger.post("/api/v1/auth/staff/login",
                         data={"username": username, "password": STAFF_PASSWORD}).status_code == 401
    again = owner.post("/api/v1/auth/staff/login", data={"username": username, "password": STAFF_PASSWORD})
    assert again.status_code == 200 and "41次密码错误" in again.json()["notice"]


# Request throttling ---------------------------------------------------------------------------------

def _other_address(client: TestClient, host: str = "10.0.0.2") -> TestClient:
    return TestClient(client.app, client=(host, 50000))


def _service(conversation: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}
    if conversation:
        headers[throttle.CONVERSATION_HEADER] = conversation
    return headers


def _assert_throttled(resp: httpx.Response) -> None:
    assert resp.status_code == 429, resp.text
    error = resp.json()["error"]
    assert error["code"] == "too_many_requests"
    assert "再试" in error["message"] and "街道（乡镇）社会救助窗口" in error["message"]
    assert int(resp.headers["Retry-After"]) > 0


def test_code_requests_are_limited_per_phone_before_the_database(client) -> None:
    for _ in range(throttle.CODES_PER_PHONE_PER_HOUR):
        assert client.post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE}).status_code == 200
    resp = client.post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE})
    _assert_throttled(resp)
    assert "一小时后" in resp.json()["error"]["message"]


def test_code_requests_are_limited_per_address(client) -> None:
    limit = throttle.LIMITS["code_request:ip"].amount
    for _ in range(limit):
        assert client.post("/api/v1/auth/otp/request", json={"phone": _new_phone()}).status_code == 200
    _assert_throttled(client.post("/api/v1/auth/otp/request", json={"phone": _new_phone()}))
    assert _other_address(client).post("/api/v1/auth/otp/request", json={"phone": _new_phone()}).status_code == 200


def test_the_action_server_is_counted_per_conversation_never_by_its_address(client) -> None:
    per_conversation = throttle.LIMITS["code_request:conversation"].amount
    conversations = [f"web:{uuid.uuid4().hex}" for _ in range(4)]
    # More than one address's allowance in total, all from the action server's one address.
    assert per_conversation * len(conversations) > throttle.LIMITS["code_request:ip"].amount
    for conversation in conversations:
        for _ in range(per_conversation):
            resp = client.post("/api/v1/auth/otp/request", json={"phone": _new_phone()}, headers=_service(conversation))
            assert resp.status_code == 200, resp.text
    _assert_throttled(client.post("/api/v1/auth/otp/request", json={"phone": _new_phone()},
                                  headers=_service(conversations[0])))
    # Without a conversation id only the phone's own limit applies.
    assert client.post("/api/v1/auth/otp/request", json={"phone": _new_phone()}, headers=_service()).status_code == 200


def test_code_checks_are_limited_per_phone_and_per_address(client) -> None:
    per_phone = throttle.LIMITS["code_check:phone"].amount
    for _ in range(per_phone):
        assert client.post("/api/v1/auth/otp/verify", json={"phone": APPLICANT_PHONE, "code": "123456"}).status_code == 400
    _assert_throttled(client.post("/api/v1/auth/otp/verify", json={"phone": APPLICANT_PHONE, "code": "123456"}))

    other = _other_address(client, "10.0.0.3")
    for _ in range(throttle.LIMITS["code_check:ip"].amount):
        assert other.post("/api/v1/auth/otp/verify", json={"phone": _new_phone(), "code": "123456"}).status_code == 400
    _assert_throttled(other.post("/api/v1/auth/otp/verify", json={"phone": _new_phone(), "code": "123456"}))


def test_the_limiter_holds_under_parallel_requests(real) -> None:
    phone = real.phone()
    answers = _in_parallel(PARALLEL, lambda: real.client.post("/api/v1/auth/otp/verify",
                                                              json={"phone": phone, "code": "123456"}))
    per_phone = throttle.LIMITS["code_check:phone"].amount
    assert Counter(r.status_code for r in answers) == {400: per_phone, 429: PARALLEL - per_phone}


def test_consent_codes_have_their_own_address_limit_apart_from_sign_in_codes(world, monkeypatch) -> None:
    """Consent codes go to other people's phones: they are counted per requester and destination (and for direct
    API callers per address, with its own allowance), never in the address's sign-in codes
    (test_code_limits_per_destination.py: the grid worker filing for several old people)."""
    for _ in range(throttle.LIMITS["code_request:ip"].amount):
        assert world.client.post("/api/v1/auth/otp/request", json={"phone": _new_phone()}).status_code == 200
    monkeypatch.setitem(throttle.LIMITS, "consent_request:ip", throttle.parse("1/hour"))  # its own count
    principal = {"name": "张秀英", "id_number": member("张秀英")["id_number"], "phone": APPLICANT_PHONE}
    helper = {"name": "李红", "phone": HELPER_PHONE, "kind": "relative", "relation": "女儿"}
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": helper},
                             headers=world.helper)
    assert resp.status_code == 200, resp.text
    resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": helper},
                             headers=world.helper)
    _assert_throttled(resp)
    assert resp.json()["error"]["details"]["limit"] == "ip"


def test_staff_logins_are_limited_per_account_and_per_address(client, monkeypatch) -> None:
    monkeypatch.setattr(staff_login, "verify_password", lambda password, stored: False)  # argon2 is slow
    for _ in range(throttle.LIMITS["staff_login:account"].amount):
        assert client.post("/api/v1/auth/staff/login", data={"username": "nobody", "password": "x"}).status_code == 401
    resp = client.post("/api/v1/auth/staff/login", data={"username": "nobody", "password": "x"})
    assert resp.status_code == 429 and "联系管理员" in resp.json()["error"]["message"]

    other = _other_address(client, "10.0.0.4")
    for i in range(throttle.LIMITS["staff_login:ip"].amount):
        assert other.post("/api/v1/auth/staff/login", data={"username": f"user{i}", "password": "x"}).status_code == 401
    assert other.post("/api/v1/auth/staff/login", data={"username": "someone", "password": "x"}).status_code == 429


# Limiter storage ------------------------------------------------------------------------------------

@pytest.fixture
def storage_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def use(url: str) -> None:
        monkeypatch.setenv("RATE_LIMIT_STORAGE_URL", url)
        get_settings.cache_clear()

    yield use
    monkeypatch.delenv("RATE_LIMIT_STORAGE_URL", raising=False)
    get_settings.cache_clear()


def test_counts_in_redis_are_shared_by_every_backend_process(storage_url) -> None:
    if not REDIS_URL:
        if CI:
            pytest.fail("CI=true requires TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
        pytest.skip("set TEST_REDIS_URL to test the Redis storage")
    storage_url(REDIS_URL)
    phone = _new_phone()  # a fresh key: nothing to clean up, it expires with its window
    for _ in range(throttle.LIMITS["code_check:phone"].amount):
        throttle.code_check(None, phone)
    throttle._limiter_for.cache_clear()  # what another process would build
    with pytest.raises(throttle.TooManyRequests):
        throttle.code_check(None, phone)


def test_an_unreachable_storage_does_not_stop_signing_in(storage_url) -> None:
    storage_url("redis://127.0.0.1:1/0")
    phone = _new_phone()
    for _ in range(throttle.LIMITS["code_check:phone"].amount + 1):
        throttle.code_check(None, phone)  # fails open: the database counts still hold


def test_a_helpers_consent_codes_never_lock_her_out_of_her_own_sign_in(world) -> None:
    """A grandson resending grandma's consent code used up her phone's codes: she could not sign in herself."""
    principal = {"name": "张秀英", "id_number": member("张秀英")["id_number"], "phone": APPLICANT_PHONE}
    helper = {"name": "李红", "phone": HELPER_PHONE, "kind": "relative", "relation": "女儿"}
    for _ in range(throttle.CODES_PER_PHONE_PER_HOUR):
        resp = world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": helper},
                                 headers=world.helper)
        assert resp.status_code == 200, resp.text
    _assert_throttled(world.client.post("/api/v1/delegations/consent-code", json={"principal": principal, "helper": helper},
                                        headers=world.helper))
    own = _other_address(world.client, "10.0.0.9").post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE})
    assert own.status_code == 200, own.text  # her own sign-in still gets its code
