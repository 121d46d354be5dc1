"""Reading a person's full ID number and phone: staff of a district where the person is on file, with a
reason, and every read in the audit chain. The API (GET /persons/{id}/identity) and the workbench's
"show" button both come here."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_staff
from backend.core.crypto import get_vault
from backend.core.errors import Forbidden, NotFound
from backend.delegations.repository import person_districts
from backend.people.models import Person


@dataclass(frozen=True)
class Identity:
    person_id: int
    name: str
    id_number: str
    phone: str | None


def reveal(session: Session, actor: Actor, person_id: int, reason: str) -> Identity:
    require_staff(actor, "caseworker", "reviewer")
    person = session.get(Person, person_id)
    if person is None or person.id_cipher is None:
        raise NotFound("没有找到这个人的身份信息。")
    if actor.district_code not in person_districts(session, person_id):
        raise Forbidden("只能查看本辖区申请人的信息。", code="other_district")
    vault = get_vault()
    audit(session, actor=actor.label, channel=actor.channel, action="person.read_identity", entity_type="person",
          entity_id=person_id, detail={"reason": reason})
    return Identity(person_id=person.id, name=person.name, id_number=vault.decrypt(person.id_cipher),
                    phone=vault.decrypt(person.phone_cipher) if person.phone_cipher else None)
