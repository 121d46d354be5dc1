"""Notices through WeChat: a bound, following person gets the notice as a template message; refusals,
unknown results, missing bindings or templates send the same notice by SMS; never twice on one channel."""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from backend.core.crypto import get_vault
from backend.core.settings import get_settings
from backend.notifications.dispatcher import LEASE, WECHAT_ATTEMPTS, Dispatcher
from backend.notifications.models import Notice
from backend.notifications.providers import ConsoleProvider
from backend.notifications.service import Addressed, notify, notify_many
from backend.people.models import Person
from backend.wechat.client import HttpWeChatApi, WeChatError
from backend.wechat.models import WeChatBinding
from backend.wechat.notices import DEFAULT_FILE, notice_templates, template_message
from tests.backend.test_sms import CONTEXTS
from tests.fakes.wechat_server import APP_ID, APP_SECRET, FakeWeChat

PHONE = "13800005555"
OPENID = "oNotice1234567890abcdefghij"
PAYMENT = {"type_name": "低保", "month_label": "2026年12月", "amount": "770", "paid_on": date(2026, 12, 10)}
TEMPLATES = """
payment_made:
  template_id: TPL-PAY
  fields:
    thing1: "{% if for_helper %}{{ principal_name }}的{% endif %}{{ month_label }}{{ type_name }}"
    amount2: "{{ amount|yuan }}"
    time3: "{{ paid_on|day }}"
certification_due:
  template_id: TPL-CERT
  fields:
    time2: "{{ due|by_day }}"
  url: "{{ link or '' }}"
step_changed:
  template_id: ""
"""


@pytest.fixture(autouse=True)
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    path = tmp_path / "notices.yaml"
    path.write_text(TEMPLATES, encoding="utf-8")
    monkeypatch.setattr(get_settings(), "wechat_notice_templates", str(path))
    notice_templates.cache_clear()
    yield
    notice_templates.cache_clear()


@pytest.fixture
def fake():  # noqa: ANN201
    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture
def sms() -> ConsoleProvider:
    return ConsoleProvider(quiet=True)


@pytest.fixture
def wechat(fake: FakeWeChat):  # noqa: ANN201
    api = HttpWeChatApi(APP_ID, APP_SECRET, fake.url, timeout=2)
    yield api
    api.close()


@pytest.fixture
def dispatcher(sms, wechat):  # noqa: ANN001, ANN201
    d = Dispatcher(sms, wechat=wechat, workers=1)
    yield d
    d.close()


@pytest.fixture
def person(session) -> Person:  # noqa: ANN001
    vault = get_vault()
    p = Person(name="刘桂兰", phone_hash=vault.lookup_hash(PHONE), phone_cipher=vault.encrypt(PHONE), phone_masked="138****5555")
    session.add(p)
    session.flush()
    return p


def bind(session, person: Person, *, subscribed: bool = True) -> WeChatBinding:  # noqa: ANN001
    vault = get_vault()
    row = WeChatBinding(openid_hash=vault.lookup_hash(OPENID), openid_cipher=vault.encrypt(OPENID), phone_hash=person.phone_hash,
                        phone_masked=person.phone_masked, person_id=person.id, bound_at=datetime.now(UTC), subscribed=subscribed)
    session.add(row)
    session.flush()
    return row


def pay(session, person: Person, key: str = "pay-1") -> Notice:  # noqa: ANN001
    (notice,) = notify(session, event="payment_made", person=person, context=PAYMENT, key=key)
    session.commit()
    return notice


def reread(session, notice: Notice) -> Notice:  # noqa: ANN001
    session.expire_all()
    return session.get(Notice, notice.id)


def test_a_bound_follower_gets_a_template_message_and_no_sms(session, person, dispatcher, fake, sms) -> None:  # noqa: ANN001
    bind(session, person)
    notice = pay(session, person)
    assert json.loads(notice.wechat_message) == {"template_id": "TPL-PAY", "url": None, "data": {
        "thing1": "2026年12月低保", "amount2": "770元", "time3": "12月10日（星期四）"}}
    stats = dispatcher.run_until_empty(session)
    assert (stats.sent, stats.wechat, stats.fell_back) == (1, 1, 0)
    assert [(t["touser"], t["template_id"]) for t in fake.templates] == [(OPENID, "TPL-PAY")]
    assert sms.sent == []
    notice = reread(session, notice)
    assert (notice.status, notice.channel, notice.provider_sid) == ("sent", "wechat", "wx:200001")


def test_not_following_falls_back_to_sms_and_later_notices_skip_wechat(session, person, dispatcher, fake, sms) -> None:  # noqa: ANN001
    binding = bind(session, person)
    fake.not_following.add(OPENID)
    first = pay(session, person)
    stats = dispatcher.run_until_empty(session)
    assert (stats.sent, stats.wechat, stats.fell_back) == (1, 0, 1)
    assert [to for to, _ in sms.sent] == [f"+86{PHONE}"] and fake.templates == []
    first = reread(session, first)
    assert (first.status, first.channel) == ("sent", "sms") and "43004" in first.last_error
    assert not session.get(WeChatBinding, binding.id).subscribed
    calls = len(fake.calls)
    pay(session, person, key="pay-2")
    dispatcher.run_until_empty(session)
    assert len(sms.sent) == 2 and len(fake.calls) == calls  # WeChat not even asked


@pytest.mark.parametrize("case", ["not bound", "unfollowed", "no template", "empty template id", "wechat off"])
def test_every_other_case_goes_by_sms(session, person, sms, wechat, fake, case) -> None:  # noqa: ANN001
    if case != "not bound":
        bind(session, person, subscribed=case != "unfollowed")
    if case == "no template":
        notices = notify(session, event="rejected", person=person, context={"type_name": "低保", "number": "JZ1", "reasons": "收入高"}, key="r")
    elif case == "empty template id":
        notices = notify(session, event="step_changed", person=person, key="s", context={
            "type_name": "低保", "number": "JZ1", "action_label": "受理", "status_label": "已受理", "due": None})
    else:
        notices = [pay(session, person)]
    session.commit()
    d = Dispatcher(sms, wechat=None if case == "wechat off" else wechat, workers=1)
    try:
        assert d.run_until_empty(session).sent == 1
    finally:
        d.close()
    assert len(sms.sent) == 1 and fake.templates == []
    assert reread(session, notices[0]).channel == "sms"


def test_wechat_busy_is_retried_by_wechat_with_backoff_then_sms(session, person, dispatcher, fake, sms) -> None:  # noqa: ANN001
    bind(session, person)
    notice = pay(session, person)
    fake.fail_next(-1)
    stats = dispatcher.run_once(session)
    assert stats.retried == 1 and sms.sent == [] and fake.templates == []
    notice = reread(session, notice)
    assert (notice.status, notice.channel) == ("pending", "wechat") and notice.next_attempt_at > datetime.now(UTC)
    assert dispatcher.run_once(session).claimed == 0  # waits its backoff
    later = datetime.now(UTC) + timedelta(hours=2)
    assert dispatcher.run_once(session, now=later).wechat == 1
    assert len(fake.templates) == 1 and sms.sent == []
    # Busy every time: after WECHAT_ATTEMPTS tries the notice goes by SMS.
    other = pay(session, person, key="pay-2")
    fake.fail_next(-1, times=WECHAT_ATTEMPTS)
    for hours in range(1, WECHAT_ATTEMPTS + 1):
        dispatcher.run_once(session, now=datetime.now(UTC) + timedelta(hours=hours * 2))
    other = reread(session, other)
    assert (other.status, other.channel) == ("sent", "sms") and len(sms.sent) == 1 and len(fake.templates) == 1


class UnknownResult:
    """WeChat took the request (it is recorded) but the answer never came."""

    def __init__(self, real: HttpWeChatApi) -> None:
        self.real = real

    def send_template(self, openid, template_id, data, url=None):  # noqa: ANN001, ANN201
        self.real.send_template(openid, template_id, data, url)
        raise WeChatError("wechat no answer: ReadTimeout", unknown=True)


def test_an_unknown_wechat_result_is_not_sent_by_wechat_again_but_by_sms(session, person, sms, wechat, fake) -> None:  # noqa: ANN001
    bind(session, person)
    notice = pay(session, person)
    d = Dispatcher(sms, wechat=UnknownResult(wechat), workers=1)
    try:
        assert d.run_until_empty(session).fell_back == 1
    finally:
        d.close()
    assert len(fake.templates) == 1 and len(sms.sent) == 1
    assert reread(session, notice).channel == "sms"


class Killed(BaseException):
    pass


class DiesAfterWeChat(UnknownResult):
    def send_template(self, openid, template_id, data, url=None):  # noqa: ANN001, ANN201
        self.real.send_template(openid, template_id, data, url)
        raise Killed()


def test_lease_recovery_never_resends_by_wechat(session, person, sms, wechat, fake) -> None:  # noqa: ANN001
    bind(session, person)
    notice = pay(session, person)
    first = Dispatcher(sms, wechat=DiesAfterWeChat(wechat), workers=1)
    with pytest.raises(Killed):
        first.run_once(session)
    first.close()
    notice = reread(session, notice)
    assert (notice.status, notice.channel) == ("sending", "wechat")  # marked before the request went out
    restarted = Dispatcher(sms, wechat=wechat, workers=1)
    try:
        assert restarted.run_once(session).claimed == 0  # within the lease nobody touches it
        stats = restarted.run_once(session, now=datetime.now(UTC) + LEASE + timedelta(minutes=1))
        assert restarted.run_once(session, now=datetime.now(UTC) + timedelta(hours=3)).claimed == 0
    finally:
        restarted.close()
    assert (stats.sent, stats.fell_back) == (1, 1)
    assert len(fake.templates) == 1 and len(sms.sent) == 1  # one by WeChat (it had arrived), one by SMS, never two
    notice = reread(session, notice)
    assert (notice.status, notice.channel) == ("sent", "sms") and "unknown" in notice.last_error


def test_the_payment_run_path_queues_template_messages_too(session, person, dispatcher, fake, sms) -> None:  # noqa: ANN001
    bind(session, person)
    assert notify_many(session, event="payment_made", batch=[Addressed(person=person, key="run-1", context=PAYMENT)]) == 1
    session.commit()
    assert dispatcher.run_until_empty(session).wechat == 1
    assert fake.templates[0]["data"]["amount2"] == {"value": "770元"} and sms.sent == []


@pytest.mark.parametrize("for_helper", [False, True])
def test_the_shipped_templates_file_renders_for_every_kind_it_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    for_helper: bool) -> None:
    shipped = DEFAULT_FILE.read_text(encoding="utf-8")
    assert shipped.count('template_id: ""') == len(yaml.safe_load(shipped))  # each account sets its own IDs
    path = tmp_path / "shipped.yaml"
    path.write_text(shipped.replace('template_id: ""', "template_id: TPL"), encoding="utf-8")
    monkeypatch.setattr(get_settings(), "wechat_notice_templates", str(path))
    notice_templates.cache_clear()
    kinds = set(notice_templates())
    assert {"payment_made", "step_changed", "certification_due"} <= kinds
    cases = [(kind, CONTEXTS[kind]) for kind in kinds] + [("approved", {**CONTEXTS["approved"], "amount": None}),
                                                         ("certification_due", {**CONTEXTS["certification_due"], "link": None})]
    for kind, context in cases:
        message = json.loads(template_message(kind, {"for_helper": for_helper, "principal_name": "张秀英", **context}))
        assert message["template_id"] == "TPL" and message["data"]
        for name, value in message["data"].items():
            assert value and "{" not in value and (len(value) <= 20 or not name.startswith("thing")), (kind, name, value)


def test_a_template_that_does_not_render_leaves_the_notice_to_sms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text('payment_made:\n  template_id: TPL\n  fields:\n    thing1: "{{ no_such_value }}"\n', encoding="utf-8")
    monkeypatch.setattr(get_settings(), "wechat_notice_templates", str(path))
    notice_templates.cache_clear()
    assert template_message("payment_made", {"for_helper": False, "principal_name": "张秀英", **PAYMENT}) is None
