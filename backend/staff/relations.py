"""Declared close relationships of staff members (conflict of interest): the one query every check uses.

The register (`staff_relations`) links a staff member to a person: a relative, or the staff member herself
("本人"). Whoever is on either end, the rule is the same: a staff member related to anyone of a household
(a member or an obligor) does not act on its case or for any of its people — whatever role the case was
routed to (a flagged case goes to the county, and a county reviewer may be the son). `refuse_related` is
the refusal every staff step raises: workflow steps (applications.access.workflow_roles), staff-assisted
signing and certification, reference photos, paper delegations, desk items.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.core.errors import Forbidden
from backend.households.service import people_of
from backend.staff.models import StaffRelation


class RelatedStaff(Forbidden):
    code = "conflict_of_interest"
    message = "您和这户人家有亲属等关系（已登记回避），这件事请由其他工作人员办理。"


def related(session: Session, staff_id: int | None, *person_ids: int) -> bool:
    """Whether the staff member declared a relationship (本人 included) with any of these persons."""
    if staff_id is None or not person_ids:
        return False
    return session.scalar(select(StaffRelation.id).where(StaffRelation.staff_id == staff_id,
                                                         StaffRelation.person_id.in_(person_ids)).limit(1)) is not None


def household_ids(session: Session, household_id: int, *more: int) -> list[int]:
    """The persons of a case: its household's members and obligors (and any named besides, e.g. the applicant)."""
    return [*(p.id for p in people_of(session, household_id)), *more]


def refuse_related(session: Session, staff_id: int | None, *person_ids: int) -> None:
    """A staff member (`actor.staff_id`; None for citizens) related to any of these persons is refused (403
    conflict_of_interest); everyone else passes."""
    if related(session, staff_id, *person_ids):
        raise RelatedStaff()


def refuse_related_to_case(session: Session, staff_id: int | None, app) -> None:
    """`refuse_related` for a case: its household's members and obligors and its applicant."""
    refuse_related(session, staff_id, *household_ids(session, app.household_id, app.applicant_person_id))
