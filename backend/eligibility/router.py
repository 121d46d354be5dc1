"""智能研判: a quick check of what a household may qualify for, before anything is filed."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from backend.core import clock
from backend.core.fields import MAX_MEMBERS, ShortText
from backend.core.settings import get_settings
from backend.core.money import to_cents
from backend.eligibility.hukou import is_rural, suggest_hukou
from backend.eligibility.schemas import (
    AmountCheckOut, AssessmentOut, HukouOut, IllnessOut, IncomeKindOut, IncomeKindsOut, PlausibleOut, PrecheckIn, assessment_out,
)
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
            incomes=[IncomeLine("收入", m.monthly_income - min(m.excluded_income, m.monthly_income))]
            + [IncomeLine(x.kind, x.monthly_amount) for x in m.incomes],
            deductions=([IncomeLine("重病刚性支出", m.deductible_expense)] if m.deductible_expense else [])
            + [IncomeLine(x.kind, x.monthly_amount) for x in m.deductions],
        )
        for i, m in enumerate(body.members)
    ]
    rules = get_rules()
    facts = HouseholdFacts(
        region=body.region, is_rural=is_rural(body.hukou, body.is_rural), members=members,
        assets=[("存款", body.savings)] + [("房产", 0)] * body.homes,
        obligors_able_to_support=body.obligors_able_to_support,
    )
    return assessment_out(rules.assess(facts, on), hukou_matters=rules.hukou_matters(body.region, on))


@router.get("/hukou", response_model=HukouOut, summary="这里要不要问城镇还是农村户口，以及从街道名称猜的建议")
def hukou(
    region: Annotated[ShortText(32, min_length=1), Query(examples=["重庆"])],
    street: Annotated[ShortText(64) | None, Query(examples=["石桥铺街道", "东温泉镇"])] = None,
) -> HukouOut:
    on = clock.today()
    rules = get_rules()
    found = rules.catalogue.resolve(region)
    std = rules.catalogue.in_force(found, on) if found else None
    return HukouOut(
        matters=rules.hukou_matters(region, on), suggested=suggest_hukou(street),
        urban=to_cents(std.dibao.urban) if std else None, rural=to_cents(std.dibao.rural) if std else None,
    )


@router.get("/income-kinds", response_model=IncomeKindsOut, summary="收入种类：哪些不计入、哪些可以扣减，以及平常的叫法")
def income_kinds() -> IncomeKindsOut:
    income = get_rules().raw["income"]
    return IncomeKindsOut(excluded=income["excluded_kinds"], deductible=income["deductible_kinds"],
                          names=income.get("names") or {})


@router.get("/income-kind", response_model=IncomeKindOut, summary="认一句话说的是哪种收入（如“每月100多块养老金”）")
def income_kind(said: Annotated[ShortText(200, min_length=1), Query(examples=["每月有100多块养老金"])]) -> IncomeKindOut:
    rules = get_rules()
    kind = rules.income_kind(said)
    return IncomeKindOut(kind=kind, recognized=kind != said.strip(), counted=rules.counts(kind), deductible=rules.deducts(kind))


@router.get("/illness", response_model=IllnessOut, summary="一句话里说到的病：哪些算重病，哪些是常见慢性病（如“有高血压”）")
def illness(said: Annotated[ShortText(200, min_length=1), Query(examples=["有高血压 老伴中风了"])]) -> IllnessOut:
    serious, chronic = get_rules().illness_named(said)
    return IllnessOut(serious=serious, chronic=chronic)


# What a person may say, not what may be filed: wide enough for any typo ("一百万", "12,000,000").
SaidAmount = Annotated[Decimal | None, Query(ge=0, le=Decimal(10) ** 12, examples=[1000000])]


def _check(amount: Decimal | None, ceiling: Decimal | None, cap: Decimal) -> AmountCheckOut | None:
    if amount is None:
        return None
    return AmountCheckOut(amount=amount, ceiling=ceiling, outlier=ceiling is not None and amount > ceiling,
                          allowed=amount <= cap, cap=cap)


@router.get("/plausible", response_model=PlausibleOut,
            summary="说出的月收入、存款是不是远高于一般情况（是就客气地再问一次），以及能不能填报")
def plausible(
    region: Annotated[ShortText(64, min_length=1), Query(description="地区、区县或街道的名字", examples=["重庆", "渝中区七星岗街道"])],
    household_size: Annotated[int, Query(ge=1, le=MAX_MEMBERS)] = 1,
    monthly_income: SaidAmount = None,
    savings: SaidAmount = None,
) -> PlausibleOut:
    rules = get_rules()
    ceilings = rules.plausible_ceilings(region, household_size, clock.today())
    found = rules.catalogue.resolve(region) or rules.catalogue.default
    settings = get_settings()
    return PlausibleOut(
        region=found.key, household_size=household_size,
        monthly_income=_check(monthly_income, ceilings[0] if ceilings else None, settings.max_amount_yuan),
        savings=_check(savings, ceilings[1] if ceilings else None, settings.max_asset_yuan),
    )
