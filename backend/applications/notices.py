"""Turning a workflow step into the notice people receive (template chosen by workflows.yaml)."""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from backend.applications.models import Application, ApplicationEvent
from backend.applications.catalog import get_catalog
from backend.core import say
from backend.core.money import to_cents
from backend.notifications.service import notify


def _money(value) -> Decimal | None:  # noqa: ANN001
    """Amounts come from the database or, for an advance, from JSON as text; the template writes them (|yuan)."""
    return None if value is None else to_cents(value)


def notify_step(session: Session, app: Application, event: ApplicationEvent, *, template: str,
                status_label: str, action_label: str, today: date) -> None:
    type_name = app.assistance_type + (f"（{app.subtype}）" if app.subtype else "")
    decision = app.decision
    context = {
        "type_name": type_name, "number": app.number, "next_label": status_label, "status_label": status_label,
        "action_label": action_label, "due": app.step_due_date if app.is_open else None,
        "missing": app.missing_materials or [],
        "amount": _money(decision.monthly_amount if decision else app.advance_amount),
        "reasons": (decision.reasons if decision else event.note) or "",
        "one_off": get_catalog().for_application(app).one_off,
    }
    if template == "payment_made":
        paid = app.advance_amount or (decision.monthly_amount if decision else None)
        context.update(amount=_money(paid), month_label=say.month(today.strftime("%Y-%m")), paid_on=today)
    notify(session, event=template, person=app.applicant, context=context, key=f"app:{app.id}:event:{event.id}",
           application_id=app.id)
