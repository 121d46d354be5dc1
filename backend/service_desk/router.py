"""Areas people can name, call-back requests and complaints: always a way to a person."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from backend.audit.service import record as audit
from backend.auth.actor import ActorDep, require_staff
from backend.core.crypto import get_vault
from backend.core.db import SessionDep
from backend.core.errors import AppError, ErrorResponse, Forbidden
from backend.core.fields import ApplicationNumber, AreaCode, PhoneText, ShortText, Text
from backend.core.phones import checked_phone
from backend.regions import service as regions
from backend.regions.models import Area
from backend.service_desk import service
from backend.service_desk.models import CallbackRequest, Complaint

router = APIRouter(tags=["服务台 service desk"])


class AreaOut(BaseModel):
    code: str = Field(examples=["500103001"])
    name: str = Field(examples=["七星岗街道"])
    level: str = Field(examples=["street"])
    district: str | None = Field(examples=["渝中区"])
    office_name: str | None = Field(examples=["七星岗街道社会救助窗口"])
    office_phone: str | None
    office_hours: str | None = Field(examples=["工作日 9:00-12:00 14:00-17:30"])


def _area_out(session, area: Area) -> AreaOut:  # noqa: ANN001
    district = regions.district_of(session, area)
    return AreaOut(code=area.code, name=area.name, level=area.level, district=district.name if district else None,
                   office_name=area.office_name, office_phone=area.office_phone, office_hours=area.office_hours)


@router.get("/areas/search", response_model=list[AreaOut], summary="按名称找街道（乡镇）和区县")
def search_areas(session: SessionDep, q: Annotated[ShortText(64, min_length=1), Query(examples=["七星岗"])]) -> list[AreaOut]:
    return [_area_out(session, a) for a in regions.search(session, q)]


class CallbackIn(BaseModel):
    phone: PhoneText | None = Field(default=None, examples=["13812345678"])
    area_code: AreaCode | None = Field(default=None, examples=["500103001"])
    topic: ShortText(255) | None = Field(default=None, examples=["想问低保怎么申请"])


class CallbackOut(BaseModel):
    id: int
    office_name: str | None
    office_phone: str | None
    office_hours: str | None


def _caller(actor) -> None:  # noqa: ANN001
    if actor.kind not in ("service", "citizen"):
        raise Forbidden("这个入口给群众和对话渠道使用。", code="citizen_or_service")


@router.post("/callbacks", response_model=CallbackOut, status_code=201, summary="请工作人员回电（转人工）",
             responses={403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def request_callback(body: CallbackIn, session: SessionDep, actor: ActorDep) -> CallbackOut:
    _caller(actor)
    vault = get_vault()
    phone = checked_phone(body.phone) if body.phone else None
    office = regions.office_for(session, body.area_code)
    row = CallbackRequest(area_code=office.code if office else None, phone_hash=vault.lookup_hash(phone) if phone else actor.phone_hash,
                          phone_cipher=vault.encrypt(phone) if phone else None, topic=body.topic, channel=actor.channel)
    session.add(row)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="callback.request", entity_type="callback",
          entity_id=row.id, detail={"area": row.area_code})
    return CallbackOut(id=row.id, office_name=office.office_name if office else None,
                       office_phone=office.office_phone if office else None, office_hours=office.office_hours if office else None)


class ComplaintIn(BaseModel):
    text: Text(2000, min_length=2) = Field(examples=["申请交上去一个月了没有人来调查"])
    application_number: ApplicationNumber | None = Field(default=None, examples=["JZ20261123000001"])
    area_code: AreaCode | None = None
    phone: PhoneText | None = None


class UnknownArea(AppError):
    status_code = 422
    code = "unknown_area"
    message = "没有找到这个街道（乡镇），请重新选择，或者不填。"


class ComplaintOut(BaseModel):
    id: int
    reference: str = Field(examples=["TS000012"])


@router.post("/complaints", response_model=ComplaintOut, status_code=201, summary="投诉或意见（工作人员处理）",
             responses={403: {"model": ErrorResponse}})
def file_complaint(body: ComplaintIn, session: SessionDep, actor: ActorDep) -> ComplaintOut:
    _caller(actor)
    # The column references areas: an unknown code used to fail the insert with a 500.
    if body.area_code and session.get(Area, body.area_code) is None:
        raise UnknownArea()
    vault = get_vault()
    phone = checked_phone(body.phone) if body.phone else None
    row = Complaint(area_code=body.area_code, application_number=body.application_number, text=body.text, channel=actor.channel,
                    phone_hash=vault.lookup_hash(phone) if phone else actor.phone_hash,
                    phone_cipher=vault.encrypt(phone) if phone else None)
    session.add(row)
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="complaint.file", entity_type="complaint",
          entity_id=row.id, detail={"application": body.application_number})
    return ComplaintOut(id=row.id, reference=f"TS{row.id:06d}")


class DeskItem(BaseModel):
    kind: str
    id: int
    area_code: str | None
    topic: str | None
    status: str


@router.get("/service-desk", response_model=list[DeskItem], summary="待处理的回电请求和投诉（工作人员）",
            responses={403: {"model": ErrorResponse}})
def desk(session: SessionDep, actor: ActorDep) -> list[DeskItem]:
    require_staff(actor)
    callbacks, complaints = service.open_items(session, district_code=actor.district_code)
    return [DeskItem(kind="callback", id=c.id, area_code=c.area_code, topic=c.topic, status=c.status) for c in callbacks] + [
        DeskItem(kind="complaint", id=c.id, area_code=c.area_code, topic=c.text[:60], status=c.status) for c in complaints]


