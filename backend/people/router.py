"""Reading a person's full ID number: staff only, own district, and every read is audited."""

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.auth.actor import ActorDep, require_staff
from backend.core.crypto import get_vault
from backend.core.idnumber import InvalidIdNumber, parse
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, Forbidden, NotFound
from backend.households.models import HouseholdMember
from backend.people.models import Person

router = APIRouter(prefix="/persons", tags=["个人信息 persons"])


class IdentityOut(BaseModel):
    person_id: int
    name: str
    id_number: str = Field(examples=["11010519491231002X"])
    phone: str | None = Field(examples=["13812345678"])


@router.get("/{person_id}/identity", response_model=IdentityOut, summary="查看完整身份证号和手机号（留痕）",
            responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def read_identity(person_id: int, reason: str, session: SessionDep, actor: ActorDep) -> IdentityOut:
    require_staff(actor, "caseworker", "reviewer")
    person = session.get(Person, person_id)
    if person is None or person.id_cipher is None:
        raise NotFound("没有找到这个人的身份信息。")
    districts = set(session.scalars(
        select(Application.district_code)
        .join(HouseholdMember, HouseholdMember.household_id == Application.household_id)
        .where(HouseholdMember.person_id == person_id)
    ))
    if actor.district_code not in districts:
        raise Forbidden("只能查看本辖区申请人的信息。", code="other_district")
    vault = get_vault()
    audit(session, actor=actor.label, channel=actor.channel, action="person.read_identity", entity_type="person",
          entity_id=person_id, detail={"reason": reason})
    return IdentityOut(person_id=person.id, name=person.name, id_number=vault.decrypt(person.id_cipher),
                       phone=vault.decrypt(person.phone_cipher) if person.phone_cipher else None)


class IdCheckIn(BaseModel):
    id_number: str = Field(examples=["11010519491231002X"])


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
