"""The service desk: complaints and call-backs, who sees them, their steps, their due time, the answer.

One owner for each rule the API (GET /api/v1/service-desk) and the page (/staff/desk) share:
- STATUSES: new → in_progress (someone took it: the owner) → answered (the answer went out by SMS) → closed;
  STEPS: what may be done at each status (`steps_allowed`); the page offers these, the service refuses the rest.
- Who sees what (`visible`): a request belongs to the district of its area (a street's district, or the
  district itself), else to the district of the application it names; with neither (filed in chat without a
  street) it is in the city queue. Staff of a district see their district's queue; admins see every queue,
  the city queue included. So no request is seen by nobody.
- Due time (`due_of`, service_desk/when.py): DUE_WORKDAYS working days after the day it was filed; urgent: that day
  while its office is at work (its hours on file), else its next opening.
- The answer goes to the person by SMS through the outbox (notifications.service, template sms/desk_answer) —
  with its content only to a phone the caller proved (`phone_proven`); a typed number hears only that there is
  an answer (sms/desk_answer_unproven), and the staff member phones the content.
- A complaint about a staff member (`about`: it names her, or a case she acted on or whose household she is
  related to) is taken, answered and closed by a colleague, never by her.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from backend.applications.models import Application, ApplicationEvent
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import AppError, Conflict, Forbidden, NotFound
from backend.core.phones import checked_phone
from backend.notifications.service import notice_key, notify, notify_phone
from backend.people.models import Person
from backend.policy import needs
from backend.regions.models import Area
from backend.regions import service as regions
from backend.regions.offices import Office
from backend.regions.service import codes_in_district
from backend.service_desk.models import CallbackRequest, Complaint
from backend.service_desk.when import DUE_WORKDAYS, When, promise, when  # noqa: F401  (DUE_WORKDAYS, promise: re-exported)
from backend.staff.models import StaffUser
from backend.staff.relations import household_ids, related

STATUSES = {"new": "新收到", "in_progress": "办理中", "answered": "已答复", "closed": "已办结"}
OPEN = ("new", "in_progress", "answered")
# The steps each status allows. Answered: the answer went out, so only 办结 (the double click of the same
# answer is let through in `answer`: one SMS); closed: nothing, read only.
STEPS = {"new": ("take", "answer", "close"), "in_progress": ("take", "answer", "close"), "answered": ("close",),
         "closed": ()}
REFUSED = {"answered": "这条已经答复过了，不能再答复或改由别人办理。事情办完了请点“办结”。", "closed": "这条已经办结了。"}
KINDS = {"complaint": Complaint, "callback": CallbackRequest}
KIND_LABELS = {"complaint": "投诉", "callback": "请求回电"}
CITY_QUEUE = "city"  # the queue of requests whose district nobody knows: every admin sees it
CITY_CALLER = "市民政局社会救助科"  # who calls back from the city queue (said to the person: "…的工作人员")


def due_of(kind: str, item: "CallbackRequest | Complaint") -> date:
    """The day it is answered by: its office's hours and the calendar (service_desk/when.py); an urgent complaint (one
    about a 急难 report) as soon as an urgent call-back."""
    return when_of(kind, item).due


def when_of(kind: str, item: "CallbackRequest | Complaint") -> When:
    """Its due day and the promise said when it was filed (service_desk/when.py)."""
    return when(kind, item.created_at, urgent=bool(getattr(item, "urgent", False)), area_code=item.area_code)


def _in_some_district(model: type) -> ColumnElement[bool]:
    district_codes = select(Area.code).where(Area.level == "district")
    streets = select(Area.code).where(Area.parent_code.in_(district_codes))
    # NOT IN on a NULL is NULL, not true: the is_not(None) makes "no area" a plain false here.
    return and_(model.area_code.is_not(None), or_(model.area_code.in_(district_codes), model.area_code.in_(streets)))


def _names_app_in(model: type, district_code: str | None) -> ColumnElement[bool]:
    if model is not Complaint:
        return false()
    apps = select(Application.number).where(Application.number.is_not(None))
    if district_code is not None:
        apps = apps.where(Application.district_code == district_code)
    return and_(Complaint.application_number.is_not(None), Complaint.application_number.in_(apps))


def _staffed_districts() -> Select:
    """The districts with an active caseworker or reviewer: someone there works their queue."""
    return select(StaffUser.district_code).where(StaffUser.active.is_(True), StaffUser.role.in_(("caseworker", "reviewer")),
                                                 StaffUser.district_code.is_not(None))


def _unstaffed_urgent(model: type) -> ColumnElement[bool]:
    """An urgent request in a district nobody works (no active staff account, as 渝北区 in the demo): also in the city
    queue, so a 急难 report is never seen by nobody at night."""
    staffed = _staffed_districts()
    in_staffed = or_(model.area_code.in_(staffed), model.area_code.in_(select(Area.code).where(Area.parent_code.in_(staffed))))
    return and_(model.urgent.is_(True), _in_some_district(model), ~in_staffed)


def unstaffed(session: Session, item: "CallbackRequest | Complaint") -> bool:
    """Whether the request's district queue has no active staff (the desk flags it: 该区没有值班人员)."""
    district = queue_of(session, item)
    return district is not None and session.scalar(_staffed_districts().where(StaffUser.district_code == district)) is None


def visible(model: type, actor: Actor, queue: str | None = None) -> ColumnElement[bool]:
    """The requests this staff member sees. `queue` (admins only): a district code, or CITY_QUEUE — which also holds the
    urgent ones of a district without active staff (`_unstaffed_urgent`)."""
    if actor.role != "admin":
        return or_(model.area_code.in_(codes_in_district(actor.district_code)),
                   and_(~_in_some_district(model), _names_app_in(model, actor.district_code)))
    if queue == CITY_QUEUE:
        return or_(and_(~_in_some_district(model), ~_names_app_in(model, None)), _unstaffed_urgent(model))
    if queue:
        return or_(model.area_code.in_(codes_in_district(queue)),
                   and_(~_in_some_district(model), _names_app_in(model, queue)))
    return true()


@dataclass(frozen=True)
class DeskFilters:
    kind: str = "complaint"
    status: str | None = None  # one of STATUSES; None: every open one
    queue: str | None = None  # admins: a district code or CITY_QUEUE
    mine: bool = False


def _where(model: type, actor: Actor, f: DeskFilters) -> list[ColumnElement[bool]]:
    where = [visible(model, actor, f.queue), model.status == f.status if f.status else model.status.in_(OPEN)]
    if f.mine:
        where.append(model.owner_id == actor.staff_id)
    return where


def count(session: Session, actor: Actor, f: DeskFilters) -> int:
    require_staff(actor)
    model = KINDS[f.kind]
    return session.scalar(select(func.count()).select_from(model).where(*_where(model, actor, f))) or 0


def find(session: Session, actor: Actor, f: DeskFilters, *, offset: int = 0, limit: int = 20) -> list:
    """Urgent ones first (急难 reports, complaints about them), then oldest first: the one waiting longest is answered first."""
    require_staff(actor)
    model = KINDS[f.kind]
    order = [model.urgent.desc(), model.created_at, model.id]
    query = select(model).where(*_where(model, actor, f)).order_by(*order)
    return list(session.scalars(query.offset(offset).limit(limit)))


def open_items(session: Session, actor: Actor, *, limit: int = 200) -> tuple[list[CallbackRequest], list[Complaint]]:
    """Every open call-back and complaint this staff member sees (GET /api/v1/service-desk)."""
    return (find(session, actor, DeskFilters(kind="callback"), limit=limit),
            find(session, actor, DeskFilters(kind="complaint"), limit=limit))


def queue_of(session: Session, item: CallbackRequest | Complaint) -> str | None:
    """The district whose queue the request is in; None: the city queue."""
    area = session.get(Area, item.area_code) if item.area_code else None
    if area is not None and area.level == "district":
        return area.code
    if area is not None and area.level == "street" and area.parent_code:
        parent = session.get(Area, area.parent_code)
        if parent is not None and parent.level == "district":
            return parent.code
    number = getattr(item, "application_number", None)
    if number:
        return session.scalar(select(Application.district_code).where(Application.number == number))
    return None


def get(session: Session, actor: Actor, kind: str, item_id: int) -> CallbackRequest | Complaint:
    """One request this staff member sees; another district's is not found (as for applications)."""
    require_staff(actor)
    model = KINDS.get(kind)
    item = session.scalar(select(model).where(model.id == item_id, visible(model, actor))) if model else None
    if item is None:
        raise NotFound("没有找到这条记录，可能不在您的辖区。", code="desk_item_not_found")
    return item


def complaints_about(session: Session, actor: Actor, item: "CallbackRequest | Complaint") -> list[Complaint]:
    """The complaints this staff member sees that are about a call-back (a 急难 report, service_desk/complaints.py)."""
    if not isinstance(item, CallbackRequest):
        return []
    return list(session.scalars(select(Complaint).where(Complaint.callback_id == item.id, visible(Complaint, actor))
                                .order_by(Complaint.id)))


def reference(kind: str, item_id: int) -> str:
    return f"{'TS' if kind == 'complaint' else 'HD'}{item_id:06d}"


REFERENCE = re.compile(r"(TS|HD)(\d{6,})", re.I)


def from_reference(text: str | None) -> tuple[str, int] | None:
    """The (kind, id) a reference names ("HD000012" → ("callback", 12)); None for anything else (an application's
    JZ… number). A complaint filed in the chat after a 急难 report names the report's reference."""
    m = REFERENCE.fullmatch((text or "").strip())
    return ("complaint" if m.group(1).upper() == "TS" else "callback", int(m.group(2))) if m else None


def _audit(session: Session, actor: Actor, kind: str, item, action: str, **detail) -> None:  # noqa: ANN001, ANN003
    audit(session, actor=actor.label, channel=actor.channel, action=f"{kind}.{action}", entity_type=kind,
          entity_id=item.id, detail=detail)


def steps_allowed(item: CallbackRequest | Complaint) -> tuple[str, ...]:
    return STEPS[item.status]


def _require_step(item: CallbackRequest | Complaint, step: str) -> None:
    if step not in STEPS[item.status]:
        raise Conflict(REFUSED[item.status], code=f"desk_{item.status}")


def about(session: Session, actor: Actor, item: CallbackRequest | Complaint) -> bool:
    """Whether a complaint may be about this staff member: it names her, or a case she took a step on, or a
    case of a household she is related to. Such a complaint is for a colleague (a call-back is not about staff)."""
    if not isinstance(item, Complaint) or actor.kind != "staff":
        return False
    staff = session.get(StaffUser, actor.staff_id) if actor.staff_id else None
    if staff is not None and len(staff.display_name) >= 2 and staff.display_name in item.text:
        return True
    app = session.scalar(select(Application).where(Application.number == item.application_number)) \
        if item.application_number else None
    if app is None:
        return False
    acted = session.scalar(select(ApplicationEvent.id).where(ApplicationEvent.application_id == app.id,
                                                            ApplicationEvent.actor == actor.label).limit(1))
    return acted is not None or related(session, actor.staff_id, *household_ids(session, app.household_id))


def _not_about_me(session: Session, actor: Actor, item: CallbackRequest | Complaint) -> None:
    if about(session, actor, item):
        raise Forbidden("这条投诉涉及您本人或您经办、有亲属关系的申请，请由其他同事办理。", code="conflict_of_interest")


def take(session: Session, actor: Actor, kind: str, item_id: int) -> CallbackRequest | Complaint:
    """I take it: in progress, with me as the owner (taking over from a colleague is allowed, and audited)."""
    item = get(session, actor, kind, item_id)
    _require_step(item, "take")
    _not_about_me(session, actor, item)
    before = item.owner_id
    item.owner_id = actor.staff_id
    if item.status == "new":
        item.status = "in_progress"
    _audit(session, actor, kind, item, "take", previous_owner=before)
    return item


def proven(actor: Actor, phone_hash: str | None) -> bool:
    """Whether the phone a request is answered on is the caller's own, proven by a code (the signed-in phone)."""
    return bool(phone_hash) and phone_hash == actor.phone_hash


def open_callback(session: Session, phone_hash: str | None) -> CallbackRequest | None:
    """This phone's call-back not yet answered (新收到 or 办理中), if any: one at a time per phone."""
    if not phone_hash:
        return None
    return session.scalar(select(CallbackRequest).where(CallbackRequest.phone_hash == phone_hash,
                                                        CallbackRequest.status.in_(("new", "in_progress")))
                          .order_by(CallbackRequest.id.desc()).limit(1))


class CallbackNeedsPhone(AppError):
    status_code = 422
    code = "callback_needs_phone"
    message = "请留一个能接电话的手机号，工作人员才能给您回电话。"


TOPIC_MAX = 255  # CallbackRequest.topic
NEEDS_FLAG = re.compile(r"^【急需：[^】]*】")


def topic_said(topic: str | None) -> str | None:
    """What the person asked, as the staff read it ("群众说的"): never a button's payload ("/request_human" was all a
    caseworker read of a fire), with the needs it says named first ("【急需：住处】", backend/policy/needs.py)."""
    text = NEEDS_FLAG.sub("", (topic or "").strip())
    if not text or text.startswith("/"):
        return None
    found = "、".join(n.key for n in needs.said_in(text))
    return f"{f'【急需：{found}】' if found else ''}{text}"[:TOPIC_MAX]


def topic_added(kept: str | None, said: str | None, *, first: bool) -> str | None:
    """Said again while the call-back is open (the 急难 report after "找工作人员", more said after it): added to what it
    says, never dropped — `first` (newly urgent) before it, else after it, the older words shortened to make room."""
    said, kept = topic_said(said), NEEDS_FLAG.sub("", kept or "")
    if not said or NEEDS_FLAG.sub("", said) in kept:
        return topic_said(kept)
    if not kept:
        return said
    said = NEEDS_FLAG.sub("", said)
    if first:
        return topic_said(f"{said}；此前：{kept}")
    room = TOPIC_MAX - len(said) - 16  # the flag and the joint
    return topic_said(f"{kept if len(kept) <= room else kept[:max(room, 0)] + '…'}；{said}")


@dataclass
class Booking:
    row: CallbackRequest
    existing: bool  # the phone's open call-back, asked for again
    office: Office
    caller: str  # who will call
    due: date
    today: bool  # urgent: someone is at work on it now (service_desk/when.py)
    promise: str  # when the call comes, as said to the person (when.promise)
    duty_told: bool  # the street's duty mobile got an SMS at once
    sms_sent: bool  # the person got the confirmation SMS


def place_named(session: Session, area: Area | None) -> str:
    """Who calls when no office is on file for the area or above it: the street as people say it ("南岸区铜元局街道"),
    whose district's queue has the request; the city's staff only when no area is known (a 急难 report for 铜元局 was
    told "已经加急报给市民政局社会救助科了", as if no street had been named)."""
    if area is None:
        return CITY_CALLER
    district = regions.district_of(session, area) if area.level == "street" else None
    return f"{district.name if district else ''}{area.name}"


def caller_for(session: Session, area: Area | None) -> str:
    """Who calls back for an area: its office where one is on file (the street's, else the nearest above it), else the
    street as people say it, else the city's staff."""
    office = regions.office_for(area.code if area is not None else None)
    return office.office_name if area is not None and office.area_code else place_named(session, area)


def when_now(row: "CallbackRequest | Complaint", kind: str = "callback") -> When:
    """What is promised when it is asked about now: as filed (`when_of`) while that is still ahead, else as asked now
    (again at 9:30 after a report at 00:57: "今天", not "…上午9:00一上班"; at 20:00 after "今天" at 10:00: the next opening)."""
    filed = when_of(kind, row)
    now = when(kind, clock.now(), urgent=bool(getattr(row, "urgent", False)), area_code=row.area_code)
    return now if now.due <= filed.due or filed.today or filed.due < clock.today() else filed


def book_callback(session: Session, actor: Actor, *, phone: str | None, area_code: str | None, topic: str | None,
                  urgent: bool) -> Booking:
    """A call-back, booked only with a phone to call: the one the person gave, or the one she proved. One open per
    phone: asked again, the open one is the answer (urgent if this ask is, with a street it did not have). An unknown
    area is no reason to refuse a person: the city queue takes it. Urgent: the duty mobile hears of it at once."""
    vault = get_vault()
    phone = checked_phone(phone) if phone else None
    if phone is None and not actor.phone_hash:
        raise CallbackNeedsPhone()  # a call-back nobody can make is a promise not kept
    area = regions.ensure_area(session, area_code)
    phone_hash = vault.lookup_hash(phone) if phone else actor.phone_hash
    row = open_callback(session, phone_hash)
    existing = row is not None
    if row is not None:
        row.topic = topic_added(row.topic, topic, first=urgent and not row.urgent)
        row.urgent = row.urgent or urgent
        row.phone_proven = row.phone_proven or proven(actor, phone_hash)
        if row.area_code is None and area is not None:
            row.area_code = area.code
        area = regions.ensure_area(session, row.area_code)
    else:
        row = CallbackRequest(area_code=area.code if area else None, phone_hash=phone_hash,
                              phone_cipher=vault.encrypt(phone) if phone else None, topic=topic_said(topic), channel=actor.channel,
                              urgent=urgent, phone_proven=proven(actor, phone_hash))
        session.add(row)
    session.flush()
    office = regions.office_for(row.area_code)
    ref = reference("callback", row.id)
    caller = caller_for(session, area)
    said = when_now(row)
    duty_told = False
    if urgent and office.alert_phone and area is not None:
        duty_told = notify_phone(session, event="callback_urgent_alert", phone=office.alert_phone, key=f"callback-urgent:{row.id}",
                                 text_context={"reference": ref, "place": area.name, "topic": (topic or "")[:40]}) is not None
    sms = None if existing and not urgent else confirm(
        session, row, "callback", text_context={"reference": ref, "caller": caller, "promise": said.promise})
    return Booking(row=row, existing=existing, office=office, caller=caller, due=said.due, today=said.today,
                   promise=said.promise, duty_told=duty_told, sms_sent=sms is not None)


def phone_of(session: Session, item: "CallbackRequest | Complaint") -> str | None:
    """The phone to call: another number she asked to be called on (service_desk/call_phone.py), else her own."""
    if getattr(item, "call_phone_cipher", None):
        return get_vault().decrypt(item.call_phone_cipher)
    return own_phone_of(session, item)


def own_phone_of(session: Session, item: "CallbackRequest | Complaint") -> str | None:
    """The phone the person left, else the one of the person the verified phone belongs to."""
    if item.phone_cipher:
        return get_vault().decrypt(item.phone_cipher)
    person = session.scalar(select(Person).where(Person.phone_hash == item.phone_hash)) if item.phone_hash else None
    return get_vault().decrypt(person.phone_cipher) if person is not None and person.phone_cipher else None


def confirm(session: Session, item: "CallbackRequest | Complaint", kind: str, *, text_context: dict):  # noqa: ANN201
    """The person's own record of what was promised: an SMS with the reference and the day (sms/<kind>_filed)."""
    phone = own_phone_of(session, item)
    if phone is None:
        return None
    return notify_phone(session, event=f"{kind}_filed", phone=phone, text_context=text_context, key=f"{kind}-filed:{item.id}")


class NoPhone(Conflict):
    code = "desk_no_phone"
    message = "这条记录没有留手机号，没法发短信答复。请按记录里的其他方式联系，再点“办结”。"


def answer(session: Session, actor: Actor, kind: str, item_id: int, text: str) -> CallbackRequest | Complaint:
    """The answer goes to the person by SMS through the outbox; the request is answered, owned by me."""
    item = get(session, actor, kind, item_id)
    if item.status == "answered" and item.answer == text:
        return item  # the same answer twice (a double click): one SMS
    _require_step(item, "answer")
    _not_about_me(session, actor, item)
    context = {"reference": reference(kind, item.id), "answer": text}
    key = notice_key("desk_answer", kind, item.id, text)
    if item.phone_cipher:
        # A typed number may be anyone's: it hears only that there is an answer; its content goes by phone.
        event = "desk_answer" if item.phone_proven else "desk_answer_unproven"
        sms = notify_phone(session, event=event, phone=get_vault().decrypt(item.phone_cipher),
                           text_context=context, key=key)
    else:
        person = session.scalar(select(Person).where(Person.phone_hash == item.phone_hash)) if item.phone_hash else None
        if person is None or not person.phone_cipher:
            raise NoPhone()
        sms = next(iter(notify(session, event="desk_answer", person=person, context=context, key=key,
                               include_helpers=False)), None)
    item.answer, item.answered_at, item.status = text, clock.now_utc(), "answered"
    item.answered_by_id, item.answer_notice_id = actor.staff_id, sms.id if sms else None
    item.owner_id = item.owner_id or actor.staff_id
    _audit(session, actor, kind, item, "answer", length=len(text))
    return item


def close(session: Session, actor: Actor, kind: str, item_id: int) -> CallbackRequest | Complaint:
    item = get(session, actor, kind, item_id)
    if item.status == "closed":
        return item  # a double click
    _require_step(item, "close")
    _not_about_me(session, actor, item)
    item.status, item.done_at = "closed", clock.now_utc()
    item.owner_id = item.owner_id or actor.staff_id
    _audit(session, actor, kind, item, "close")
    return item
