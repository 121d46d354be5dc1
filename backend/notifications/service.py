"""Writing notices into the outbox, in the caller's transaction, for the person and their helpers.

Who gets a notice is decided here only: the person, if they have a phone, and every helper whose active
delegation includes the scope "notices" (the copy names the person). A phone that opted out gets no
non-essential notice: the row is kept as opted_out so staff can see it was not sent. `notify` queues one
event for one person; `notify_many` does the same for thousands at once (the monthly payment run).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.templates import render_text, text_env
from backend.delegations.repository import active_delegations
from backend.notifications.models import Notice, SmsOptOut
from backend.notifications.sealed import seal
from backend.notifications.segments import segments
from backend.people.models import Person
from backend.wechat.notices import template_message

# Sent even to phones that opted out: codes people asked for, and notices about their rights and money.
ESSENTIAL_EVENTS = {"otp_login", "otp_consent", "otp_scope", "otp_phone_change", "rejected", "certification_overdue", "authorization_requested", "emergency_alert",
                    "desk_answer", "desk_answer_unproven",  # the answer a person asked for at the service desk
                    "callback_filed", "complaint_filed", "callback_urgent_alert",  # what she asked for, and when
                    "paper_delegation_verified", "paper_delegation_rejected"}  # whether a helper may act now


# Where a notice is (models.Notice.status), said to staff.
DELIVERY_LABELS = {"pending": "短信等待发送", "sending": "短信正在发送", "sent": "短信已发出", "delivered": "短信已送达",
                   "undelivered": "短信没有送达", "failed": "短信发送失败", "opted_out": "对方已退订短信，没有发送"}


def delivery_label(session: Session, notice_id: int | None) -> str | None:
    notice = session.get(Notice, notice_id) if notice_id else None
    return DELIVERY_LABELS.get(notice.status, notice.status) if notice else None


def notice_key(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()


def helpers_for_notices(session: Session, person_ids: Sequence[int]) -> dict[int, list[Person]]:
    """Per person, the helpers with a phone whose active delegation includes "notices"."""
    helpers: dict[int, list[Person]] = {}
    for d in active_delegations(session, scope="notices", principal_ids=person_ids):
        if d.helper.phone_cipher:
            helpers.setdefault(d.principal_person_id, []).append(d.helper)
    return helpers


def _recipients(person: Person, helpers: list[Person]) -> list[tuple[Person, str]]:
    return ([(person, "person")] if person.phone_cipher else []) + [(h, "helper") for h in helpers]


def by_provider_sid(session: Session, sid: str | None) -> Notice | None:
    """The notice an SMS provider's status report is about."""
    return session.scalars(select(Notice).where(Notice.provider_sid == sid)).first() if sid else None


def is_opted_out(session: Session, phone_hash: str) -> bool:
    return session.get(SmsOptOut, phone_hash) is not None


def notify(session: Session, *, event: str, person: Person, context: dict, key: str,
           application_id: int | None = None, include_helpers: bool = True) -> list[Notice]:
    """Queue `event` for the person (if they have a phone) and each helper with the "notices" scope."""
    helpers = helpers_for_notices(session, [person.id]).get(person.id, []) if include_helpers else []
    created = []
    for recipient, role in _recipients(person, helpers):
        values = {"for_helper": role == "helper", "principal_name": person.name, **context}
        text = render_text(f"sms/{event}.txt.j2", **values)
        created.extend(_queue(session, event=event, recipient=recipient, role=role, text=text,
                              key=notice_key(key, recipient.id), application_id=application_id,
                              person_id=recipient.id, wechat_message=template_message(event, values)))
    return created


@dataclass(frozen=True)
class Addressed:
    """One person's notice in a batch: whom it is about, its idempotency key, its template values."""

    person: Person
    key: str
    context: dict
    application_id: int | None = None


def notify_many(session: Session, *, event: str, batch: Sequence[Addressed]) -> int:
    """`notify` for a whole batch in three queries (helpers, opt-outs, one INSERT), same recipients and
    texts. For a batch nothing else has queued yet (the payment run's new payments): a key already in the
    outbox fails the whole INSERT, and with it the caller's transaction."""
    if not batch:
        return 0
    template = text_env().get_template(f"sms/{event}.txt.j2")
    helpers = helpers_for_notices(session, [a.person.id for a in batch])
    essential, now = event in ESSENTIAL_EVENTS, clock.now_utc()
    rows = []
    for a in batch:
        for recipient, role in _recipients(a.person, helpers.get(a.person.id, [])):
            values = {"for_helper": role == "helper", "principal_name": a.person.name, **a.context}
            text = template.render(**values).strip()
            rows.append({
                "key": notice_key(a.key, recipient.id), "event": event, "application_id": a.application_id,
                "person_id": recipient.id, "recipient": role, "phone_hash": recipient.phone_hash,
                "phone_cipher": recipient.phone_cipher, "text": text, "segments": segments(text), "essential": essential,
                "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now, "channel": "sms",
                "wechat_message": template_message(event, values),
            })
    if not essential:
        opted_out = set(session.scalars(select(SmsOptOut.phone_hash).where(SmsOptOut.phone_hash.in_({r["phone_hash"] for r in rows}))))
        for row in rows:
            if row["phone_hash"] in opted_out:
                row["status"] = "opted_out"
    if rows:
        session.execute(insert(Notice), rows)
    return len(rows)


def notify_phone(session: Session, *, event: str, phone: str, text_context: dict, key: str) -> Notice | None:
    """A notice to a bare phone number (one-time codes before we know the person)."""
    vault = get_vault()
    holder = Person(name="", phone_hash=vault.lookup_hash(phone), phone_cipher=vault.encrypt(phone))
    text = render_text(f"sms/{event}.txt.j2", **text_context)
    found = _queue(session, event=event, recipient=holder, role="person", text=text, key=notice_key(key),
                   application_id=None, person_id=None)
    return found[0] if found else None


def _queue(session: Session, *, event: str, recipient: Person, role: str, text: str, key: str,
           application_id: int | None, person_id: int | None, wechat_message: str | None = None) -> list[Notice]:
    essential = event in ESSENTIAL_EVENTS
    status = "opted_out" if not essential and is_opted_out(session, recipient.phone_hash) else "pending"
    notice = Notice(
        key=key, event=event, application_id=application_id,
        person_id=person_id, recipient=role,
        phone_hash=recipient.phone_hash, phone_cipher=recipient.phone_cipher, text=seal(event, text), segments=segments(text),
        essential=essential, status=status, next_attempt_at=clock.now_utc(), wechat_message=wechat_message,
    )
    try:
        with session.begin_nested():
            session.add(notice)
            session.flush()
    except IntegrityError:
        return []  # already queued by an earlier try of the same event: never twice
    return [notice]


def opt_out(session: Session, phone: str, channel: str = "sms") -> bool:
    phone_hash = get_vault().lookup_hash(phone)
    if is_opted_out(session, phone_hash):
        return False
    session.add(SmsOptOut(phone_hash=phone_hash, channel=channel))
    session.flush()
    return True


def opt_in(session: Session, phone: str) -> bool:
    row = session.get(SmsOptOut, get_vault().lookup_hash(phone))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
