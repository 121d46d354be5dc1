"""The monthly payment run: one payment and its notices per active recipient, idempotent per month.

    python -m backend.payments.run --month 2026-12 [--paid-on 2026-12-10]

Every application in a paying status (`pays: true` in workflows.yaml) whose first payment month has
come gets the month's payment, unless its payments are suspended or its 渐退期 is over. The amount is the decision's, or the 渐退期 schedule's.
A second run for the same month creates nothing new (the database refuses a second payment for the
same application, month and kind), so a run that stopped half-way is simply run again.
"""

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, insert, select
from sqlalchemy.orm import Session

from backend.applications.case_state import payment_plans
from backend.applications.catalog import get_catalog
from backend.applications.models import Application, Decision, Payment
from backend.core import clock
from backend.core.db import get_sessionmaker
from backend.core import say
from backend.notifications.service import Addressed, notify_many
from backend.people.models import Person
from backend.wiring import register_all

CHUNK = 5000


@dataclass
class RunSummary:
    month: str
    paid: int = 0
    already_paid: int = 0
    suspended: int = 0
    phase_out_ended: int = 0
    not_yet_due: int = 0
    notices: int = 0
    total_amount: Decimal = field(default_factory=lambda: Decimal(0))

    def lines(self) -> list[str]:
        return [
            f"{say.month(self.month)}：新发放 {self.paid} 笔，合计 {say.yuan(self.total_amount)}；通知短信 {self.notices} 条",
            f"已发过 {self.already_paid}，暂停发放 {self.suspended}，渐退期已结束 {self.phase_out_ended}，未到首发月 {self.not_yet_due}",
        ]


def _progress(done: int, total: int, started: float) -> None:
    if not sys.stderr.isatty() and done not in (total,) and done % (CHUNK * 4):
        return
    width = 30
    filled = int(width * done / total) if total else width
    rate = done / max(time.perf_counter() - started, 1e-6)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {rate:,.0f}/s", end="", file=sys.stderr, flush=True)


def run(session: Session, month: str, paid_on: date, *, show_progress: bool = False) -> RunSummary:
    summary = RunSummary(month=month)
    rows = session.execute(
        select(Application.id, Application.assistance_type, Application.applicant_person_id,
               Application.payments_suspended, Decision.monthly_amount, Payment.id.label("paid_id"))
        .join(Decision, Decision.application_id == Application.id)
        .outerjoin(Payment, and_(Payment.application_id == Application.id, Payment.month == month, Payment.kind == "monthly"))
        .where(Application.status.in_(get_catalog().paying_statuses), Decision.outcome == "approved")
        .order_by(Application.id)
    ).all()
    plans = payment_plans(session, (r.id for r in rows if r.paid_id is None and not r.payments_suspended))
    due: list[tuple[int, str, int, Decimal]] = []
    for app_id, atype, person_id, suspended, amount, paid_id in rows:
        if paid_id is not None:
            summary.already_paid += 1
        elif suspended:
            summary.suspended += 1
        elif not plans[app_id].due(month):
            summary.not_yet_due += 1
        elif (this := plans[app_id].amount_for(month, amount)) is None:
            summary.phase_out_ended += 1
        else:
            due.append((app_id, atype, person_id, this))

    label = say.month(month)
    started = time.perf_counter()
    now = clock.now()
    for start in range(0, len(due), CHUNK):
        chunk = due[start:start + CHUNK]
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_({p for _, _, p, _ in chunk})))}
        payments, batch = [], []
        for app_id, atype, person_id, amount in chunk:
            payments.append({"application_id": app_id, "month": month, "kind": "monthly", "amount": amount,
                             "status": "paid", "paid_on": paid_on, "created_at": now})
            summary.total_amount += amount
            batch.append(Addressed(person=people[person_id], key=f"payment:{app_id}:{month}", application_id=app_id,
                                   context={"month_label": label, "type_name": atype, "amount": amount, "paid_on": paid_on}))
        # Payment and notice in one transaction: a notice never exists without its payment, nor the reverse.
        session.execute(insert(Payment), payments)
        notices = notify_many(session, event="payment_made", batch=batch)
        session.commit()
        summary.paid += len(chunk)
        summary.notices += notices
        if show_progress:
            _progress(summary.paid, len(due), started)
    if show_progress and due:
        print(file=sys.stderr)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description="月度救助金发放")
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--paid-on", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    register_all()
    with get_sessionmaker()() as session:
        summary = run(session, args.month, args.paid_on or clock.today(), show_progress=True)
    print("\n".join(summary.lines()))


if __name__ == "__main__":
    main()
