"""A half-filled form outlives the conversation (issue 20): kept encrypted for the verified phone that filled it,
read back only by that phone (audited), one per applicant, gone after 30 days; and a helper who handed in a
paper 授权委托书 learns from the backend whether it is verified, so the chat asks no phone and no code."""

import json
from datetime import timedelta

from sqlalchemy import select, text

from backend.audit.models import AuditEntry
from backend.core import clock
from backend.drafts.models import FormDraft
from backend.core.logging import mask_path
from backend.delegations.models import Delegation
from tests.backend.staff_pages import sign_in
from tests.backend.test_paper_delegation_queue import JPEG, PRINCIPAL, documents, pending  # noqa: F401  (fixture)
from tests.backend.world import HELPER_PHONE, member

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
    assert held == {"status": "verified", "delegation_id": d["id"], "method": "paper"}
    # Somebody else's phone holds nothing of hers; a wrong name for her number is said, not matched.
    assert world.client.post("/api/v1/delegations/held", json=ask, headers=world.stranger).status_code == 404
    wrong = world.client.post("/api/v1/delegations/held", json={"principal": {**PRINCIPAL, "name": "张秀兰"}},
                              headers=world.helper)
    assert wrong.status_code in (409, 422) and "对不上" in wrong.json()["error"]["message"]


# ---- a principal with no phone: her signed paper form's photo, uploaded from the chat -------------------------

def _link_body(area="500103001"):  # noqa: ANN001, ANN202
    return {"principal": PRINCIPAL, "helper": {"name": "李红", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"},
            "scope": ["apply", "query", "notices"], "consent": {"method": "paper", "form_reference": "对话中上传的照片",
                                                                "area_code": area}}


def test_the_paper_form_link_carries_nothing_personal_and_makes_a_pending_delegation(world) -> None:
    opened = world.client.post("/api/v1/delegations/paper-link", json=_link_body(), headers=world.helper)
    assert opened.status_code == 201, opened.text
    url = opened.json()["upload_url"]
    assert PRINCIPAL["id_number"] not in url and "张秀英" not in url and HELPER_PHONE not in url
    card = world.client.get(url).json()
    assert card["who_line"] == "要拍的是：张秀英签了字的授权委托书（按手印也行）" and card["needs_consent"] is False and card["shoot_label"]
    done = world.client.post(url, files={"image": ("form.jpg", JPEG, "image/jpeg")})
    assert done.status_code == 201, done.text
    assert done.json()["status"] == "pending" and "继续" in done.json()["message"] and "前核对" in done.json()["message"]
    row = world.session.get(Delegation, done.json()["delegation_id"])
    assert row.consent_method == "paper" and row.form_photo and row.status == "pending"
    # A second tap is told it arrived; the helper's queue is unchanged; the backend says it is waiting.
    again = world.client.post(url, files={"image": ("form.jpg", JPEG, "image/jpeg")})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_uploaded"
    held = world.client.post("/api/v1/delegations/held", json={"principal": PRINCIPAL}, headers=world.helper).json()
    assert held["status"] == "pending"


def test_a_paper_form_link_is_refused_to_the_wrong_people_and_expires(world, monkeypatch) -> None:  # noqa: ANN001
    assert world.client.post("/api/v1/delegations/paper-link", json=_link_body(), headers=world.stranger).json()["error"]["code"] \
        == "helper_phone_mismatch"
    assert world.client.post("/api/v1/delegations/paper-link", json=_link_body(), headers=world.caseworker).status_code == 403
    nowhere = world.client.post("/api/v1/delegations/paper-link", json=_link_body(area=None), headers=world.helper)
    assert nowhere.status_code == 400 and nowhere.json()["error"]["code"] == "area_required"
    world.submit()  # she is known now: a wrong name for her number is said
    wrong = world.client.post("/api/v1/delegations/paper-link", json={**_link_body(), "principal": {**PRINCIPAL, "name": "张秀兰"}},
                              headers=world.helper)
    assert "对不上" in wrong.json()["error"]["message"]
    assert world.client.get("/api/v1/delegations/paper-link/not-a-real-token").status_code == 410
    url = world.client.post("/api/v1/delegations/paper-link", json=_link_body(), headers=world.helper).json()["upload_url"]
    later = clock.now() + timedelta(minutes=61)
    monkeypatch.setattr(clock, "now", lambda: later)
    gone = world.client.post(url, files={"image": ("form.jpg", JPEG, "image/jpeg")})
    assert gone.status_code == 410 and "过期" in gone.json()["error"]["message"]


def test_link_tokens_never_reach_the_log_whole() -> None:
    assert mask_path("/api/v1/delegations/paper-link/gAAAAABnSecretTail") == "/api/v1/delegations/paper-link/gAA…"
    assert mask_path("/api/v1/liveness/id-photo/Xk3SecretTail") == "/api/v1/liveness/id-photo/Xk3…"


def test_the_caseworker_sees_who_it_is_and_that_there_is_no_phone_to_call(world) -> None:
    """A tester at the workbench saw only a name, and "电话联系本人确认" suggested for a woman with no phone."""
    url = world.client.post("/api/v1/delegations/paper-link", json=_link_body(), headers=world.helper).json()["upload_url"]
    assert world.client.post(url, files={"image": ("form.jpg", JPEG, "image/jpeg")}).status_code == 201
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/desk/delegations").text
    assert "张秀英" in page and PRINCIPAL["id_number"][:6] + "********" + PRINCIPAL["id_number"][-4:] in page
    assert "本人没有登记手机" in page and "入户见到本人" in page and PRINCIPAL["id_number"] not in page
