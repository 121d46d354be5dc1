"""`python -m backend.audit.verify`: check the audit chain; exit 1 and name the first bad row if broken."""

import sys

from backend.audit.service import verify
from backend.core.db import get_sessionmaker


def main() -> int:
    with get_sessionmaker()() as session:
        result = verify(session)
    if result.ok:
        print(f"audit log intact: {result.checked} entries verified")
        return 0
    print(f"AUDIT LOG BROKEN at entry {result.first_bad_seq}: {result.problem}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
