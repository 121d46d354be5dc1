"""Every query on delegations. `active_delegations` is the one answer to "who may act for whom, for
what, right now": access checks, the citizen's case list, notices to helpers and the payment run use it.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from backend.auth.models import OneTimeCode
from backend.core import clock
from backend.delegations.models import PENDING, REJECTED, VERIFIED, Delegation
from backend.households import service as households
from backend.people.models import Person


def active_delegations(
    session: Session, *, scope: str, principal_ids: Iterable[int] | None = None,
    helper_phone_hash: str | None = None, at: datetime | None = None,
) -> list[Delegation]:
    """Verified, unrevoked, unexpired delegations including `scope`, newest first, each with its helper loaded.

    Narrowed to some principals and/or to helpers holding one phone (a caller's verified phone)."""
    query = (
        select(Delegation).join(Delegation.helper).options(contains_eager(Delegation.helper))
        .where(Delegation.status == VERIFIED, Delegation.revoked_at.is_(None)).order_by(Delegation.id.desc())
    )
    if principal_ids is not None:
        query = query.where(Delegation.principal_person_id.in_(list(principal_ids)))
    if helper_phone_hash is not None:
        if not helper_phone_hash:
            return []  # no verified phone: no helper (and never "phone_hash IS NULL")
        query = query.where(Person.phone_hash == helper_phone_hash)
    moment = at or clock.now()
    # The scope is a JSON list: filtered here rather than with each database's JSON operators.
    return [d for d in session.scalars(query) if scope in d.scope and d.active_at(moment)]


def active_delegation(session: Session, *, principal_person_id: int, helper_phone_hash: str, scope: str) -> Delegation | None:
    """The newest active delegation by this principal to the holder of this phone that includes `scope`."""
    found = active_delegations(session, scope=scope, principal_ids=[principal_person_id], helper_phone_hash=helper_phone_hash)
    return found[0] if found else None


def pending_paper_of(session: Session, *, principal_person_id: int, helper_phone_hash: str) -> Delegation | None:
    """The newest paper form this phone's holder handed in for this principal that no caseworker has looked at yet."""
    return session.scalars(
        select(Delegation).join(Delegation.helper)
        .where(Delegation.principal_person_id == principal_person_id, Person.phone_hash == helper_phone_hash,
               Delegation.status == PENDING, Delegation.revoked_at.is_(None))
        .order_by(Delegation.id.desc())
    ).first()


def pending_paper_count(session: Session, *, helper_phone_hash: str) -> int:
    """Paper forms this phone's holder handed in, for anyone, that no caseworker has looked at yet."""
    if not helper_phone_hash:
        return 0
    return session.scalar(
        select(func.count()).select_from(Delegation).join(Delegation.helper)
        .where(Person.phone_hash == helper_phone_hash, Delegation.consent_method == "paper",
               Delegation.status == PENDING, Delegation.revoked_at.is_(None))
    ) or 0


def paper_in_hand(session: Session, *, principal_person_id: int, helper_phone_hash: str,
                  scope: Iterable[str]) -> Delegation | None:
    """The paper form this phone's holder handed in for this principal that still counts (the newest): waiting for a
    caseworker, or verified, in force and giving every one of `scope`. Another photo of it is not wanted."""
    if not helper_phone_hash:
        return None
    rows = session.scalars(
        select(Delegation).join(Delegation.helper)
        .where(Delegation.principal_person_id == principal_person_id, Person.phone_hash == helper_phone_hash,
               Delegation.consent_method == "paper", Delegation.status != REJECTED, Delegation.revoked_at.is_(None))
        .order_by(Delegation.id.desc()))
    now = clock.now()
    return next((d for d in rows if d.status == PENDING or (d.active_at(now) and set(scope) <= set(d.scope))), None)


def same_photo_elsewhere(session: Session, name: str, *, helper_phone_hash: str) -> Delegation | None:
    """Another helper's form, waiting or verified (not rejected or revoked), whose photo is this very picture. A
    photo's file name is a keyed hash of its content (documents.storage), taken at upload: byte-identical uploads
    have one name, so this compares the hashes and never the pictures."""
    return session.scalars(
        select(Delegation).join(Delegation.helper)
        .where(Delegation.form_photo == name, Delegation.status != REJECTED, Delegation.revoked_at.is_(None),
               or_(Person.phone_hash.is_(None), Person.phone_hash != helper_phone_hash))
        .order_by(Delegation.id)
    ).first()


def beside(session: Session, d: Delegation) -> list[Delegation]:
    """What stands beside this form, oldest first: the principal's delegations to other helpers that are waiting or
    in force, and any other helper's form (waiting or verified) with this very photo."""
    same_photo = Delegation.form_photo == d.form_photo if d.form_photo else false()
    rows = session.scalars(
        select(Delegation).where(Delegation.id != d.id, Delegation.helper_person_id != d.helper_person_id,
                                 Delegation.status != REJECTED, Delegation.revoked_at.is_(None),
                                 or_(Delegation.principal_person_id == d.principal_person_id, same_photo))
        .order_by(Delegation.id))
    now = clock.now()
    return [o for o in rows if o.status == PENDING or o.active_at(now)]


def paper_forms_of(session: Session, principal_person_id: int, district_code: str) -> list[Delegation]:
    """The photographed paper forms this principal gave in this district, waiting or verified (not rejected or
    revoked), the newest first."""
    return list(session.scalars(
        select(Delegation).where(Delegation.principal_person_id == principal_person_id,
                                 Delegation.district_code == district_code, Delegation.consent_method == "paper",
                                 Delegation.form_photo.is_not(None), Delegation.status != REJECTED,
                                 Delegation.revoked_at.is_(None))
        .order_by(Delegation.id.desc())))


def form_photo_wanted(session: Session, name: str, *, besides: int) -> bool:
    """Is this photo (one file for one picture) also the photo of another form, waiting or verified?"""
    return session.scalar(
        select(Delegation.id).where(Delegation.form_photo == name, Delegation.id != besides,
                                    Delegation.status != REJECTED).limit(1)
    ) is not None


def involving_phone(session: Session, phone_hash: str | None) -> list[Delegation]:
    """Every delegation given or received by the holder of this phone, newest first."""
    persons = select(Person.id).where(Person.phone_hash == phone_hash)
    return list(session.scalars(
        select(Delegation).where(or_(Delegation.helper_person_id.in_(persons), Delegation.principal_person_id.in_(persons)))
        .order_by(Delegation.id.desc())
    ))


def paper_districts(session: Session, person_id: int):  # noqa: ANN201 - a select, to be unioned
    """The districts whose caseworkers verified a paper delegation this person gave (a form still waiting
    for its verification, or rejected, makes no district know the person)."""
    return select(Delegation.district_code).where(
        Delegation.principal_person_id == person_id, Delegation.district_code.is_not(None),
        Delegation.status == VERIFIED)


def person_districts(session: Session, person_id: int) -> set[str]:
    """The districts (区县) that know this person: where a household names them (member or obligor), or
    where a caseworker verified a paper delegation they gave. Staff act on a person only there."""
    return households.person_districts(session, person_id) | {
        d for d in session.scalars(paper_districts(session, person_id)) if d}


def signed_in_lately(session: Session, phone_hash: str, hours: int = 24) -> bool:
    """Was this phone used to sign in (a login code answered) in the last `hours`? A principal's phone first seen
    as a sign-in — a grandson logged in with his grandmother's phone — is flagged for the caseworker."""
    since = clock.now_utc() - timedelta(hours=hours)
    return session.scalar(select(func.count()).select_from(OneTimeCode).where(
        OneTimeCode.phone_hash == phone_hash, OneTimeCode.purpose == "login", OneTimeCode.used_at.is_not(None),
        OneTimeCode.used_at > since)) > 0
