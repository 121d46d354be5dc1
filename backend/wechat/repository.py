"""Every query on WeChat bindings."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.crypto import get_vault
from backend.wechat.models import WeChatBinding


def by_openid(session: Session, openid: str) -> WeChatBinding | None:
    return session.scalars(select(WeChatBinding).where(WeChatBinding.openid_hash == get_vault().lookup_hash(openid))).first()


def notice_openids(session: Session, phone_hashes: Iterable[str]) -> dict[str, str]:
    """Per phone, the encrypted OpenID its notices may go to: bound and following (the latest binding wins)."""
    rows = session.execute(
        select(WeChatBinding.phone_hash, WeChatBinding.openid_cipher)
        .where(WeChatBinding.phone_hash.in_(set(phone_hashes)), WeChatBinding.subscribed.is_(True))
        .order_by(WeChatBinding.bound_at)
    ).all()
    return {phone_hash: cipher for phone_hash, cipher in rows}


def mark_unfollowed(session: Session, openid_cipher: str) -> None:
    """WeChat said this OpenID does not follow the account (43004): its notices go by SMS from now on."""
    row = session.scalars(select(WeChatBinding).where(WeChatBinding.openid_cipher == openid_cipher)).first()
    if row is not None and row.subscribed:
        row.subscribed = False
