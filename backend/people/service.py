"""Find or register people by ID number without ever storing the number in clear."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.crypto import get_vault
from backend.core.errors import AppError
from backend.core.phones import checked_phone
from backend.core.idnumber import IdNumber, InvalidIdNumber, mask_phone, parse
from backend.people.models import Person


class BadIdNumber(AppError):
    status_code = 422
    code = "invalid_id_number"


def find_by_id_number(session: Session, id_number: str) -> Person | None:
    try:
        parsed = parse(id_number)
    except InvalidIdNumber as exc:
        raise BadIdNumber(str(exc)) from None
    return session.scalars(select(Person).where(Person.id_hash == get_vault().lookup_hash(parsed.value))).first()


class NameMismatch(AppError):
    status_code = 422
    code = "name_mismatch"


def find_named(session: Session, *, name: str, id_number: str, who: str = "") -> Person | None:
    """The recorded person with this ID number (None if unknown); refuses a name that is not theirs."""
    person = find_by_id_number(session, id_number)
    if person is not None and same_name(person.name) != same_name(name):
        raise NameMismatch(f"{who}姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"
                           "核对过确实没错的，可能是以前登记的名字有误，请说“找工作人员”，由街道帮您改。")
    return person


def _parsed(id_number: str, who: str) -> IdNumber:
    try:
        return parse(id_number)
    except InvalidIdNumber as exc:
        raise BadIdNumber(f"{who}{exc}" if who else str(exc)) from None


def _identify(person: Person, parsed: IdNumber) -> None:
    """The number kept as every ID number is: a keyed hash to find it, encrypted, a masked copy to show."""
    vault = get_vault()
    person.id_hash, person.id_cipher, person.id_masked = vault.lookup_hash(parsed.value), vault.encrypt(parsed.value), parsed.masked
    person.birth_date, person.sex = parsed.birth_date, parsed.sex


def find_or_register(session: Session, *, name: str, id_number: str, who: str = "") -> Person:
    """The person with this ID number, registered (name only, no phone) if new.

    Nothing a request says changes who a recorded person is: the name on record stays, and a phone is
    bound only by `bind_phone`, where the caller has proved the phone (a code answered on it, or a
    caseworker who saw the person)."""
    parsed = _parsed(id_number, who)
    person = session.scalars(select(Person).where(Person.id_hash == get_vault().lookup_hash(parsed.value))).first()
    if person is None:
        person = Person(name=name.strip())
        _identify(person, parsed)
        session.add(person)
        session.flush()
    elif same_name(person.name) != same_name(name):
        raise NameMismatch(f"{who}姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"
                           "核对过确实没错的，可能是以前登记的名字有误，请说“找工作人员”，由街道帮您改。")
    return person


def register_without_id(session: Session, *, name: str) -> Person:
    """A household member whose ID number is to come (身份证号待补): known by name only until it is added."""
    person = Person(name=name.strip())
    session.add(person)
    session.flush()
    return person


class IdPending(AppError):
    status_code = 409
    code = "id_number_pending"


def require_id_number(person: Person) -> None:
    """What needs the person's ID number (the 核对授权书 and its face check) waits until it is added."""
    if person.id_pending:
        raise IdPending(f"{person.name}的身份证号还没有补上，补上以后才能签核对授权书。", details={"person_id": person.id})


def give_id_number(session: Session, person: Person, id_number: str, *, who: str = "") -> Person:
    """The ID number of a person registered without one (身份证号待补): the recorded person with this number when
    there is one (her name must be theirs; the caller points to that one), else this one, the number now kept
    as every number is."""
    parsed = _parsed(id_number, who)
    found = find_named(session, name=person.name, id_number=parsed.value, who=who)
    if found is not None:
        return found
    _identify(person, parsed)
    session.flush()
    return person


def same_name(name: str) -> str:
    # 张 秀英 / 张秀英 / 张·秀英 are one name; people type the middle dot and spaces differently.
    return "".join(ch for ch in name if not ch.isspace() and ch not in "·•．.").casefold()


def set_phone(person: Person, phone: str) -> None:
    vault = get_vault()
    person.phone_hash = vault.lookup_hash(phone)
    person.phone_cipher = vault.encrypt(phone)
    person.phone_masked = mask_phone(phone)


def bind_phone(person: Person, phone: str) -> None:
    """Record the phone this person proved to hold. Callers: self-registration with a verified phone, a
    principal's consent code, a caseworker who saw the person, a change confirmed on the old phone."""
    set_phone(person, checked_phone(phone))


def holds_phone(person: Person, phone_hash: str | None) -> bool:
    return bool(phone_hash and person.phone_hash and person.phone_hash == phone_hash)


def recorded_phone(person: Person) -> str | None:
    return get_vault().decrypt(person.phone_cipher) if person.phone_cipher else None


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
