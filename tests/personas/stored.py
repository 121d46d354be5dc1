"""What the backend stored, read back as staff would and as the database holds it.

The application as the admin reads it through the API (GET /api/v1/applications/{number}: applicant, status,
members, reason), and what that answer does not carry (ID and phone numbers, which are encrypted at rest,
incomes, savings, 户口) from the stack's own SQLite database, decrypted with the stack's key. Service-desk items
(call-backs, complaints) likewise.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from backend.core.crypto import DataVault
from scripts.stack import read_dotenv


@dataclass
class Member:
    name: str
    relation: str
    id_number: str | None
    phone: str | None
    income: Decimal
    income_kinds: list[str] = field(default_factory=list)


@dataclass
class Stored:
    number: str
    status: str
    assistance_type: str
    subtype: str | None
    area_code: str
    reason: str
    rural: bool
    applicant: Member
    others: list[Member]
    savings: Decimal
    asset_notes: list[str]
    api: dict[str, Any]


class Backend:
    def __init__(self, base_url: str, env: dict[str, str]):
        self.base_url = base_url
        self.settings = {**read_dotenv(), **env}
        self.vault = DataVault(self.settings["DATA_ENCRYPTION_KEY"])
        self.db = Path(env["JIUZHU_VAR_DIR"]) / "jiuzhu.db"
        self._token: str | None = None

    def _admin_token(self) -> str:
        if self._token is None:
            form = urllib.parse.urlencode({"username": "admin", "password": self.settings["DEMO_STAFF_PASSWORD"]}).encode()
            with urllib.request.urlopen(urllib.request.Request(f"{self.base_url}/api/v1/auth/staff/login", data=form),
                                        timeout=30) as resp:
                self._token = json.load(resp)["access_token"]
        return self._token

    def api(self, path: str) -> Any:
        request = urllib.request.Request(f"{self.base_url}/api/v1{path}", headers={"Authorization": f"Bearer {self._admin_token()}"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.load(resp)

    def _plain(self, cipher: str | None) -> str | None:
        return self.vault.decrypt(cipher) if cipher else None

    def application(self, number: str) -> Stored:
        detail = self.api(f"/applications/{number}")
        engine = create_engine(f"sqlite:///{self.db}")
        try:
            with engine.connect() as conn:
                app = conn.execute(text("SELECT id, household_id, subtype, reason FROM applications WHERE number = :n"),
                                   {"n": number}).one()
                rural = conn.execute(text("SELECT is_rural FROM households WHERE id = :h"), {"h": app.household_id}).scalar_one()
                rows = conn.execute(text(
                    "SELECT m.id, m.relation, m.is_applicant, p.name, p.id_cipher, p.phone_cipher FROM household_members m "
                    "JOIN persons p ON p.id = m.person_id WHERE m.household_id = :h ORDER BY m.id"), {"h": app.household_id}).all()
                members = []
                for r in rows:
                    incomes = conn.execute(text("SELECT kind, monthly_amount FROM income_items WHERE member_id = :m"),
                                           {"m": r.id}).all()
                    members.append((r.is_applicant, Member(
                        name=r.name, relation=r.relation, id_number=self._plain(r.id_cipher), phone=self._plain(r.phone_cipher),
                        income=sum((Decimal(str(i.monthly_amount)) for i in incomes), Decimal(0)),
                        income_kinds=[i.kind for i in incomes])))
                assets = conn.execute(text("SELECT kind, value, note FROM household_assets WHERE household_id = :h"),
                                      {"h": app.household_id}).all()
        finally:
            engine.dispose()
        applicant = next(m for is_applicant, m in members if is_applicant)
        return Stored(number=number, status=detail["status"], assistance_type=detail["assistance_type"], subtype=app.subtype,
                      area_code=detail["area_code"], reason=detail.get("reason") or "", rural=bool(rural), applicant=applicant,
                      others=[m for is_applicant, m in members if not is_applicant],
                      savings=sum((Decimal(str(a.value)) for a in assets if a.kind == "存款"), Decimal(0)),
                      asset_notes=[a.note for a in assets if a.note], api=detail)

    def desk_items(self, table: str) -> list[dict[str, Any]]:
        """Call-back requests or complaints, newest first, with the phone decrypted."""
        columns = "id, area_code, phone_cipher, topic, status" if table == "callback_requests" else \
            "id, area_code, phone_cipher, text, application_number, status"
        engine = create_engine(f"sqlite:///{self.db}")
        try:
            with engine.connect() as conn:
                rows = conn.execute(text(f"SELECT {columns} FROM {table} ORDER BY id DESC")).mappings().all()  # noqa: S608
        finally:
            engine.dispose()
        return [{**dict(r), "phone": self._plain(r["phone_cipher"])} for r in rows]
