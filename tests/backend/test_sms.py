"""SMS: notices written with their events, sent exactly once through the real Twilio client against a
local fake Twilio server, delivery callbacks signed, opt-out honoured, and the monthly payment run."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from backend.applications.models import Application, Payment
from backend.core.settings import get_settings
from backend.core.templates import render_text
from backend.notifications.dispatcher import Dispatcher
from backend.notifications.models import Notice
from backend.notifications.sealed import opened
from backend.notifications.providers import ProviderError, TwilioProvider
from backend.notifications.segments import segments
from backend.payments.run import run as payment_run
from tests.backend.world import APPLICANT_PHONE, application_body, member
from tests.fakes.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio


@pytest.fixture
def twilio():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def provider(twilio: FakeTwilio) -> TwilioProvider:
    return TwilioProvider(ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, api_base=twilio.url)


@pytest.fixture
def dispatcher(provider):  # noqa: ANN001, ANN201
    d = Dispatcher(provider, status_callback="http://127.0.0.1:8000/api/v1/sms/status", workers=2)
    yield d
    d.close()


def _notices(session, **filters) -> list[Notice]:  # noqa: ANN003
    session.expire_all()
    return list(session.scalars(select(Notice).filter_by(**filters).order_by(Notice.id)))


# ---------------------------------------------------------------- texts


@pytest.mark.parametrize(("text", "count"), [
    ("中" * 70, 1), ("中" * 71, 2), ("中" * 134, 2), ("中" * 135, 3),
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("[]" * 40, 1), ("[]" * 41, 2),
])
def test_segment_counting(text: str, count: int) -> None:
    assert segments(text) == count


CONTEXTS = {
    "application_received": {"type_name": "低保", "number": "JZ20261123000001", "next_label": "已提交，等待受理", "due": date(2026, 11, 26)},
    "materials_missing": {"type_name": "低保", "number": "JZ20261123000001", "missing": ["户口簿复印件", "近6个月银行流水"]},
    "step_changed": {"type_name": "特困", "number": "JZ20261123000001", "action_label": "受理", "status_label": "已受理，等待入户调查", "due": date(2026, 11, 26)},
    "approved": {"type_name": "低保", "number": "JZ20261123000001", "amount": "470", "one_off": False},
    "rejected": {"type_name": "低保", "number": "JZ20261123000001", "reasons": "家庭月人均收入高于当地低保标准"},
    "payment_made": {"type_name": "低保", "month_label": "2026年12月", "amount": "470", "paid_on": date(2026, 12, 10)},
    "certification_due": {"due": date(2026, 12, 31), "link": "https://jz.example.cn/c/Ab3x9"},
    "certification_overdue": {"link": "https://jz.example.cn/c/Ab3x9"},
    "authorization_requested": {"applicant_name": "张秀英", "type_name": "低保", "link": "https://jz.example.cn/a/K2p8", "hours": 24},
    "otp_login": {"code": "123456", "minutes": 5},
    "otp_consent": {"code": "123456", "minutes": 5, "helper_name": "李红", "helper_kind": "亲属"},
    "opted_out": {}, "opted_in": {},
    "paper_delegation_verified": {"for_name": "张秀英"},
    "paper_delegation_rejected": {"for_name": "张秀英", "reason": "照片上看不清本人的签字和日期，请在光线好的地方把整页重新拍清楚后再提交一次" [:60]},
}


@pytest.mark.parametrize("event", sorted(CONTEXTS))
@pytest.mark.parametrize("for_helper", [False, True])
def test_every_event_renders_short_and_plain(event: str, for_helper: bool) -> None:
    text = render_text(f"sms/{event}.txt.j2", for_helper=for_helper, principal_name="张秀英", **CONTEXTS[event])
    assert text.startswith("【救助】") and "\n" not in text and "{" not in text
    assert segments(text) <= 2, f"{event}: {len(text)} characters, {segments(text)} segments"
    if for_helper and event in ("application_received", "approved", "payment_made", "rejected"):
        assert "张秀英" in text


# ---------------------------------------------------------------- outbox and dispatcher


def test_a_notice_is_written_with_the_event_and_sent_once(world, dispatcher, twilio) -> None:
    number = world.submit()["number"]
    (notice,) = _notices(world.session, event="application_received")
    assert notice.status == "pending" and number in notice.text and notice.segments == segments(notice.text)
    stats = dispatcher.run_once(world.session)
    assert stats.sent == 1
    (sent,) = twilio.messages
    assert sent["to"] == f"+86{APPLICANT_PHONE}" and sent["from"] == FROM_NUMBER and number in sent["body"]
    assert sent["status_callback"] == "http://127.0.0.1:8000/api/v1/sms/status"
    assert _notices(world.session, event="application_received")[0].provider_sid == sent["sid"]
    assert dispatcher.run_once(world.session).claimed == 0
    assert len(twilio.messages) == 1


def test_a_failed_request_writes_no_notice(world) -> None:
    body = application_body(members=[member("张秀英", phone=APPLICANT_PHONE), {**member("李四", "配偶", seq=9), "id_number": "110105195001010000"}])
    resp = world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "no-notice-1"})
    assert resp.status_code == 422
    assert _notices(world.session) == []


class Killed(BaseException):
    """The dispatcher process dies (SIGKILL) right after the provider accepted the message."""


class DiesAfterSending:
    def __init__(self, real):  # noqa: ANN001
        self.real = real

    def send(self, to, body, *, status_callback=None):  # noqa: ANN001, ANN201
        self.real.send(to, body, status_callback=status_callback)
        raise Killed()

    def find_sent(self, to, body, since):  # noqa: ANN001, ANN201
        return self.real.find_sent(to, body, since)


class DiesBeforeSending(DiesAfterSending):
    def send(self, to, body, *, status_callback=None):  # noqa: ANN001, ANN201
        raise Killed()


@pytest.mark.parametrize(("dying", "expect_recovered"), [(DiesAfterSending, 1), (DiesBeforeSending, 0)])
def test_exactly_one_send_when_the_dispatcher_dies_between_send_and_record(world, provider, twilio, dying, expect_recovered) -> None:
    world.submit()
    first = Dispatcher(dying(provider), workers=1)
    with pytest.raises(Killed):
        first.run_once(world.session)
    first.close()
    (notice,) = _notices(world.session, event="application_received")
    assert notice.status == "sending"  # the result is unknown
    restarted = Dispatcher(provider, workers=1)
    try:
        # Within the lease nobody touches it; after the lease it is checked with Twilio first.
        assert restarted.run_once(world.session).claimed == 0
        stats = restarted.run_once(world.session, now=datetime.now(UTC) + timedelta(minutes=6))
    finally:
        restarted.close()
    assert (stats.sent, stats.recovered) == (1, expect_recovered)
    assert len(twilio.messages) == 1
    assert _notices(world.session, event="application_received")[0].status == "sent"


def test_a_dispatcher_that_lost_its_lease_records_nothing(world, provider, twilio) -> None:
    world.submit()
    t0 = datetime.now(UTC)
    b = Dispatcher(provider, workers=1)

    class StuckPastTheLease:
        """Dispatcher A's request hangs past its lease; meanwhile dispatcher B takes the notice back,
        finds it was never sent, sends it and records it. Then A's request fails after all."""

        def send(self, to, body, *, status_callback=None):  # noqa: ANN001, ANN201
            assert b.run_once(world.session, now=t0 + timedelta(minutes=6)).sent == 1
            raise ProviderError("timed out", permanent=False)

        def find_sent(self, to, body, since):  # noqa: ANN001, ANN201
            return provider.find_sent(to, body, since)

    a = Dispatcher(StuckPastTheLease(), workers=1)
    try:
        stats = a.run_once(world.session, now=t0)
    finally:
        a.close()
        b.close()
    assert (stats.lost_lease, stats.retried, stats.failed, stats.sent) == (1, 0, 0, 0)
    (notice,) = _notices(world.session, event="application_received")
    (sent,) = twilio.messages
    # A's late "retry later" did not undo B's send: no second SMS is queued.
    assert (notice.status, notice.provider_sid, notice.last_error) == ("sent", sent["sid"], None)
    assert notice.claimed_at.replace(tzinfo=UTC) == t0 + timedelta(minutes=6)
    later = Dispatcher(provider, workers=1)
    try:
        assert later.run_once(world.session, now=t0 + timedelta(hours=2)).claimed == 0
    finally:
        later.close()


def test_provider_errors_are_retried_with_exponential_backoff(world, dispatcher, twilio) -> None:
    world.submit()
    twilio.fail_next(500, times=1)
    twilio.fail_next(429, 20429, times=1)
    t0 = datetime.now(UTC)
    assert dispatcher.run_once(world.session, now=t0).retried == 1
    (notice,) = _notices(world.session, event="application_received")
    assert notice.status == "pending" and notice.next_attempt_at.replace(tzinfo=UTC) == t0 + timedelta(seconds=30)
    assert dispatcher.run_once(world.session, now=t0 + timedelta(seconds=10)).claimed == 0
    assert dispatcher.run_once(world.session, now=t0 + timedelta(seconds=31)).retried == 1
    notice = _notices(world.session, event="application_received")[0]
    assert notice.next_attempt_at.replace(tzinfo=UTC) == t0 + timedelta(seconds=31 + 60)
    assert dispatcher.run_once(world.session, now=t0 + timedelta(seconds=100)).sent == 1
    notice = _notices(world.session, event="application_received")[0]
    assert (notice.status, notice.attempts, len(twilio.messages)) == ("sent", 3, 1)


def test_permanent_errors_end_in_a_visible_failed_state(world, dispatcher, twilio) -> None:
    world.submit()
    twilio.fail_next(400, 21211)
    assert dispatcher.run_once(world.session).failed == 1
    notice = _notices(world.session, event="application_received")[0]
    assert notice.status == "failed" and "21211" in notice.last_error


def test_too_many_attempts_end_in_failed(world, dispatcher, twilio) -> None:
    world.submit()
    twilio.fail_next(503, times=10)
    t = datetime.now(UTC)
    for _ in range(6):
        dispatcher.run_once(world.session, now=t)
        t += timedelta(hours=2)
    notice = _notices(world.session, event="application_received")[0]
    assert (notice.status, notice.attempts) == ("failed", 6)


# ---------------------------------------------------------------- callbacks and opt-out


def _signed(url: str, params: dict, token: str = AUTH_TOKEN) -> dict:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, params)}


@pytest.fixture
def twilio_settings(monkeypatch):  # noqa: ANN001, ANN201
    settings = get_settings()
    monkeypatch.setattr(settings, "twilio_auth_token", AUTH_TOKEN)
    monkeypatch.setattr(settings, "public_base_url", "https://jiuzhu.example.cn")
    return settings


def test_status_callbacks_need_a_valid_signature(world, dispatcher, twilio, twilio_settings) -> None:
    world.submit()
    dispatcher.run_once(world.session)
    sid = twilio.messages[0]["sid"]
    url = "https://jiuzhu.example.cn/api/v1/sms/status"
    params = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID}
    forged = world.client.post("/api/v1/sms/status", data=params, headers={"X-Twilio-Signature": "Zm9yZ2Vk"})
    assert forged.status_code == 403
    wrong_key = world.client.post("/api/v1/sms/status", data=params, headers=_signed(url, params, "not-the-token"))
    assert wrong_key.status_code == 403
    assert world.client.post("/api/v1/sms/status", data=params).status_code == 403
    assert _notices(world.session, event="application_received")[0].status == "sent"
    ok = world.client.post("/api/v1/sms/status", data=params, headers=_signed(url, params))
    assert ok.status_code == 204
    assert _notices(world.session, event="application_received")[0].status == "delivered"
    late = {**params, "MessageStatus": "sent"}
    world.client.post("/api/v1/sms/status", data=late, headers=_signed(url, late))
    assert _notices(world.session, event="application_received")[0].status == "delivered"


def test_opt_out_is_honoured_but_codes_still_arrive(world, dispatcher, twilio) -> None:
    service = {"Authorization": f"Bearer {get_settings().service_token}"}
    resp = world.client.post("/api/v1/sms/subscription", json={"phone": APPLICANT_PHONE, "action": "stop"}, headers=service)
    assert resp.status_code == 200 and resp.json()["changed"] and "已为您退订" in resp.json()["reply"]
    assert world.client.post("/api/v1/sms/subscription", json={"phone": APPLICANT_PHONE, "action": "stop"},
                             headers=world.applicant).status_code == 403
    world.submit()
    world.client.post("/api/v1/auth/otp/request", json={"phone": APPLICANT_PHONE})
    dispatcher.run_until_empty(world.session)
    assert _notices(world.session, event="application_received")[0].status == "opted_out"
    assert [m["body"][:10] for m in twilio.messages] == ["【救助】您的验证码是"]
    world.client.post("/api/v1/sms/subscription", json={"phone": APPLICANT_PHONE, "action": "start"}, headers=service)
    n = world.client.get("/api/v1/applications", headers=world.caseworker).json()[0]["number"]
    world.act(n, "accept", world.caseworker)
    dispatcher.run_until_empty(world.session)
    assert "受理" in twilio.messages[-1]["body"]


# ---------------------------------------------------------------- monthly payment run


def _paying(world, set_today, name: str, seq: int, income: int) -> str:
    set_today(date(2026, 10, 12))
    body = application_body(members=[member(name, seq=seq, phone=APPLICANT_PHONE,
                                            incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": income}])])
    n = world.submit(body, key=f"paying-{seq:05d}")["number"]
    world.sign_all(n)
    for action, data in (("accept", {}), ("start_investigation", {}), ("record_home_visit", {"investigators": ["甲", "乙"]}),
                         ("attach_economic_check", {"results": {"存款": "无"}}), ("propose", {})):
        world.act(n, action, world.caseworker, **data)
    set_today(date(2026, 10, 20))
    world.act(n, "close_publicity", world.caseworker)
    world.act(n, "approve", world.reviewer)
    world.act(n, "start_payment", world.caseworker)
    return n


def test_monthly_run_pays_each_recipient_once(world, set_today, dispatcher, twilio) -> None:
    a = _paying(world, set_today, "甲", 1, 300)
    b = _paying(world, set_today, "乙", 2, 500)
    c = _paying(world, set_today, "丙", 3, 600)
    set_today(date(2026, 10, 25))
    world.act(b, "suspend_payments", world.caseworker, "生存认证逾期，待核实")
    world.act(c, "start_phase_out", world.caseworker, amounts=["150", "80"], months=2)
    first = payment_run(world.session, "2026-11", date(2026, 11, 10))
    assert (first.paid, first.suspended, first.total_amount) == (2, 1, Decimal("620"))  # 470 + 150
    again = payment_run(world.session, "2026-11", date(2026, 11, 10))
    assert (again.paid, again.already_paid, again.notices) == (0, 2, 0)
    dec = payment_run(world.session, "2026-12", date(2026, 12, 10))
    assert dec.total_amount == Decimal("550")  # 470 + 80
    jan = payment_run(world.session, "2027-01", date(2027, 1, 10))
    assert (jan.paid, jan.phase_out_ended) == (1, 1)
    oct_ = payment_run(world.session, "2026-10", date(2026, 10, 30))
    assert (oct_.paid, oct_.not_yet_due) == (0, 2)  # first payment is the month after the decision
    count = world.session.scalar(select(func.count()).select_from(Payment).where(Payment.kind == "monthly"))
    assert count == 5
    assert _notices(world.session, event="payment_made")[0].text == "【救助】您的2026年11月低保470元已于11月10日（星期二）发放，请注意查收。"
    assert world.session.scalars(select(Application).where(Application.number == a)).one().status == "paying"


def test_a_one_time_code_is_never_stored_in_clear_in_the_outbox(world) -> None:  # noqa: ANN001
    """Issue 21: notices.text held every live code in clear (a dump or a staff tool showed them)."""
    assert world.client.post("/api/v1/auth/otp/request", json={"phone": "13812345600"}).status_code == 200
    stored = world.session.scalars(select(Notice.text).where(Notice.event == "otp_login")).one()
    assert stored.startswith("sealed:") and "验证码" not in stored
    assert re.search(r"验证码(?:是)?\d{6}", opened(stored))
    code = re.search(r"\d{6}", opened(stored)).group(0)
    assert code not in stored


def test_the_emergency_receipt_says_received_once() -> None:
    """"申请已收到，编号…。已收到，正在紧急处理": the 急难 status label repeated what the sentence had just said."""
    text = render_text("sms/application_received.txt.j2", for_helper=False, type_name="临时救助（急难型）",
                       number="JZ20261123000001", next_label="已收到，正在紧急处理", due=None)
    assert text.count("已收到") == 1 and "正在紧急处理" in text
