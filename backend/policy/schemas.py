from datetime import date

from pydantic import BaseModel, Field


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
