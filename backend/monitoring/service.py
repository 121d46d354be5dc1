"""Adding people to the monitoring database (the monitoring issue builds warnings on it)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.monitoring.models import MonitoredPerson

NOTE_LENGTH = MonitoredPerson.__table__.c.note.type.length


def add_monitored(session: Session, *, person_id: int, household_id: int | None, category: str,
                  source_application_id: int | None, since: date, note: str | None = None) -> MonitoredPerson:
    existing = session.scalars(
        select(MonitoredPerson).where(
            MonitoredPerson.person_id == person_id, MonitoredPerson.category == category, MonitoredPerson.active.is_(True)
        )
    ).first()
    if existing:
        existing.source_application_id = source_application_id or existing.source_application_id
        return existing
    # The note is a short remark (the full reasons stay with the decision): cut to the column, which a
    # 2000-character rejection note used to overflow on PostgreSQL.
    entry = MonitoredPerson(person_id=person_id, household_id=household_id, category=category,
                            source_application_id=source_application_id, since=since,
                            note=note[:NOTE_LENGTH] if note else note)
    session.add(entry)
    session.flush()
    return entry
