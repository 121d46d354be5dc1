"""Declared close relationships of staff members (conflict of interest): the one query every check uses."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.staff.models import StaffRelation


def related(session: Session, staff_id: int | None, *person_ids: int) -> bool:
    """Whether the staff member declared a relationship (本人 included) with any of these persons."""
    if staff_id is None or not person_ids:
        return False
    return session.scalar(select(StaffRelation.id).where(StaffRelation.staff_id == staff_id,
                                                         StaffRelation.person_id.in_(person_ids)).limit(1)) is not None
