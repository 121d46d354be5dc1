"""What the supervision figures return (督办 dashboard and GET /api/v1/supervision/…)."""

from datetime import date

from pydantic import BaseModel, Field

from backend.core.fields import ApplicationNumber, ShortText


class EscalationIn(BaseModel):
    number: ApplicationNumber
    note: ShortText(500) | None = Field(default=None, examples=["请本周内完成受理"])


class EscalationOut(BaseModel):
    number: str
    on_date: date
    overdue_workdays: int
    escalations: int = Field(description="这件申请一共被督办了几次（含这一次）")


class MonthCompletion(BaseModel):
    month: str = Field(examples=["2026-11"])
    district_code: str
    district_name: str
    closed: int
    average_workdays: float


class DayTypeCount(BaseModel):
    on_date: date
    assistance_type: str = Field(examples=["临时救助/急难型"])
    count: int


class ApprovalRow(BaseModel):
    assistance_type: str
    decided: int
    approved: int
    rate: float = Field(description="批准的占比，0–1", examples=[0.75])


class CoverageRow(BaseModel):
    district_code: str
    district_name: str
    recipients: int = Field(description="正在领取救助金的户数")
    current: int = Field(description="认证在有效期内")
    overdue: int = Field(description="已过认证期限")
    unscheduled: int = Field(description="还没有排认证计划")
    rate: float = Field(description="在有效期内的占比，0–1")
