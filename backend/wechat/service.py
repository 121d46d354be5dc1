"""Binding a WeChat OpenID to a verified phone, unbinding it, following and unfollowing, and sending replies.

Trust: an OpenID is bound only by a caller holding a citizen token — a phone proved with a code, under
the API's usual rules (backend/auth) — and the action server asks for it in the conversation of that
OpenID. A bound OpenID then gets a citizen token for that phone without a new code (`session_for`): the
OpenID itself is vouched for by the WeChat channel, which checks WeChat's signature on every message.

One active binding per OpenID. Binding an OpenID that speaks for another phone is refused (409): the
person first replies “解绑”, then proves the new phone. A silent replacement would let whoever holds a
WeChat account and someone else's code move that person's notices without anyone noticing; the refusal
costs one message. Every change, and every citizen token handed out, is in the audit chain (the OpenID
and the phone appear there only as the first characters of their keyed hashes).
"""

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.auth.security import issue_citizen_token
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.errors import AppError, Conflict, Forbidden, NotFound, Unavailable
from backend.core.idnumber import mask_phone
from backend.core.phones import checked_phone
from backend.core.templates import render_text
from backend.people.models import Person
from backend.wechat import repository
from backend.wechat.client import WeChatApi, WeChatError, get_wechat_api, mask_openid
from backend.wechat.models import WeChatBinding

log = logging.getLogger(__name__)


class WeChatSendFailed(AppError):
    status_code = 502
    code = "wechat_send_failed"
    message = "微信消息没有发出去，请稍后再试。"
    keep_changes = True  # the audit entry of what did go out


def wechat_api() -> WeChatApi:
    api = get_wechat_api()
    if api is None:
        raise Unavailable("微信公众号没有开通（没有设置 WECHAT_APP_ID 和 WECHAT_APP_SECRET），请用短信或网页聊天。",
                          code="wechat_not_configured")
    return api


def _ref(openid: str) -> str:
    return get_vault().lookup_hash(openid)[:12]


def _audit(session: Session, actor: Actor, action: str, openid: str, **detail: object) -> None:
    audit(session, actor=actor.label, channel="wechat", action=action, entity_type="wechat_openid",
          entity_id=_ref(openid), detail=detail)


def bind(session: Session, *, actor: Actor, openid: str, phone: str | None = None) -> str:
    """Tie the OpenID to the phone the caller proved; the reply to show."""
    if actor.kind != "citizen" or not actor.phone_hash:
        raise Forbidden("请先用手机验证码验证身份。", code="citizen_required")
    masked = None
    if phone is not None:
        phone = checked_phone(phone)
        if not actor.holds(phone):
            raise Forbidden("这个手机号不是刚才验证的号码。", code="phone_not_verified")
        masked = mask_phone(phone)
    person = session.scalars(select(Person).where(Person.phone_hash == actor.phone_hash).order_by(Person.id.desc())).first()
    masked = masked or (person.phone_masked if person else None) or "已验证的号码"
    row = repository.by_openid(session, openid)
    if row is not None and row.phone_hash == actor.phone_hash:
        return render_text("wechat/bound.txt.j2", phone=row.phone_masked or masked, again=True)
    if row is not None and row.phone_hash is not None:
        raise Conflict(render_text("wechat/bound_elsewhere.txt.j2", phone=row.phone_masked), code="wechat_bound_elsewhere")
    now = clock.now_utc()
    if row is None:
        row = WeChatBinding(openid_hash=get_vault().lookup_hash(openid), openid_cipher=get_vault().encrypt(openid),
                            subscribed=True, subscribed_at=now)
        session.add(row)
    row.phone_hash, row.phone_masked, row.person_id = actor.phone_hash, masked, person.id if person else None
    row.bound_at, row.unbound_at = now, None
    session.flush()
    _audit(session, actor, "wechat.bind", openid, person_id=row.person_id)
    return render_text("wechat/bound.txt.j2", phone=masked, again=False)


def unbind(session: Session, *, actor: Actor, openid: str) -> str:
    row = repository.by_openid(session, openid)
    was_bound = row is not None and row.phone_hash is not None
    if was_bound:
        _audit(session, actor, "wechat.unbind", openid, person_id=row.person_id, phone=row.phone_hash[:12])
        row.phone_hash, row.phone_masked, row.person_id, row.unbound_at = None, None, None, clock.now_utc()
        session.flush()
    return render_text("wechat/unbound.txt.j2", was_bound=was_bound)


@dataclass(frozen=True)
class CitizenSession:
    citizen_token: str
    phone: str
    reply: str


def session_for(session: Session, *, actor: Actor, openid: str, phone: str | None = None) -> CitizenSession:
    """A citizen token for the phone this OpenID is bound to; 404 when it is not bound (or, when `phone` is
    given, bound to another phone: then that phone needs its own code)."""
    row = repository.by_openid(session, openid)
    if row is None or row.phone_hash is None:
        raise NotFound("这个微信还没有绑定手机号。", code="wechat_not_bound")
    if phone is not None and get_vault().lookup_hash(checked_phone(phone)) != row.phone_hash:
        raise NotFound("这个微信绑定的是另一个手机号。", code="wechat_other_phone")
    token, _ = issue_citizen_token(row.phone_hash)
    _audit(session, actor, "wechat.session", openid, phone=row.phone_hash[:12])
    return CitizenSession(citizen_token=token, phone=row.phone_masked or "",
                          reply=render_text("wechat/session.txt.j2", phone=row.phone_masked or ""))


def follow(session: Session, *, actor: Actor, openid: str, following: bool) -> str | None:
    """A subscribe or unsubscribe event: the welcome text, or None. Unfollowing sends notices by SMS."""
    row = repository.by_openid(session, openid)
    if row is not None and row.subscribed != following:
        row.subscribed = following
        if following:
            row.subscribed_at = clock.now_utc()
        else:
            row.unsubscribed_at = clock.now_utc()
    _audit(session, actor, "wechat.subscribe" if following else "wechat.unsubscribe", openid, bound=bool(row and row.phone_hash))
    return render_text("wechat/welcome.txt.j2") if following else None


def send(session: Session, *, actor: Actor, openid: str, texts: list[str]) -> int:
    """Send the bot's replies as 客服消息; the number of WeChat messages (long texts are split)."""
    api = wechat_api()
    sent = 0
    try:
        for text in texts:
            sent += api.send_text(openid, text)
    except WeChatError as exc:
        log.warning("wechat send to %s failed after %s messages: %s", mask_openid(openid), sent, exc)
        raise WeChatSendFailed(details={"sent": sent, "errcode": exc.errcode}) from exc
    finally:
        _audit(session, actor, "wechat.send", openid, messages=sent)
    return sent
