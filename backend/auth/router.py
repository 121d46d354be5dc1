"""Signing in: staff by password, applicants and helpers by a one-time code on their phone."""

from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import BaseModel, Field

from backend.audit.service import record as audit
from backend.auth import throttle
from backend.auth.otp import check_code, send_code
from backend.auth.security import CITIZEN_TOKEN_MINUTES, STAFF_TOKEN_MINUTES, issue_citizen_token, issue_token
from backend.auth.actor import ActorDep, require_staff
from backend.auth.staff_login import LOCK_MINUTES, MAX_FAILED_LOGINS, authenticate_staff, unlock_staff
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


@router.post("/staff/login", response_model=TokenOut, summary="工作人员登录",
             description=f"密码连续输错{MAX_FAILED_LOGINS}次，账号锁定{LOCK_MINUTES}分钟（423）。"
                         "请求太频繁时返回 429（带 Retry-After），按账号和来源地址计数。",
             responses={401: {"model": ErrorResponse}, 423: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def staff_login(
    session: SessionDep,
    client: ClientDep,
    username: Annotated[ShortText(64), Form(examples=["yuzhong_caseworker"])],  # staff_users.username
    # Bounded so that a megabyte "password" cannot make argon2 hash a megabyte.
    password: Annotated[ShortText(256), Form()],
) -> TokenOut:
    throttle.staff_login(client, username)
    staff = authenticate_staff(session, username, password)
    token, _ = issue_token({"sub": str(staff.id), "kind": "staff"}, STAFF_TOKEN_MINUTES)
    audit(session, actor=f"staff:{staff.id}", channel="api", action="staff.login", entity_type="staff",
          entity_id=staff.id, detail={})
    return TokenOut(access_token=token, expires_in=STAFF_TOKEN_MINUTES * 60)


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


@router.post("/staff/{staff_id}/unlock", response_model=UnlockOut, summary="解除工作人员账号锁定（管理员，留痕）",
             responses={403: {"model": ErrorResponse}, 404: {"model": ErrorResponse}})
def unlock(staff_id: DbId, body: UnlockIn, session: SessionDep, actor: ActorDep) -> UnlockOut:
    require_staff(actor, "admin")
    staff = unlock_staff(session, staff_id=staff_id, by=actor.label, reason=body.reason)
    return UnlockOut(username=staff.username)
