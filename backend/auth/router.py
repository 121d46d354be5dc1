"""Signing in: staff by password, applicants and helpers by a one-time code on their phone."""

from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import BaseModel, Field

from backend.audit.service import record as audit
from backend.auth import staff_login as sign_in, throttle, totp
from backend.auth.otp import check_code, send_code
from backend.auth.security import CITIZEN_TOKEN_MINUTES, STAFF_TOKEN_MINUTES, issue_citizen_token, issue_token
from backend.auth.actor import ActorDep, require_staff
from backend.auth.staff_login import LOCK_MINUTES, MAX_FAILED_LOGINS, unlock_staff
from backend.auth.throttle import ClientDep
from backend.core.crypto import get_vault
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse
from backend.core.fields import DbId, PhoneText, ShortText
from backend.core.phones import checked_phone

router = APIRouter(prefix="/auth", tags=["登录 auth"])

THROTTLED = (
    "请求太频繁时返回 429（带 Retry-After）。按手机号和来源地址计数；行动服务器用服务凭证代表聊天用户调用时，"
    f"所有用户共用它的地址，所以请带上 `{throttle.CONVERSATION_HEADER}`（对话编号），按手机号和对话计数，不按地址。"
)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="有效秒数", examples=[1800])


class PhoneIn(BaseModel):
    phone: PhoneText = Field(examples=["13812345678"])


class CodeIn(BaseModel):
    phone: PhoneText = Field(examples=["13812345678"])
    code: ShortText(8, min_length=4) = Field(examples=["123456"])


class SentOut(BaseModel):
    sent: bool = True
    message: str = Field(examples=["验证码已发送到138****5678，5分钟内有效。"])


class StaffTokenOut(TokenOut):
    notice: str | None = Field(None, description="给本人的提醒：上次登录以来账号有过连续输错、暂停登录时，说明次数和时间")


@router.post("/staff/login", response_model=StaffTokenOut, summary="工作人员登录",
             description=f"同一来源地址对同一账号连续输错{MAX_FAILED_LOGINS}次，这个地址暂停登录{LOCK_MINUTES}分钟；"
                         "别的地址（本人常用的电脑）照常登录。用户名不存在、密码不对、地址被暂停，回答完全一样（401 bad_credentials）。"
                         "账号设置了动态码时，带上 `totp_code`（没带：401 totp_required）；管理员在正式环境必须先在工作台设置动态码"
                         "（403 totp_enrolment_required）。请求太频繁时返回 429（带 Retry-After），按来源地址、按账号和地址计数。",
             responses={401: {"model": ErrorResponse}, 403: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def staff_login(
    session: SessionDep,
    client: ClientDep,
    username: Annotated[ShortText(64), Form(examples=["yuzhong_caseworker"])],  # staff_users.username
    # Bounded so that a megabyte "password" cannot make argon2 hash a megabyte.
    password: Annotated[ShortText(256), Form()],
    totp_code: Annotated[ShortText(16) | None, Form(description="验证器上的6位动态码（设置了动态码的账号）")] = None,
) -> StaffTokenOut:
    throttle.staff_login(client, username)
    staff = sign_in.check_password(session, username, password, client)
    step = sign_in.next_step(staff)
    if step == "enrol":
        raise sign_in.EnrolmentNeeded()
    if step == "totp":
        if not totp_code:
            raise sign_in.CodeNeeded()
        sign_in.check_code(session, staff, totp_code, client)
    notice = sign_in.signed_in(session, staff, client, channel="api")
    token, _ = issue_token({"sub": str(staff.id), "kind": "staff"}, STAFF_TOKEN_MINUTES)
    return StaffTokenOut(access_token=token, expires_in=STAFF_TOKEN_MINUTES * 60, notice=notice)


@router.post("/otp/request", response_model=SentOut, summary="给手机发验证码（申请人、帮办人）",
             description=THROTTLED, responses={422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def request_code(body: PhoneIn, session: SessionDep, client: ClientDep) -> SentOut:
    phone = checked_phone(body.phone)
    throttle.code_request(client, phone)
    send_code(session, phone, "login", "otp_login")
    return SentOut(message=f"验证码已发送到{phone[:3]}****{phone[-4:]}，5分钟内有效。")


@router.post("/otp/verify", response_model=TokenOut, summary="用验证码换取身份令牌",
             description=THROTTLED, responses={400: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def verify_code(body: CodeIn, session: SessionDep, client: ClientDep) -> TokenOut:
    phone = checked_phone(body.phone)
    check_code(session, phone, "login", body.code, client=client)
    phone_hash = get_vault().lookup_hash(phone)
    token, _ = issue_citizen_token(phone_hash)
    audit(session, actor=f"citizen:{phone_hash[:12]}", channel="api", action="citizen.verify_phone",
          entity_type="phone", entity_id=phone_hash[:12], detail={})
    return TokenOut(access_token=token, expires_in=CITIZEN_TOKEN_MINUTES * 60)


class UnlockIn(BaseModel):
    reason: ShortText(200, min_length=2) = Field(examples=["本人来电，已核实身份"])


class UnlockOut(BaseModel):
    username: str
    unlocked: bool = True


@router.post("/staff/{staff_id}/unlock", response_model=UnlockOut, summary="解除工作人员账号在各地址的暂停登录（管理员，留痕）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def unlock(staff_id: DbId, body: UnlockIn, session: SessionDep, actor: ActorDep) -> UnlockOut:
    require_staff(actor, "admin")
    staff = unlock_staff(session, staff_id=staff_id, by=actor.label, reason=body.reason)
    return UnlockOut(username=staff.username)


class TotpResetOut(BaseModel):
    username: str
    totp_enabled: bool = False


@router.post("/staff/{staff_id}/totp/reset", response_model=TotpResetOut, summary="重置工作人员的动态码（管理员，留痕）",
             description="本人换了手机、丢了验证器时用；下次登录时重新设置。",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def reset_totp(staff_id: DbId, body: UnlockIn, session: SessionDep, actor: ActorDep) -> TotpResetOut:
    require_staff(actor, "admin")
    staff = totp.reset(session, staff_id=staff_id, by=actor.label, reason=body.reason)
    return TotpResetOut(username=staff.username)
