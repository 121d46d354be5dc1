"""Routes of the case page: read a case, "show" a person's full ID number and phone, or the helper's phone of a
paper 授权委托书 (audited), take a workflow action, see a visit photo. Its own router, with the workbench's CSRF guard on every post."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile as FormFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from backend.applications import member_ids, service
from backend.applications.access import audited_view
from backend.applications.case_state import latest_economic_check_report
from backend.applications.models import Application
from backend.authorizations.assisted import NotWitnessed, Witnessed, witnessed_sign
from backend.authorizations.service import signature_status
from backend.core import clock
from backend.core.db import SessionDep
from backend.core.errors import AppError, NotFound
from backend.core.fields import ApplicationNumber, DbId, ShortText
from backend.delegations import paper
from backend.documents.limits import MAX_FILES
from backend.documents.storage import BadPhoto, Photo, keep, owner_of, photo_response, prepare_photo, read_photo
from backend.identity.service import Identity, reveal
from backend.workbench import case_page
from backend.workbench.case_papers import HelperPhone, forms_of
from backend.workbench.case_actions import step_from_form, validated
from backend.workbench.pages import render
from backend.workbench.signin import PREFIX, SignedIn, SignedInDep, csrf_guard

router = APIRouter(prefix=f"{PREFIX}/applications", include_in_schema=False, dependencies=[Depends(csrf_guard)])


def _page(request: Request, session: Session, who: SignedIn, app: Application, *, status_code: int = 200,
          revealed: Identity | None = None, audit_page: int = 1, kept: dict | None = None,
          done: str | None = None, helper_phone: HelperPhone | None = None,
          member_id_kept: dict | None = None, sign_kept: dict | None = None) -> HTMLResponse:
    context = case_page.build(session, who.actor, app, today=clock.today(), revealed=revealed,
                              audit_page=audit_page, form_values=kept, helper_phone=helper_phone)
    return render(request, "staff/case.html", who, status_code=status_code, done=done, kept=kept or {},
                  member_id_kept=member_id_kept, sign_kept=sign_kept, **context)


@router.get("/{number}", response_class=HTMLResponse)
def case(request: Request, number: ApplicationNumber, session: SessionDep, who: SignedInDep,
         audit_page: Annotated[int, Query(ge=1, le=100_000)] = 1,
         done: Annotated[ShortText(32) | None, Query()] = None) -> HTMLResponse:
    app = service.get_by_number(session, number)
    return _page(request, session, who, app, audit_page=audit_page, done=done)


@router.post("/{number}/identity/{person_id}", response_class=HTMLResponse)
def show_identity(request: Request, number: ApplicationNumber, person_id: DbId, session: SessionDep,
                  who: SignedInDep, reason: Annotated[ShortText(200, min_length=2), Form()]) -> HTMLResponse:
    """The full ID number and phone of one member, read through the API's audited service."""
    app = service.get_by_number(session, number)
    audited_view(session, who.actor, app, "application.read")
    if person_id not in {m.person_id for m in app.household.members}:
        raise NotFound("这个人不在这件申请的家庭成员里。")
    revealed = reveal(session, who.actor, person_id, reason)
    return _page(request, session, who, app, revealed=revealed)


@router.post("/{number}/helper-phone/{delegation_id}", response_class=HTMLResponse)
def show_helper_phone(request: Request, number: ApplicationNumber, delegation_id: DbId, session: SessionDep,
                      who: SignedInDep, reason: Annotated[ShortText(200, min_length=2), Form()]) -> HTMLResponse:
    """The whole phone of the helper of one of the applicant's paper forms shown on this page (to arrange the
    入户核查 with him), read through delegations.paper (its district, the reason, the audit)."""
    app = service.get_by_number(session, number)
    audited_view(session, who.actor, app, "application.read")
    if delegation_id not in forms_of(session, app):
        raise NotFound("这件申请没有这份委托书。")
    phone = paper.helper_phone(session, who.actor, delegation_id, reason)
    return _page(request, session, who, app, helper_phone=HelperPhone(delegation_id, phone))


@router.post("/{number}/members/{person_id}/id-number", response_class=HTMLResponse)
def add_member_id(request: Request, number: ApplicationNumber, person_id: DbId, session: SessionDep, who: SignedInDep,
                  id_number: Annotated[ShortText(32, min_length=1), Form()],
                  relation: Annotated[ShortText(16) | None, Form()] = None) -> Response:
    """The ID number of a member filed without one (身份证号待补), through the API's one owner (member_ids: the check
    digit, encrypted, audited). Refused: the page again with the reason beside the number typed."""
    app = service.get_by_number(session, number)
    try:
        with session.begin_nested():
            member_ids.add_member_id(session, who.actor, number, person_id, id_number, relation=(relation or "").strip() or None)
    except AppError as exc:
        if exc.status_code == 404:
            raise  # another district's case, or not its member: the same 404 as the API
        session.refresh(app)
        kept = {"person_id": person_id, "error": exc.message, "typed": {"id_number": id_number, "relation": relation or ""}}
        return _page(request, session, who, app, status_code=exc.status_code, member_id_kept=kept)
    return RedirectResponse(f"{PREFIX}/applications/{number}?done=member_id#household", status_code=303)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise NotWitnessed("签字日期的格式不对，请用日期选择框选一天。") from None


@router.post("/{number}/signatures/{person_id}", response_class=HTMLResponse)
def assisted_signature(request: Request, number: ApplicationNumber, person_id: DbId, session: SessionDep,
                       who: SignedInDep, how: Annotated[ShortText(16), Form()] = "",
                       signed_on: Annotated[ShortText(10), Form()] = "",
                       identity_checked: Annotated[ShortText(3), Form()] = "",
                       note: Annotated[ShortText(200), Form()] = "",
                       scan: Annotated[FormFile | None, File()] = None) -> Response:
    """工作人员协助签署 of one person who has not signed, through the authorizations package's one owner
    (assisted.witnessed_sign: the case's district and the caseworker role, the ID number on record, the identity
    check confirmed, audited; the scan kept last). Refused: the page again with the reason beside the form."""
    app = service.get_by_number(session, number)
    data = scan.file.read() if scan is not None and scan.filename else b""
    try:
        with session.begin_nested():
            photo = prepare_photo(data, label="签字纸的照片", paper_form=True) if data else None
            witnessed = Witnessed(how=how, on=_day(signed_on or clock.today().isoformat()),
                                  identity_checked=identity_checked == "yes", note=note.strip())
            witnessed_sign(session, who.actor, number, person_id, witnessed, photo)
    except AppError as exc:
        if exc.status_code == 404:
            raise  # another district's case, or not its member: the same 404 as the API
        session.refresh(app)
        kept = {"person_id": person_id, "error": exc.message,
                "typed": {"how": how, "signed_on": signed_on, "note": note, "identity_checked": identity_checked}}
        return _page(request, session, who, app, status_code=exc.status_code, sign_kept=kept)
    return RedirectResponse(f"{PREFIX}/applications/{number}?done=signed#top", status_code=303)


@dataclass(frozen=True)
class Posted:
    """An action form as posted: its text fields and the photos' bytes (read here, asynchronously, so
    that the handler — which uses the database — runs in the thread pool like every other)."""
    fields: dict[str, str]
    photos: list[bytes]


async def posted_form(request: Request) -> Posted:
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}
    files = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename][:MAX_FILES + 1]
    return Posted(fields=fields, photos=[await f.read() for f in files])


def _photos(posted: Posted) -> tuple[list[Photo], list[str]]:
    """Each photo checked and re-encoded in memory; nothing is written before the step is taken."""
    if len(posted.photos) > MAX_FILES:
        return [], [f"照片最多{MAX_FILES}张，请分两次上传。"]
    photos, errors = [], []
    for i, data in enumerate(posted.photos, start=1):
        try:
            photos.append(prepare_photo(data, label=f"第{i}张照片"))
        except BadPhoto as exc:
            errors.append(exc.message)
    return photos, errors


@router.post("/{number}/actions/{action}", response_class=HTMLResponse)
def take_action(request: Request, number: ApplicationNumber, action: ShortText(32), session: SessionDep,
                who: SignedInDep, posted: Annotated[Posted, Depends(posted_form)]) -> Response:
    """One step through the API's validation (StepIn) and its one owner (service.act). Refused: the case
    page again with the reason in Chinese and everything that was typed."""
    app = service.get_by_number(session, number)
    form = posted.fields
    if action not in service.available_actions(session, who.actor, app):
        audited_view(session, who.actor, app, "application.read")  # another district: 404 before any upload
    photos, errors = _photos(posted)
    refs = [p.reference for p in photos]
    step, invalid = validated(step_from_form(form, latest_economic_check_report(session, app), refs))
    errors += invalid
    status_code = 422
    if step is not None and not errors:
        try:
            with session.begin_nested():
                service.act(session, who.actor, app, action, step)
                # Written last, inside the step's savepoint: a refused step (or allowance) writes no file.
                keep(session, photos, owner=owner_of(who.actor), purpose="visit_photo")
        except AppError as exc:
            if exc.status_code == 404:
                raise  # another district's case: the same 404 as the API
            errors.append(exc.message)
            status_code = exc.status_code  # 403 wrong role, 409 not at this step: as the API answers
    if errors:
        session.refresh(app)
        kept = {"action": action, "values": form, "errors": errors}
        return _page(request, session, who, app, status_code=status_code, kept=kept)
    return RedirectResponse(f"{PREFIX}/applications/{number}?done={action}#top", status_code=303)


@router.get("/{number}/photos/{name}")
def photo(number: ApplicationNumber, name: ShortText(80), session: SessionDep, who: SignedInDep) -> Response:
    """A visit photo, to staff who may read the case, and only a photo this case's timeline names."""
    app = service.get_by_number(session, number)
    audited_view(session, who.actor, app, "application.read_photo")
    named = {p.get("file") for e in app.events for p in ((e.data or {}).get("photos") or []) if isinstance(p, dict)}
    named |= {s["paper_scan"] for s in signature_status(session, app) if s["paper_scan"]}  # signed 核对授权书 papers
    found = read_photo(name) if name in named else None
    if found is None:
        raise NotFound("没有找到这张照片。")
    return photo_response(*found)
