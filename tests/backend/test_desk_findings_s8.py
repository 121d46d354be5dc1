"""Testers' findings on the service desk and the 急难 report (eighth session): an urgent call-back after hours names the
duty mobile to call now; an ID number found after the report goes onto the call-back it went as (audited, encrypted);
where to complain names the office's 监督电话 only where the data has one; when the home visit comes, from the
case's status and the workflow's own time limits (never a date written in code)."""

from datetime import datetime

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core import clock
from backend.core.crypto import get_vault
from backend.core.settings import get_settings
from backend.regions import service as regions_service
from backend.regions.gazetteer import get_gazetteer
from backend.regions.offices import Office, read_offices
from backend.service_desk.models import CallbackRequest
from tests.backend.staff_pages import sign_in
from tests.backend.world import application_body

TWO_ROADS = "500103004"
CHAT = {"X-Channel": "chat"}


def _chat() -> dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().service_token}", **CHAT}


def _at(monkeypatch, when: datetime) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "now", lambda: when)
    monkeypatch.setattr(clock, "today", lambda: when.date())


# ---- 2. an urgent call-back after hours: the duty mobile to call now ----------------------------------------------

def test_an_urgent_call_back_after_hours_names_the_duty_mobile_to_call_now(world, monkeypatch) -> None:  # noqa: ANN001
    """22:00, "屋头着火了 快点找人": promised for the next morning, and nothing to call now."""
    _at(monkeypatch, datetime(2026, 12, 7, 22, 0, tzinfo=clock.CHINA))  # a Monday night
    duty = Office("两路口街道社会救助窗口", None, "工作日 9:00-17:30", "13900104004", TWO_ROADS, configured=True)
    monkeypatch.setattr(regions_service, "office_for", lambda code: duty)
    resp = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "屋头着火了 快点找人", "urgent": True,
                                                        "phone": "13812345672"}, headers=_chat()).json()
    assert resp["urgent"] and not resp["due_today"] and resp["promise"].endswith("一上班")
    assert resp["duty_phone"] == "13900104004" and resp["duty_told"]


def test_no_duty_mobile_is_made_up(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, datetime(2026, 12, 7, 22, 0, tzinfo=clock.CHINA))
    resp = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "屋头着火了", "urgent": True,
                                                        "phone": "13812345673"}, headers=_chat()).json()
    assert resp["duty_phone"] is None and not resp["duty_told"]  # offices.yaml has none on file


# ---- 1. the ID number found after the 急难 report went as an urgent call-back -------------------------------------

FOUND_ID = "500222194203060034"
NEIGHBOUR = "13952718346"


def _reported(world) -> dict:  # noqa: ANN001
    """A neighbour's report for 刘婆婆 without her ID number: an urgent call-back to the neighbour's phone."""
    body = {"area_code": TWO_ROADS, "phone": NEIGHBOUR, "urgent": True, "topic": "【急难·邻居代报，本人未确认】当事人刘婆婆；没有身份证号（烧了）"}
    resp = world.client.post("/api/v1/callbacks", json=body, headers=_chat())
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_an_id_number_found_later_goes_onto_the_report_encrypted_and_audited(world) -> None:  # noqa: ANN001
    ref = _reported(world)["reference"]
    resp = world.client.post(f"/api/v1/callbacks/{ref}/id-number", json={"id_number": FOUND_ID, "phone": NEIGHBOUR},
                             headers=_chat())
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"reference": ref, "id_masked": "500222********0034"}
    row = world.session.get(CallbackRequest, int(ref[2:]))
    assert get_vault().decrypt(row.id_cipher) == FOUND_ID and FOUND_ID not in (row.topic or "")
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "callback.add_id")).one()
    assert entry.entity_id == str(row.id) and entry.detail["id_masked"] == "500222********0034" and FOUND_ID not in str(entry.detail)
    # The street's staff see it on the desk, masked.
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/desk/callback/{row.id}")
    assert "500222********0034" in page.text and FOUND_ID not in page.text


def test_only_the_reporters_phone_adds_it_and_a_wrong_number_says_why(world) -> None:  # noqa: ANN001
    ref = _reported(world)["reference"]
    other = world.client.post(f"/api/v1/callbacks/{ref}/id-number", json={"id_number": FOUND_ID, "phone": "13812345674"},
                              headers=_chat())
    assert other.status_code == 404  # never says whose it is
    typo = world.client.post(f"/api/v1/callbacks/{ref}/id-number", json={"id_number": FOUND_ID[:-1] + "5", "phone": NEIGHBOUR},
                             headers=_chat())
    assert typo.status_code == 422 and "校验位" in typo.json()["error"]["message"]
    assert world.client.post("/api/v1/callbacks/JZ20261124000009/id-number", json={"id_number": FOUND_ID, "phone": NEIGHBOUR},
                             headers=_chat()).status_code == 404


# ---- 3. where to complain: the office's 监督电话 only where the data has one ----------------------------------------

def test_the_supervision_phone_is_the_office_datas_and_none_is_made_up(world, tmp_path) -> None:  # noqa: ANN001
    shipped = world.client.get("/api/v1/areas/search", params={"q": "七星岗"}).json()
    assert shipped and all(a["supervision_phone"] is None for a in shipped)  # none on file: never one made up
    data = tmp_path / "offices.yaml"
    data.write_text("standards: {}\nhotline: {office_name: 政务服务便民热线, office_phone: '12345'}\noffices:\n"
                    "  '500103': {office_name: 渝中区民政局社会救助科, supervision_phone: '023-63890000'}\n", encoding="utf-8")
    book = read_offices(data)
    assert book.office_for(get_gazetteer(), "500103001").supervision_phone == "023-63890000"  # the district's, for its streets
    assert book.office_for(get_gazetteer(), "500110003").supervision_phone is None  # the hotline has none


# ---- 4. when the home visit comes -----------------------------------------------------------------------------------

def _visit(world, number: str) -> str | None:  # noqa: ANN001
    resp = world.client.get(f"/api/v1/applications/{number}/progress", headers=world.applicant)
    assert resp.status_code == 200, resp.text
    return resp.json()["visit"]


def test_when_the_visit_comes_follows_the_case(world) -> None:  # noqa: ANN001
    number = world.submit()["number"]
    waiting = _visit(world, number)
    assert number in waiting and "还没到入户调查" in waiting and "受理以后3个工作日内开始入户调查" in waiting  # workflows.yaml
    world.act(number, "accept", world.caseworker)
    due = world.client.get(f"/api/v1/applications/{number}", headers=world.applicant).json()["step_due_day"]
    assert f"最迟{due}前开始入户调查" in _visit(world, number)  # the case's own deadline
    world.sign_all(number)
    world.act(number, "start_investigation", world.caseworker)
    assert "正在入户调查" in _visit(world, number)
    world.act(number, "record_home_visit", world.caseworker, investigators=["王芳", "李强"])
    assert "入户调查过了" in _visit(world, number)


def test_an_emergency_case_has_no_visit_to_wait_for(world) -> None:  # noqa: ANN001
    number = world.submit(application_body("临时救助", subtype="急难型"), key="key-visit-emergency")["number"]
    assert _visit(world, number) is None


def test_asked_in_words_the_time_limits_after_filing_are_said(world) -> None:  # noqa: ANN001
    for said in ("入户核查啥时候来", "好久有人来屋头看"):
        body = world.client.get("/api/v1/policy/answer", params={"said": said}).json()
        assert body["term"] == "入户调查时间" and "受理以后3个工作日内开始入户调查" in body["answer"], body
        assert "月" not in body["answer"]  # time limits, never a date
    meaning = world.client.get("/api/v1/policy/answer", params={"said": "入户调查是啥子"}).json()
    assert meaning["term"] == "入户调查"  # what it is stays the glossary's
