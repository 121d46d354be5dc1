"""At start: the `areas` rows of every place data/offices.yaml names (its offices and the regions whose
standards we hold), and every existing row brought in line with the gazetteer. Idempotent.

Any other street gets its row when something first refers to it (`regions.service.ensure_area`): loading
all 42,000 places into the database at every start (and every test database) would buy nothing.
"""

from sqlalchemy.orm import Session

from backend.regions.offices import get_offices
from backend.regions.service import ensure_area, refresh_areas


def load_areas(session: Session) -> int:
    """Returns how many `areas` rows exist afterwards."""
    book = get_offices()
    for code in [*book.standards, *book.offices]:
        if ensure_area(session, code) is None:
            raise ValueError(f"data/offices.yaml names {code}, which the gazetteer does not know")
    return refresh_areas(session)
