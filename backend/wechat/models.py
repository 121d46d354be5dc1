"""WeChat bindings: which OpenID (a follower of the 公众号) speaks for which verified phone.

In this system a citizen is who proved a phone with a code (a citizen token carries the phone's keyed
hash), so a binding ties the OpenID to that phone, and to the person on file with it when there is one.
One row per OpenID, ever (history is in the audit chain): bound while `phone_hash` is set. The OpenID is
personal data: kept encrypted with the vault, found by its keyed hash.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class WeChatBinding(Base):
    __tablename__ = "wechat_bindings"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    openid_cipher: Mapped[str] = mapped_column(String(255))
    # The verified phone this OpenID speaks for; None while not bound.
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(11))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    bound_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    unbound_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Following the account: WeChat delivers template messages only to followers. Unfollowing sends notices by SMS.
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    subscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[Timestamp]
