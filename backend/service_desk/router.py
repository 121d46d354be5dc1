"""Areas people can name, call-back requests and complaints: always a way to a person."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from backend.audit.service import record as audit
from backend.auth import throttle
from backend.auth.actor import ActorDep, require_staff
from backend.auth.throttle import ClientDep
from backend.core import clock, say
from backend.core.db import SessionDep
from backend.core.errors import AppError, ErrorResponse, Forbidden
from backend.core.idnumber import mask_phone
from backend.core.fields import ApplicationNumber, AreaCode, IdNumberText, PhoneText, ShortText, Text
from backend.regions import matching
from backend.regions import service as regions
from backend.service_desk import call_phone, complaints, found_id, own, service, when

router = APIRouter(tags=["服务台 service desk"])


class AreaOut(BaseModel):
    """One place a person may have meant, with who answers for it."""
    code: str = Field(examples=["500103004"], description="6 digits for 省/市/区县, 9 for 乡镇/街道")
    name: str = Field(examples=["两路口街道"])
    level: str = Field(examples=["street"], description="province | city | district | street")
    full_name: str = Field(examples=["重庆市渝中区两路口街道"])
    district: str | None = Field(examples=["渝中区"], description="the street's 区县; null for other levels")
    city: str | None = Field(examples=["重庆市"], description="the 地级市, or the 直辖市 itself")
    province: str | None = Field(examples=["重庆市"])
    match: Literal["exact", "close"] = Field(
        examples=["exact"], description="exact: the name (or its stem, or one of its 社区) as said; close: a typo or "
                                        "homophone away — confirm it with the person before using it")
    community: str | None = Field(default=None, examples=["中山二路社区"], description="the 社区/村 that matched, if any")
    standards_region: str | None = Field(examples=["重庆"], description="the region whose standards apply; null: "
                                                                          "applications are not taken online here yet")
    office_name: str = Field(examples=["渝中区民政局社会救助科"])
    office_phone: str | None = Field(examples=["12345"], description="null: no real number on file for this office yet "
                                                                     "(say so; the 12345 hotline can be called)")
    office_hours: str | None = Field(examples=["工作日 9:00-12:00 14:00-17:30"])
    office_configured: bool = Field(description="false: the area has no office of its own on file; the office "
                                                "above is the nearest one that has (district, city) or the 12345 hotline")
    duty_phone: str | None = Field(default=None, description="the office's 急难 duty mobile; null: not on file")
    supervision_phone: str | None = Field(default=None, description="the office's 监督电话 (where to complain about its "
                                                                    "work); null: not on file")


def _area_out(f: regions.Found) -> AreaOut:
    return AreaOut(code=f.place.code, name=f.place.name, level=f.place.level, full_name=f.full_name, district=f.district,
                   city=f.city, province=f.province, match=f.match, community=f.community,
                   standards_region=f.standards_region, office_name=f.office.office_name,
                   office_phone=f.office.office_phone, office_hours=f.office.office_hours,
                   office_configured=f.office.configured, duty_phone=f.office.alert_phone,
                   supervision_phone=f.office.supervision_phone)


class UnknownArea(AppError):
    status_code = 422
    code = "unknown_area"
    message = "没有找到这个街道（乡镇），请重新选择，或者不填。"


@router.get("/areas/search", response_model=list[AreaOut], summary="按说法找街道（乡镇）：容错、可按已知地区排序",
            responses={422: {"model": ErrorResponse}, 429: {"model": ErrorResponse, "description": "查得太频繁"}})
def search_areas(
    client: ClientDep,
    q: Annotated[ShortText(64, min_length=1), Query(examples=["我住渝中区两路口那边"])],
    within: Annotated[AreaCode | None, Query(description="the area the conversation already knows, as a code (500000) or "
                                                         "as the region's name (重庆): streets of a shared name are "
                                                         "kept to those inside it when there are any",
                                             examples=["500000"])] = None,
    near: Annotated[AreaCode | None, Query(description="an area the conversation knows without it being where the person "
                                                       "lives for sure (the ID number's 6-digit area code): its matches "
                                                       "come first, none is dropped", examples=["500108"])] = None,
    limit: Annotated[int, Query(ge=1, le=matching.LIMIT)] = matching.LIMIT,
) -> list[AreaOut]:
    """Streets for what a person said, best first: `match` says how sure. When only a 省/市/区县 is named
    ("渝中区"), that area itself (level district/city/province). An empty list: nothing close enough."""
    throttle.area_search(client)
    code = regions.area_code_of(within)
    if within and code is None:
        raise UnknownArea()
    return [_area_out(f) for f in regions.search(q, within=code, near=near, limit=limit)]


class CallbackIn(BaseModel):
    phone: PhoneText | None = Field(default=None, examples=["13812345678"])
    area_code: AreaCode | None = Field(default=None, examples=["500103001"])
    topic: ShortText(255) | None = Field(default=None, examples=["想问低保怎么申请"])
    urgent: bool = Field(default=False, description="the person cannot wait (马上, a fire, a hospital bill): called "
                                                    "back the same day, first in the queue; the duty mobile is told")


class CallbackOut(BaseModel):
    id: int
    reference: str = Field(examples=["HD000001"])
    office_name: str
    office_phone: str | None = Field(description="null: no real number on file yet (see /areas/search)")
    office_hours: str | None
    office_configured: bool = Field(description="false: the street has no office of its own on file (see /areas/search)")
    duty_phone: str | None = Field(default=None, description="the office's 急难 duty mobile, to call now (after hours too); "
                                                             "null: none on file (say so; never make one up)")
    caller: str = Field(examples=["渝中区民政局社会救助科"], description="who will call: the office whose queue it is in, "
                                                                  "or the city's staff for the city queue (never 12345)")
    due_day: str = Field(examples=["11月27日（星期五）"], description="called by the end of this day (service_desk.DUE_WORKDAYS)")
    promise: str = Field(examples=["11月27日（星期五）下班前"], description="when the call comes, as every sentence and the SMS say "
                                                                   "it: 今天 | <day>一上班 (urgent, after hours) | <day>下班前")
    existing: bool = Field(default=False, description="this phone's call-back already open (said again, not booked twice)")
    urgent: bool = False
    due_today: bool = Field(default=False, description="urgent only: called back today (asked on a working day in time)")
    duty_told: bool = Field(default=False, description="urgent only: the street's duty mobile got an SMS at once; "
                                                       "false: none is on file (say so)")
    sms_sent: bool = Field(default=False, description="a confirmation SMS with the reference and the day is queued")
    area_code: str | None = Field(default=None, description="the area whose queue has it (null: the city queue); "
                                                            "GET /on-duty?area_code= says who is at work there later")


def _caller(actor) -> None:  # noqa: ANN001
    if actor.kind not in ("service", "citizen"):
        raise Forbidden("这个入口给群众和对话渠道使用。", code="citizen_or_service")


@router.post("/callbacks", response_model=CallbackOut, status_code=201, summary="请工作人员回电（转人工）",
             responses={403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def request_callback(body: CallbackIn, session: SessionDep, actor: ActorDep) -> CallbackOut:
    _caller(actor)
    b = service.book_callback(session, actor, phone=body.phone, area_code=body.area_code, topic=body.topic, urgent=body.urgent)
    audit(session, actor=actor.label, channel=actor.channel, action="callback.request", entity_type="callback",
          entity_id=b.row.id, detail={"area": b.row.area_code, "urgent": b.row.urgent, "existing": b.existing})
    return CallbackOut(id=b.row.id, reference=service.reference("callback", b.row.id), existing=b.existing,
                       office_name=b.office.office_name, office_phone=b.office.office_phone, office_hours=b.office.office_hours,
                       office_configured=b.office.configured, duty_phone=b.office.alert_phone if b.row.area_code else None,
                       caller=b.caller, due_day=say.day(b.due), promise=b.promise,
                       urgent=b.row.urgent,
                       due_today=b.row.urgent and b.today, duty_told=b.duty_told, sms_sent=b.sms_sent,
                       area_code=b.row.area_code)


class OnDutyOut(BaseModel):
    """Who is at work for an area now, and what an urgent request asked now is promised ("今天晚上有人管没得")."""
    area_code: str | None = Field(examples=["500110003"], description="null: no area known (the city's staff)")
    caller: str = Field(examples=["古南街道便民服务中心"], description="who calls back for it (as POST /callbacks says)")
    open_now: bool = Field(description="someone is at work at the office now (its hours on file, working days)")
    promise: str = Field(examples=["12月8日（星期二）上午9:00一上班"], description="when an urgent call comes if asked now: "
                                                                        "今天 | <day><time>一上班 (the time only where the "
                                                                        "office's hours are on file)")
    office_hours: str | None = Field(description="as the office data says them; null: none on file")
    office_phone: str | None = Field(description="the office's number; null: none on file (never made up)")
    duty_phone: str | None = Field(description="the office's 急难 duty mobile, to call after hours; null: none on file "
                                               "(say so; never make one up)")


@router.get("/on-duty", response_model=OnDutyOut, summary="现在有没有人上班：谁回电、什么时候、值班电话",
            responses={403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def on_duty(session: SessionDep, actor: ActorDep,
            area_code: Annotated[AreaCode | None, Query(examples=["500110003"])] = None) -> OnDutyOut:
    """Whether the office answering for the area is at work now, and when it next opens (its hours on file, the
    official calendar) — the same sums as a call-back's promise (service_desk/when.py); its duty mobile where on file."""
    _caller(actor)
    area = regions.ensure_area(session, area_code)
    if area_code and area is None:
        raise UnknownArea()
    office = regions.office_for(area.code if area is not None else None)
    now = when.on_duty(area.code if area is not None else None, clock.now())
    own_office = area is not None and office.area_code is not None
    return OnDutyOut(area_code=area.code if area is not None else None, caller=service.caller_for(session, area),
                     open_now=now.open_now, promise=now.promise,
                     office_hours=office.office_hours if own_office and now.hours_known else None,
                     office_phone=office.office_phone if own_office else None,
                     duty_phone=office.alert_phone if own_office else None)


class FoundIdIn(BaseModel):
    id_number: IdNumberText = Field(examples=["500222194203060034"])
    phone: PhoneText | None = Field(default=None, examples=["13952718346"],
                                    description="the phone the call-back was filed with (else the caller's proven one)")


class FoundIdOut(BaseModel):
    reference: str = Field(examples=["HD000001"])
    id_masked: str = Field(examples=["500222********0034"])


@router.post("/callbacks/{reference}/id-number", response_model=FoundIdOut, summary="急难报告后补身份证号（报告人本人）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse},
                        422: {"model": ErrorResponse}})
def add_id_number(reference: ShortText(20), body: FoundIdIn, session: SessionDep, actor: ActorDep) -> FoundIdOut:
    """The ID number of the person a 急难 report is for, found after the report went as this urgent call-back: checked
    by its check digit, kept encrypted, shown masked on the desk, audited (callback.add_id). Only from the phone it
    was filed with; another phone's is not found."""
    _caller(actor)
    row = found_id.add_id_number(session, actor, reference, body.id_number, body.phone)
    return FoundIdOut(reference=service.reference("callback", row.id), id_masked=row.id_masked)


class CallPhoneIn(BaseModel):
    call_phone: PhoneText = Field(examples=["13594412807"], description="the number to call instead")
    contact: ShortText(40) | None = Field(default=None, examples=["吴磊（儿子）"], description="who answers it, as said")
    phone: PhoneText | None = Field(default=None, description="the phone it was filed with; else the caller's proven one")


class CallPhoneOut(BaseModel):
    reference: str = Field(examples=["HD000001"])
    call_phone_masked: str = Field(examples=["135****2807"])
    contact: str | None = Field(default=None, examples=["吴磊（儿子）"])


@router.post("/callbacks/{reference}/call-phone", response_model=CallPhoneOut, summary="回电改打另一个号码（报告人本人）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse},
                        422: {"model": ErrorResponse}})
def change_call_phone(reference: ShortText(20), body: CallPhoneIn, session: SessionDep, actor: ActorDep) -> CallPhoneOut:
    """Another number to call on this call-back ("打我儿子电话嘛 135… 他叫吴磊"): encrypted, shown to the staff, audited
    (callback.call_phone). Only from the phone it was filed with; another phone's is not found."""
    _caller(actor)
    row = call_phone.change(session, actor, reference, body.call_phone, body.contact, body.phone)
    return CallPhoneOut(reference=service.reference("callback", row.id), contact=row.call_contact,
                        call_phone_masked=mask_phone(body.call_phone.strip()))


class ComplaintIn(BaseModel):
    text: Text(2000, min_length=2) = Field(examples=["申请交上去一个月了没有人来调查"])
    application_number: ApplicationNumber | None = Field(default=None, examples=["JZ20261123000001"])
    area_code: AreaCode | None = None
    phone: PhoneText | None = None
    related: ShortText(20) | None = Field(default=None, examples=["HD000001"],
                                          description="the 急难 report filed in this conversation (HD… or its application's "
                                                      "number): the complaint is linked to it and answered as urgently")


class ComplaintOut(BaseModel):
    id: int
    reference: str = Field(examples=["TS000012"])
    due_day: str = Field(examples=["12月2日（星期三）"], description="answered by this day (service_desk.DUE_WORKDAYS)")
    sms_sent: bool = Field(default=False, description="a confirmation SMS with the reference and the day is queued")
    urgent: bool = Field(default=False, description="about a 急难 report: answered as soon as an urgent call-back")
    related: str | None = Field(default=None, examples=["HD000001"], description="the 急难 report it is linked to")
    promise: str = Field(examples=["12月8日（星期二）上午9:00一上班"], description="urgent: when it is answered, as said "
                                                                        "(今天 | <day><time>一上班); else <day>下班前")
    due_today: bool = Field(default=False, description="urgent only: someone is at work on it now; false after hours")
    handled_by: str = Field(examples=["綦江区民政局社会救助科"], description="whose queue has it (service.queue_of)")


@router.post("/complaints", response_model=ComplaintOut, status_code=201, summary="投诉或意见（工作人员处理）",
             responses={403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def file_complaint(body: ComplaintIn, session: SessionDep, actor: ActorDep) -> ComplaintOut:
    _caller(actor)
    # The column references areas: an unknown code used to fail the insert with a 500.
    if body.area_code and regions.ensure_area(session, body.area_code) is None:
        raise UnknownArea()
    f = complaints.file_complaint(session, actor, text=body.text, application_number=body.application_number,
                                  area_code=body.area_code, phone=body.phone, related=body.related)
    return ComplaintOut(id=f.row.id, reference=service.reference("complaint", f.row.id), due_day=say.day(f.when.due),
                        sms_sent=f.sms_sent, urgent=f.row.urgent, related=f.related, promise=f.when.promise,
                        due_today=f.row.urgent and f.when.today, handled_by=own.handled_by(session, f.row)[0])


class MyComplaintIn(BaseModel):
    phone: PhoneText | None = Field(default=None, description="the phone it was filed with (else the caller's proven one)")


class MyComplaintNoteIn(MyComplaintIn):
    text: Text(2000, min_length=2) = Field(examples=["补充一下：上周三去社区又没人"])


class MyComplaintOut(BaseModel):
    reference: str = Field(examples=["TS000001"])
    status: str = Field(description="service.STATUSES: new | in_progress | answered | closed")
    status_label: str = Field(examples=["办理中"])
    due_day: str = Field(examples=["12月14日（星期一）"], description="answered by this day")
    handled_by: str = Field(examples=["渝中区民政局社会救助科"], description="the district office whose queue has it, "
                                                                   "else the city's (service.queue_of)")
    district_known: bool = Field(description="false: no street or case named, it is in the city queue")
    withdrawn: bool = False
    answer: str | None = Field(default=None, description="the answer sent, only to the proven phone it was filed from")


@router.post("/complaints/{reference}/status", response_model=MyComplaintOut, summary="我的投诉办得怎样了（投诉人本人）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def my_complaint(reference: ShortText(20), body: MyComplaintIn, session: SessionDep, actor: ActorDep) -> MyComplaintOut:
    """Where a complaint stands, for whoever filed it (the same phone); another phone's is not found (backend/service_desk/own.py)."""
    _caller(actor)
    return MyComplaintOut(**own.state(session, actor, own.mine(session, actor, reference, body.phone)))


@router.post("/complaints/{reference}/notes", response_model=MyComplaintOut, summary="补充投诉内容（投诉人本人）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}})
def add_complaint_note(reference: ShortText(20), body: MyComplaintNoteIn, session: SessionDep, actor: ActorDep) -> MyComplaintOut:
    _caller(actor)
    return MyComplaintOut(**own.state(session, actor, own.add_note(session, actor, reference, body.text, body.phone)))


@router.post("/complaints/{reference}/withdraw", response_model=MyComplaintOut, summary="撤回投诉（投诉人本人）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}})
def withdraw_complaint(reference: ShortText(20), body: MyComplaintIn, session: SessionDep, actor: ActorDep) -> MyComplaintOut:
    _caller(actor)
    return MyComplaintOut(**own.state(session, actor, own.withdraw(session, actor, reference, body.phone)))


class NamedRequestIn(BaseModel):
    reference: ShortText(20) = Field(examples=["HD000001"])
    phone: PhoneText | None = Field(default=None, description="the phone it was filed with (else the caller's proven one)")


class MyRequestsIn(BaseModel):
    named: list[NamedRequestIn] = Field(default_factory=list, max_length=20,
                                        description="requests filed in this conversation, each with the phone it was "
                                                    "filed with; one filed from another phone is left out")


class MyRequestOut(BaseModel):
    kind: str = Field(description="callback | complaint")
    reference: str = Field(examples=["HD000001"])
    label: str = Field(examples=["急难报告"], description="急难报告 | 加急回电 | 请工作人员回电 | 投诉")
    status: str = Field(description="service.STATUSES: new | in_progress | answered | closed")
    status_label: str = Field(examples=["新收到"], description="已撤回 for a complaint she withdrew")
    handled_by: str = Field(examples=["七星岗街道社会救助窗口"], description="who calls back, or whose queue has the complaint")
    due_day: str = Field(examples=["12月8日（星期二）"])
    open: bool = Field(description="still to be called back or answered")
    overdue: bool = Field(description="its day has passed")
    urgent: bool = False
    withdrawn: bool = False
    said: str = Field(examples=["急难报告（HD000001）：新收到，七星岗街道社会救助窗口会在今天打电话给您。"],
                      description="the line to say, as it stands")


@router.post("/service-desk/mine", response_model=list[MyRequestOut], summary="我报过的急难、回电请求和投诉（查进度）",
             responses={403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def my_requests(body: MyRequestsIn, session: SessionDep, actor: ActorDep) -> list[MyRequestOut]:
    """Her call-backs (急难 reports among them) and complaints, newest first, each with its status, who handles it and
    by when: those filed from her proven phone, and those named with the phone they were filed with. Listed with her
    applications when she asks for progress (backend/service_desk/own.py)."""
    _caller(actor)
    named = [(n.reference, n.phone) for n in body.named]
    return [MyRequestOut(**r) for r in own.requests_of(session, actor, named)]


class DeskItem(BaseModel):
    kind: str = Field(description="complaint | callback")
    id: int
    reference: str = Field(examples=["TS000012"])
    area_code: str | None
    queue: str | None = Field(description="the district whose queue it is in; null: the city queue (admins)")
    topic: str | None
    status: str = Field(description="new | in_progress | answered | closed")
    owner_id: int | None
    due: date = Field(description="answer by this day (working days, service_desk.service.DUE_WORKDAYS; urgent: that day)")
    urgent: bool = False


def _desk_item(session, kind: str, row) -> DeskItem:  # noqa: ANN001
    topic = row.topic if kind == "callback" else row.text[:60]
    return DeskItem(kind=kind, id=row.id, reference=service.reference(kind, row.id), area_code=row.area_code,
                    queue=service.queue_of(session, row), topic=topic, status=row.status, owner_id=row.owner_id,
                    due=service.due_of(kind, row), urgent=bool(getattr(row, "urgent", False)))


@router.get("/service-desk", response_model=list[DeskItem], summary="待处理的回电请求和投诉（工作人员）",
            responses={403: {"model": ErrorResponse}})
def desk(session: SessionDep, actor: ActorDep) -> list[DeskItem]:
    """Open requests (new, in progress, answered) this staff member sees: their district's queue — requests about
    its streets, or naming one of its applications; admins see every queue, the city queue (no area, no
    application) included. The same rule as the page /staff/desk (service_desk.service.visible)."""
    require_staff(actor)
    callbacks, complaints = service.open_items(session, actor)
    return [_desk_item(session, "callback", c) for c in callbacks] + [_desk_item(session, "complaint", c) for c in complaints]


