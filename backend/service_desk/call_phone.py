"""Another number to call, said after a call-back (a 急难 report among them) was filed: "我手机快没电了 充电器也烧了
打我儿子电话嘛 13594412807 他叫吴磊". A tester whose phone was dying got "没太听懂", then a correction of his application
due a day after the call-back, and the call still went to his own phone. Now the call-back's number to call changes —
only by whoever filed it (the same phone), checked like any phone, kept encrypted with who answers it ("吴磊（儿子）"),
a line on the request so every staff member sees it masked (the one who took it sees the whole number,
service.phone_of), audited (callback.call_phone). The person's own phone still gets its SMS."""

import re

from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core.crypto import get_vault
from backend.core.idnumber import mask_phone
from backend.core.phones import checked_phone
from backend.service_desk.found_id import callers_open
from backend.service_desk.models import CallbackRequest
from backend.service_desk.service import TOPIC_MAX, reference

CONTACT_MAX = 40  # CallbackRequest.call_contact
CHANGED = re.compile(r"【改打：[^】]*】")


def said_line(contact: str | None, masked: str) -> str:
    """The line on the request the desk shows: "【改打：吴磊（儿子）135****2807】"."""
    return f"【改打：{contact + ' ' if contact else ''}{masked}】"


def change(session: Session, actor: Actor, ref: str, call_phone: str, contact: str | None, phone: str | None) -> CallbackRequest:
    """The number to call on the call-back `ref` (HD…), filed from this phone (the one given, else the caller's proven
    one). Another phone's, or an unknown reference, is not found; a closed one is refused; a wrong number says why."""
    row, vault = callers_open(session, actor, ref, phone), get_vault()
    number = checked_phone(call_phone)
    contact = (contact or "").strip()[:CONTACT_MAX] or None
    again = row.call_phone_cipher is not None
    row.call_phone_cipher, row.call_contact = vault.encrypt(number), contact
    line = said_line(contact, mask_phone(number))
    kept = CHANGED.sub("", row.topic or "")  # an earlier change gives way to this one
    row.topic = f"{line}{kept}"[:TOPIC_MAX]
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="callback.call_phone", entity_type="callback",
          entity_id=row.id, detail={"reference": reference("callback", row.id), "call_phone_masked": mask_phone(number),
                                    "contact": contact, "replaced": again})
    return row
