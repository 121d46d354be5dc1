"""Every table, imported in one place so Alembic and the tests see the whole schema."""

from backend.core.db import Base
from backend.regions.models import Area

__all__ = ["Base", "Area"]
