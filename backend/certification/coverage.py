"""认证覆盖率 for the supervision dashboard: of the households being paid, how many hold a 待遇资格认证
that is still valid today, per district. Here and not in applications/supervision.py because this
package depends on applications, not the other way round."""

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.applications.catalog import get_catalog
from backend.applications.models import Application
from backend.applications.supervision_schemas import CoverageRow
from backend.certification.models import CertificationSchedule
from backend.regions.models import Area


def coverage(session: Session, *, today: date, district_code: str | None) -> list[CoverageRow]:
    """Per district: households in a paying status; current (next due today or later), overdue (past it),
    not yet scheduled (the daily run schedules new recipients); the share current."""
    query = (
        select(Application.district_code, Area.name, CertificationSchedule.next_due)
        .join(Area, Area.code == Application.district_code)
        .outerjoin(CertificationSchedule, CertificationSchedule.application_id == Application.id)
        .where(Application.status.in_(get_catalog().paying_statuses))
    )
    if district_code:
        query = query.where(Application.district_code == district_code)
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # current, overdue, unscheduled
    for district, name, next_due in session.execute(query):
        tally[(district, name)][2 if next_due is None else 0 if next_due >= today else 1] += 1
    rows = []
    for (district, name), (current, late, unscheduled) in sorted(tally.items()):
        total = current + late + unscheduled
        rows.append(CoverageRow(district_code=district, district_name=name, recipients=total, current=current,
                                overdue=late, unscheduled=unscheduled, rate=round(current / total, 4)))
    return rows
