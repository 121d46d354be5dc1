"""The case page's signed 授权委托书 (in its 材料和照片 block): the photographed paper forms the applicant gave in
the case's district, waiting or verified, each linked to its photo (the desk's audited photo route) and with the
helper's phone, masked, or whole after the caseworker's audited "show" (delegations.paper.helper_phone) — she
arranges the 入户核查 with the helper of a person who has no phone. A tester's case page said "还没有照片" while the
form's photo was only under 服务台 → 纸质委托书.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.core import clock
from backend.delegations import paper, repository
from backend.delegations.schemas import HELPER_KIND_LABELS
from backend.workbench.signin import PREFIX


@dataclass(frozen=True)
class HelperPhone:
    """A helper's whole phone, shown once on the page after an audited read."""

    delegation_id: int
    phone: str | None


def forms_of(session: Session, app: Application) -> list[int]:
    """The ids of the forms the case page shows (the "show" route reads only these)."""
    return [d.id for d in repository.paper_forms_of(session, app.applicant_person_id, app.district_code)]


def paper_forms(session: Session, app: Application, shown: HelperPhone | None = None) -> list[dict[str, Any]]:
    rows = []
    for d in repository.paper_forms_of(session, app.applicant_person_id, app.district_code):
        whole = shown is not None and shown.delegation_id == d.id
        rows.append({
            "id": d.id, "principal": d.principal.name, "helper": d.helper.name,
            "kind": HELPER_KIND_LABELS.get(d.helper_kind, d.helper_kind), "standing": paper.STANDING[d.status],
            "reviewed": d.reviewed_at.astimezone(clock.CHINA).date() if d.reviewed_at else None, "note": d.review_note,
            "filed_this": d.id == app.delegation_id, "photo": f"{PREFIX}/desk/delegations/{d.id}/photo",
            "phone": (shown.phone if whole else d.helper.phone_masked) or "", "shown": whole,
        })
    return rows
