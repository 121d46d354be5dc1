"""Where a case stands, said as steps: what is done (with dates), the step now (who handles it — a role,
never a staff name — and by when), what usually comes next, and whose ID number is still to come (身份证号待补: the
核对授权书 waits for it). The wording is templates/applications/progress_steps.txt.j2; dates and amounts go through
core/say.py."""

from backend.applications import visits
from backend.applications.catalog import Status, Workflow, get_catalog
from backend.applications.models import Application
from backend.applications.schemas import MemberPending, NextStep, ProgressOut, StepDone, StepNow, TimelineEntry
from backend.core import say
from backend.core.templates import render_text
from backend.notifications.segments import segments

# Summaries of statuses a case leaves the ordinary road for: never offered as "what comes next".
OFF_THE_ROAD = {"missing", "rejected", "withdrawn", "terminated"}
SMS_SEGMENTS = 2


def timeline(app: Application) -> list[TimelineEntry]:
    catalog = get_catalog()
    wf = catalog.for_application(app)
    return [
        TimelineEntry(
            on_date=e.on_date, action=e.action, action_label=catalog.event_label(e.action, e.data),
            from_status=e.from_status, to_status=e.to_status, status_label=wf.statuses[e.to_status].label,
            actor=e.actor.split(":")[0], note=e.note,
        )
        for e in app.events
    ]


def _on_the_road(status: Status) -> bool:
    return status.summary not in OFF_THE_ROAD and status.owner != "applicant"


def next_action(wf: Workflow, current: str) -> str | None:
    """The action that usually follows: one leading to a later status of the procedure (the order of
    workflows.yaml), never a rejection, withdrawal or return; failing that, any ordinary way on."""
    order = list(wf.statuses)
    here = order.index(current)
    ways = [t for t in wf.transitions.values()
            if current in t.sources and t.target and t.target != current and _on_the_road(wf.statuses[t.target])]
    forward = [t for t in ways if order.index(t.target) > here]
    chosen = min(forward, key=lambda t: order.index(t.target)) if forward else (ways[0] if ways else None)
    return chosen.action if chosen else None


def ids_pending(app: Application) -> list[MemberPending]:
    """The household members whose ID number is to come (身份证号待补), while the case is open: what the applicant or
    her helper still has to send (member_ids.add_member_id); a closed case asks for nothing."""
    if not get_catalog().for_application(app).statuses[app.status].open:
        return []
    return [MemberPending(person_id=m.person_id, name=m.person.name, relation=m.relation)
            for m in app.household.members if m.person.id_pending]


def progress(app: Application, whose: str = "您的") -> ProgressOut:
    """`whose`: "您的" for the applicant herself, "周桂英的" for anyone else who asks (her grandson, a caseworker)."""
    catalog = get_catalog()
    wf = catalog.for_application(app)
    status = wf.statuses[app.status]
    type_name = app.assistance_type + (f"（{app.subtype}）" if app.subtype else "")
    who = catalog.owner_labels.get(status.owner or "", "工作人员")
    next_step = NextStep(label=status.label, who=who, due_date=app.step_due_date) if status.open else None
    decision = app.decision
    amount = decision.monthly_amount if decision and decision.monthly_amount else None
    summary = render_text(
        "applications/progress_summary.txt.j2",
        summary=status.summary, type_name=type_name, number=app.number, label=status.label, whose=whose,
        due=app.step_due_date if status.open else None, who=who if status.open else "",
        missing=app.missing_materials or [], amount=amount, one_off=wf.one_off,
        reasons=(decision.reasons if decision else (app.events[-1].note if app.events else "")) or "",
    )
    done = [StepDone(label=catalog.event_label(e.action, e.data), on_date=e.on_date,
                     on_said=say.day(e.on_date, weekday=False)) for e in app.events]
    current = None
    if status.open:
        due = app.step_due_date
        current = StepNow(label=status.label, who=who, due_date=due, due_said=say.by_day(due) if due else None)
    following = next_action(wf, app.status) if status.open else None
    then = catalog.action_labels.get(following, following) if following else None
    pending = ids_pending(app)
    context = {"type_name": type_name, "number": app.number, "current": current, "then": then, "whose": whose,
               "summary": summary if not status.open or status.summary else None,
               "ids_pending": "、".join(m.name for m in pending)}
    said = render_text("applications/progress_steps.txt.j2", done=done, **context)
    said_sms = said
    # Within two SMS segments: the latest steps first, then none, then the sentence alone.
    for keep in (2, 1, 0):
        if segments(said_sms) <= SMS_SEGMENTS:
            break
        said_sms = render_text("applications/progress_steps.txt.j2", done=done[-keep:] if keep else [], **context)
    if segments(said_sms) > SMS_SEGMENTS:
        said_sms = summary
    return ProgressOut(
        number=app.number, assistance_type=type_name, status=app.status, status_label=status.label,
        steps=timeline(app), next_step=next_step, case_due_date=app.case_due_date, summary=summary,
        done=done, current=current, then=then, said=said, said_sms=said_sms, visit=visits.for_case(app, whose),
        ids_pending=pending, payment_said=payment_how(app, whose),
    )


def payment_how(app: Application, whose: str = "您的") -> str:
    """How and when this case's money comes, before any is paid: monthly after the decision, once (临时救助), or, for a
    急难 case, 先行救助 first with its time limits — from workflows.yaml, never one sentence for every type."""
    catalog = get_catalog()
    wf = catalog.for_application(app)
    type_name = app.assistance_type + (f"（{app.subtype}）" if app.subtype else "")
    return render_text("applications/payment_how.txt.j2", whose=whose, type_name=type_name, number=app.number,
                       advance=wf.advance, one_off=wf.one_off, limit=catalog.case_limit(catalog.region(app.region)))
