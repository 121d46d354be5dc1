"""Testers' findings, the backend's side: a call-back's promise worded once (the chat and the SMS say the same
thing), every chat message readable as text (a photo upload too), a helper told when someone else is already on
the principal's application (the backend's rule), and a helper's corrected name reaching the delegation."""

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core import clock, say
from backend.core.settings import get_settings
from backend.delegations.models import Delegation
from backend.notifications.models import Notice
from backend.people.service import upsert_phone_holder
from backend.service_desk.service import promise
from tests.backend.test_access_and_delegations import HELPER, PRINCIPAL, _code_sent_to, _delegate, sms  # noqa: F401  (fixture)
from tests.backend.world import HELPER_PHONE, application_body, member
from tests.fakes import rasa_server

TWO_ROADS = "500103004"
CHAT = {"X-Channel": "chat"}


def _at(monkeypatch, when: datetime) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "now", lambda: when)
    monkeypatch.setattr(clock, "today", lambda: when.date())


# ---- 2. the call-back's promise, in one wording ------------------------------------------------------------

def test_the_promise_has_one_wording() -> None:
    monday = date(2026, 12, 7)
    assert promise(monday, today=True, urgent=True) == "今天"
    assert promise(monday, today=False, urgent=True) == f"{say.day(monday)}一上班"
    assert promise(monday, today=False, urgent=False) == f"{say.day(monday)}下班前"


def test_the_chat_and_the_sms_say_the_same_promise(world, monkeypatch) -> None:  # noqa: ANN001
    """A tester read "12月8日前" in one sentence and "12月8日一上班" in another about the same call-back."""
    chat = {"Authorization": f"Bearer {get_settings().service_token}", **CHAT}
    _at(monkeypatch, datetime(2026, 12, 4, 19, 30, tzinfo=clock.CHINA))  # a Friday evening
    late = world.client.post("/api/v1/callbacks", json={"topic": "屋头断顿了", "urgent": True, "phone": "13812345678"},
                             headers=chat).json()
    _at(monkeypatch, datetime(2026, 12, 7, 10, 0, tzinfo=clock.CHINA))  # a Monday morning
    plain = world.client.post("/api/v1/callbacks", json={"topic": "想问低保", "area_code": TWO_ROADS, "phone": "13812345670"},
                              headers=chat).json()
    assert late["promise"] == f"{say.day(date(2026, 12, 7))}一上班"
    assert plain["promise"] == f"{say.day(date(2026, 12, 8))}下班前"
    texts = {n.text for n in world.session.scalars(select(Notice).where(Notice.event == "callback_filed"))}
    assert any(late["promise"] in t for t in texts) and any(plain["promise"] in t for t in texts)
    assert not any(f"{late['due_day']}前" in t for t in texts)  # never another wording of the same day


# ---- 4. every chat message can be read as text ---------------------------------------------------------------

def _replies(body: dict) -> list[dict]:
    return [
        {"text": "最后一步：请拍一张张秀英签了字的授权委托书。", "buttons": [{"title": "找工作人员", "payload": "/request_human"}]},
        {"custom": {"upload": "/api/v1/delegations/paper-link/gAAAAsealed"}},
        {"text": "请点下面的链接，刷一下脸：https://jz.example.cn/face/abc"},
        {"custom": {"link": "https://jz.example.cn/face/abc"}},
    ]


@pytest.fixture
def paper_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with rasa_server.fake_rasa(_replies) as (url, _received):
        monkeypatch.setattr(get_settings(), "rasa_url", url)
        yield url


def test_the_paper_form_upload_is_readable_over_the_chat_api(client: TestClient, paper_rasa: str) -> None:
    """POST /chat/messages gave the upload as a message with text null: read as text (the API, a screen reader, a
    relay to SMS), the paper form was invisible."""
    messages = client.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": "好的"}).json()["messages"]
    assert all(m["text"] for m in messages)
    base = get_settings().public_base_url.rstrip("/")
    assert messages[1]["upload"] == "/api/v1/delegations/paper-link/gAAAAsealed"  # the page's card, as before
    assert f"{base}/photo/paper/gAAAAsealed" in messages[1]["text"]  # its phone page, never the API (tests/backend/test_upload_pages.py)
    assert "https://jz.example.cn/face/abc" in messages[3]["text"] and messages[3]["link"] == "https://jz.example.cn/face/abc"


# ---- 6. someone else already on the principal's application ------------------------------------------------

def _draft(world, headers, name: str = "张秀英", id_number: str = PRINCIPAL["id_number"]):  # noqa: ANN001, ANN201
    body = {"answers": {"filing_for": "other", "applicant_name": name, "applicant_id": id_number}, "kind": "低保",
            "applicant_name": name, "applicant_id": id_number}
    resp = world.client.put("/api/v1/drafts/application", json=body, headers=headers)
    assert resp.status_code == 200, resp.text


def _others(world, headers, name: str = "张秀英", id_number: str = PRINCIPAL["id_number"]) -> dict:  # noqa: ANN001
    resp = world.client.post("/api/v1/drafts/application/others", json={"applicant_name": name, "applicant_id": id_number},
                             headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_second_helper_is_told_of_the_first_ones_draft_with_only_a_masked_phone(world) -> None:  # noqa: ANN001
    """Three helper phones had open drafts for one old woman, and none of them was told."""
    assert _others(world, world.helper) == {"others": None, "said": None, "phone_masked": None}
    _draft(world, world.helper)
    assert _others(world, world.helper)["others"] is None  # her own draft is no one else's
    unknown = _others(world, world.stranger)
    assert unknown["others"] == "draft" and unknown["phone_masked"] is None and "另一个手机号" in unknown["said"]
    upsert_phone_holder(world.session, name="李红", phone=HELPER_PHONE)  # the first helper, known from a delegation
    world.session.commit()
    told = _others(world, world.stranger)
    assert told["phone_masked"] == "139****2222" and "139****2222" in told["said"] and "找工作人员" in told["said"]
    assert "李红" not in told["said"] and HELPER_PHONE not in told["said"]  # nothing of her beyond the masked phone
    # Another person's ID number: nothing.
    assert _others(world, world.stranger, "周明富", member("周明富", seq=7)["id_number"])["others"] is None
    checks = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "draft.others")).all()
    assert len(checks) == 5


def test_an_open_application_is_said_without_its_number_or_type(world) -> None:  # noqa: ANN001
    number = world.submit(application_body())["number"]  # 张秀英 filed it herself
    told = _others(world, world.helper)
    assert told["others"] == "application" and "已经有一件申请在办了" in told["said"] and "找工作人员" in told["said"]
    assert number not in told["said"] and "低保" not in told["said"] and told["phone_masked"] is None
    assert _others(world, world.helper, name="张秀兰")["others"] is None  # a name that is not hers learns nothing
    assert _others(world, world.applicant)["others"] is None  # her own case is not "someone else"


def test_a_case_the_helper_filed_herself_is_not_someone_elses(world, sms) -> None:  # noqa: ANN001, F811
    _delegate(world, sms)
    world.submit(headers=world.helper, key="helper-files-1")
    assert _others(world, world.helper)["others"] is None
    told = _others(world, world.stranger)
    assert told["others"] == "application" and told["phone_masked"] == "139****2222"  # filed by the first helper


# ---- 7. a helper's corrected name reaches the delegation ---------------------------------------------------------

def test_a_helpers_name_corrected_after_the_consent_reaches_the_delegation(world, sms) -> None:  # noqa: ANN001, F811
    """李虹 typed, the principal's code answered (the delegation names 李虹), then 李红 at the read-back: the backend
    kept 李虹, the name every caseworker and SMS then used."""
    wrong = {**HELPER, "name": "李虹"}
    world.client.post("/api/v1/delegations/consent-code", json={"principal": PRINCIPAL, "helper": wrong}, headers=world.helper)
    code = _code_sent_to(sms, PRINCIPAL["phone"])
    made = world.client.post("/api/v1/delegations", headers=world.helper, json={
        "principal": PRINCIPAL, "helper": wrong, "scope": ["apply", "query"], "consent": {"method": "otp", "code": code}})
    assert made.status_code == 201, made.text
    world.submit({**application_body(), "helper_name": "李红"}, headers=world.helper, key="helper-name-01")
    delegation = world.session.get(Delegation, made.json()["id"])
    world.session.refresh(delegation)
    assert delegation.helper.name == "李红" and delegation.helper.phone_masked == "139****2222"
    audit = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.helper_name_corrected")).one()
    assert audit.detail == {"before": "李虹", "after": "李红"}


def test_only_the_helper_herself_corrects_her_name(world, sms) -> None:  # noqa: ANN001, F811
    _delegate(world, sms)
    # The principal filing herself names no helper: nothing of the helper's record moves.
    world.submit({**application_body(), "helper_name": "王五"}, key="self-files-01")
    assert {d.helper.name for d in world.session.scalars(select(Delegation))} == {"李红"}
