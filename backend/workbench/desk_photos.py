"""服务台 · 参考照片 at /staff/desk/references: ID card photos helpers uploaded, waiting for a caseworker
(confirm or reject with how it was checked); for the persons of a case, the upload of a reference photo (a
file, or the phone's camera), staff-assisted signing of the 核对授权书 and staff-assisted certification, each
with the reason. The rules are the API's: facecheck.references, authorizations.assisted, certification.assisted.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from backend.applications import service as applications
from backend.applications.access import audited_view
from backend.authorizations.assisted import staff_assisted_sign
from backend.authorizations.service import signature_status
from backend.certification.assisted import staff_assisted_certification
from backend.certification.models import CertificationSchedule
from backend.core.db import SessionDep
from backend.core.fields import ApplicationNumber, DbId, ShortText, Text
from backend.facecheck import references
from backend.facecheck.geometry import FaceEngine
from backend.facecheck.id_photo import consent_text
from backend.facecheck.service import (REFERENCE_CONFIRMED, REFERENCE_CONSENT_VERSION, get_face_engine, has_reference,
                                       pending_reference)
from backend.workbench.desk_queues import tabs
from backend.workbench.pages import paginate, render
from backend.workbench.signin import PREFIX, SignedInDep, csrf_guard

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf_guard)])  # under /staff/desk (desk.py)
PHOTOS = f"{PREFIX}/desk/references"
DONE = {"confirmed": "已确认，本人可以刷脸了。", "rejected": "已作废这张照片，可以重新登记。", "uploaded": "参考照片已登记，本人的同意已记录（照片本身不保存）。",
        "replacing": "新照片已登记，等另一位工作人员核实后替换原来的照片；在那之前本人刷脸仍比对原照片。",
        "signed": "已记录工作人员协助签署。", "certified": "已记录工作人员协助认证，下次认证日期已更新。"}
SOURCES = {"staff_selfie": "工作人员当面核实后拍的照片", "id_card": "身份证照片"}


@router.get("/references", response_class=HTMLResponse)
def photos(request: Request, session: SessionDep, who: SignedInDep,
           number: Annotated[ApplicationNumber | None, Query()] = None,
           page: Annotated[int, Query(ge=1, le=100_000)] = 1,
           done: Annotated[str | None, Query(max_length=16)] = None) -> HTMLResponse:
    actor = who.actor
    pending = references.pending_for(session, actor) if actor.role == "caseworker" else []
    pagination = paginate(len(pending), page)
    persons = []
    if number:
        app = applications.get_by_number(session, number)
        audited_view(session, actor, app, "application.view")  # another district: 404
        schedule = session.scalars(select(CertificationSchedule).where(CertificationSchedule.application_id == app.id)).first()
        certifies = (schedule.person_id if schedule else app.applicant_person_id) if app.status == "paying" else None
        persons = [{"id": s["person_id"], "name": s["name"], "signed": s["signed"], "certifies": s["person_id"] == certifies,
                    "has": has_reference(session, s["person_id"]), "pending": pending_reference(session, s["person_id"]) is not None}
                   for s in signature_status(session, app)]
    return render(request, "staff/desk_photos.html", who, counts=tabs(session, actor, "references"),
                  pending=pending[pagination.offset:pagination.offset + pagination.size], pagination=pagination,
                  page_qs=lambda n: f"page={n}", number=number, persons=persons, sources=SOURCES,
                  can_review=actor.role == "caseworker", can_upload=actor.role in ("caseworker", "reviewer"),
                  consent_text=consent_text(), consent_version=REFERENCE_CONSENT_VERSION,
                  notice=DONE.get(done or ""))


@router.post("/references/{person_id}/review")
def review(session: SessionDep, who: SignedInDep, person_id: DbId,
           decision: Annotated[str, Form(pattern="^(confirm|reject)$")],
           reason: Annotated[Text(200, min_length=2), Form()]) -> RedirectResponse:
    references.review(session, who.actor, person_id, reason, confirm=decision == "confirm")
    return RedirectResponse(f"{PHOTOS}?done={'confirmed' if decision == 'confirm' else 'rejected'}", status_code=303)


@router.post("/references/{person_id}")
def upload(session: SessionDep, who: SignedInDep, person_id: DbId,
           engine: Annotated[FaceEngine, Depends(get_face_engine)],
           image: Annotated[UploadFile, File()],
           number: Annotated[ApplicationNumber, Form()],
           present: Annotated[ShortText(100, min_length=2), Form()],
           consent_text_version: Annotated[ShortText(40), Form()] = "",
           consent: Annotated[str | None, Form(pattern="^yes$")] = None,
           source: Annotated[str, Form(pattern="^(staff_selfie|id_card)$")] = "staff_selfie") -> RedirectResponse:
    """After the person's separate consent, ticked on the form with who was present (refused without it)."""
    ref = references.upload(session, who.actor, engine, person_id, image.file.read(), source,
                            references.ConsentInPerson(agreed=consent == "yes", text_version=consent_text_version, present=present))
    done = "uploaded" if ref.status == REFERENCE_CONFIRMED else "replacing"
    return RedirectResponse(f"{PHOTOS}?number={number}&done={done}", status_code=303)


@router.post("/references/{number}/sign/{person_id}")
def assisted_sign(session: SessionDep, who: SignedInDep, number: ApplicationNumber, person_id: DbId,
                  note: Annotated[Text(200, min_length=2), Form()]) -> RedirectResponse:
    """工作人员协助签署核对授权书 (the way without a face check), with the reason."""
    staff_assisted_sign(session, who.actor, number, person_id, note)
    return RedirectResponse(f"{PHOTOS}?number={number}&done=signed", status_code=303)


@router.post("/references/{number}/certify/{person_id}")
def assisted_certify(session: SessionDep, who: SignedInDep, number: ApplicationNumber, person_id: DbId,
                     note: Annotated[Text(200, min_length=2), Form()]) -> RedirectResponse:
    """工作人员协助的待遇资格认证 (at home or at the window), with the reason."""
    staff_assisted_certification(session, who.actor, number, person_id, note)
    return RedirectResponse(f"{PHOTOS}?number={number}&done=certified", status_code=303)
