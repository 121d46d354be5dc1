"""The backend side of the WeChat channel (docs: the contract of issue #14): sending the bot's replies,
following and unfollowing, binding, unbinding and a bound user's session. Service token only; every
call audited; 503 while WECHAT_APP_ID / WECHAT_APP_SECRET are not set."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from backend.auth.actor import Actor, ActorDep
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, Forbidden
from backend.core.fields import PhoneText, ShortText, Text
from backend.wechat import service

router = APIRouter(prefix="/wechat", tags=["微信 wechat"])

OpenId = ShortText(64, min_length=8)
ERRORS = {403: {"model": ErrorResponse}, 503: {"model": ErrorResponse, "description": "没有设置微信公众号的 AppID/AppSecret"}}


def _channel(actor: Actor, *, citizen: bool = False) -> Actor:
    """Only the WeChat channel or the action server (service token), for binding with a citizen token too."""
    if actor.kind == "service" or (citizen and actor.kind == "citizen" and actor.via_service):
        service.wechat_api()  # 503 while WeChat is not configured
        return actor
    raise Forbidden("只有微信渠道和行动服务器可以调用。", code="service_only")


class SendIn(BaseModel):
    openid: OpenId
    texts: list[Text(4000, min_length=1)] = Field(min_length=1, max_length=20)


class SendOut(BaseModel):
    sent: int = Field(description="发出的客服消息条数（长文本会拆成几条）")


@router.post("/send", response_model=SendOut, summary="用客服消息把回复发给微信用户（微信渠道调用）",
             responses={**ERRORS, 502: {"model": ErrorResponse, "description": "微信拒绝或连不上"}})
def send(body: SendIn, session: SessionDep, actor: ActorDep) -> SendOut:
    _channel(actor)
    return SendOut(sent=service.send(session, actor=actor, openid=body.openid, texts=body.texts))


class SubscriptionIn(BaseModel):
    openid: OpenId
    action: Literal["subscribe", "unsubscribe"]


class ReplyOut(BaseModel):
    reply: str | None


@router.post("/subscription", response_model=ReplyOut, summary="关注/取消关注公众号（微信渠道调用）", responses=ERRORS)
def subscription(body: SubscriptionIn, session: SessionDep, actor: ActorDep) -> ReplyOut:
    _channel(actor)
    return ReplyOut(reply=service.follow(session, actor=actor, openid=body.openid, following=body.action == "subscribe"))


class OpenIdIn(BaseModel):
    openid: OpenId


class BindIn(OpenIdIn):
    phone: PhoneText | None = Field(None, description="刚验证的手机号（可选；填了就必须是令牌里的号码）")


@router.post("/unbind", response_model=ReplyOut, summary="解除微信绑定（微信渠道调用）", responses=ERRORS)
def unbind(body: OpenIdIn, session: SessionDep, actor: ActorDep) -> ReplyOut:
    _channel(actor)
    return ReplyOut(reply=service.unbind(session, actor=actor, openid=body.openid))


@router.post("/bindings", response_model=ReplyOut, status_code=201,
             summary="把微信和刚用验证码验证的手机号绑定（行动服务器调用，带 X-Citizen-Token）",
             responses={**ERRORS, 409: {"model": ErrorResponse, "description": "这个微信已绑定另一个手机号：先解绑"}})
def bind(body: BindIn, session: SessionDep, actor: ActorDep) -> ReplyOut:
    _channel(actor, citizen=True)
    return ReplyOut(reply=service.bind(session, actor=actor, openid=body.openid, phone=body.phone))


class SessionIn(OpenIdIn):
    phone: PhoneText | None = Field(None, description="要用的手机号（可选）：绑定的不是这个号码时 404")


class SessionOut(BaseModel):
    citizen_token: str
    phone: str = Field(description="绑定的手机号（打码）", examples=["138****1111"])
    reply: str = Field(description="可以告诉用户的一句话")


@router.post("/session", response_model=SessionOut, summary="已绑定的微信用户的身份令牌（行动服务器调用）",
             responses={**ERRORS, 404: {"model": ErrorResponse, "description": "没有绑定（或绑定的是另一个号码）"}})
def citizen_session(body: SessionIn, session: SessionDep, actor: ActorDep) -> SessionOut:
    _channel(actor)
    found = service.session_for(session, actor=actor, openid=body.openid, phone=body.phone)
    return SessionOut(citizen_token=found.citizen_token, phone=found.phone, reply=found.reply)
