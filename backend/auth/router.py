"""Signing in: staff by password, applicants and helpers by a one-time code on their phone."""

from typing import Annotated

from fastapi import APIRouter, Form
from pydantic import BaseModel, Field
from sqlalchemy import select

from backend.audit.service import record as audit
from backend.auth.otp import check_code, send_code
from backend.auth.security import CITIZEN_TOKEN_MINUTES, STAFF_TOKEN_MINUTES, issue_token, verify_password
from backend.core.crypto import get_vault
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, Unauthorized
from backend.people.service import checked_phone
from backend.staff.models import StaffUser

router = APIRouter(prefix="/auth", tags=["登录 auth"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="有效秒数", examples=[1800])


class PhoneIn(BaseModel):
    phone: str = Field(examples=["13812345678"])


class CodeIn(BaseModel):
    phone: str = Field(examples=["13812345678"])
    code: str = Field(min_length=4, max_length=8, examples=["123456"])


class SentOut(BaseModel):
    sent: bool = True
    message: str = Field(examples=["验证码已发送到138****5678，5分钟内有效。"])


@router.post("/staff/login", response_model=TokenOut, summary="工作人员登录",
             responses={401: {"model": ErrorResponse}})
def staff_login(
    session: SessionDep,
    username: Annotated[str, Form(examples=["yuzhong_caseworker"])],
    password: Annotated[str, Form()],
) -> TokenOut:
    staff = session.scalars(select(StaffUser).where(StaffUser.username == username)).first()
    if not verify_password(password, staff.password_hash if staff else None) or not staff or not staff.active:
        raise Unauthorized("用户名或密码不对。", code="bad_credentials")
    token, _ = issue_token({"sub": str(staff.id), "kind": "staff"}, STAFF_TOKEN_MINUTES)
    audit(session, actor=f"staff:{staff.id}", channel="api", action="staff.login", entity_type="staff",
          entity_id=staff.id, detail={})
    return TokenOut(access_token=token, expires_in=STAFF_TOKEN_MINUTES * 60)


@router.post("/otp/request", response_model=SentOut, summary="给手机发验证码（申请人、帮办人）",
             responses={422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}})
def request_code(body: PhoneIn, session: SessionDep) -> SentOut:
    phone = checked_phone(body.phone)
    send_code(session, phone, "login", "otp_login")
    return SentOut(message=f"验证码已发送到{phone[:3]}****{phone[-4:]}，5分钟内有效。")


@router.post("/otp/verify", response_model=TokenOut, summary="用验证码换取身份令牌",
             responses={400: {"model": ErrorResponse}})
def verify_code(body: CodeIn, session: SessionDep) -> TokenOut:
    phone = checked_phone(body.phone)
    check_code(session, phone, "login", body.code)
    phone_hash = get_vault().lookup_hash(phone)
    token, _ = issue_token({"sub": phone_hash, "kind": "citizen"}, CITIZEN_TOKEN_MINUTES)
    audit(session, actor=f"citizen:{phone_hash[:12]}", channel="api", action="citizen.verify_phone",
          entity_type="phone", entity_id=phone_hash[:12], detail={})
    return TokenOut(access_token=token, expires_in=CITIZEN_TOKEN_MINUTES * 60)
