"""A mainland mobile number as people type it, checked once: everyone who takes a phone calls here."""

from backend.core.errors import AppError
from backend.core.idnumber import normalize_phone


class BadPhone(AppError):
    status_code = 422
    code = "invalid_phone"


def checked_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValueError as exc:
        raise BadPhone(str(exc)) from None
