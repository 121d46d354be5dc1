"""A complaint as the person who filed it sees it (TS…): where it stands and by when, more said about it, withdrawn.

A tester asked "我的投诉现在怎么样了" and heard "这个手机号下面还没有申请记录"; "我想补充一下投诉的内容" filed a second
complaint; she could not withdraw one. Only whoever filed it (the same phone: the one given, else the caller's proven
one) finds it; another phone's, or an unknown reference, is not found. What is added goes onto the complaint's text for
the staff, dated; a withdrawal closes it, saying so on it. Both audited (complaint.add_note, complaint.withdraw)."""

import re

from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import Conflict, NotFound
from backend.core.phones import checked_phone
from backend.regions import service as regions
from backend.service_desk.models import Complaint
from backend.service_desk.service import CITY_CALLER, REFUSED, STATUSES, due_of, proven, queue_of, reference

COMPLAINT_REFERENCE = re.compile(r"TS(\d{1,12})", re.I)  # service.reference("complaint", id)
WITHDRAWN = "【本人撤回了这条投诉】"


class NotTheReporter(NotFound):
    code = "complaint_not_found"
    message = "没有找到您投诉的这一条。"


def mine(session: Session, actor: Actor, ref: str, phone: str | None) -> Complaint:
    """The complaint `ref`, filed from this phone; anyone else's is not found."""
    m = COMPLAINT_REFERENCE.fullmatch((ref or "").strip())
    phone_hash = get_vault().lookup_hash(checked_phone(phone)) if phone else actor.phone_hash
    row = session.get(Complaint, int(m.group(1))) if m else None
    if row is None or not phone_hash or row.phone_hash != phone_hash:
        raise NotTheReporter()
    return row


def handled_by(session: Session, row: Complaint) -> tuple[str, bool]:
    """Who handles it: the district office whose queue it is in (service.queue_of), else the city's; and whether a
    district is known."""
    queue = queue_of(session, row)
    return (regions.office_for(queue).office_name if queue else CITY_CALLER), queue is not None


def state(session: Session, actor: Actor, row: Complaint) -> dict:
    office, known = handled_by(session, row)
    return {"reference": reference("complaint", row.id), "status": row.status, "status_label": STATUSES[row.status],
            "due_day": say.day(due_of("complaint", row)), "handled_by": office, "district_known": known,
            "withdrawn": WITHDRAWN in row.text,
            # the answer's content only to the phone it was filed from, proven by a code (as its SMS)
            "answer": row.answer if row.phone_proven and proven(actor, row.phone_hash) else None}


def _open(row: Complaint) -> None:
    if row.status == "closed":
        raise Conflict(REFUSED["closed"], code="desk_closed")


def add_note(session: Session, actor: Actor, ref: str, text: str, phone: str | None) -> Complaint:
    row = mine(session, actor, ref, phone)
    _open(row)
    row.text = f"{row.text}\n【{say.day(clock.today(), weekday=False)}补充】{text.strip()}"
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="complaint.add_note", entity_type="complaint",
          entity_id=row.id, detail={"reference": reference("complaint", row.id), "length": len(text)})
    return row


def withdraw(session: Session, actor: Actor, ref: str, phone: str | None) -> Complaint:
    row = mine(session, actor, ref, phone)
    if WITHDRAWN in row.text:
        return row  # said twice
    _open(row)
    row.text, row.status, row.done_at = f"{row.text}\n{WITHDRAWN}", "closed", clock.now_utc()
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="complaint.withdraw", entity_type="complaint",
          entity_id=row.id, detail={"reference": reference("complaint", row.id)})
    return row
