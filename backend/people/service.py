"""Find or register people by ID number without ever storing the number in clear."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.core.idnumber import InvalidIdNumber, mask_phone, normalize_phone, parse
from backend.people.models import Person


class BadIdNumber(AppError):
    status_code = 422
    code = "invalid_id_number"


class BadPhone(AppError):
    status_code = 422
    code = "invalid_phone"


def checked_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValueError as exc:
        raise BadPhone(str(exc)) from None


def find_by_id_number(session: Session, id_number: str) -> Person | None:
    try:
        parsed = parse(id_number)
    except InvalidIdNumber as exc:
        raise BadIdNumber(str(exc)) from None
    return session.scalars(select(Person).where(Person.id_hash == get_vault().lookup_hash(parsed.value))).first()


def upsert_person(session: Session, *, name: str, id_number: str, phone: str | None = None, who: str = "") -> Person:
    """The person with this ID number, created if new; name and phone updated to what was given."""
    try:
        parsed = parse(id_number)
    except InvalidIdNumber as exc:
        raise BadIdNumber(f"{who}{exc}" if who else str(exc)) from None
    vault = get_vault()
    id_hash = vault.lookup_hash(parsed.value)
    person = session.scalars(select(Person).where(Person.id_hash == id_hash)).first()
    if person is None:
        person = Person(
            id_hash=id_hash, id_cipher=vault.encrypt(parsed.value), id_masked=parsed.masked,
            birth_date=parsed.birth_date, sex=parsed.sex, name=name,
        )
        session.add(person)
    person.name = name.strip()
    if phone:
        set_phone(person, checked_phone(phone))
    session.flush()
    return person


def set_phone(person: Person, phone: str) -> None:
    vault = get_vault()
    person.phone_hash = vault.lookup_hash(phone)
    person.phone_cipher = vault.encrypt(phone)
    person.phone_masked = mask_phone(phone)


def upsert_phone_holder(session: Session, *, name: str, phone: str) -> Person:
    """A helper known only by name and verified phone (a grid worker need not give an ID number here)."""
    phone = checked_phone(phone)
    phone_hash = get_vault().lookup_hash(phone)
    person = session.scalars(
        select(Person).where(Person.phone_hash == phone_hash, Person.name == name.strip()).limit(1)
    ).first()
    if person is None:
        person = Person(name=name.strip())
        set_phone(person, phone)
        session.add(person)
        session.flush()
    return person
