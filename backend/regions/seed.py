"""Load the served areas from `data/areas.yaml` (idempotent: existing rows are updated)."""

from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from backend.regions.models import Area

DATA_FILE = Path(__file__).with_name("data") / "areas.yaml"


def load_areas(session: Session, path: Path = DATA_FILE) -> int:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    for row in rows:
        area = session.get(Area, row["code"]) or Area(code=row["code"])
        area.name = row["name"]
        area.level = row["level"]
        area.parent_code = row.get("parent")
        area.standards_region = row["standards_region"]
        area.office_name = row.get("office_name")
        area.office_phone = row.get("office_phone")
        area.office_hours = row.get("office_hours")
        area.alert_phone = row.get("alert_phone")
        session.add(area)
        session.flush()
    return len(rows)
