"""Who belongs to a household: its members, and its obligors who live elsewhere."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.errors import NotFound
from backend.households.models import HouseholdMember, Obligor
from backend.people.models import Person


def people_of(session: Session, household_id: int) -> list[Person]:
    """Each household member in the order they were added, then each obligor (赡养/抚养/扶养义务人)."""
    members = session.scalars(select(Person).join(HouseholdMember, HouseholdMember.person_id == Person.id)
                              .where(HouseholdMember.household_id == household_id).order_by(HouseholdMember.id))
    obligors = session.scalars(select(Person).join(Obligor, Obligor.person_id == Person.id)
                               .where(Obligor.household_id == household_id).order_by(Obligor.id))
    return [*members, *obligors]


def person_in(session: Session, household_id: int, person_id: int) -> Person:
    """One of people_of(household_id), or NotFound."""
    person = next((p for p in people_of(session, household_id) if p.id == person_id), None)
    if person is None:
        raise NotFound("这个人不在这件申请的家庭成员或义务人里。")
    return person
