"""The daily 待遇资格认证 pass from the command line.

    python -m backend.certification.run [--today 2026-12-01]
"""

import argparse
from datetime import date

from backend.certification.service import run
from backend.core import clock
from backend.core.db import get_sessionmaker
from backend.wiring import register_all


def main() -> None:
    parser = argparse.ArgumentParser(description="待遇资格认证：提醒、逾期与暂停建议")
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    register_all()
    with get_sessionmaker()() as session, session.begin():
        s = run(session, args.today or clock.today())
    print(f"新建认证计划 {s.scheduled}，提醒 {s.reminded}，逾期提醒 {s.warned}，建议暂停发放 {s.proposed}（需工作人员确认）")


if __name__ == "__main__":
    main()
