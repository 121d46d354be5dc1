"""The workflow actions of the case page: one form per action the case allows now, asking exactly what
the engine's guards and effects for that action read (data/workflows.yaml), and posted through the
API's own validation (schemas.StepIn) and its one owner of every step (service.act).

Which actions: service.available_actions (status, role, conflict of interest — the engine's). Which
fields: derived from the transition's guards and effects, so a new guard in the data asks for its field
here without a second list of rules. Bad input comes back as Chinese messages with what was typed.
"""

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from backend.applications import service
from backend.applications.assessment import assess_application
from backend.applications.models import Application
from backend.applications.schemas import StepIn
from backend.applications.workflow import WorkflowEngine, get_catalog
from backend.auth.actor import Actor
from backend.core import clock, say
from backend.economic_check.service import comparison_rows

# Guards that make the note required, and what the note is called for each action.
NOTE_GUARDS = {"note", "reasons"}
NOTE_LABELS = {
    "record_objection": "异议内容（谁、什么时候、反映了什么）", "democratic_review": "民主评议结果",
    "reject": "不予批准的理由（会书面告知申请人）", "terminate": "终止的理由（会书面告知申请人）",
    "approve": "批准理由（金额与测算不同时必填）", "spot_check": "抽查核实情况", "extend": "延长时限的原因",
    "suspend_payments": "暂停发放的原因", "resume_payments": "恢复发放的原因", "complete_paperwork": "补办手续情况",
    "record_home_visit": "调查记录（住房、收入、身体状况等）", "propose": "初审意见", "withdraw": "撤回原因",
    "reinvestigate": "重新调查的原因", "return": "给申请人的说明", "reject_emergency": "理由",
}
# Actions whose effects read an optional note (reasons, records): shown, not required.
NOTE_OPTIONAL = {"approve", "record_home_visit", "propose", "withdraw", "reinvestigate", "return"}
# Effects that read an optional amount.
AMOUNT_EFFECTS = {"open_publicity": "拟发金额（元/月，可不填）", "decide_approved": "批准金额（元/月，不填按测算）"}
DANGER = {"reject", "terminate", "withdraw", "return", "suspend_payments"}
FIELD_LABELS = {"note": "说明", "missing": "需要补充的材料", "investigators": "调查人员", "visited_on": "调查日期",
                "amount": "金额", "months": "月数", "amounts": "每月金额", "results": "核对结果", "video": "录像",
                "photos": "照片"}


@dataclass
class ActionForm:
    action: str
    label: str
    fields: list[str]
    note_label: str | None = None
    note_required: bool = False
    amount_label: str | None = None
    amount_required: bool = False
    hint: str | None = None
    danger: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _form(session: Session, app: Application, action: str, report: dict | None, today) -> ActionForm:  # noqa: ANN001
    catalog = get_catalog()
    t = catalog.for_application(app).transitions[action]
    guards, effects = set(t.guards), set(t.effects)
    form = ActionForm(action=action, label=catalog.action_labels.get(action, action), fields=[],
                      danger=action in DANGER)
    if "missing_items" in guards:
        form.fields.append("missing")
    if "two_investigators" in guards:
        form.fields += ["investigators", "visited_on", "video", "photos"]
        form.values = {"visited_on": today.isoformat()}
    if "check_results" in guards:
        form.fields.append("report" if report else "results")
    if "phase_out_months" in guards:
        form.fields += ["months", "amounts"]
    if "amount" in guards:
        form.amount_label, form.amount_required = "金额（元）", True
    else:
        form.amount_label = next((AMOUNT_EFFECTS[e] for e in t.effects if e in AMOUNT_EFFECTS), None)
    if form.amount_label:
        form.fields.append("amount")
    if guards & NOTE_GUARDS or action in NOTE_OPTIONAL:
        form.fields.append("note")
        form.note_required = bool(guards & NOTE_GUARDS)
        form.note_label = NOTE_LABELS.get(action, "说明")
    if "decide_approved" in effects:
        result = assess_application(session, app, today).result(app.assistance_type)
        if result and result.eligible and result.monthly_amount is not None:
            form.hint = f"按申报信息测算：每月{say.yuan(result.monthly_amount)}。金额不填，就按测算批准。"
        else:
            form.hint = f"按测算不符合条件：{result.reason if result else '没有测算规则'}。确需批准请填写金额和理由。"
    return form


def action_forms(session: Session, actor: Actor, app: Application, report: dict | None,
                 kept: dict[str, Any]) -> tuple[list[ActionForm], list[dict[str, str]]]:
    """The forms of the actions this actor may take on this case now — the engine's list, less those whose
    case-only guards refuse today (returned apart with the engine's reason: "not yet", no form).
    `kept`: {"action", "values", "errors"} of a refused post, shown again in its form."""
    today = clock.today()
    engine = WorkflowEngine(session, today=today)
    forms, waiting = [], []
    for action in service.available_actions(session, actor, app):
        why = engine.not_yet(app, action, actor_label=actor.label)
        if why and action != kept.get("action"):
            waiting.append({"action": action, "label": get_catalog().action_labels.get(action, action), "why": why})
            continue
        f = _form(session, app, action, report, today)
        if action == kept.get("action"):
            f.values = {**f.values, **kept.get("values", {})}
            f.errors = kept.get("errors", [])
        forms.append(f)
    return forms, waiting


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-·、，,") for line in text.replace("\r", "").split("\n") if line.strip(" \t-·、，,")]


def report_results(report: dict) -> dict[str, str]:
    """The automatic check's comparison as the step's results: nothing re-typed by hand."""
    return {c["item"]: (f"申报{c['declared_said']}" if c["declared"] is not None else c["declared_said"])
            + f"，核对到{c['found']:g}" + {"differs": "，有差异", "to_visit": "，需入户核实"}.get(c["result"], "")
            for c in comparison_rows(report)}


def step_from_form(form: dict[str, str], report: dict | None, photos: list[dict]) -> dict[str, Any]:
    """The JSON body the API's StepIn validates, from the page's fields (only those the form has)."""
    data: dict[str, Any] = {}
    if "missing" in form:
        data["missing"] = _lines(form["missing"])
    names = [form.get(f"investigator_{i}", "").strip() for i in (1, 2, 3)]
    if any(k.startswith("investigator_") for k in form):
        data["investigators"] = [n for n in names if n]
    if form.get("visited_on", "").strip():
        data["visited_on"] = form["visited_on"].strip()
    if "video_field" in form:
        data["video"] = form.get("video") == "1"
    if form.get("use_report") == "1" and report:
        data["results"] = report_results(report)
    elif "results" in form:
        data["results"] = dict(line.replace("：", ":").split(":", 1) if ":" in line.replace("：", ":") else (line, "")
                               for line in _lines(form["results"]))
    if form.get("amount", "").strip():
        data["amount"] = form["amount"].strip()
    if form.get("months", "").strip():
        data["months"] = form["months"].strip()
    if form.get("amounts", "").strip():
        data["amounts"] = _lines(form["amounts"].replace(" ", "\n"))
    if photos:
        data["photos"] = photos
    note = form.get("note", "").strip()
    return {"note": note or None, "data": data}


def _message(err: dict) -> str:
    loc = [str(p) for p in err.get("loc", ()) if not str(p).isdigit()]
    label = FIELD_LABELS.get(loc[-1] if loc else "", "填写的内容")
    msg = err.get("msg", "")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in msg):
        kind = err.get("type", "")
        msg = {"int_parsing": "请填写整数", "decimal_parsing": "请填写数字", "date_from_datetime_parsing": "日期格式不对",
               "date_parsing": "日期格式不对", "too_long": "太长了", "string_too_long": "太长了",
               "less_than_equal": "超出了范围", "greater_than_equal": "超出了范围"}.get(kind, "格式不对，请检查")
    return f"{label}：{msg}"


def validated(body: dict[str, Any]) -> tuple[StepIn | None, list[str]]:
    try:
        return StepIn.model_validate(body), []
    except ValidationError as exc:
        return None, [_message(e) for e in exc.errors()]
