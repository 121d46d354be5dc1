"""Applications, their timeline, decisions and payments, and the typed state of each case's procedure."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base
from backend.core.types import Timestamp, UtcDateTime
from backend.households.models import Household
from backend.people.models import Person


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_open_step_due", "is_open", "step_due_date"),
        Index("ix_applications_open_case_due", "is_open", "case_due_date"),
        Index("ix_applications_district_status", "district_code", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    assistance_type: Mapped[str] = mapped_column(String(16))  # 低保 特困 临时救助 …
    subtype: Mapped[str | None] = mapped_column(String(16))  # 临时救助: 急难型 | 支出型
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    applicant_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))  # street / town
    district_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    region: Mapped[str] = mapped_column(String(32))  # standards and workflow region, e.g. 重庆
    channel: Mapped[str] = mapped_column(String(16))  # web chat sms counter miniapp
    filed_by: Mapped[str] = mapped_column(String(64))  # citizen:12, staff:3, …
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    # What the channel's form never asked ("hukou", "homes", "vehicles"): the case page says 没问过, not 城镇 or 0.
    # None on cases filed before it was recorded.
    not_asked: Mapped[list[str] | None] = mapped_column(JSON)

    status: Mapped[str] = mapped_column(String(24))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    step_due_date: Mapped[date | None] = mapped_column(Date)
    case_due_date: Mapped[date | None] = mapped_column(Date)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_of_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    spot_check_required: Mapped[bool] = mapped_column(Boolean, default=False)
    payments_suspended: Mapped[bool] = mapped_column(Boolean, default=False)

    # The procedure's own facts, written only by the workflow's effects (applications/steps.py).
    returns_count: Mapped[int] = mapped_column(Integer, default=0)  # materials are returned once at most
    missing_materials: Mapped[list[str]] = mapped_column(JSON, default=list)  # 一次性告知 list of the last return
    home_visit_on: Mapped[date | None] = mapped_column(Date)
    home_visit_investigators: Mapped[list[str] | None] = mapped_column(JSON)
    home_visit_video: Mapped[bool | None] = mapped_column(Boolean)
    # What the caseworker attached from the 核对 (source data, as given); the automatic report is a row
    # of economic_check_reports.
    economic_check_results: Mapped[dict | None] = mapped_column(JSON)
    publicity_from: Mapped[date | None] = mapped_column(Date)
    publicity_until: Mapped[date | None] = mapped_column(Date)
    proposed_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    spot_check_by: Mapped[str | None] = mapped_column(String(64))
    spot_check_on: Mapped[date | None] = mapped_column(Date)
    spot_check_note: Mapped[str | None] = mapped_column(Text)
    first_payment_month: Mapped[str | None] = mapped_column(String(7))  # 2026-11
    advance_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 先行救助, paid before the decision

    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    household: Mapped[Household] = relationship()
    applicant: Mapped[Person] = relationship()
    events: Mapped[list["ApplicationEvent"]] = relationship(order_by="ApplicationEvent.id", back_populates="application")
    decision: Mapped["Decision | None"] = relationship(back_populates="application", uselist=False)

    __mapper_args__ = {"version_id_col": version}


class ApplicationEvent(Base):
    """One entry of the timeline people see (进度) and staff trace (溯源)."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    on_date: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    application: Mapped[Application] = relationship(back_populates="events")


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))  # approved | rejected
    monthly_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    per_capita_income: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    standard_applied: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    standard_source: Mapped[str | None] = mapped_column(String(64))
    reasons: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(Date)

    application: Mapped[Application] = relationship(back_populates="decision")


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("application_id", "month", "kind", name="uq_payments_application_month_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # 2026-12
    kind: Mapped[str] = mapped_column(String(16))  # monthly | one_off | advance (先行救助)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | paid
    paid_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]


class PublicityObjection(Base):
    """An objection raised during 公示; open until a reinvestigation or a 民主评议 closes it."""

    __tablename__ = "publicity_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    raised_on: Mapped[date | None] = mapped_column(Date)  # None: carried over from before this table
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    democratic_review: Mapped[str | None] = mapped_column(Text)  # the 民主评议's conclusion, when it closed it


class PhaseOutMonth(Base):
    """One month of a 渐退期 schedule: the amount paid that month; after the last one, payments stop."""

    __tablename__ = "phase_out_months"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # 2026-12
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class SuspensionProposal(Base):
    """A proposal to suspend payments (e.g. 待遇资格认证 overdue); a caseworker decides, never the system."""

    __tablename__ = "suspension_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date | None] = mapped_column(Date)  # the missed date that led to the proposal
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(16))  # suspended | dismissed | None while open


class EconomicCheckReport(Base):
    """One automatic 家庭经济状况核对: what each source found next to what the household declared."""

    __tablename__ = "economic_check_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    ran_at: Mapped[datetime] = mapped_column(UtcDateTime())
    report: Mapped[dict] = mapped_column(JSON)  # source data as the sources returned it
