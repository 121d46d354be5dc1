"""Requests for a person: call-backs (转人工) and complaints, for the street office to handle.

Both go through the same steps (service.STATUSES: new → in_progress → answered → closed), have an owner
(the staff member who took them) and an answer sent to the person by SMS through the outbox.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime


class DeskWork:
    """What the service desk records on a request: who took it, the answer and when (statuses in service.py)."""

    status: Mapped[str] = mapped_column(String(16), default="new")  # service.STATUSES
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # closed
    # The phone to answer is the caller's own, proven by a code (her signed-in phone). A number typed into the
    # chat is not: anyone may type anyone's number, so its SMS says only that there is an answer.
    phone_proven: Mapped[bool] = mapped_column(default=False, server_default=false())

    @declared_attr
    def owner_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("staff_users.id"))

    @declared_attr
    def answered_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        """Who sent the answer (may differ from the owner)."""
        return mapped_column(ForeignKey("staff_users.id"))

    @declared_attr
    def answer_notice_id(cls) -> Mapped[int | None]:  # noqa: N805
        """The answer's SMS in the outbox: where it is (pending, sent, delivered…)."""
        return mapped_column(ForeignKey("notices.id"))


class CallbackRequest(DeskWork, Base):
    __tablename__ = "callback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_cipher: Mapped[str | None] = mapped_column(String(255))
    topic: Mapped[str | None] = mapped_column(String(255))
    # 急: the person cannot wait ("马上过来", a fire, a hospital bill): due the same day, first in the queue,
    # and the street's duty mobile hears of it at once where one is on file.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The ID number of the person a 急难 report is for, said after it went as this call-back ("我找到他身份证了 …"):
    # encrypted, with a masked copy for the desk (service_desk/found_id.py).
    id_cipher: Mapped[str | None] = mapped_column(String(255))
    id_masked: Mapped[str | None] = mapped_column(String(18))
    # Another number to call, said after filing ("打我儿子电话嘛 13594412807 他叫吴磊"): encrypted, with who answers it
    # ("吴磊（儿子）"); the person's own phone still gets the SMS (service_desk/call_phone.py).
    call_phone_cipher: Mapped[str | None] = mapped_column(String(255))
    call_contact: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]


class Complaint(DeskWork, Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    application_number: Mapped[str | None] = mapped_column(String(20))
    # The 急难 report it is about, when that went as an urgent call-back (HD…): linked by the chat it was filed in, or by
    # the same phone (service_desk/complaints.py). Urgent: about a 急难 report, so answered as soon as an urgent call-back.
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callback_requests.id"))
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_cipher: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]
