"""Test helpers: staff and citizens with real tokens, application bodies, a movable 'today'."""

from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.auth.security import hash_password, issue_token
from backend.core.clock import CHINA
from backend.core.crypto import get_vault
from backend.demo import demo_id
from backend.facecheck.service import REFERENCE_CONSENT_VERSION
from backend.staff.models import StaffUser

APPLICANT_PHONE = "13800001111"
HELPER_PHONE = "13900002222"
STRANGER_PHONE = "13700003333"


@lru_cache
def _password_hash() -> str:
    return hash_password(STAFF_PASSWORD)


STAFF_PASSWORD = "pw-for-tests-123"

# The person's separate consent a staff member records with a reference photo (facecheck.references.upload).
STAFF_CONSENT = {"consent": "true", "consent_text_version": REFERENCE_CONSENT_VERSION, "present": "本人、经办人"}


def staff_headers(session: Session, username: str, role: str, district: str | None) -> dict[str, str]:
    user = StaffUser(username=username, display_name=username, password_hash=_password_hash(),
                     role=role, district_code=district)
    session.add(user)
    session.flush()
    token, _ = issue_token({"sub": str(user.id), "kind": "staff"}, 30)
    return {"Authorization": f"Bearer {token}"}


def citizen_headers(phone: str) -> dict[str, str]:
    token, _ = issue_token({"sub": get_vault().lookup_hash(phone), "kind": "citizen"}, 60)
    return {"Authorization": f"Bearer {token}"}


def member(name: str, relation: str = "本人", *, born: date = date(1950, 5, 1), seq: int = 1, area: str = "500103",
           phone: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "relation": relation, "id_number": demo_id(area, born, seq), "phone": phone, **extra}


def application_body(assistance_type: str = "低保", *, subtype: str | None = None, area_code: str = "500103001",
                     members: list[dict] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "assistance_type": assistance_type, "subtype": subtype, "area_code": area_code, "channel": "chat",
        "reason": "生活困难",
        "members": members or [member("张秀英", phone=APPLICANT_PHONE,
                                      incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": 300}])],
        **extra,
    }


@dataclass
class World:
    client: TestClient
    session: Session
    caseworker: dict[str, str]
    reviewer: dict[str, str]
    other_caseworker: dict[str, str]
    other_reviewer: dict[str, str]
    admin: dict[str, str]
    applicant: dict[str, str]
    helper: dict[str, str]
    stranger: dict[str, str]

    def submit(self, body: dict | None = None, *, headers: dict | None = None, key: str = "key-00000001") -> dict:
        resp = self.client.post("/api/v1/applications", json=body or application_body(),
                                headers={**(headers or self.applicant), "Idempotency-Key": key})
        assert resp.status_code in (200, 201), resp.text
        return resp.json()

    def act(self, number: str, action: str, who: dict, note: str | None = None, expect: int = 200, **data: Any) -> dict:
        resp = self.client.post(f"/api/v1/applications/{number}/actions/{action}", json={"note": note, "data": data},
                                headers=who)
        assert resp.status_code == expect, f"{action}: {resp.status_code} {resp.text}"
        return resp.json()

    def sign_all(self, number: str, who: dict | None = None) -> None:
        """Every member and obligor signs the 核对授权书, witnessed by staff (no economic check before)."""
        who = who or self.caseworker
        signers = self.client.get(f"/api/v1/liveness/applications/{number}/signatures", headers=who).json()["signers"]
        for s in signers:
            resp = self.client.post(f"/api/v1/liveness/applications/{number}/signatures/staff-assisted",
                                    json={"person_id": s["person_id"], "note": "窗口核实本人签字"}, headers=who)
            assert resp.status_code == 201, resp.text


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=CHINA)


# The 低保 procedure for an application submitted on 2026-09-24, with the days each step may be taken
# (the 公示 runs seven days): who acts, the action, its data.
DIBAO_STEPS = [
    (date(2026, 9, 28), "caseworker", "accept", {}),
    (date(2026, 9, 29), "caseworker", "start_investigation", {}),
    (date(2026, 9, 29), "caseworker", "record_home_visit", {"investigators": ["王芳", "李强"]}),
    (date(2026, 9, 30), "caseworker", "attach_economic_check", {"results": {"存款": "无"}}),
    (date(2026, 10, 8), "caseworker", "propose", {}),
    (date(2026, 10, 15), "caseworker", "close_publicity", {}),
    (date(2026, 10, 20), "reviewer", "approve", {}),
    (date(2026, 10, 21), "caseworker", "start_payment", {}),
]


def advance(world: World, set_today, number: str, *, until: str) -> None:  # noqa: ANN001
    """Sign the 核对授权书 and take a 低保 application submitted on 2026-09-24 through its steps, up to and
    including the action `until` ("close_publicity": reviewing; "start_payment": paying)."""
    world.sign_all(number)
    for day, who, action, data in DIBAO_STEPS:
        set_today(day)
        world.act(number, action, getattr(world, who), **data)
        if action == until:
            return
    raise ValueError(f"no step {until!r}")
