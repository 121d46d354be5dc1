"""Filing a complaint (POST /api/v1/complaints): linked to the 急难 report it is about, and then answered as urgently.

A daughter's "你们咋个还没人打电话来 我要投诉", filed at night after her father's flood report (HD…), got the ordinary five
working days and no link to the report: the staff read it as any complaint. A complaint is about a 急难 report when
- the chat names the report filed in the same conversation (`related`: its HD… reference, or the 急难 application's
  number), or
- the same phone filed an urgent call-back in the last LINK_DAYS days that is still open.
It is then linked (the workbench shows the link both ways), put in that report's queue when it names no place, and due
as an urgent call-back (service_desk/when.py). A reference is only linked from the chat it was filed in, or with the
phone it was filed with: nobody links a complaint to another person's report.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.phones import checked_phone
from backend.service_desk.models import CallbackRequest, Complaint
from backend.service_desk.report_view import report_application
from backend.service_desk.service import OPEN, confirm, from_reference, proven, reference, when_of
from backend.service_desk.when import When

LINK_DAYS = 3  # a 急难 report older than this is no longer "the one nobody has called about yet"
EMERGENCY_SUBTYPE = "急难型"  # 临时救助's procedure the 急难 report files (applications/schemas.Subtype)


def _trusted(actor: Actor) -> bool:
    """The chat (the action server's service token) vouches for what was filed in its own conversation."""
    return actor.kind == "service" or actor.via_service


def emergency_report(session: Session, actor: Actor, related: str | None, phone_hash: str | None) -> CallbackRequest | None:
    """The urgent call-back (急难 report) a complaint is about: the one the chat names, else this phone's latest still
    open, filed in the last LINK_DAYS days."""
    named = from_reference(related)
    if named is not None and named[0] == "callback":
        row = session.get(CallbackRequest, named[1])
        if row is not None and row.urgent and (_trusted(actor) or (phone_hash and row.phone_hash == phone_hash)):
            return row
    if not phone_hash:
        return None
    since = clock.now_utc() - timedelta(days=LINK_DAYS)
    return session.scalar(select(CallbackRequest).where(
        CallbackRequest.phone_hash == phone_hash, CallbackRequest.urgent.is_(True), CallbackRequest.status.in_(OPEN),
        CallbackRequest.created_at >= since).order_by(CallbackRequest.id.desc()).limit(1))


def emergency_application(session: Session, number: str | None) -> bool:
    """Whether the application named is a 急难 report filed in the last LINK_DAYS days."""
    app = session.scalar(select(Application).where(Application.number == number)) if number else None
    return app is not None and app.subtype == EMERGENCY_SUBTYPE and app.submitted_on >= clock.today() - timedelta(days=LINK_DAYS)


@dataclass
class Filed:
    row: Complaint
    when: When  # its due day and the promise (urgent: as an urgent call-back)
    sms_sent: bool

    @property
    def related(self) -> str | None:
        """The 急难 report it is linked to, as said to her: the report's application number (JZ…, the 急难 case) where
        there is one, else the call-back it went as (HD…) — a tester was told "跟您报的急难（编号HD000002）"."""
        if self.row.urgent and self.row.application_number:
            return self.row.application_number
        return reference("callback", self.row.callback_id) if self.row.callback_id else None


def file_complaint(session: Session, actor: Actor, *, text: str, application_number: str | None, area_code: str | None,
                   phone: str | None, related: str | None) -> Filed:
    """The complaint, linked to the 急难 report it is about (see the module), confirmed by SMS with its day."""
    vault = get_vault()
    phone = checked_phone(phone) if phone else None
    phone_hash = vault.lookup_hash(phone) if phone else actor.phone_hash
    report = emergency_report(session, actor, related, phone_hash)
    if application_number is None and related and from_reference(related) is None:
        application_number = related  # the 急难 application this chat filed (JZ…)
    if application_number is None and report is not None:
        found = report_application(session, report)  # the 急难 case its call-back names (催办：申请JZ…)
        application_number = found.number if found is not None else None
    urgent = report is not None or emergency_application(session, application_number)
    row = Complaint(area_code=area_code or (report.area_code if report is not None else None),
                    application_number=application_number, text=text, channel=actor.channel, phone_hash=phone_hash,
                    phone_cipher=vault.encrypt(phone) if phone else None, phone_proven=proven(actor, phone_hash),
                    callback_id=report.id if report is not None else None, urgent=urgent)
    session.add(row)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="complaint.file", entity_type="complaint",
          entity_id=row.id, detail={"application": application_number, "urgent": urgent,
                                    "report": reference("callback", report.id) if report is not None else None})
    when = when_of("complaint", row)
    sms = confirm(session, row, "complaint", text_context={"reference": reference("complaint", row.id), "due_day": say.day(when.due),
                                                           "promise": when.promise if urgent else None})
    return Filed(row=row, when=when, sms_sent=sms is not None)
