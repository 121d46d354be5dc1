"""A complaint as the person who filed it sees it (TS…): where it stands and by when, more said about it, withdrawn;
and all she filed — her call-backs (急难 reports among them) and complaints — for "查进度" (`requests_of`).

A tester asked "我的投诉现在怎么样了" and heard "这个手机号下面还没有申请记录"; "我想补充一下投诉的内容" filed a second
complaint; she could not withdraw one. Only whoever filed it (the same phone: the one given, else the caller's proven
one) finds it; another phone's, or an unknown reference, is not found. What is added goes onto the complaint's text for
the staff, dated; a withdrawal closes it, saying so on it. Both audited (complaint.add_note, complaint.withdraw).
A woman who had reported a 急难 (HD…) asked "查进度" and was told she had no application: her phone's requests are
listed with the applications, each with its status, who handles it and by when."""

import re
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import Conflict, NotFound
from backend.core.phones import checked_phone
from backend.core.templates import render_text
from backend.regions import service as regions
from backend.regions.models import Area
from backend.service_desk.models import CallbackRequest, Complaint
from backend.service_desk.service import (
    CITY_CALLER, REFUSED, STATUSES, caller_for, due_of, from_reference, proven, queue_of, reference, when_of,
)

COMPLAINT_REFERENCE = re.compile(r"TS(\d{1,12})", re.I)  # service.reference("complaint", id)
WITHDRAWN = "【本人撤回了这条投诉】"


class NotTheReporter(NotFound):
    code = "complaint_not_found"
    message = "没有找到您投诉的这一条。"


def _phone_hash(actor: Actor, phone: str | None) -> str | None:
    """The phone a request was filed from, as asked: the one given, else the caller's proven one."""
    return get_vault().lookup_hash(checked_phone(phone)) if phone else actor.phone_hash


def mine(session: Session, actor: Actor, ref: str, phone: str | None) -> Complaint:
    """The complaint `ref`, filed from this phone; anyone else's is not found."""
    m = COMPLAINT_REFERENCE.fullmatch((ref or "").strip())
    phone_hash = _phone_hash(actor, phone)
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


# ---- everything she filed, for "查进度" ------------------------------------------------------------------------------

EMERGENCY_MARK = "【急难"  # how the chat heads a 急难 report that went as an urgent call-back (actions/emergency_others.record)
LISTED = 5  # the newest requests said with her progress
DONE_SHOWN_DAYS = 30  # a request closed longer ago than this is no longer news
LABELS = {"emergency": "急难报告", "urgent": "加急回电", "callback": "请工作人员回电", "complaint": "投诉"}


def _label(kind: str, row: CallbackRequest | Complaint) -> str:
    if kind == "complaint":
        return LABELS["complaint"]
    if row.urgent:
        return LABELS["emergency" if EMERGENCY_MARK in (row.topic or "") else "urgent"]
    return LABELS["callback"]


def item(session: Session, kind: str, row: CallbackRequest | Complaint) -> dict:
    """One request as she is told it: what it is, its status, who handles it and by when (ready to say in `said`)."""
    due = when_of(kind, row)  # the day and the promise said when it was filed ("今天", "…一上班", "…下班前")
    withdrawn = kind == "complaint" and WITHDRAWN in row.text
    handler = handled_by(session, row)[0] if kind == "complaint" else caller_for(session, session.get(Area, row.area_code)
                                                                                   if row.area_code else None)
    facts = {"kind": kind, "reference": reference(kind, row.id), "label": _label(kind, row), "status": row.status,
             "status_label": "已撤回" if withdrawn else STATUSES[row.status], "handled_by": handler,
             "due_day": say.day(due.due), "open": row.status in ("new", "in_progress"), "overdue": due.due < clock.today(),
             "urgent": bool(getattr(row, "urgent", False)), "withdrawn": withdrawn}
    return {**facts, "said": render_text("service_desk/request_said.txt.j2", when=due.promise, **facts)}


def _recent(model: type, phone_hash: str):  # noqa: ANN202
    since = clock.now_utc() - timedelta(days=DONE_SHOWN_DAYS)
    return (select(model).where(model.phone_hash == phone_hash, or_(model.status != "closed", model.done_at >= since))
            .order_by(model.created_at.desc(), model.id.desc()).limit(LISTED))


def requests_of(session: Session, actor: Actor, named: list[tuple[str, str | None]] = ()) -> list[dict]:
    """Her call-backs and complaints, newest first (at most LISTED): those filed from her proven phone, and those named
    (a reference and the phone it was filed with, as the chat kept them); another phone's are never listed. One closed
    more than DONE_SHOWN_DAYS ago is left out."""
    found: dict[tuple[str, int], CallbackRequest | Complaint] = {}
    if actor.phone_hash:
        for kind, model in (("callback", CallbackRequest), ("complaint", Complaint)):
            found.update({(kind, r.id): r for r in session.scalars(_recent(model, actor.phone_hash))})
    for ref, phone in named:
        which = from_reference(ref)
        row = session.get(CallbackRequest if which[0] == "callback" else Complaint, which[1]) if which else None
        phone_hash = _phone_hash(actor, phone)
        if row is not None and phone_hash and row.phone_hash == phone_hash:
            found[(which[0], row.id)] = row
    newest = sorted(found.items(), key=lambda kv: (kv[1].created_at, kv[1].id), reverse=True)[:LISTED]
    return [item(session, kind, row) for (kind, _), row in newest]
