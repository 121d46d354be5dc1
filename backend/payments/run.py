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
from backend.core.templates import text_env
from backend.delegations.models import Delegation
from backend.applications.notices import month_label
from backend.notifications.models import Notice, SmsOptOut
from backend.notifications.segments import segments
from backend.notifications.service import notice_key
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
            f"{self.month}：新发放 {self.paid} 笔，合计 {self.total_amount} 元；通知短信 {self.notices} 条",
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

    template = text_env().get_template("sms/payment_made.txt.j2")
    label = month_label(month)
    opted_out = set(session.scalars(select(SmsOptOut.phone_hash)))
    started = time.perf_counter()
    now = clock.now()
    for start in range(0, len(due), CHUNK):
        chunk = due[start:start + CHUNK]
        person_ids = {p for _, _, p, _ in chunk}
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
        helpers: dict[int, list[Person]] = {}
        for helper, d in session.execute(
            select(Person, Delegation).join(Delegation, Delegation.helper_person_id == Person.id)
            .where(Delegation.principal_person_id.in_(person_ids), Delegation.revoked_at.is_(None))
        ).all():
            if "notices" in d.scope and d.active_at(now) and helper.phone_cipher:
                helpers.setdefault(d.principal_person_id, []).append(helper)
        payments, notices = [], []
        for app_id, atype, person_id, amount in chunk:
            payments.append({"application_id": app_id, "month": month, "kind": "monthly", "amount": amount,
                             "status": "paid", "paid_on": paid_on, "created_at": now})
            summary.total_amount += amount
            person = people[person_id]
            shown = f"{amount:.2f}".rstrip("0").rstrip(".")
            recipients = ([(person, "person")] if person.phone_cipher else []) + [(h, "helper") for h in helpers.get(person_id, [])]
            for recipient, role in recipients:
                text = template.render(for_helper=role == "helper", principal_name=person.name, month_label=label,
                                       type_name=atype, amount=shown, paid_on=paid_on).strip()
                notices.append({
                    "key": notice_key(f"payment:{app_id}:{month}", recipient.id), "event": "payment_made",
                    "application_id": app_id, "person_id": recipient.id, "recipient": role,
                    "phone_hash": recipient.phone_hash, "phone_cipher": recipient.phone_cipher, "text": text,
                    "segments": segments(text), "essential": False,
                    "status": "opted_out" if recipient.phone_hash in opted_out else "pending",
                    "attempts": 0, "next_attempt_at": now, "created_at": now,
                })
        # Payment and notice in one transaction: a notice never exists without its payment, nor the reverse.
        session.execute(insert(Payment), payments)
        if notices:
            session.execute(insert(Notice), notices)
        session.commit()
        summary.paid += len(chunk)
        summary.notices += len(notices)
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
