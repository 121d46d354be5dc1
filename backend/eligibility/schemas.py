from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from backend.core.fields import MAX_LINES_PER_MEMBER, MAX_MEMBERS, AssetValue, DeclaredMoney, SaneDate, ShortText
from backend.eligibility.hukou import Hukou
from backend.eligibility.service import Assessment


class TypeResultOut(BaseModel):
    assistance_type: str = Field(examples=["低保"])
    eligible: bool
    reason: str = Field(examples=["家庭2人，月人均收入500元，低于重庆市城市低保标准770元；按差额每人270元，全家每月540元。"])
    monthly_amount: Decimal | None = Field(examples=[540])
    plain: str | None = Field(default=None, examples=["按您说的，每月1100元，比低保标准770元高，低保一般批不下来。"],
                              description="同一结果的大白话，聊天里先说这一句")


class AssessmentOut(BaseModel):
    on: date
    hukou_matters: bool = Field(default=False, description="当地城镇、农村标准不同：要问清户口性质")
    counted_income: Decimal = Field(default=Decimal(0), description="计入的家庭月收入（已去掉不计入的、减去可扣减的）")
    household_size: int
    monthly_income: Decimal
    per_capita_income: Decimal
    standard: Decimal | None
    standard_source: str | None
    results: list[TypeResultOut]


def assessment_out(a: Assessment, *, hukou_matters: bool = False) -> AssessmentOut:
    return AssessmentOut(
        on=a.on, hukou_matters=hukou_matters, counted_income=a.monthly_income, household_size=a.household_size, monthly_income=a.monthly_income, per_capita_income=a.per_capita_income,
        standard=a.standard, standard_source=a.standard_source,
        results=[TypeResultOut(assistance_type=r.assistance_type, eligible=r.eligible, reason=r.reason,
                               monthly_amount=r.monthly_amount, plain=r.plain) for r in a.results],
    )


class IncomeItemIn(BaseModel):
    kind: ShortText(32) = Field(examples=["城乡居民基础养老金"],
                                description="收入种类：规范名称（见 GET /eligibility/income-kinds）或平常的叫法，如“养老金”“抚恤金”")
    monthly_amount: DeclaredMoney = Field(examples=[180])


class PrecheckMember(BaseModel):
    name: ShortText(64) = Field(default="家庭成员", examples=["张秀英"])
    relation: ShortText(16) = Field(default="本人", examples=["本人"])
    age: int | None = Field(default=None, ge=0, le=130, examples=[72])
    labour_ability: ShortText(16) = "full"
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    disability_kind: ShortText(8) | None = None
    serious_illness: bool = False
    # Zero is the honest "none" for each of these (and the default).
    monthly_income: DeclaredMoney = Field(default=Decimal(0), examples=[300])
    excluded_income: DeclaredMoney = Field(default=Decimal(0), description="不计入收入的部分，如优抚金、基础养老金")
    deductible_expense: DeclaredMoney = Field(default=Decimal(0), description="可扣减的重病、康复刚性支出（每月）")
    incomes: list[IncomeItemIn] = Field(default_factory=list, max_length=MAX_LINES_PER_MEMBER,
                                        description="分项收入；优抚金、奖学金、城乡居民基础养老金等不计入")
    deductions: list[IncomeItemIn] = Field(default_factory=list, max_length=MAX_LINES_PER_MEMBER,
                                           description="可扣减的支出：重病刚性支出、残疾康复支出、必要就业成本")


class PrecheckIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "region": "渝中区", "is_rural": False, "savings": 3000, "homes": 1, "obligors_able_to_support": 0,
        "members": [{"name": "张秀英", "age": 72, "monthly_income": 300}],
    }]})

    region: ShortText(32) = Field(examples=["重庆"])
    is_rural: bool = False
    hukou: Hukou | None = Field(default=None, description="户口性质；给了就以它为准（is_rural 的新写法）")
    members: list[PrecheckMember] = Field(min_length=1, max_length=MAX_MEMBERS)
    # Zero on purpose: "no savings" is the common answer, and the chat pre-check sends it as 0.
    savings: AssetValue = Field(default=Decimal(0))
    homes: int = Field(default=1, ge=0, le=20)
    obligors_able_to_support: int = Field(default=0, ge=0, le=20)
    on: SaneDate | None = None


class HukouOut(BaseModel):
    matters: bool = Field(description="当地城镇、农村低保（特困）标准不同，需要问户口性质")
    suggested: Hukou | None = Field(description="从街道（乡镇）名称猜的：乡、镇 → rural，街道 → urban；只是建议，要问本人")
    urban: Decimal | None = Field(examples=[770])
    rural: Decimal | None = Field(examples=[630])


class IncomeKindsOut(BaseModel):
    excluded: list[str] = Field(examples=[["优抚金", "城乡居民基础养老金"]], description="不计入收入的种类")
    deductible: list[str] = Field(examples=[["重病刚性支出"]], description="可以从收入中扣减的支出")
    names: dict[str, list[str]] = Field(description="每个种类平常的叫法")


class IncomeKindOut(BaseModel):
    kind: str = Field(examples=["城乡居民基础养老金"], description="认出的种类；认不出就是原话")
    recognized: bool
    counted: bool = Field(description="是否计入家庭收入")
    deductible: bool = Field(description="是否可以从收入中扣减")


class IllnessOut(BaseModel):
    serious: list[str] = Field(examples=[["中风"]], description="说到的重病、重度残疾（算“有重病或残疾”）")
    chronic: list[str] = Field(examples=[["高血压"]], description="说到的常见慢性病：单有这些不算重病，照实记下，请工作人员核实")


class AmountCheckOut(BaseModel):
    amount: Decimal = Field(examples=[1000000])
    ceiling: Decimal | None = Field(examples=[7700], description="高于这个数要再问一下（当地低保标准×家庭人数×倍数）")
    outlier: bool = Field(description="远高于一般情况：客气地再问一次，本人再说一遍同样的数就保留")
    allowed: bool = Field(description="在可以填报的上限以内（高于上限的申请会被拒收，要重新说）")
    cap: Decimal = Field(examples=[100000], description="可以填报的上限")


class PlausibleOut(BaseModel):
    region: str = Field(examples=["重庆"])
    household_size: int
    monthly_income: AmountCheckOut | None = None
    savings: AmountCheckOut | None = None
