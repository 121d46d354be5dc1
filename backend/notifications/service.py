"""Writing notices into the outbox, in the caller's transaction, for the person and their helpers.

A helper receives a copy when the person's delegation to them includes the scope "notices"; the copy
names the person. A phone that opted out gets no non-essential notice: the row is kept as opted_out so
staff can see it was not sent.
"""

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.templates import render_text
from backend.delegations.models import Delegation
from backend.notifications.models import Notice, SmsOptOut
from backend.notifications.segments import segments
from backend.people.models import Person

# Sent even to phones that opted out: codes people asked for, and notices about their rights and money.
ESSENTIAL_EVENTS = {"otp_login", "otp_consent", "otp_phone_change", "rejected", "certification_overdue", "authorization_requested", "emergency_alert"}


def notice_key(*parts: object) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()


def helpers_for_notices(session: Session, person_id: int) -> list[tuple[Person, Delegation]]:
    moment = clock.now()
    rows = session.execute(
        select(Person, Delegation).join(Delegation, Delegation.helper_person_id == Person.id)
        .where(Delegation.principal_person_id == person_id, Delegation.revoked_at.is_(None))
    ).all()
    return [(p, d) for p, d in rows if "notices" in d.scope and d.active_at(moment) and p.phone_cipher]


def is_opted_out(session: Session, phone_hash: str) -> bool:
    return session.get(SmsOptOut, phone_hash) is not None


def notify(session: Session, *, event: str, person: Person, context: dict, key: str,
           application_id: int | None = None, include_helpers: bool = True) -> list[Notice]:
    """Queue `event` for the person (if they have a phone) and each helper with the "notices" scope."""
    recipients: list[tuple[Person, str]] = []
    if person.phone_cipher:
        recipients.append((person, "person"))
    if include_helpers:
        recipients.extend((helper, "helper") for helper, _ in helpers_for_notices(session, person.id))
    created = []
    for recipient, role in recipients:
        text = render_text(f"sms/{event}.txt.j2", for_helper=role == "helper", principal_name=person.name, **context)
        created.extend(_queue(session, event=event, recipient=recipient, role=role, text=text,
                              key=notice_key(key, recipient.id), application_id=application_id,
                              person_id=recipient.id))
    return created


def notify_phone(session: Session, *, event: str, phone: str, text_context: dict, key: str) -> Notice | None:
    """A notice to a bare phone number (one-time codes before we know the person)."""
    vault = get_vault()
    holder = Person(name="", phone_hash=vault.lookup_hash(phone), phone_cipher=vault.encrypt(phone))
    text = render_text(f"sms/{event}.txt.j2", **text_context)
    found = _queue(session, event=event, recipient=holder, role="person", text=text, key=notice_key(key),
                   application_id=None, person_id=None)
    return found[0] if found else None


def _queue(session: Session, *, event: str, recipient: Person, role: str, text: str, key: str,
           application_id: int | None, person_id: int | None) -> list[Notice]:
    essential = event in ESSENTIAL_EVENTS
    status = "opted_out" if not essential and is_opted_out(session, recipient.phone_hash) else "pending"
    notice = Notice(
        key=key, event=event, application_id=application_id,
        person_id=person_id, recipient=role,
        phone_hash=recipient.phone_hash, phone_cipher=recipient.phone_cipher, text=text, segments=segments(text),
        essential=essential, status=status, next_attempt_at=clock.now_utc(),
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
