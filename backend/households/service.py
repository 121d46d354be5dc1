"""Who belongs to a household: its members, and its obligors who live elsewhere."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.errors import NotFound
from backend.households.models import Household, HouseholdMember, Obligor
from backend.people.models import Person
from backend.regions.models import Area


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


def person_districts(session: Session, person_id: int) -> set[str]:
    """The districts (区县) whose households name this person (member or obligor). Staff act on a person
    only there; delegations add the districts where a caseworker verified a paper form."""
    district = select(Area.parent_code).join(Household, Household.area_code == Area.code)
    as_member = district.join(HouseholdMember, HouseholdMember.household_id == Household.id).where(
        HouseholdMember.person_id == person_id)
    as_obligor = district.join(Obligor, Obligor.household_id == Household.id).where(Obligor.person_id == person_id)
    return {d for d in session.scalars(as_member.union(as_obligor)) if d}
