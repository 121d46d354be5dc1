"""待遇资格认证: schedules, reminders, grace, overdue warnings and suspension proposals.

run() is the daily pass (python -m backend.certification.run). A recipient is reminded before the due
date (with a one-time face link; without a confirmed reference face, the way to the chat's ID card photo
step or to a caseworker instead, since a link would stop at the page), warned after it, and after the
grace period a suspension is proposed on the case for a caseworker to confirm or not (the workflow's
suspend_payments). Payments never stop by themselves. A passed face check for purpose "certification"
(FaceCheckPassed) or a caseworker who saw the person certifies.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.case_state import propose_suspension
from backend.applications.catalog import get_catalog
from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.certification.models import CertificationSchedule
from backend.core import clock
from backend.core.settings import get_settings
from backend.facecheck.events import FaceCheckPassed
from backend.facecheck.service import create_session, has_reference, pending_reference
from backend.notifications.service import notify

DATA = Path(__file__).with_name("data") / "certification.yaml"


@lru_cache
def rules() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def rule(region: str, key: str) -> int:
    return (rules()["regions"].get(region) or {}).get(key, rules()["defaults"][key])


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


def schedule_for(session: Session, app: Application, start: date) -> CertificationSchedule:
    found = session.scalars(select(CertificationSchedule).where(CertificationSchedule.application_id == app.id)).first()
    if found:
        return found
    interval = rule(app.region, "interval_months")
    row = CertificationSchedule(application_id=app.id, person_id=app.applicant_person_id, interval_months=interval,
                                next_due=add_months(start, interval))
    session.add(row)
    session.flush()
    return row


def certified(session: Session, schedule: CertificationSchedule, on: date, method: str) -> None:
    schedule.last_certified_on, schedule.last_method = on, method
    schedule.next_due = add_months(on, schedule.interval_months)
    schedule.state = "ok"
    session.flush()


def on_face_check_passed(session: Session, event: FaceCheckPassed) -> None:
    if event.purpose == "certification" and event.application_id:
        app = session.get(Application, event.application_id)
        # The China date: a check at 07:00 in Chongqing is still yesterday in UTC.
        certified(session, schedule_for(session, app, clock.today()), clock.today(), "face")


def _ways(session: Session, app: Application, base: str) -> dict:
    """What a reminder offers: a face link only with a confirmed reference face; otherwise the chat (where
    an ID card photo is taken) or, while a helper's upload waits for a caseworker, that it is waiting.
    The caseworker's visit is offered in every case (the templates)."""
    ways = {"link": None, "pending": False, "chat": None}
    if has_reference(session, app.applicant_person_id):
        token, _ = create_session(session, person=app.applicant, purpose="certification", created_by="system", application=app)
        return {**ways, "link": f"{base}/face/{token}"}
    if pending_reference(session, app.applicant_person_id) is not None:
        return {**ways, "pending": True}
    return {**ways, "chat": f"{base}/chat"}


@dataclass
class RunSummary:
    scheduled: int = 0
    reminded: int = 0
    warned: int = 0
    proposed: int = 0


def run(session: Session, today: date) -> RunSummary:
    summary = RunSummary()
    for app in session.scalars(select(Application).where(Application.status.in_(get_catalog().paying_statuses))):
        if session.scalars(select(CertificationSchedule.id).where(CertificationSchedule.application_id == app.id)).first() is None:
            schedule_for(session, app, app.closed_on or today)
            summary.scheduled += 1
    base = get_settings().public_base_url
    for s in session.scalars(select(CertificationSchedule).order_by(CertificationSchedule.id)):
        app = session.get(Application, s.application_id)
        if app.status not in get_catalog().paying_statuses:
            continue
        remind_from = s.next_due - timedelta(days=rule(app.region, "remind_days_before"))
        grace_end = s.next_due + timedelta(days=rule(app.region, "grace_days"))
        if s.state == "ok" and today >= remind_from:
            notify(session, event="certification_due", person=app.applicant, key=f"cert-due:{s.id}:{s.next_due}",
                   application_id=app.id, context={"due": s.next_due, **_ways(session, app, base)})
            s.state, summary.reminded = "reminded", summary.reminded + 1
        elif s.state == "reminded" and today > s.next_due:
            notify(session, event="certification_overdue", person=app.applicant, key=f"cert-overdue:{s.id}:{s.next_due}",
                   application_id=app.id, context=_ways(session, app, base))
            s.state, summary.warned = "overdue", summary.warned + 1
        elif s.state == "overdue" and today > grace_end:
            propose_suspension(session, app, reason="待遇资格认证逾期", on=today, due_on=s.next_due)
            audit(session, actor="system", channel="system", action="certification.propose_suspension",
                  entity_type="application", entity_id=app.number, detail={"due": s.next_due.isoformat()})
            s.state, summary.proposed = "suspension_proposed", summary.proposed + 1
    session.flush()
    return summary
