"""notify and notify_many decide who gets a notice the same way: the person, and each helper whose active
delegation includes "notices"; an opted-out phone's row is kept as opted_out."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core import clock
from backend.delegations.models import Delegation
from backend.notifications.models import Notice
from backend.notifications.service import Addressed, notify, notify_many, opt_out
from backend.people.service import upsert_phone_holder


def _delegate(session: Session, principal, helper, scope: list[str], *, days: int = 30, revoked: bool = False) -> None:  # noqa: ANN001
    now = clock.now()
    session.add(Delegation(principal_person_id=principal.id, helper_person_id=helper.id, helper_kind="relative",
                           scope=scope, consent_method="otp", consent_evidence="test", created_at=now,
                           expires_at=now + timedelta(days=days), revoked_at=now if revoked else None))
    session.flush()


def _sent(session: Session, prefix: str) -> set[tuple[int, str, str]]:
    rows = session.scalars(select(Notice).where(Notice.event == "payment_made"))
    return {(n.person_id, n.recipient, n.status) for n in rows if n.text.startswith(prefix)}


def test_notify_many_reaches_whom_notify_reaches(session: Session) -> None:
    person = upsert_phone_holder(session, name="张秀英", phone="13800000001")
    daughter = upsert_phone_holder(session, name="李红", phone="13800000002")
    worker = upsert_phone_holder(session, name="王网格", phone="13800000003")
    expired = upsert_phone_holder(session, name="赵过期", phone="13800000004")
    revoked = upsert_phone_holder(session, name="钱撤销", phone="13800000005")
    _delegate(session, person, daughter, ["notices", "query"])
    _delegate(session, person, worker, ["query"])  # no "notices": no copy
    _delegate(session, person, expired, ["notices"], days=-1)
    _delegate(session, person, revoked, ["notices"], revoked=True)
    opt_out(session, "13800000002")
    context = {"month_label": "2026年12月", "type_name": "低保", "paid_on": clock.today()}

    notify(session, event="payment_made", person=person, key="one", context={**context, "amount": Decimal("470.5")})
    one = _sent(session, "【救助】")
    session.query(Notice).delete()
    count = notify_many(session, event="payment_made",
                        batch=[Addressed(person=person, key="many", context={**context, "amount": Decimal("470.5")})])
    many = _sent(session, "【救助】")

    assert one == many == {(person.id, "person", "pending"), (daughter.id, "helper", "opted_out")}
    assert count == 2
    texts = {n.text for n in session.scalars(select(Notice))}
    assert all("470.50元" in t for t in texts) and any("张秀英的" in t for t in texts)
