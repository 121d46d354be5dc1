"""The case page (/staff/applications/{number}): what a caseworker or reviewer needs to decide.

Everything shown is read through the services the API uses: access.audited_view (404 for another
district, as GET /api/v1/applications/{number}), the economic check's comparison, the 核对授权书's
signature status, the timeline's events, the audit trail (admins only, as GET …/audit). Nothing here
decides who may see or do what.
"""

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.delegations.schemas import SCOPE_LABELS
from backend.applications import service
from backend.applications.access import audited_view
from backend.applications.case_state import latest_economic_check_report
from backend.applications.models import Application
from backend.applications.schemas import RELATION_UNSAID
from backend.applications.workflow import get_catalog
from backend.audit.service import entries_for
from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.authorizations.assisted import HOW
from backend.authorizations.service import signature_status
from backend.delegations.models import Delegation
from backend.delegations.repository import active_delegations
from backend.economic_check.service import comparison_rows, declared_rows
from backend.eligibility.service import get_rules
from backend.facecheck.challenge import REASON_MESSAGES
from backend.facecheck.models import LivenessSession
from backend.identity.service import Identity
from backend.regions.service import known
from backend.staff.models import StaffUser
from backend.workbench.case_actions import action_forms
from backend.workbench.case_papers import HelperPhone, paper_forms
from backend.workbench.pages import paginate
from backend.workbench.work_queue import _due, type_label

LABOUR = {"full": "有劳动能力", "partial": "部分丧失劳动能力", "none": "无劳动能力"}
CATEGORIES = {"工资性": "工资性收入", "经营净": "经营净收入", "财产净": "财产净收入", "转移净": "转移净收入"}
# Where a filing names no address: the chat asks only the street (its form has no address question).
ASKED_STREET_ONLY = ("chat", "sms")
CONSENT = {"otp": "本人手机验证码确认", "paper": "书面授权书（工作人员核验）"}
HELPER_KINDS = {"family": "家属", "grid_worker": "网格员", "social_worker": "社工", "volunteer": "志愿者"}
ID_PENDING = "身份证号待补"  # a member filed without her number (applications/member_ids.py adds it)
# What this page does besides the workflow's steps, as said after it is done (?done=…).
PAGE_DONE = {"member_id": "补身份证号", "signed": "记录工作人员协助签署核对授权书"}


def who_is(session: Session, label: str, names: dict[str, str]) -> str:
    """An event's or audit row's actor as people read it: a staff member's name, else the kind of caller."""
    if label in names:
        return names[label]
    kind, _, rest = label.partition(":")
    if kind == "staff" and rest.isdigit():
        staff = session.get(StaffUser, int(rest))
        names[label] = f"{staff.display_name}（工作人员）" if staff else "工作人员"
    else:
        names[label] = {"citizen": "申请人或帮办人", "service": "智能助手", "system": "系统"}.get(kind, kind)
    return names[label]


def _members(app: Application, revealed: Identity | None) -> list[dict[str, Any]]:
    rows, rules = [], get_rules()
    for m in app.household.members:
        p = m.person
        shown = revealed if revealed and revealed.person_id == p.id else None
        rows.append({
            "person_id": p.id, "name": p.name, "relation": m.relation, "applicant": m.is_applicant,
            "id_pending": p.id_pending, "id": shown.id_number if shown else (ID_PENDING if p.id_pending else p.id_masked or "—"), "phone": (shown.phone if shown else p.phone_masked) or "未登记",
            "shown": shown is not None, "labour": LABOUR.get(m.labour_ability, m.labour_ability),
            "labour_basis": m.labour_ability_basis, "health_said": m.health_said,
            "disability": f"{m.disability_kind or ''}残疾{m.disability_grade}级" if m.disability_grade else "",
            "illness": m.serious_illness, "counted": m.counted, "excluded_reason": m.excluded_reason,
            # Whether each line counts is the rules' (rules.yaml): "高龄补贴（转移净收入）每月200元，按规定不计入".
            "incomes": [{"category": CATEGORIES.get(i.category, i.category), "kind": i.kind, "amount": i.monthly_amount,
                         "counted": rules.counts(i.kind)} for i in m.incomes],
            "deductions": [{"kind": d.kind, "amount": d.monthly_amount} for d in m.deductions],
        })
    return rows


def _face_checks(session: Session, app: Application) -> list[dict[str, Any]]:
    rows = []
    for s in session.scalars(select(LivenessSession).where(LivenessSession.application_id == app.id)
                             .order_by(LivenessSession.id)):
        last = (s.result or {}).get("last") or {}
        rows.append({"person_id": s.person_id, "purpose": "签核对授权书" if s.purpose == "authorization" else "待遇资格认证",
                     "passed": s.passed, "attempts": (s.result or {}).get("attempts", 0),
                     "distance": last.get("match_distance"), "reasons": [REASON_MESSAGES.get(r, r) for r in last.get("reasons", [])],
                     "guardian": s.helper_person_id is not None, "at": s.used_at or s.created_at})
    return rows


def _delegations(session: Session, app: Application) -> list[dict[str, Any]]:
    found = {d.id: d for d in active_delegations(session, scope="query", principal_ids=[app.applicant_person_id])}
    for d in active_delegations(session, scope="apply", principal_ids=[app.applicant_person_id]):
        found.setdefault(d.id, d)
    if app.delegation_id and app.delegation_id not in found:
        filed = session.get(Delegation, app.delegation_id)
        if filed:
            found[filed.id] = filed
    return [{"helper": d.helper.name, "relation": d.helper_relation or HELPER_KINDS.get(d.helper_kind, d.helper_kind),
             "principal": d.principal.name, "scope": "、".join(SCOPE_LABELS.get(s, s) for s in d.scope),
             "consent": CONSENT.get(d.consent_method, d.consent_method), "evidence": d.consent_evidence,
             "verified": d.verified_by_staff_id is not None, "filed_this": d.id == app.delegation_id,
             "expires": d.expires_at.date(), "revoked": d.revoked_at is not None} for d in found.values()]


def _timeline(session: Session, app: Application, names: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict]]:
    catalog = get_catalog()
    wf = catalog.for_application(app)
    rows, photos = [], []
    for e in app.events:
        data = e.data or {}
        for p in data.get("photos") or []:
            if isinstance(p, dict) and isinstance(p.get("file"), str):
                photos.append({**p, "on": e.on_date, "action": catalog.event_label(e.action, data)})
        rows.append({"on": e.on_date, "at": e.at, "label": catalog.event_label(e.action, data),
                     "status": wf.statuses[e.to_status].label, "who": who_is(session, e.actor, names), "note": e.note,
                     "investigators": data.get("investigators"), "missing": data.get("missing"),
                     "amount": data.get("amount"), "photos": len(data.get("photos") or [])})
    return rows, photos


def _audit(session: Session, actor: Actor, app: Application, page: int, names: dict[str, str]) -> dict[str, Any] | None:
    if actor.role != "admin":
        return None
    rows = entries_for(session, entity_type="application", entity_id=app.number)
    audit(session, actor=actor.label, channel=actor.channel, action="audit.read", entity_type="application",
          entity_id=app.number, detail={})
    pagination = paginate(len(rows), page)
    shown = rows[::-1][pagination.offset:pagination.offset + pagination.size]  # newest first
    return {"pagination": pagination, "rows": [{"seq": r.seq, "at": r.at, "who": who_is(session, r.actor, names),
                                                "channel": r.channel, "action": r.action, "detail": r.detail}
                                               for r in shown]}


def build(session: Session, actor: Actor, app: Application, *, today: date, revealed: Identity | None = None,
          audit_page: int = 1, form_values: dict[str, Any] | None = None,
          helper_phone: HelperPhone | None = None) -> dict[str, Any]:
    """The page's context. The read is audited (as the API's) before anything is gathered."""
    audited_view(session, actor, app, "application.read")
    wf = get_catalog().for_application(app)
    names: dict[str, str] = {}
    street = known(app.area_code)
    timeline, photos = _timeline(session, app, names)
    signatures = signature_status(session, app)
    report = latest_economic_check_report(session, app)
    forms, waiting = action_forms(session, actor, app, report, form_values or {})
    assets = [{"kind": a.kind, "value": a.value, "note": a.note} for a in app.household.assets]
    unsigned = [s for s in signatures if not s["signed"]]
    # The economic check waits for signatures: that is the next thing to do, said at the top with the forms.
    signed_first = {t.action for t in wf.transitions.values() if "authorization_signed" in t.guards}
    sign_next = bool(unsigned) and any(app.status in wf.transitions[a].sources for a in signed_first)
    return {
        "app": app, "type": type_label(wf.key), "status": wf.statuses[app.status].label,
        "street": street.name if street else app.area_code, "due": _due(app, today), "today": today,
        "street_only": not app.household.address and app.channel in ASKED_STREET_ONLY,
        "members": _members(app, revealed), "assets": assets, "declared": declared_rows(app),
        "obligors": [{"name": o.person.name, "relation": o.relation,
                      "able": o.able_to_support} for o in app.household.obligors],
        "report": report, "compared": comparison_rows(report) if report else [], "attached": app.economic_check_results,
        "hukou_unasked": "hukou" in (app.not_asked or []),
        "state": service.case_state_out(session, app), "signatures": signatures,
        "face_checks": _face_checks(session, app), "timeline": timeline, "photos": photos,
        "paper_forms": paper_forms(session, app, helper_phone),
        "delegations": _delegations(session, app), "audit": _audit(session, actor, app, audit_page, names),
        "forms": forms, "waiting": [w for w in waiting if not (sign_next and w["action"] in signed_first)],
        "unsigned": unsigned, "sign_next": sign_next, "sign_how": HOW,
        # 工作人员协助签署 is the caseworker's (assisted.witnessed_sign); the page offers it to no one else.
        "can_sign": actor.role == "caseworker" and bool(unsigned) and app.is_open,
        "can_reveal": actor.role in ("caseworker", "reviewer"),
        "ids_pending": [s["name"] for s in signatures if s["id_pending"]], "relation_unsaid": RELATION_UNSAID,
        "done_label": lambda action: PAGE_DONE.get(action) or get_catalog().action_labels.get(action, action),
        "audit_qs": lambda n: f"audit_page={n}",
    }
