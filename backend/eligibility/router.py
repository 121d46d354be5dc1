"""智能研判: a quick check of what a household may qualify for, before anything is filed."""

from datetime import date

from fastapi import APIRouter

from backend.core import clock
from backend.eligibility.schemas import AssessmentOut, PrecheckIn, assessment_out
from backend.eligibility.service import HouseholdFacts, IncomeLine, MemberFacts, get_rules

router = APIRouter(prefix="/eligibility", tags=["研判 eligibility"])


def _birth_for_age(age: int | None, on: date) -> date | None:
    if age is None:
        return None
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)


@router.post("/precheck", response_model=AssessmentOut, summary="预先测算可能符合的救助（不保存任何信息）")
def precheck(body: PrecheckIn) -> AssessmentOut:
    on = body.on or clock.today()
    members = [
        MemberFacts(
            name=m.name, relation=m.relation, birth_date=_birth_for_age(m.age, on), labour_ability=m.labour_ability,
            disability_grade=m.disability_grade, disability_kind=m.disability_kind, serious_illness=m.serious_illness,
            is_applicant=i == 0,
            incomes=[IncomeLine("收入", m.monthly_income - min(m.excluded_income, m.monthly_income))],
            deductions=[IncomeLine("重病刚性支出", m.deductible_expense)] if m.deductible_expense else [],
        )
        for i, m in enumerate(body.members)
    ]
    facts = HouseholdFacts(
        region=body.region, is_rural=body.is_rural, members=members,
        assets=[("存款", body.savings)] + [("房产", 0)] * body.homes,
        obligors_able_to_support=body.obligors_able_to_support,
    )
    return assessment_out(get_rules().assess(facts, on))
