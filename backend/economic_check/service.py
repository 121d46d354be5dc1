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


LABELS = {"monthly_income": "月收入（元）", "financial_assets": "存款和证券（元）", "homes": "住房（套）", "vehicles": "车辆（辆）"}
NOT_ASKED = "没问过"  # the form never asked (the chat asks no homes or vehicles): not the same as none
# A row's result as the case page says it. Found where nobody asked is for the home visit, not a difference.
RESULTS = {"same": "一致", "differs": "有差异", "to_visit": "需入户核实", "none_found": "没查到"}


def declared(app: Application) -> dict[str, float | None]:
    """What the household declared; None for what the form never asked (not 0: nobody said there is none)."""
    unasked = set(app.not_asked or [])
    income = sum((i.monthly_amount for m in app.household.members for i in m.incomes), Decimal(0))
    financial = sum((a.value for a in app.household.assets if a.kind in ("存款", "证券")), Decimal(0))
    homes = sum(1 for a in app.household.assets if a.kind == "房产")
    vehicles = sum(1 for a in app.household.assets if a.kind == "车辆")
    return {"monthly_income": float(income), "financial_assets": float(financial),
            "homes": None if "homes" in unasked and not homes else homes,
            "vehicles": None if "vehicles" in unasked and not vehicles else vehicles}


def compare(key: str, said: float | None, found: float) -> dict:
    """One row of the comparison, with what the page shows: the one place that decides what differs."""
    if said is None:
        result = "to_visit" if found else "none_found"
    else:
        # Highlighted for the caseworker: more found than declared (10 % tolerance on money).
        money = key in ("monthly_income", "financial_assets")
        result = "differs" if found > (said * 1.1 + 1 if money else said) else "same"
    return {"item": LABELS[key], "declared": said, "found": found, "differs": result == "differs", "result": result,
            "declared_said": NOT_ASKED if said is None else f"{said:g}", "result_said": RESULTS[result]}


def comparison_rows(report: dict) -> list[dict]:
    """The stored comparison as shown; a report stored before not-asked rows carries numbers and differs only."""
    return [c if "result" in c else {**c, "result": "differs" if c["differs"] else "same", "declared_said": f"{c['declared']:g}",
                                     "result_said": RESULTS["differs" if c["differs"] else "same"]}
            for c in report.get("comparison", [])]


def declared_rows(app: Application) -> list[dict]:
    """What was declared, before any check, as shown: 没问过 where the form never asked."""
    return [{"item": LABELS[k], "declared_said": NOT_ASKED if v is None else f"{v:g}"} for k, v in declared(app).items()]


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
    comparison = [compare(k, said[k], found[k]) for k in LABELS]
    report = {"people": people, "comparison": comparison, "sources": [s.name for s in sources]}
    store_economic_check_report(session, app, report)
    audit(session, actor="system", channel="system", action="economic_check.run", entity_type="application",
          entity_id=app.number, detail={"sources": len(sources), "people": len(people),
                                        "differences": [c["item"] for c in comparison if c["differs"]],
                                        "to_visit": [c["item"] for c in comparison if c["result"] == "to_visit"]})
    return report


def on_authorization_completed(session: Session, event: AuthorizationCompleted) -> None:
    run_check(session, session.get(Application, event.application_id))
