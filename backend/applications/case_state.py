"""The typed state of a case's procedure: the one place that reads and writes it.

The workflow's effects (`steps.py`) and the packages around the workflow — the payment run, the
待遇资格认证 run, the economic check — go through these functions; nobody else touches the columns
and tables behind them (`models.py`: PublicityObjection, PhaseOutMonth, SuspensionProposal,
EconomicCheckReport and the procedure columns of Application).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.applications.models import (
    Application, EconomicCheckReport, PhaseOutMonth, PublicityObjection, SuspensionProposal,
)
from backend.core import clock


def next_month(day: date) -> str:
    return f"{day.year + day.month // 12}-{day.month % 12 + 1:02d}"


def add_month(month: str, n: int) -> str:
    y, m = (int(x) for x in month.split("-"))
    index = y * 12 + m - 1 + n
    return f"{index // 12}-{index % 12 + 1:02d}"


# ---------------------------------------------------------------- payments (首发月, 渐退期)


@dataclass(frozen=True)
class PaymentPlan:
    """When a recipient's monthly payments start, and the 渐退期 schedule if one runs."""

    first_month: str | None = None
    phase_out: dict[str, Decimal] = field(default_factory=dict)  # month → amount

    def due(self, month: str) -> bool:
        return self.first_month is None or self.first_month <= month

    def amount_for(self, month: str, decision_amount: Decimal) -> Decimal | None:
        """The month's amount, or None when a 渐退期 has run out."""
        if not self.phase_out:
            return decision_amount
        if month in self.phase_out:
            return self.phase_out[month]
        return decision_amount if month < min(self.phase_out) else None


def payment_plans(session: Session, application_ids: Iterable[int], *, chunk: int = 5000) -> dict[int, PaymentPlan]:
    ids = list(application_ids)
    firsts: dict[int, str | None] = {}
    schedules: dict[int, dict[str, Decimal]] = {}
    for start in range(0, len(ids), chunk):  # bounded IN lists: SQLite caps the number of parameters
        part = ids[start:start + chunk]
        firsts.update(session.execute(
            select(Application.id, Application.first_payment_month).where(Application.id.in_(part))).all())
        for app_id, month, amount in session.execute(
            select(PhaseOutMonth.application_id, PhaseOutMonth.month, PhaseOutMonth.amount)
            .where(PhaseOutMonth.application_id.in_(part))
        ):
            schedules.setdefault(app_id, {})[month] = amount
    return {i: PaymentPlan(first_month=firsts.get(i), phase_out=schedules.get(i, {})) for i in ids}


def payment_plan(session: Session, app: Application) -> PaymentPlan:
    return payment_plans(session, [app.id])[app.id]


def set_phase_out(session: Session, app: Application, *, from_month: str, amounts: list[Decimal]) -> None:
    session.execute(delete(PhaseOutMonth).where(PhaseOutMonth.application_id == app.id))
    session.add_all(PhaseOutMonth(application_id=app.id, month=add_month(from_month, i), amount=a) for i, a in enumerate(amounts))
    session.flush()


# ---------------------------------------------------------------- 公示 objections


def open_objection(session: Session, app: Application) -> PublicityObjection | None:
    return session.scalars(select(PublicityObjection).where(
        PublicityObjection.application_id == app.id, PublicityObjection.is_open.is_(True),
    ).order_by(PublicityObjection.id.desc())).first()


def raise_objection(session: Session, app: Application, *, note: str | None, on: date) -> None:
    session.add(PublicityObjection(application_id=app.id, note=note, raised_on=on, is_open=True))
    session.flush()


def close_objection(session: Session, app: Application, *, on: date, democratic_review: str | None) -> None:
    for row in session.scalars(select(PublicityObjection).where(
        PublicityObjection.application_id == app.id, PublicityObjection.is_open.is_(True),
    )):
        row.is_open, row.closed_on, row.democratic_review = False, on, democratic_review
    session.flush()


# ---------------------------------------------------------------- suspension proposals


def propose_suspension(session: Session, app: Application, *, reason: str, on: date, due_on: date | None = None,
                       by: str = "system") -> SuspensionProposal:
    """Propose, never suspend: a caseworker decides with the workflow's suspend_payments."""
    row = SuspensionProposal(application_id=app.id, proposed_by=by, proposed_on=on, reason=reason, due_on=due_on)
    session.add(row)
    session.flush()
    return row


def open_suspension_proposal(session: Session, app: Application) -> SuspensionProposal | None:
    return session.scalars(select(SuspensionProposal).where(
        SuspensionProposal.application_id == app.id, SuspensionProposal.decided_on.is_(None),
    ).order_by(SuspensionProposal.id.desc())).first()


def settle_suspension_proposals(session: Session, app: Application, *, on: date, decision: str) -> None:
    for row in session.scalars(select(SuspensionProposal).where(
        SuspensionProposal.application_id == app.id, SuspensionProposal.decided_on.is_(None),
    )):
        row.decided_on, row.decision = on, decision
    session.flush()


# ---------------------------------------------------------------- economic check reports


def store_economic_check_report(session: Session, app: Application, report: dict) -> EconomicCheckReport:
    row = EconomicCheckReport(application_id=app.id, ran_at=clock.now(), report=report)
    session.add(row)
    session.flush()
    return row


def latest_economic_check_report(session: Session, app: Application) -> dict | None:
    return session.scalars(select(EconomicCheckReport.report).where(EconomicCheckReport.application_id == app.id)
                           .order_by(EconomicCheckReport.id.desc()).limit(1)).first()


def has_economic_check_report(session: Session, app: Application) -> bool:
    return session.scalar(select(EconomicCheckReport.id).where(EconomicCheckReport.application_id == app.id).limit(1)) is not None
