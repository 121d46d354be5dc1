from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from backend.eligibility.hukou import Hukou
from backend.core.fields import (
    MAX_ASSETS, MAX_LINES_PER_MEMBER, MAX_MEMBERS, MAX_OBLIGORS, ApplicationNumber, AreaCode, AssetValue, DeclaredMoney,
    IdNumberText, Money, PersonName, PhoneText, Relation, SaneDate, ShortText, Text, check_json_value, json_checked,
)

AssistanceType = Literal["低保", "特困", "临时救助"]
Subtype = Literal["急难型", "支出型"]
# 临时救助 has two procedures: 急难型 is what the emergency journey files (先行救助); an ordinary
# application is 支出型. The assistant asks the backend for these (GET /policy/offer), never assumes them.
EMERGENCY = ("临时救助", "急难型")
DEFAULT_SUBTYPES: dict[str, Subtype] = {"临时救助": "支出型"}
IncomeCategory = Literal["工资性", "经营净", "财产净", "转移净"]
# What a channel's form never asked (the chat asks no homes or vehicles, and 户口 only where the standards
# differ): the case page says "没问过", never a guessed 城镇户口 or 0 homes (issue 20).
NotAsked = Literal["hukou", "homes", "vehicles"]


class IncomeIn(BaseModel):
    category: IncomeCategory
    kind: ShortText(32) = Field(examples=["工资"])
    monthly_amount: DeclaredMoney = Field(examples=[300])


class DeductionIn(BaseModel):
    kind: ShortText(32) = Field(examples=["重病刚性支出"])
    monthly_amount: DeclaredMoney = Field(examples=[200])


RELATION_UNSAID = "待核实"  # a member whose ID number is to come, her relation not said yet: the caseworker asks


class MemberIn(BaseModel):
    name: PersonName = Field(examples=["张秀英"])
    id_number: IdNumberText | None = Field(default=None, examples=["11010519491231002X"], description=(
        "不填：身份证号待补（家里人一时找不到身份证）。照样算进家庭人口和人均收入；核对授权书等补上号码才能签"
        "（POST /applications/{number}/members/{person_id}/id-number）。申请人本人必填"))
    relation: Relation | None = Field(default=None, examples=["本人"],
                                      description=f"只有身份证号待补的成员可以不填（记为“{RELATION_UNSAID}”）")
    age: int | None = Field(default=None, ge=0, le=130, description="身份证号待补时说的年龄（有号码就按号码里的出生日期）")
    birth_year: int | None = Field(default=None, ge=1890, le=2100, description="身份证号待补时说的出生年份")
    phone: PhoneText | None = Field(default=None, examples=["13812345678"])
    labour_ability: Literal["full", "partial", "none"] | None = Field(default=None, description=(
        "劳动能力；不填时按身份证上的年龄和残疾、重病情况推定，并标明“按年龄推定”等（applications/labour.py）"))
    disability_grade: int | None = Field(default=None, ge=1, le=4)
    disability_kind: Literal["肢体", "视力", "听力", "言语", "智力", "精神", "多重"] | None = None
    serious_illness: bool = False
    self_care_lost: int = Field(default=0, ge=0, le=6)
    health_said: ShortText(100) | None = Field(default=None, examples=["中风了"],
                                               description="聊天里说的病情或残疾（本人或家属的原话，未核实）")
    counted: bool = True
    excluded_reason: ShortText(64) | None = None
    incomes: list[IncomeIn] = Field(default_factory=list, max_length=MAX_LINES_PER_MEMBER)
    deductions: list[DeductionIn] = Field(default_factory=list, max_length=MAX_LINES_PER_MEMBER)

    @model_validator(mode="after")
    def _relation_with_an_id_number(self) -> "MemberIn":
        if self.id_number is not None and self.relation is None:
            raise PydanticCustomError("relation_required", "请填写{name}和申请人的关系。", {"name": self.name})
        return self

    @property
    def id_pending(self) -> bool:
        """身份证号待补: in the household all the same, the number added later."""
        return self.id_number is None

    def birth_year_said(self, today: date) -> int | None:
        """The birth year said for a member whose ID number is to come (the number's birth date otherwise)."""
        if not self.id_pending:
            return None
        return self.birth_year or (today.year - self.age if self.age is not None else None)


class AssetIn(BaseModel):
    kind: Literal["存款", "证券", "房产", "车辆", "其他"]
    value: AssetValue = Field(examples=[5000])
    note: ShortText(128) | None = None


class ObligorIn(BaseModel):
    name: PersonName = Field(examples=["张建国"])
    id_number: IdNumberText = Field(examples=["440524188001010014"])
    relation: Relation = Field(examples=["子女"])
    phone: PhoneText | None = None
    able_to_support: bool | None = None


class ApplicationIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "assistance_type": "低保",
        "area_code": "500103001",
        "channel": "chat",
        "hukou": "urban",
        "address": "渝中区七星岗街道某某路12号",
        "reason": "老伴生病，家里没有收入来源",
        "members": [
            {"name": "张秀英", "id_number": "11010519491231002X", "relation": "本人", "phone": "13812345678",
             "incomes": [{"category": "转移净", "kind": "城乡居民基础养老金", "monthly_amount": 180}]},
        ],
        "assets": [{"kind": "存款", "value": 3000}],
    }]})

    assistance_type: AssistanceType
    subtype: Subtype | None = None
    area_code: AreaCode = Field(description="街道（乡镇）代码", examples=["500103001"])
    channel: Literal["web", "chat", "sms", "counter", "miniapp"] = "web"
    is_rural: bool = Field(default=False, description="旧写法：明确给了 true/false 就算问过户口；没给又没有 hukou，户口算没问过")
    hukou: Hukou | None = Field(default=None, description="户口性质 urban|rural；给了就按它选城镇或农村标准（优先于 is_rural）")
    not_asked: list[NotAsked] = Field(default_factory=list, max_length=3, examples=[["homes", "vehicles"]], description=(
        "表上没问过的事：hukou 户口、homes 住房、vehicles 车辆。案卷上写“没问过”，不当作“没有”，核对到的要入户核实。"
        "hukou 和 is_rural 都没给时，户口也算没问过；说了的（给了 hukou、申报了房产或车辆）算问过 / "
        "What the form did not ask: shown as not asked, never as none"))
    address: ShortText(255) | None = None
    reason: Text(2000) | None = None
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS, description="第一位是申请人本人")
    assets: list[AssetIn] = Field(default_factory=list, max_length=MAX_ASSETS)
    obligors: list[ObligorIn] = Field(default_factory=list, max_length=MAX_OBLIGORS)
    helper_name: PersonName | None = Field(default=None, examples=["李红"], description=(
        "a helper filing under the principal's delegation: her own name as she last said it (corrected after the "
        "consent was recorded, the delegation's record is corrected too)"))

    @model_validator(mode="after")
    def _applicant_has_an_id_number(self) -> "ApplicationIn":
        if self.members[0].id_pending:
            raise PydanticCustomError("applicant_id_required", "申请人本人的身份证号必填。")
        return self

    @model_validator(mode="after")
    def _said_is_asked(self) -> "ApplicationIn":
        """Not asked, as stored: 户口 when neither hukou nor is_rural was given; never what was said after all."""
        said = {"hukou": self.hukou is not None or "is_rural" in self.model_fields_set,
                "homes": any(a.kind == "房产" for a in self.assets), "vehicles": any(a.kind == "车辆" for a in self.assets)}
        unasked = {*self.not_asked, "hukou"}
        self.not_asked = [k for k in ("hukou", "homes", "vehicles") if k in unasked and not said[k]]
        return self


class MemberPending(BaseModel):
    """A household member whose ID number is to come (身份证号待补): the applicant or her helper adds it
    (POST /applications/{number}/members/{person_id}/id-number)."""

    person_id: int
    name: str = Field(examples=["王小明"])
    relation: str = Field(examples=["子女"], description="和申请人的关系；申请时没说的是“待核实”")


class ApplicationSummary(BaseModel):
    number: str = Field(examples=["JZ20261123000001"])
    assistance_type: str = Field(examples=["低保"])
    subtype: str | None = None
    status: str = Field(examples=["submitted"])
    status_label: str = Field(examples=["已提交，等待受理"])
    applicant_name: str = Field(examples=["张秀英"])
    area_code: str
    district_code: str
    submitted_on: date
    step_due_date: date | None
    step_due_day: str | None = Field(default=None, examples=["11月27日（星期五）"], description="这一步的期限，说给人听的写法")
    case_due_date: date | None
    conflict_of_interest: bool
    spot_check_required: bool
    own: bool = Field(default=True, description="调用者本人的申请；false 是家里人授权他查的申请（群众“我的申请”）")
    ids_pending: list[MemberPending] = Field(default_factory=list, description=(
        "还在办的申请里身份证号待补的家庭成员（只在群众“我的申请”里给，聊天里补号码用）"))


class MemberOut(BaseModel):
    person_id: int
    name: str
    relation: str
    id_masked: str | None = Field(examples=["110105********002X"])
    id_pending: bool = Field(default=False, description="身份证号待补：补上（POST …/members/{person_id}/id-number）之前不能签核对授权书")
    sex: str | None
    birth_date: date | None


class MemberIdIn(BaseModel):
    """A household member's ID number added after filing (身份证号待补), and her relation when it was not said."""

    id_number: IdNumberText = Field(examples=["440524188001010014"])
    relation: Relation | None = Field(default=None, examples=["子女"], description="申请时没说关系的，可以一起补上")


class DecisionOut(BaseModel):
    outcome: str = Field(examples=["approved"])
    amount: Decimal | None = Field(examples=[470])
    decided_on: date


class SuspensionProposalOut(BaseModel):
    proposed_on: date
    reason: str = Field(examples=["待遇资格认证逾期"])
    due_on: date | None


class CaseStateOut(BaseModel):
    """Where the procedure stands: what each step recorded (the typed state of the case)."""

    returns: int = 0
    missing: list[str] = Field(default_factory=list, description="一次性告知需要补正的材料")
    home_visit_on: date | None = None
    home_visit_investigators: list[str] = Field(default_factory=list)
    economic_check_recorded: bool = Field(default=False, description="核对结果已附在调查里")
    economic_check_available: bool = Field(default=False, description="自动核对报告已生成")
    publicity_from: date | None = None
    publicity_until: date | None = None
    proposed_amount: Decimal | None = None
    objection_open: bool = False
    spot_check_on: date | None = None
    decision: DecisionOut | None = None
    first_payment_month: str | None = Field(default=None, examples=["2026-11"])
    advance_amount: Decimal | None = None
    phase_out: dict[str, Decimal] = Field(default_factory=dict, description="渐退期：月份 → 金额")
    suspension_proposal: SuspensionProposalOut | None = Field(default=None, description="待工作人员确认的暂停发放建议")


class ApplicationDetail(ApplicationSummary):
    channel: str
    filed_by: str
    reason: str | None
    members: list[MemberOut]
    progress: CaseStateOut
    available_actions: list[str] = Field(examples=[["accept", "return", "withdraw"]])


# Most keys any one step uses; the typed ones below are all a step reads today.
MAX_STEP_KEYS = 20


class MeantFor(BaseModel):
    """Whose case a change request is meant for, as the chat says it: recorded only on that person's case
    (applications/change_requests.py); never stored on the timeline."""

    number: ApplicationNumber | None = Field(default=None, examples=["JZ20261207000010"])
    name: PersonName | None = Field(default=None, examples=["陈德明"])
    id_number: IdNumberText | None = Field(default=None, description="只用来核对，不记入办理记录")


class StepData(BaseModel):
    """What a step carries. Every key the workflow engine reads is typed here, amounts under the one
    money rule (an approval, an advance, a 渐退期 schedule of −5000 and NaN used to be paid and texted);
    any other key is kept as given, as bounded plain JSON."""

    model_config = ConfigDict(extra="allow")

    amount: Money | None = Field(default=None, description="金额（元）：批准金额、先行救助金额或公示的拟发金额", examples=[470])
    months: int | None = Field(default=None, ge=1, le=6, description="渐退期月数，1到6", examples=[3])
    amounts: list[Money] | None = Field(default=None, max_length=6, description="渐退期每月金额，个数与月数一致",
                                        examples=[["300", "200", "100"]])
    missing: list[ShortText(128)] | None = Field(default=None, max_length=30, description="一次性告知需要补正的全部材料")
    investigators: list[ShortText(64)] | None = Field(default=None, max_length=10, description="入户调查人员（至少2名）")
    visited_on: SaneDate | None = Field(default=None, description="入户调查日期")
    video: bool | None = Field(default=None, description="入户调查是否录像")
    results: Annotated[dict[str, Any], AfterValidator(json_checked("results"))] | None = Field(
        default=None, description="信息核对结果", examples=[{"存款": "无", "车辆": "无"}])
    meant_for: MeantFor | None = Field(default=None, description="要求更正时：说的是哪一位的申请（帮办人必填），和申请人对不上就不记")

    @model_validator(mode="after")
    def _other_keys_are_plain_json(self) -> "StepData":
        extra = self.model_extra or {}
        if len(self.model_fields_set) > MAX_STEP_KEYS:
            raise PydanticCustomError("too_many_keys", "这一步的数据项太多了（最多{n}项）。", {"n": MAX_STEP_KEYS})
        check_json_value(extra, where="data")
        return self


class StepIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"note": None, "data": {"investigators": ["王芳", "李强"], "visited_on": "2026-11-24"}},
        {"note": "缺少材料", "data": {"missing": ["户口簿复印件", "近6个月工资流水"]}},
        {"note": "家庭收入不低于当地低保标准", "data": {}},
    ]})

    note: Text(2000) | None = Field(default=None, description="说明或理由（驳回、终止时必填）")
    # validate_default: an omitted `data` goes through the same conversion to a plain dict.
    data: StepData = Field(default_factory=dict, validate_default=True,
                           description="这一步需要的数据，例如调查人员、补正材料清单、金额")

    @field_validator("data")
    @classmethod
    def _as_plain_json(cls, value: StepData) -> dict[str, Any]:
        # The engine reads `data` as a dict and stores it in the timeline as JSON: hand it the checked
        # values in plain JSON form (amounts as strings like "470.5", dates as "2026-11-24").
        return value.model_dump(mode="json", exclude_unset=True)


class TimelineEntry(BaseModel):
    on_date: date
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    status_label: str
    actor: str
    note: str | None


class NextStep(BaseModel):
    label: str = Field(examples=["已受理，等待入户调查"])
    who: str = Field(examples=["街道（乡镇）"])
    due_date: date | None


class StepDone(BaseModel):
    label: str = Field(examples=["受理"])
    on_date: date
    on_said: str = Field(examples=["11月23日（星期一）"])


class StepNow(BaseModel):
    label: str = Field(examples=["家庭经济状况调查中"])
    who: str = Field(examples=["街道（乡镇）"], description="办理这一步的是谁：角色，不是工作人员姓名")
    due_date: date | None
    due_said: str | None = Field(examples=["12月4日（星期五）前"])


class ProgressOut(BaseModel):
    number: str
    assistance_type: str
    status: str
    status_label: str
    steps: list[TimelineEntry]
    next_step: NextStep | None
    case_due_date: date | None
    summary: str = Field(examples=["您的低保申请（JZ20261123000001）已受理，正在安排入户调查，这一步预计11月26日（星期四）前办完。"])
    done: list[StepDone] = Field(default_factory=list, description="已经办完的步骤，先早后晚")
    current: StepNow | None = Field(default=None, description="正在办的这一步；办结了就没有")
    then: str | None = Field(default=None, examples=["公示"], description="接下来一般是哪一步")
    said: str = Field(default="", description="可以直接说给申请人听的分步进度（对话用）")
    said_sms: str = Field(default="", description="同样的内容，压缩到两条短信以内")
    visit: str | None = Field(default=None, examples=["您的低保申请（JZ20261123000001）已经受理了，按规定最迟11月26日（星期四）前开始入户调查，工作人员会上门。"],
                              description="入户调查什么时候来（按这件申请的状态和时限）；没有入户调查这一步或已办结为空")
    ids_pending: list[MemberPending] = Field(default_factory=list, description=(
        "身份证号待补的家庭成员（还在办时才有）：补上以后才能签核对授权书；said 里也说了"))
    payment_said: str = Field(default="", description=(
        "还没有发放时，这件申请的钱怎么发、多久：按月（批准后下月起）、一次性（临时救助），急难的先行救助和它的时限"))


class OverdueItem(BaseModel):
    number: str
    assistance_type: str
    status_label: str
    district_code: str
    step_due_date: date | None
    case_due_date: date | None
    overdue_workdays: int
    escalations: int = 0  # 督办 recorded on the case so far
    last_escalated_on: date | None = None


class OverdueOut(BaseModel):
    as_of: date
    total: int
    items: list[OverdueItem]


class CompletionRow(BaseModel):
    district_code: str
    district_name: str
    closed: int
    average_workdays: float = Field(examples=[12.5])


class AuditRow(BaseModel):
    seq: int
    at: str
    actor: str
    channel: str
    action: str
    detail: dict[str, Any]


class PaymentOut(BaseModel):
    month: str = Field(examples=["2026-12"])
    kind: str = Field(examples=["monthly"])
    amount: Decimal = Field(examples=[470])
    status: str = Field(examples=["paid"])
    paid_on: date | None
    month_said: str = Field(default="", examples=["2026年12月"])
    amount_said: str = Field(default="", examples=["470元"])
    paid_on_said: str | None = Field(default=None, examples=["12月10日（星期四）"])
