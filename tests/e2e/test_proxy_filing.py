"""A grid worker files for an old lady, and a patient applicant for herself, through the running stack,
by chat, and the backend has it; each within the turns of issue #11 (≤ 14 for a helper, ≤ 10 for oneself).

Real HTTP all the way: the backend's chat relay → Rasa → the action server → the backend; the one-time
codes are read from the SMS worker's console output (the embedded SMS provider prints them). The
dialogues are scripts/turns.py's, so the turn counts it prints are the ones asserted here.
"""

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from scripts.turns import HELPER, HELPER_LIMIT, OLD_LADY_ID, PATIENT, PATIENT_LIMIT, Say, run

pytestmark = pytest.mark.e2e
WRONG_ID = OLD_LADY_ID[:-1] + "0"


def test_a_grid_worker_files_for_an_old_lady(stack) -> None:
    t: list[str] = []
    # The scripted helper, with one wrong ID number: the check digit is explained and only the number is asked again.
    at = next(i for i, step in enumerate(HELPER) if OLD_LADY_ID in step.message)
    script = [*HELPER[:at], Say(f"王秀兰 {WRONG_ID}", "校验位"), Say(OLD_LADY_ID, "手机号"), *HELPER[at + 1:]]
    summary_at = next(i for i, step in enumerate(script) if step.expect == "请核对")
    summary = run(script[:summary_at + 1], stack.base_url, "e2e-proxy-filing-01", lambda: stack.lines, t)
    assert "王秀兰" in summary and "代办人：李红（网格员）" in summary and "500103********0887" in summary
    done = run(script[summary_at + 1:], stack.base_url, "e2e-proxy-filing-01", lambda: stack.lines, t)
    assert len(script) <= HELPER_LIMIT, "\n".join(t)
    number = re.search(r"JZ\d{14}", done).group(0)

    db = Path(stack.env["JIUZHU_VAR_DIR"]) / "jiuzhu.db"
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT a.status, a.channel, a.delegation_id, d.helper_kind, d.consent_method, p.name FROM applications a "
            "JOIN delegations d ON d.id = a.delegation_id JOIN persons p ON p.id = a.applicant_person_id WHERE a.number = :n"
        ), {"n": number}).one()
        notices = conn.execute(text("SELECT recipient FROM notices WHERE event = 'application_received' AND application_id = "
                                    "(SELECT id FROM applications WHERE number = :n) ORDER BY recipient"), {"n": number}).scalars().all()
    engine.dispose()
    assert (row.status, row.channel, row.helper_kind, row.consent_method, row.name) == ("submitted", "chat", "grid_worker", "otp", "王秀兰")
    # The applicant and the helper both hear that it was received (the helper's copy names her).
    assert notices == ["helper", "person"]


def test_a_patient_applicant_files_in_ten_messages(stack) -> None:
    t: list[str] = []
    done = run(PATIENT, stack.base_url, "e2e-patient-01", lambda: stack.lines, t)
    assert len(PATIENT) <= PATIENT_LIMIT, "\n".join(t)
    number = re.search(r"JZ\d{14}", done).group(0)
    # Filed from 两路口街道, a street the demo data does not have: the gazetteer's code, its row made on first use,
    # and the 城镇户口 its name suggests (read back, not asked).
    assert "城镇户口" in "\n".join(t)
    engine = create_engine(f"sqlite:///{Path(stack.env['JIUZHU_VAR_DIR']) / 'jiuzhu.db'}")
    with engine.connect() as conn:
        area = conn.execute(text("SELECT a.area_code, r.name FROM applications a JOIN areas r ON r.code = a.area_code "
                                 "WHERE a.number = :n"), {"n": number}).one()
    engine.dispose()
    assert tuple(area) == ("500103004", "两路口街道")
