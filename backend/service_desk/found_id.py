"""An ID number found after a 急难 report ("我找到他身份证了 500222194203060034"): the report for someone else without
one went to the street as an urgent call-back (the chat files no application without her ID and consent), and the
number is put on that call-back for its staff — only by whoever filed it (the same phone), checked by its check digit
(core/idnumber.py), kept encrypted with a masked copy for the desk, audited. A tester could not add it at all."""

import re

from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core.crypto import get_vault
from backend.core.errors import AppError, Conflict, NotFound
from backend.core.idnumber import InvalidIdNumber, parse
from backend.core.phones import checked_phone
from backend.service_desk.models import CallbackRequest
from backend.service_desk.service import REFUSED, reference

CALLBACK_REFERENCE = re.compile(r"HD(\d{1,12})", re.I)  # service.reference("callback", id)


class WrongIdNumber(AppError):
    status_code = 422
    code = "invalid_id_number"
    message = "身份证号码不对，请再核对一下。"


class NotTheCaller(NotFound):
    code = "callback_not_found"
    message = "没有找到您报的这一条。"


def callers_open(session: Session, actor: Actor, ref: str, phone: str | None) -> CallbackRequest:
    """The call-back `ref` (HD…) filed from this phone (the one given, else the caller's proven one), still open: what
    only its caller may add to (an ID number found later, another number to call). Another phone's, or an unknown
    reference, is not found; a closed one is refused."""
    m = CALLBACK_REFERENCE.fullmatch(ref.strip())
    phone_hash = get_vault().lookup_hash(checked_phone(phone)) if phone else actor.phone_hash
    row = session.get(CallbackRequest, int(m.group(1))) if m else None
    if row is None or not phone_hash or row.phone_hash != phone_hash:
        raise NotTheCaller()
    if row.status == "closed":
        raise Conflict(REFUSED["closed"], code="desk_closed")
    return row


def add_id_number(session: Session, actor: Actor, ref: str, id_number: str, phone: str | None) -> CallbackRequest:
    """The ID number on the call-back `ref` (HD…), filed from this phone (the one given, else the caller's proven one).
    Another phone's, or an unknown reference, is not found; a closed one is refused; a wrong number says why."""
    row, vault = callers_open(session, actor, ref, phone), get_vault()
    try:
        parsed = parse(id_number)
    except InvalidIdNumber as exc:
        raise WrongIdNumber(str(exc)) from exc
    again = row.id_masked is not None
    row.id_cipher, row.id_masked = vault.encrypt(parsed.value), parsed.masked
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="callback.add_id", entity_type="callback",
          entity_id=row.id, detail={"reference": reference("callback", row.id), "id_masked": parsed.masked, "replaced": again})
    return row
