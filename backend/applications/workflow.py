"""One workflow engine for every assistance type, driven by `data/workflows.yaml`.

The data says which statuses exist, who owns each step, its time limit, and which actions move a
case from where to where. The engine checks the actor's role, the current status and the named guards
(`steps.py`), applies the named effects, sets the due dates on the official working-day calendar, writes
the timeline and the audit log. No handler branches on a status; the catalogue is `catalog.py`.
"""

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from backend.applications.catalog import Transition, Workflow, WorkflowCatalog, get_catalog
from backend.applications.models import Application, ApplicationEvent
from backend.applications.steps import EFFECTS, GUARDS, STATE_GUARDS, StepContext, StepInput, StepRefused
from backend.audit.service import record as audit
from backend.core import clock
from backend.core.errors import AppError, Forbidden
from backend.core.workdays import WorkCalendar, get_calendar
from backend.applications.notices import notify_step

__all__ = ["StepInput", "StepRefused", "WorkflowEngine", "acting_role", "get_catalog"]


def acting_role(role: str, *, conflict_of_interest: bool) -> str:
    """Who acts where the procedure names `role`: in a conflict-of-interest case the county registers
    separately and visits itself, so the reviewer takes every caseworker step (the one place that says so)."""
    return "reviewer" if conflict_of_interest and role == "caseworker" else role


@lru_cache
def _checked(catalog: WorkflowCatalog) -> WorkflowCatalog:
    """The data may only name guards and effects that exist in steps.py: checked once per catalogue."""
    return catalog.check_names(GUARDS, EFFECTS)


class WorkflowEngine:
    def __init__(self, session: Session, *, catalog: WorkflowCatalog | None = None,
                 calendar: WorkCalendar | None = None, today: date | None = None):
        self.session = session
        self.catalog = _checked(catalog or get_catalog())
        self.calendar = calendar or get_calendar()
        self.today = today or clock.now().date()

    def effective_roles(self, app: Application, transition: Transition) -> tuple[str, ...]:
        """Conflict-of-interest cases: the county (reviewer) takes every caseworker step."""
        return tuple(acting_role(r, conflict_of_interest=bool(app.conflict_of_interest)) for r in transition.roles)

    def available_actions(self, app: Application, roles: set[str]) -> list[str]:
        wf = self.catalog.for_application(app)
        return [
            t.action for t in wf.transitions.values()
            if app.status in t.sources and roles & set(self.effective_roles(app, t))
        ]

    def not_yet(self, app: Application, action: str, *, actor_label: str) -> str | None:
        """Why an available action cannot be taken now, by its guards that read only the case (the
        publicity still running, no objection to review …); None when only the step's input is left."""
        wf = self.catalog.for_application(app)
        ctx = StepContext(self.session, app, wf, self.catalog.region(app.region), StepInput(), actor_label,
                          self.today, self.calendar, self.catalog)
        for guard in wf.transitions[action].guards:
            if guard in STATE_GUARDS:
                try:
                    GUARDS[guard](ctx)
                except AppError as exc:
                    return exc.message
        return None

    def submit(self, app: Application, *, actor_label: str, channel: str) -> None:
        wf = self.catalog.for_application(app)
        app.status = wf.initial_status
        app.is_open = True
        app.submitted_on = self.today
        app.returns_count = 0
        self._set_step_due(app, wf, None)
        event = self._event(app, "submit", None, app.status, actor_label, channel, None, {})
        self._notify(app, wf, event, changed=True)

    def apply(self, app: Application, action: str, *, roles: set[str], actor_label: str, channel: str,
              step: StepInput) -> ApplicationEvent:
        wf = self.catalog.for_application(app)
        transition = wf.transitions.get(action)
        if transition is None:
            raise StepRefused(f"“{action}”不是这类申请的办理步骤。", code="unknown_action")
        allowed = self.effective_roles(app, transition)
        if not roles & set(allowed):
            if app.conflict_of_interest and "caseworker" in roles and "reviewer" in allowed:
                raise Forbidden("这件申请涉及工作人员近亲属，按规定由县级民政部门直接办理。", code="conflict_of_interest")
            raise Forbidden("您的岗位不能办理这一步。", code="wrong_role")
        if app.status not in transition.sources:
            raise StepRefused(
                f"申请现在是“{wf.statuses[app.status].label}”，不能办理这一步。", code="wrong_status",
                details={"status": app.status, "allowed_from": sorted(transition.sources)},
            )
        ctx = StepContext(self.session, app, wf, self.catalog.region(app.region), step, actor_label,
                          self.today, self.calendar, self.catalog)
        for guard in transition.guards:
            GUARDS[guard](ctx)
        for effect in transition.effects:
            EFFECTS[effect](ctx)
        before = app.status
        if transition.target is not None:
            app.status = transition.target
            target = wf.statuses[transition.target]
            app.is_open = target.open
            if not target.open and app.closed_on is None:
                app.closed_on = self.today
            self._set_step_due(app, wf, ctx)
        event = self._event(app, action, before, app.status, actor_label, channel, step.note,
                            {k: v for k, v in step.data.items() if k not in SENSITIVE_KEYS})
        self._notify(app, wf, event, changed=before != app.status)
        return event

    def _notify(self, app: Application, wf: Workflow, event: ApplicationEvent, *, changed: bool) -> None:
        default = "step_changed" if changed else None
        template = self.catalog.notices.get(event.action, default)
        if template:
            self.session.flush()
            self.session.refresh(app, ["decision", "applicant"])
            notify_step(self.session, app, event, template=template, status_label=wf.statuses[app.status].label,
                        action_label=self.catalog.action_labels.get(event.action, event.action), today=self.today)

    def _set_step_due(self, app: Application, wf: Workflow, ctx: StepContext | None) -> None:
        status = wf.statuses[app.status]
        if not status.open:
            app.step_due_date = None
        elif status.publicity and app.publicity_until:
            app.step_due_date = app.publicity_until
        elif status.due_workdays:
            app.step_due_date = self.calendar.add_workdays(self.today, status.due_workdays)
        else:
            app.step_due_date = None

    def _event(self, app: Application, action: str, before: str | None, after: str, actor_label: str,
               channel: str, note: str | None, data: dict[str, Any]) -> ApplicationEvent:
        event = ApplicationEvent(
            application_id=app.id, at=clock.now(), on_date=self.today, action=action, from_status=before,
            to_status=after, actor=actor_label, channel=channel, note=note, data=data,
        )
        self.session.add(event)
        self.session.flush()
        audit(self.session, actor=actor_label, channel=channel, action=f"application.{action}",
              entity_type="application", entity_id=app.number or app.id,
              detail={"from": before, "to": after, "note": note})
        return event


SENSITIVE_KEYS = {"id_number", "phone"}

