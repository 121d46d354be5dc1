"""待遇资格认证 reminders for a person without a confirmed reference face: no face link (it would stop at
the page) but the chat's ID card photo step or a caseworker; while a helper's upload waits, that it waits."""

from datetime import date

from sqlalchemy import select

from backend.certification.service import run as certification_run
from backend.facecheck import FakeFaceEngine
from backend.facecheck.models import FaceReference, LivenessSession
from backend.facecheck.service import get_face_engine
from backend.notifications.models import Notice
from tests.backend.test_checks_and_certification import _paying
from tests.backend.world import member


def _notice(world, event: str) -> str:  # noqa: ANN001
    return world.session.scalars(select(Notice.text).where(Notice.event == event)).one()


def test_without_a_reference_the_reminder_shows_the_chat_and_a_person(world, set_today) -> None:
    app = _paying(world, set_today)
    certification_run(world.session, date(2026, 10, 21))
    assert certification_run(world.session, date(2027, 1, 10)).reminded == 1
    due = _notice(world, "certification_due")
    assert "/face/" not in due and "http://127.0.0.1:8000/chat" in due and "拍身份证照片" in due
    assert "社区工作人员上门" in due and "窗口" in due and "2027年1月20日" in due
    assert world.session.scalars(select(LivenessSession)).all() == []  # no link that stops at the page

    # A helper's card photo arrives meanwhile: the warning says it waits for a caseworker, and the way to one.
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    world.client.post("/api/v1/delegations", headers=world.caseworker, json={
        "principal": {"name": "张秀英", "id_number": member("张秀英")["id_number"]},
        "helper": {"name": "李红", "phone": "13900002222", "kind": "grid_worker", "relation": "网格员"},
        "scope": ["apply", "query"], "consent": {"method": "paper", "form_reference": "渝中七星岗-2026-0051"}})
    opened = world.client.post("/api/v1/liveness/id-photo", json={"purpose": "certification", "application_number": app.number},
                               headers=world.helper).json()["upload_url"]
    world.client.post(f"{opened}/consent", json={"agree": True})
    assert world.client.post(opened, files={"image": ("c.jpg", FakeFaceEngine.frame("li"), "image/jpeg")}).status_code == 201
    assert world.session.scalars(select(FaceReference.status)).one() == "pending"
    assert certification_run(world.session, date(2027, 1, 21)).warned == 1
    overdue = _notice(world, "certification_overdue")
    assert "/face/" not in overdue and "身份证照片已经收到，等社区工作人员核实" in overdue and "社区工作人员上门" in overdue
    assert world.session.scalars(select(LivenessSession).where(LivenessSession.purpose == "certification")).all() == []

