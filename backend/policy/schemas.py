from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

# The types and aspects the policy answers cover; the defaults when a question names none.
AssistanceType = Literal["低保", "特困", "临时救助", "低保边缘", "刚性支出困难", "医疗救助", "教育救助", "住房救助", "就业救助"]
# 资产: the asset limits (存款、房子、车) — "存款超过多少就不能办" asks this, not the standard.
Aspect = Literal["条件", "标准", "材料", "流程", "时限", "资产"]
DEFAULT_TYPE: AssistanceType = "低保"
DEFAULT_ASPECT: Aspect = "标准"


class UrbanRuralOut(BaseModel):
    urban: float = Field(examples=[770])
    rural: float = Field(examples=[630])


class StandardOut(BaseModel):
    region: str = Field(examples=["重庆"])
    region_full_name: str = Field(examples=["重庆市"])
    effective_from: date | None = Field(examples=["2025-07-01"])
    source: str = Field(examples=["渝民规〔2025〕6号"])
    dibao: UrbanRuralOut
    tekun: UrbanRuralOut | None


class RegionOut(BaseModel):
    key: str = Field(examples=["重庆"])
    full_name: str = Field(examples=["重庆市"])
    areas: list[str] = Field(examples=[["渝中区", "江北区"]])


class PolicyAnswer(BaseModel):
    """A ready-to-say answer. `needs_region` asks the caller to find out where the person lives."""

    answer: str | None = Field(
        examples=["重庆市现行低保标准（2025年7月1日起执行，渝民规〔2025〕6号）：城市每人每月770元，农村每人每月630元。"]
    )
    needs_region: bool = False
    region: str | None = Field(default=None, examples=["重庆"])
    assistance_type: str = Field(examples=["低保"])
    aspect: str = Field(examples=["标准"])
    known_regions: list[str] = Field(default_factory=list, examples=[["重庆", "武汉", "常州"]])
    # A place was named (in `region` or in `said`) that has no local data here: the answer says so, gives the
    # national rule and the office to ask. `region` stays None: no figures of another place were used.
    place: str | None = Field(default=None, examples=["四川省成都市"])
    # A 条件/资产 answer: the assistant offers the pre-check ("帮我测一测"), the other reading of such a question.
    offer_precheck: bool = False
    # With `needs_region`: the national rule, said before asking where ("有车的人能不能吃低保" gets the rule on
    # vehicles at once, the local limits once the place is known).
    national: str | None = Field(default=None, examples=["全国的规定是：家庭存款、房产、车辆等财产要符合当地的规定…"])
    # "受理是啥子意思": the answer says what the word means (backend/policy/data/terms.yaml), not a type's rule;
    # "个人信息": a question about her own data ("照片你们存好久", backend/policy/data/privacy.yaml).
    term: str | None = Field(default=None, examples=["受理"])


class FilingTypeOut(BaseModel):
    assistance_type: str = Field(examples=["临时救助"])
    subtypes: list[str] = Field(examples=[["支出型", "急难型"]])
    default_subtype: str | None = Field(examples=["支出型"])


class EmergencyOut(BaseModel):
    assistance_type: str = Field(examples=["临时救助"])
    subtype: str = Field(examples=["急难型"])


class OfferOut(BaseModel):
    """What the assistant may offer, so that it carries no domain defaults of its own."""

    region: str = Field(examples=["重庆"], description="the region named (resolved), or the default one")
    default_region: str = Field(examples=["重庆"])
    regions: list[str] = Field(examples=[["重庆", "武汉", "常州"]])
    question_types: list[str] = Field(examples=[["低保", "特困", "临时救助"]])
    aspects: list[str] = Field(examples=[["条件", "标准"]])
    default_type: str = Field(examples=["低保"])
    default_aspect: str = Field(examples=["标准"])
    filing_types: list[FilingTypeOut]
    emergency: EmergencyOut
    privacy_cue: str = Field(
        description="正则：一句话像在问个人信息（谁看得到、存多久、人脸做什么用、怎么删除）时匹配；"
                    "再用 /policy/answer?said=… 取答案（term 为“个人信息”）",
        examples=["(?s)^(?=.*(?:照片|材料)).*(?:(?:存(?![款折钱])[^，。]{0,3}(好久|多久)))|(?:泄露|隐私)"])
