"""Public policy information: standards by region and date, and ready-made answers for the assistant."""

from typing import Annotated

from fastapi import APIRouter, Query

from backend.applications.workflow import get_catalog
from backend.core import clock
from backend.core.errors import ErrorResponse, NotFound
from backend.core.fields import AreaCode, SaneDate, ShortText, Text
from backend.eligibility.standards import get_catalogue
from backend.policy import service
from backend.regions.service import office_for
from backend.policy.schemas import (
    DEFAULT_ASPECT, DEFAULT_TYPE, Aspect, AssistanceType, OfferOut, PolicyAnswer, RegionOut, StandardOut, UrbanRuralOut,
)

router = APIRouter(prefix="/policy", tags=["政策 policy"])



@router.get("/regions", response_model=list[RegionOut], summary="有标准数据的地区")
def regions() -> list[RegionOut]:
    return [RegionOut(key=r.key, full_name=r.full_name, areas=list(r.areas)) for r in get_catalogue().regions]


@router.get(
    "/standards",
    response_model=StandardOut,
    summary="某地某日执行的低保、特困标准",
    responses={404: {"model": ErrorResponse, "description": "地区未知或当日无标准"}},
)
def standard(
    region: Annotated[ShortText(32, min_length=1), Query(description="地区名，可以是市或区县", examples=["重庆", "渝中区"])],
    on: Annotated[SaneDate | None, Query(description="查询日期，默认今天（北京时间）", examples=["2025-07-01"])] = None,
) -> StandardOut:
    catalogue = get_catalogue()
    found = catalogue.resolve(region)
    if found is None:
        raise NotFound(f"暂时没有“{region}”的标准数据。", code="unknown_region")
    std = catalogue.in_force(found, on or clock.today())
    if std is None:
        raise NotFound(f"{found.full_name}在这一天还没有可用的标准数据。", code="no_standard")
    return StandardOut(
        region=found.key,
        region_full_name=found.full_name,
        effective_from=std.effective_from,
        source=std.source,
        dibao=UrbanRuralOut(urban=std.dibao.urban, rural=std.dibao.rural),
        tekun=UrbanRuralOut(urban=std.tekun.urban, rural=std.tekun.rural) if std.tekun else None,
    )


@router.get("/answer", response_model=PolicyAnswer, summary="政策问答：类型 × 方面 × 地区")
def policy_answer(
    assistance_type: Annotated[AssistanceType, Query(examples=["低保"])] = DEFAULT_TYPE,
    aspect: Annotated[Aspect, Query(examples=["标准"])] = DEFAULT_ASPECT,
    region: Annotated[ShortText(32) | None, Query(examples=["重庆"])] = None,
    on: Annotated[SaneDate | None, Query(examples=["2026-11-23"])] = None,
    area_code: Annotated[AreaCode | None, Query(description="申请人所在街道（乡镇）代码：线下办理的类型会说这个窗口的电话",
                                                 examples=["500103001"])] = None,
    said: Annotated[Text(200) | None, Query(description="这句问话的原文：其中说到的地方优先于 region（之前对话里的地区）",
                                                  examples=["成都低保标准是多少"])] = None,
) -> PolicyAnswer:
    return service.answer(
        get_catalogue(), assistance_type=assistance_type, aspect=aspect, region_name=region, on=on or clock.today(),
        office=office_for(area_code) if area_code else None, said=said, area_code=area_code,
    )


@router.get("/offer", response_model=OfferOut, summary="可办理的救助类型、地区及默认值（供对话助手使用）")
def offer(
    region: Annotated[ShortText(32) | None, Query(description="地区名；不认识或不填时给默认地区", examples=["渝中区"])] = None,
) -> OfferOut:
    return service.offer(get_catalogue(), get_catalog(), region_name=region)
