"""Queries for the service desk: what is still open in a district."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.regions.service import codes_in_district
from backend.service_desk.models import CallbackRequest, Complaint


def open_items(session: Session, *, district_code: str | None) -> tuple[list[CallbackRequest], list[Complaint]]:
    """Open call-back requests and complaints about the district or one of its streets."""
    areas = codes_in_district(district_code)
    callbacks = session.scalars(select(CallbackRequest).where(CallbackRequest.status == "open", CallbackRequest.area_code.in_(areas)))
    complaints = session.scalars(select(Complaint).where(Complaint.status == "open", Complaint.area_code.in_(areas)))
    return list(callbacks), list(complaints)
