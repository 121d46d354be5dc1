"""Who is calling: a staff member, a citizen (applicant or helper, identified by phone), or the action server.

The action server authenticates with SERVICE_TOKEN. When it speaks for a person in a conversation it
also passes that person's citizen token (obtained through a one-time code), and then acts as them.
"""

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Header

from backend.auth.security import is_service_token, read_token
from backend.auth.throttle import Client, ClientDep
from backend.core.crypto import get_vault
from backend.core.db import SessionDep
from backend.core.errors import Forbidden, Unauthorized
from backend.staff.models import StaffUser

CHANNELS = {"web", "chat", "sms", "wechat", "counter", "miniapp", "api"}


@dataclass(frozen=True)
class Actor:
    kind: str  # staff | citizen | service
    channel: str
    staff_id: int | None = None
    role: str | None = None  # caseworker | reviewer | admin
    district_code: str | None = None
    phone_hash: str | None = None
    via_service: bool = False
    # Where the call comes from, for throttling (an address, or the conversation behind the action server).
    client: Client | None = None

    @property
    def label(self) -> str:
        if self.kind == "staff":
            return f"staff:{self.staff_id}"
        if self.kind == "citizen":
            return f"citizen:{(self.phone_hash or '')[:12]}"
        return "service:actions"

    def holds(self, phone: str) -> bool:
        """Is this (normalised) phone the one the caller proved with a code? The one place that compares."""
        return bool(self.phone_hash) and get_vault().lookup_hash(phone) == self.phone_hash


def staff_actor(staff: StaffUser, channel: str) -> Actor:
    """The Actor of a signed-in staff member: the same for the JSON API (a Bearer token) and the
    workbench pages (a session cookie), so every service sees one kind of staff caller."""
    return Actor(kind="staff", channel=channel, staff_id=staff.id, role=staff.role, district_code=staff.district_code)


def _citizen(claims: dict, channel: str, via_service: bool) -> Actor:
    return Actor(kind="citizen", channel=channel, phone_hash=claims["sub"], via_service=via_service)


def resolve_actor(session, authorization: str | None, citizen_token: str | None, channel: str | None) -> Actor | None:
    if not authorization or not authorization.lower().startswith("bearer "):
        return None
    token = authorization[7:].strip()
    chan = channel if channel in CHANNELS else None
    if is_service_token(token):
        if citizen_token:
            claims = read_token(citizen_token)
            if not claims or claims.get("kind") != "citizen":
                raise Unauthorized("身份验证已过期，请重新获取验证码。", code="citizen_token_invalid")
            return _citizen(claims, chan or "chat", via_service=True)
        return Actor(kind="service", channel=chan or "chat")
    claims = read_token(token)
    if not claims:
        raise Unauthorized("登录已过期，请重新登录。", code="token_invalid")
    if claims.get("kind") == "staff":
        staff = session.get(StaffUser, int(claims["sub"]))
        if staff is None or not staff.active:
            raise Unauthorized("账号不可用，请联系管理员。", code="staff_inactive")
        return staff_actor(staff, chan or "api")
    if claims.get("kind") == "citizen":
        return _citizen(claims, chan or "web", via_service=False)
    raise Unauthorized()


def current_actor(
    session: SessionDep,
    client: ClientDep,
    authorization: Annotated[str | None, Header(description="Bearer 令牌：工作人员、群众或服务凭证")] = None,
    x_citizen_token: Annotated[str | None, Header(description="服务凭证代表群众操作时，群众的验证令牌")] = None,
    x_channel: Annotated[str | None, Header(description="渠道：chat, sms, web, counter")] = None,
) -> Actor:
    actor = resolve_actor(session, authorization, x_citizen_token, x_channel)
    if actor is None:
        raise Unauthorized()
    return replace(actor, client=client)


ActorDep = Annotated[Actor, Depends(current_actor)]


def require_staff(actor: Actor, *roles: str) -> Actor:
    if actor.kind != "staff" or (roles and actor.role not in roles):
        raise Forbidden("这项操作只有工作人员可以办理。" if not roles else "您的岗位不能办理这项操作。")
    return actor


def require_citizen(actor: Actor) -> Actor:
    if actor.kind != "citizen":
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    return actor
