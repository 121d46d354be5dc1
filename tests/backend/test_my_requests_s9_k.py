""""查进度" lists what she filed besides applications (session 9, helper K): a woman who had reported a 急难 (HD…) or
filed a complaint (TS…) asked for her progress and was told she had no application. POST /service-desk/mine gives
her call-backs and complaints — from her proven phone, or named with the phone they were filed with — each with its
status, who handles it and by when (backend/service_desk/own.py)."""

from datetime import date, datetime

from backend.core import clock, say
from backend.core.settings import get_settings
from backend.service_desk.models import CallbackRequest
from tests.backend.world import citizen_headers

PHONE, OTHER = "13812345671", "13812345672"
SEVEN_STARS = "500103001"  # 七星岗街道: its own office on file (no phone)
SERVICE = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def _at(monkeypatch, when: datetime) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "now", lambda: when)
    monkeypatch.setattr(clock, "today", lambda: when.date())


def _filed(world) -> tuple[str, str]:  # noqa: ANN001
    report = world.client.post("/api/v1/callbacks", headers=SERVICE, json={
        "phone": PHONE, "area_code": SEVEN_STARS, "urgent": True, "topic": "【急难·女儿代报】｜说的：我爸屋头遭水淹了"}).json()
    complaint = world.client.post("/api/v1/complaints", headers=SERVICE,
                                  json={"text": "社区的人态度不好", "phone": PHONE}).json()
    return report["reference"], complaint["reference"]


def _mine(world, headers: dict, named: list | None = None) -> list[dict]:  # noqa: ANN001
    resp = world.client.post("/api/v1/service-desk/mine", json={"named": named or []}, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_her_phone_lists_her_emergency_report_and_complaint_with_status_handler_and_day(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, datetime(2026, 12, 7, 10, 0, tzinfo=clock.CHINA))  # a Monday morning
    report, complaint = _filed(world)
    got = {r["reference"]: r for r in _mine(world, citizen_headers(PHONE))}
    assert set(got) == {report, complaint}
    hd, ts = got[report], got[complaint]
    assert hd["label"] == "急难报告" and hd["status_label"] == "新收到" and hd["open"] and hd["urgent"]
    assert hd["handled_by"] == "七星岗街道社会救助窗口"  # who the booking said calls
    assert hd["said"] == f"急难报告（{report}）：新收到，七星岗街道社会救助窗口会在今天打电话给您。"
    state = world.client.post(f"/api/v1/complaints/{complaint}/status", json={"phone": PHONE}, headers=SERVICE).json()
    assert ts["label"] == "投诉" and ts["handled_by"] == state["handled_by"] and ts["due_day"] == state["due_day"]
    assert ts["handled_by"] in ts["said"] and "答复您" in ts["said"] and "None" not in ts["said"]
    assert _mine(world, citizen_headers(OTHER)) == []  # another phone sees nothing


def test_named_in_this_chat_only_with_the_phone_it_was_filed_with(world) -> None:  # noqa: ANN001
    report, complaint = _filed(world)
    assert _mine(world, SERVICE) == []  # no proven phone, nothing named: nothing
    named = _mine(world, SERVICE, [{"reference": report, "phone": PHONE}, {"reference": complaint, "phone": OTHER},
                                   {"reference": "TS999999", "phone": PHONE}])
    assert [r["reference"] for r in named] == [report]


def test_answered_withdrawn_overdue_and_long_closed(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, datetime(2026, 12, 7, 10, 0, tzinfo=clock.CHINA))
    report, complaint = _filed(world)
    world.client.post(f"/api/v1/complaints/{complaint}/withdraw", json={"phone": PHONE}, headers=SERVICE)
    _at(monkeypatch, datetime(2026, 12, 9, 10, 0, tzinfo=clock.CHINA))  # the call-back's day has passed
    got = {r["reference"]: r for r in _mine(world, citizen_headers(PHONE))}
    assert got[complaint]["withdrawn"] and got[complaint]["said"] == f"投诉（{complaint}）：已撤回。"
    hd = got[report]
    assert hd["overdue"] and "已经过了时间" in hd["said"] and say.day(date(2026, 12, 7)) in hd["said"]
    world.session.get(CallbackRequest, int(report[2:])).status = "answered"
    world.session.flush()
    got = {r["reference"]: r for r in _mine(world, citizen_headers(PHONE))}
    assert not got[report]["open"] and got[report]["said"].endswith("答复已经发短信给您了。")
    _at(monkeypatch, datetime(2027, 2, 1, 10, 0, tzinfo=clock.CHINA))  # withdrawn (closed) long ago: no longer news
    assert [r["reference"] for r in _mine(world, citizen_headers(PHONE))] == [report]
