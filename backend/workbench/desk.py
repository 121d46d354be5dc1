"""服务台 at /staff/desk: complaints and call-backs (take, answer by SMS, close), on service_desk.service.

Who sees what, the statuses, the due time and the SMS answer are the service's rules (the API's too);
this module only shows them. Every POST passes the router's csrf_guard.
"""

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.db import SessionDep
from backend.core.errors import NotFound
from backend.core.fields import ShortText, Text
from backend.core.idnumber import mask_phone
from backend.notifications.service import delivery_label
from backend.regions.service import known
from backend.service_desk import report_view, service
from backend.service_desk.service import CITY_QUEUE, KIND_LABELS, STATUSES, DeskFilters
from backend.staff.models import StaffUser
from backend.workbench.desk_photos import router as photos_router
from backend.workbench.desk_queues import router as queues_router
from backend.workbench.desk_queues import tabs
from backend.workbench.pages import paginate, render
from backend.workbench.signin import PREFIX, SignedInDep, csrf_guard

router = APIRouter(prefix=f"{PREFIX}/desk", include_in_schema=False, dependencies=[Depends(csrf_guard)])
router.include_router(queues_router)  # before /{kind}/{item_id}: /suspensions is not an item
router.include_router(photos_router)
DESK = f"{PREFIX}/desk"
RELATED_LABELS = {"callback": "回电请求", "complaint": "投诉"}  # what a reference a complaint names is
NOTICES = {"taken": "已由您负责办理。", "answered": "答复已通过短信发出。", "closed": "已办结。",
           "noted": "答复已记录；短信只通知对方“有答复了”，请打电话把答复内容告诉本人。"}


def _place(code: str | None) -> str:
    place = known(code)
    return place.name if place else "未说明地区"


def queue_name(code: str | None) -> str:
    return f"{_place(code)}队列" if code else "市级队列"


def _owner_names(session: Session, ids: set[int]) -> dict[int, str]:
    return {s.id: s.display_name for s in (session.get(StaffUser, i) for i in ids) if s}


def _due(kind: str, item: Any, today: date) -> dict[str, Any]:  # noqa: ANN401
    due = service.due_of(kind, item)
    return {"on": due, "late": item.status in ("new", "in_progress") and due < today}


def _related(number: str | None) -> dict[str, str] | None:
    """What the item names and where its page is: an application's case page, or the desk item a reference
    names (a complaint filed after a 急难 report carries the report's HD…, a call-back)."""
    if not number:
        return None
    named = service.from_reference(number)
    if named is None:
        return {"label": "相关申请", "short": "申请", "href": f"{PREFIX}/applications/{number}"}
    short = RELATED_LABELS[named[0]]
    return {"label": f"相关{short}", "short": short, "href": f"{DESK}/{named[0]}/{named[1]}"}


def _report(item: Any) -> dict[str, str] | None:  # noqa: ANN401
    """The urgent call-back (回电, HD…) the 急难 report a complaint is about went as (service_desk/complaints.py), linked."""
    callback_id = getattr(item, "callback_id", None)
    if not callback_id:
        return None
    return {"reference": service.reference("callback", callback_id), "href": f"{DESK}/callback/{callback_id}"}


def _emergency(session: Session, item: Any) -> dict[str, Any] | None:  # noqa: ANN401
    """The 急难 case (JZ…) a call-back or complaint is about, linked, with the summary of its own description and, for a
    call-back, what was added to it line by line (service_desk/report_view.py)."""
    app = report_view.report_application(session, item)
    if app is None:
        return None
    added = item.topic if kind_of(item) == "callback" else None
    return {"number": app.number, "href": f"{PREFIX}/applications/{app.number}",
            "summary": report_view.summary(app.reason, added), "added": report_view.added_lines(added)}


def kind_of(item: Any) -> str:  # noqa: ANN401
    return next(kind for kind, model in service.KINDS.items() if isinstance(item, model))


def _row(session: Session, kind: str, item: Any, owners: dict[int, str], today: date) -> dict[str, Any]:  # noqa: ANN401
    return {
        "kind": kind, "id": item.id, "reference": service.reference(kind, item.id),
        "text": item.text if kind == "complaint" else (item.topic or "（没有说明事由）"),
        "number": getattr(item, "application_number", None), "related": _related(getattr(item, "application_number", None)),
        "report": _report(item),
        "area": _place(item.area_code),
        "queue": queue_name(service.queue_of(session, item)), "filed": item.created_at.astimezone(clock.CHINA).date(),
        "due": _due(kind, item, today), "status": item.status, "status_label": STATUSES[item.status],
        "owner": owners.get(item.owner_id) if item.owner_id else None, "answer": item.answer,
        "phone": mask_phone(get_vault().decrypt(item.phone_cipher)) if item.phone_cipher else None,
        "has_phone": bool(item.phone_cipher or item.phone_hash),
        "urgent": bool(getattr(item, "urgent", False)),
        "no_staff": bool(getattr(item, "urgent", False)) and service.unstaffed(session, item),  # also in the city queue
        "id_masked": getattr(item, "id_masked", None),  # a 急难 report's ID number, said after it (service_desk/found_id.py)
    }


def _phone_shown(session: Session, actor: Actor, kind: str, item: Any) -> dict[str, Any]:  # noqa: ANN401
    """The phone on an item's page: whole to the staff member who took it (she calls the person; the read is audited,
    `<kind>.read_phone`), masked to everyone else. A tester's caseworker had taken a 急难 report and saw only 139****2411."""
    phone = service.phone_of(session, item)
    if phone is None:
        return {"phone": None, "phone_whole": False}
    if item.owner_id is None or item.owner_id != actor.staff_id:
        return {"phone": mask_phone(phone), "phone_whole": False}
    audit(session, actor=actor.label, channel=actor.channel, action=f"{kind}.read_phone", entity_type=kind,
          entity_id=item.id, detail={"phone_masked": mask_phone(phone)})
    return {"phone": phone, "phone_whole": True}


def _sent(session: Session, item: Any, owners: dict[int, str]) -> dict[str, Any]:  # noqa: ANN401
    """An item's page only: the answer as sent (when, by whom, where its SMS is), when it was closed, and
    the steps its status allows (service.steps_allowed: the service refuses every other)."""
    return {"answered_at": item.answered_at, "answered_by": owners.get(item.answered_by_id),
            "sms": delivery_label(session, item.answer_notice_id), "done_at": item.done_at,
            "steps": service.steps_allowed(item)}


def _filters_qs(f: DeskFilters, **changes: Any) -> str:  # noqa: ANN401
    values = {"kind": f.kind, "status": f.status, "queue": f.queue, "mine": 1 if f.mine else None, **changes}
    return urlencode({k: v for k, v in values.items() if v not in (None, "", False)})


def build(session: Session, actor: Actor, f: DeskFilters, page: int) -> dict[str, Any]:
    today = clock.today()
    pagination = paginate(service.count(session, actor, f), page)
    items = service.find(session, actor, f, offset=pagination.offset, limit=pagination.size)
    owners = _owner_names(session, {i.owner_id for i in items if i.owner_id})
    rows = [_row(session, f.kind, i, owners, today) for i in items]
    audit(session, actor=actor.label, channel=actor.channel, action=f"{f.kind}.list", entity_type=f"{f.kind}_list",
          entity_id=actor.district_code or "-", detail={"ids": [r["id"] for r in rows]})
    counts = tabs(session, actor, f.kind, f.queue)
    queues = [(CITY_QUEUE, queue_name(None))] if actor.role == "admin" else []
    return {"rows": rows, "pagination": pagination, "filters": f, "counts": counts, "statuses": STATUSES,
            "queues": queues, "kind_label": KIND_LABELS[f.kind], "today": today,
            "page_qs": lambda n: _filters_qs(f, page=n)}


def _kind(kind: str) -> str:
    if kind not in KIND_LABELS:
        raise NotFound("没有这一类记录。", code="desk_kind_not_found")
    return kind


@router.get("", response_class=HTMLResponse)
def desk_page(
    request: Request, session: SessionDep, who: SignedInDep,
    kind: Annotated[ShortText(16), Query()] = "complaint",
    status: Annotated[ShortText(16) | None, Query()] = None,
    queue: Annotated[ShortText(12) | None, Query()] = None,
    mine: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """投诉和请求回电: the open ones (or one status) in my queue, the one waiting longest first."""
    f = DeskFilters(kind=_kind(kind), status=status if status in STATUSES else None,
                    queue=queue if who.actor.role == "admin" else None, mine=mine)
    return render(request, "staff/desk.html", who, **build(session, who.actor, f, page))


@router.get("/{kind}/{item_id}", response_class=HTMLResponse)
def desk_item(request: Request, session: SessionDep, who: SignedInDep, kind: str, item_id: int,
              done: Annotated[ShortText(16) | None, Query()] = None) -> HTMLResponse:
    item = service.get(session, who.actor, _kind(kind), item_id)
    owners = _owner_names(session, {i for i in (item.owner_id, item.answered_by_id) if i})
    audit(session, actor=who.actor.label, channel=who.actor.channel, action=f"{kind}.view", entity_type=kind,
          entity_id=item.id, detail={})
    r = {**_row(session, kind, item, owners, clock.today()), **_phone_shown(session, who.actor, kind, item)}
    complaints = [{"reference": service.reference("complaint", c.id), "href": f"{DESK}/complaint/{c.id}",
                   "status_label": STATUSES[c.status]} for c in service.complaints_about(session, who.actor, item)]
    return render(request, "staff/desk_item.html", who, r=r, complaints=complaints, emergency=_emergency(session, item),
                  sent=_sent(session, item, owners), kind_label=KIND_LABELS[kind], notice=NOTICES.get(done or ""),
                  is_mine=item.owner_id == who.actor.staff_id, about_me=service.about(session, who.actor, item),
                  unproven_phone=item.phone_cipher is not None and not item.phone_proven)


def _back(kind: str, item_id: int, done: str) -> RedirectResponse:
    return RedirectResponse(f"{DESK}/{kind}/{item_id}?done={done}", status_code=303)


@router.post("/{kind}/{item_id}/take")
def take(session: SessionDep, who: SignedInDep, kind: str, item_id: int) -> RedirectResponse:
    service.take(session, who.actor, _kind(kind), item_id)
    return _back(kind, item_id, "taken")


@router.post("/{kind}/{item_id}/answer")
def answer(session: SessionDep, who: SignedInDep, kind: str, item_id: int,
           text: Annotated[Text(300, min_length=2), Form()]) -> RedirectResponse:
    item = service.answer(session, who.actor, _kind(kind), item_id, text.strip())
    return _back(kind, item_id, "answered" if item.phone_proven or not item.phone_cipher else "noted")


@router.post("/{kind}/{item_id}/close")
def close(session: SessionDep, who: SignedInDep, kind: str, item_id: int) -> RedirectResponse:
    service.close(session, who.actor, _kind(kind), item_id)
    return _back(kind, item_id, "closed")
