"""Turn a stored household into the facts the eligibility rules read."""

from datetime import date

from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.eligibility.service import Assessment, HouseholdFacts, IncomeLine, MemberFacts, get_rules


def household_facts(app: Application) -> HouseholdFacts:
    h = app.household
    members = [
        MemberFacts(
            name=m.person.name, relation=m.relation, birth_date=m.birth_date, labour_ability=m.labour_ability,
            disability_grade=m.disability_grade, disability_kind=m.disability_kind, serious_illness=m.serious_illness,
            counted=m.counted, is_applicant=m.is_applicant,
            incomes=[IncomeLine(i.kind, i.monthly_amount) for i in m.incomes],
            deductions=[IncomeLine(d.kind, d.monthly_amount) for d in m.deductions],
        )
        for m in h.members
    ]
    return HouseholdFacts(
        region=app.region, is_rural=h.is_rural, members=members,
        assets=[(a.kind, a.value) for a in h.assets],
        obligors_able_to_support=sum(1 for o in h.obligors if o.able_to_support),
    )


def assess_application(session: Session, app: Application, on: date) -> Assessment:
    return get_rules().assess(household_facts(app), on)
