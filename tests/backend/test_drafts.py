"""A half-filled form outlives the conversation (issue 20): kept encrypted for the verified phone that filled it,
read back only by that phone (audited), one per applicant, gone after 30 days; and a helper who handed in a
paper 授权委托书 learns from the backend whether it is verified, so the chat asks no phone and no code."""

import json
from datetime import timedelta

from sqlalchemy import select, text

from backend.audit.models import AuditEntry
from backend.core import clock
from backend.drafts.models import FormDraft
from tests.backend.test_paper_delegation_queue import PRINCIPAL, documents, pending  # noqa: F401  (fixture)
from tests.backend.world import member

ANSWERS = {"assistance_type": "低保", "filing_for": "other", "helper_name": "李红", "applicant_name": "张秀英",
           "applicant_id": PRINCIPAL["id_number"], "street": "两路口街道", "monthly_income": 800.0}


def save(world, headers, answers=ANSWERS, **extra):  # noqa: ANN001, ANN201
    body = {"answers": answers, "kind": "低保", "applicant_name": answers.get("applicant_name"),
            "applicant_id": answers.get("applicant_id"), **extra}
    return world.client.put("/api/v1/drafts/application", json=body, headers=headers)


def test_a_draft_is_kept_encrypted_and_given_back_only_to_its_phone(world) -> None:
    resp = save(world, world.helper)
    assert resp.status_code == 200, resp.text
    assert resp.json()["label"] == "低保 · 张*英" and "月" in resp.json()["kept_until_said"]
    stored = world.session.execute(text("SELECT answers_cipher, label FROM form_drafts")).one()
    assert PRINCIPAL["id_number"] not in stored[0] and "张秀英" not in stored[0] and "张秀英" not in stored[1]
    [mine] = world.client.get("/api/v1/drafts/application", headers=world.helper).json()
    assert mine["answers"] == ANSWERS and mine["updated_said"]
    assert world.client.get("/api/v1/drafts/application", headers=world.stranger).json() == []
    assert world.client.get("/api/v1/drafts/application", headers=world.caseworker).status_code == 403
    assert world.client.delete(f"/api/v1/drafts/application/{mine['id']}", headers=world.stranger).status_code == 404
    reads = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "draft.read")).all()
    assert reads and str(mine["id"]) in json.dumps(reads[0].detail)
    assert world.client.delete(f"/api/v1/drafts/application/{mine['id']}", headers=world.helper).status_code == 204
    assert world.client.get("/api/v1/drafts/application", headers=world.helper).json() == []


def test_one_draft_per_applicant_and_the_id_said_later_joins_it(world) -> None:
    early = {k: v for k, v in ANSWERS.items() if k not in ("applicant_id",)}
    save(world, world.helper, early)
    save(world, world.helper)  # the same form, now with her ID number: one draft, not two
    other = {**ANSWERS, "applicant_name": "周明富", "applicant_id": member("周明富", seq=7)["id_number"]}
    save(world, world.helper, other)  # a grid worker's second old man: a second draft
    drafts = world.client.get("/api/v1/drafts/application", headers=world.helper).json()
    assert [d["label"] for d in drafts] == ["低保 · 周*富", "低保 · 张*英"]
    assert drafts[1]["answers"]["applicant_id"] == PRINCIPAL["id_number"]


def test_a_draft_expires_after_thirty_days(world) -> None:  # noqa: ANN001
    save(world, world.helper)
    row = world.session.scalars(select(FormDraft)).one()
    assert row.expires_at - row.updated_at == timedelta(days=30)
    row.expires_at = clock.now() - timedelta(seconds=1)  # thirty days later (tokens live by the real clock)
    world.session.commit()
    assert world.client.get("/api/v1/drafts/application", headers=world.helper).json() == []
    world.session.expire_all()
    assert world.session.scalars(select(FormDraft)).all() == []  # purged, not only hidden


def test_bad_drafts_are_refused_plainly(world) -> None:
    assert world.client.put("/api/v1/drafts/other", json={"answers": {}}, headers=world.helper).status_code == 422
    deep = {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}
    assert save(world, world.helper, deep).status_code == 422
    huge = {f"k{i}": "x" for i in range(200)}
    assert save(world, world.helper, huge).status_code == 422
    assert save(world, world.helper, {**ANSWERS, "applicant_id": "123"}).status_code == 200  # kept, not as a subject


def test_the_backend_says_whether_a_helper_holds_a_delegation(world) -> None:
    ask = {"principal": PRINCIPAL}
    none = world.client.post("/api/v1/delegations/held", json=ask, headers=world.helper)
    assert none.status_code == 404 and none.json()["error"]["code"] == "no_delegation"
    world.submit()  # she is known in 渝中区
    d = pending(world)
    waiting = world.client.post("/api/v1/delegations/held", json=ask, headers=world.helper).json()
    assert waiting["status"] == "pending" and waiting["due_said"].endswith("前")
    assert world.client.post(f"/api/v1/delegations/{d['id']}/verify", json={"note": "本人到窗口签字"},
                             headers=world.caseworker).status_code == 200
    held = world.client.post("/api/v1/delegations/held", json=ask, headers=world.helper).json()
    assert held == {"status": "verified", "delegation_id": d["id"]}
    # Somebody else's phone holds nothing of hers; a wrong name for her number is said, not matched.
    assert world.client.post("/api/v1/delegations/held", json=ask, headers=world.stranger).status_code == 404
    wrong = world.client.post("/api/v1/delegations/held", json={"principal": {**PRINCIPAL, "name": "张秀兰"}},
                              headers=world.helper)
    assert wrong.status_code in (409, 422) and "对不上" in wrong.json()["error"]["message"]
