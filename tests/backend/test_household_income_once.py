"""What the chat files for a household whose income she gave as a whole ("全家一个月1500", her husband 800 of it) is
assessed at 750 a head, not 1150 (her line was the household's 1500, his 800 added on top). The bot's side — that it
files exactly these members — is tests/actions/test_income_once.py, on the same file."""

import json
from decimal import Decimal
from pathlib import Path

from tests.backend.world import application_body

FILED = json.loads(Path(__file__).with_name("household_1500_filed.json").read_text(encoding="utf-8"))


def _assessed(world, members: list[dict], key: str) -> dict:  # noqa: ANN001
    number = world.submit(application_body(members=members), key=key)["number"]
    resp = world.client.get(f"/api/v1/applications/{number}/assessment", headers=world.caseworker)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_the_chats_filing_of_a_household_of_1500_is_assessed_at_750_a_head(world) -> None:  # noqa: ANN001
    out = _assessed(world, FILED["members"], "key-household-1500")
    assert out["household_size"] == 2
    assert Decimal(out["monthly_income"]) == Decimal(1500) and Decimal(out["per_capita_income"]) == Decimal(750)
