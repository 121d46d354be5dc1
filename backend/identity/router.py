"""A person's identity: reading the full ID number (staff of their district, audited), checking an ID
number, and the phone on record — proven by a code on it, changed only through the old phone or by a
caseworker who saw the person (audited, with a reason)."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from backend.delegations.repository import person_districts
from backend.audit.service import record as audit
from backend.auth.actor import ActorDep, require_citizen, require_staff
from backend.auth import throttle
from backend.auth.otp import check_code, send_code
from backend.auth.throttle import ClientDep
from backend.auth.security import CITIZEN_TOKEN_MINUTES, issue_token
from backend.core.idnumber import InvalidIdNumber, mask_phone, parse
from backend.core.db import SessionDep
from backend.core.errors import AppError, ErrorResponse, Forbidden, NotFound
from backend.core.fields import DbId, IdNumberText, PersonName, PhoneText, ShortText
from backend.identity.service import reveal
from backend.people.models import Person
from backend.people.service import bind_phone, find_by_id_number, find_named, recorded_phone, same_name
from backend.core.phones import checked_phone

router = APIRouter(prefix="/persons", tags=["个人信息 persons"])


class IdentityOut(BaseModel):
    person_id: int
    name: str
    id_number: str = Field(examples=["11010519491231002X"])
    phone: str | None = Field(examples=["13812345678"])


@router.get("/{person_id}/identity", response_model=IdentityOut, summary="查看完整身份证号和手机号（留痕）",
            responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def read_identity(person_id: DbId, reason: ShortText(200, min_length=2), session: SessionDep,
                  actor: ActorDep) -> IdentityOut:
    found = reveal(session, actor, person_id, reason)
    return IdentityOut(person_id=found.person_id, name=found.name, id_number=found.id_number, phone=found.phone)


class IdCheckIn(BaseModel):
    id_number: IdNumberText = Field(examples=["11010519491231002X"])


class IdCheckOut(BaseModel):
    valid: bool
    message: str | None = Field(examples=["身份证号码的最后一位（校验位）对不上，可能有一位输错了，请再核对一下。"])
    masked: str | None = Field(examples=["110105********002X"])
    birth_date: str | None = None
    sex: str | None = None


@router.post("/check-id", response_model=IdCheckOut, summary="检查身份证号码（校验位、出生日期），不保存")
def check_id(body: IdCheckIn) -> IdCheckOut:
    try:
        parsed = parse(body.id_number)
    except InvalidIdNumber as exc:
        return IdCheckOut(valid=False, message=str(exc), masked=None)
    return IdCheckOut(valid=True, message=None, masked=parsed.masked, birth_date=parsed.birth_date.isoformat(), sex=parsed.sex)


class NameCheckIn(BaseModel):
    name: PersonName = Field(examples=["何德明"])
    id_number: IdNumberText = Field(examples=["500222194203060034"])


class NameCheckOut(BaseModel):
    matches: bool | None = Field(description="false: the number is recorded under another name; null: not recorded, "
                                             "nothing to compare (the recorded name is never told)")


@router.post("/check-name", response_model=NameCheckOut, summary="名字和身份证号对不对得上（对话里说号码时先说一声），不保存",
             responses={403: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def check_name(body: NameCheckIn, session: SessionDep, actor: ActorDep) -> NameCheckOut:
    """Whether a name goes with an ID number on record, asked by the chat when the number is given: a daughter's 急难
    report for her father looped on "对不上" at filing. Only through the action server; only yes, no or not recorded."""
    if actor.kind != "service" and not actor.via_service:
        raise Forbidden("这项查询只在对话里使用。", code="chat_only")
    person = find_by_id_number(session, body.id_number)
    if person is None:
        return NameCheckOut(matches=None)
    matches = same_name(person.name) == same_name(body.name)
    # A read of a person's record like any other: audited (who asked, whether it matched; never the number or the name).
    audit(session, actor=actor.label, channel=actor.channel, action="person.check_name", entity_type="person",
          entity_id=person.id, detail={"matches": matches})
    return NameCheckOut(matches=matches)


# --- A person's phone: proven by a code on it, changed only through the old phone or a caseworker. ---

class PersonIn(BaseModel):
    name: PersonName = Field(examples=["张秀英"])
    id_number: ShortText(24, min_length=15) = Field(examples=["11010519491231002X"])


class CodeSentOut(BaseModel):
    phone_masked: str = Field(examples=["138****1111"])
    message: str


class RecordCodeIn(PersonIn):
    code: ShortText(8, min_length=4) = Field(examples=["123456"])


class CitizenTokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    phone_masked: str


class PhoneChangeCodeIn(PersonIn):
    new_phone: PhoneText = Field(description="新手机号：必须是调用者已验证的号码", examples=["13900002222"])


class PhoneChangeIn(PhoneChangeCodeIn):
    code: ShortText(8, min_length=4) = Field(description="旧手机收到的验证码", examples=["123456"])


class StaffPhoneIn(BaseModel):
    phone: PhoneText = Field(examples=["13900002222"])
    reason: ShortText(200, min_length=4) = Field(examples=["本人持身份证到窗口，原号码已停用"])


class NoPhoneOnRecord(AppError):
    status_code = 409
    code = "no_phone_on_record"
    message = "这个身份证号还没有登记手机号。用您自己的手机验证后就可以直接办理。"


def _recorded(session, body: PersonIn) -> tuple[Person, str]:  # noqa: ANN001
    person = find_named(session, name=body.name, id_number=body.id_number)
    phone = recorded_phone(person) if person else None
    if person is None or phone is None:
        raise NoPhoneOnRecord()
    return person, phone


@router.post("/record-phone/code", response_model=CodeSentOut, summary="往身份证号登记的手机发验证码（本人换了设备、不记得号码时）",
             responses={409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def code_to_recorded_phone(body: PersonIn, session: SessionDep, client: ClientDep) -> CodeSentOut:
    """The code goes only to the phone already on record: whoever answers it holds that phone."""
    _, phone = _recorded(session, body)
    throttle.code_request(client, phone)
    send_code(session, phone, "login", "otp_login")
    return CodeSentOut(phone_masked=mask_phone(phone),
                       message=f"验证码已发到登记的手机{mask_phone(phone)}，5分钟内有效。")


@router.post("/record-phone/verify", response_model=CitizenTokenOut, summary="用登记手机收到的验证码验证身份",
             responses={400: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}})
def verify_recorded_phone(body: RecordCodeIn, session: SessionDep, client: ClientDep) -> CitizenTokenOut:
    person, phone = _recorded(session, body)
    check_code(session, phone, "login", body.code, client=client)
    token, _ = issue_token({"sub": person.phone_hash, "kind": "citizen"}, CITIZEN_TOKEN_MINUTES)
    audit(session, actor=f"citizen:{person.phone_hash[:12]}", channel="api", action="citizen.verify_recorded_phone",
          entity_type="person", entity_id=person.id, detail={})
    return CitizenTokenOut(access_token=token, expires_in=CITIZEN_TOKEN_MINUTES * 60, phone_masked=mask_phone(phone))


def _new_phone_is_callers(actor, new_phone: str) -> str:  # noqa: ANN001
    require_citizen(actor)
    phone = checked_phone(new_phone)
    if not actor.holds(phone):
        raise Forbidden("新手机号要先用验证码验证过，请用新手机号登录后再改。", code="new_phone_unverified")
    return phone


@router.post("/phone-change/code", response_model=CodeSentOut, summary="改手机号：往原来登记的手机发验证码",
             responses={403: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def phone_change_code(body: PhoneChangeCodeIn, session: SessionDep, actor: ActorDep) -> CodeSentOut:
    new_phone = _new_phone_is_callers(actor, body.new_phone)
    _, old_phone = _recorded(session, body)
    throttle.code_request(actor.client, old_phone, "phone_change")
    send_code(session, old_phone, "phone_change", "otp_phone_change", new_masked=mask_phone(new_phone))
    return CodeSentOut(phone_masked=mask_phone(old_phone),
                       message=f"验证码已发到原来登记的手机{mask_phone(old_phone)}。原号码已经不用了的，请带身份证到街道（乡镇）窗口改。")


@router.post("/phone-change", response_model=CodeSentOut, summary="改手机号：用原手机收到的验证码确认",
             responses={400: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 409: {"model": ErrorResponse}})
def phone_change(body: PhoneChangeIn, session: SessionDep, actor: ActorDep) -> CodeSentOut:
    new_phone = _new_phone_is_callers(actor, body.new_phone)
    person, old_phone = _recorded(session, body)
    check_code(session, old_phone, "phone_change", body.code, client=actor.client)
    bind_phone(person, new_phone)
    audit(session, actor=actor.label, channel=actor.channel, action="person.change_phone", entity_type="person",
          entity_id=person.id, detail={"how": "code_on_old_phone", "from": mask_phone(old_phone), "to": mask_phone(new_phone)})
    return CodeSentOut(phone_masked=mask_phone(new_phone), message=f"手机号已改成{mask_phone(new_phone)}。")


@router.post("/{person_id}/phone", response_model=CodeSentOut, summary="工作人员核实本人后改手机号（必须写明理由，留痕）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def staff_change_phone(person_id: DbId, body: StaffPhoneIn, session: SessionDep, actor: ActorDep) -> CodeSentOut:
    require_staff(actor, "caseworker")
    person = session.get(Person, person_id)
    if person is None or actor.district_code not in person_districts(session, person_id):
        raise NotFound("没有找到这个人。只能改本辖区申请里的人的手机号。", code="person_not_found")
    old = person.phone_masked
    bind_phone(person, body.phone)
    audit(session, actor=actor.label, channel=actor.channel, action="person.change_phone", entity_type="person",
          entity_id=person.id, detail={"how": "staff_saw_person", "reason": body.reason, "from": old, "to": person.phone_masked})
    return CodeSentOut(phone_masked=person.phone_masked or "", message=f"手机号已改成{person.phone_masked}，已留痕。")
