"""Run every source for every signer, and set the findings next to what the household declared.

It starts by itself when the 核对授权书 is complete (AuthorizationCompleted), or when a caseworker asks."""

from decimal import Decimal

from sqlalchemy.orm import Session

from backend.applications.case_state import store_economic_check_report
from backend.applications.models import Application
from backend.audit.service import record as audit
from backend.economic_check.adapters import DataSource, PersonRef, build_sources
from backend.authorizations.events import AuthorizationCompleted
from backend.authorizations.service import require_all_signed, signers


def declared(app: Application) -> dict[str, float]:
    income = sum((i.monthly_amount for m in app.household.members for i in m.incomes), Decimal(0))
    financial = sum((a.value for a in app.household.assets if a.kind in ("存款", "证券")), Decimal(0))
    return {"monthly_income": float(income), "financial_assets": float(financial),
            "homes": sum(1 for a in app.household.assets if a.kind == "房产"),
            "vehicles": sum(1 for a in app.household.assets if a.kind == "车辆")}


def run_check(session: Session, app: Application, sources: list[DataSource] | None = None) -> dict:
    require_all_signed(session, app)  # the 核对授权书 is what allows querying these sources at all
    sources = sources or build_sources()
    found = {"monthly_income": 0.0, "financial_assets": 0.0, "homes": 0, "vehicles": 0}
    people = []
    for person in signers(session, app):
        ref = PersonRef(person.id, person.name, person.id_hash or "")
        results = [s.query(ref) for s in sources]
        for r in results:
            found["monthly_income"] += r.monthly_income
            found["financial_assets"] += r.financial_assets
            found["homes"] += r.homes
            found["vehicles"] += r.vehicles
        people.append({"name": person.name, "sources": {r.source: r.findings for r in results}})
    said = declared(app)
    labels = {"monthly_income": "月收入（元）", "financial_assets": "存款和证券（元）", "homes": "住房（套）", "vehicles": "车辆（辆）"}
    comparison = [
        {"item": labels[k], "declared": said[k], "found": found[k],
         # Highlighted for the caseworker: more found than declared (10 % tolerance on money).
         "differs": found[k] > said[k] * (1.1 if k in ("monthly_income", "financial_assets") else 1) + (0 if k in ("homes", "vehicles") else 1)}
        for k in labels
    ]
    report = {"people": people, "comparison": comparison, "sources": [s.name for s in sources]}
    store_economic_check_report(session, app, report)
    audit(session, actor="system", channel="system", action="economic_check.run", entity_type="application",
          entity_id=app.number, detail={"sources": len(sources), "people": len(people),
                                        "differences": [c["item"] for c in comparison if c["differs"]]})
    return report


def on_authorization_completed(session: Session, event: AuthorizationCompleted) -> None:
    run_check(session, session.get(Application, event.application_id))
