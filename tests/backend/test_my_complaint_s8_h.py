"""A complaint as the person who filed it sees it (backend/service_desk/own.py): a tester asked "我的投诉现在怎么样了" and
heard "这个手机号下面还没有申请记录"; "我想补充一下投诉的内容" filed a second complaint; she could not withdraw one."""

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.settings import get_settings
from backend.service_desk.models import Complaint

PHONE = "13812345671"
CHAT = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def _file(world, area_code: str | None = None) -> str:  # noqa: ANN001
    body = {"text": "社区的人态度不好，把我妈的申请压着", "phone": PHONE, **({"area_code": area_code} if area_code else {})}
    resp = world.client.post("/api/v1/complaints", json=body, headers=CHAT)
    assert resp.status_code == 201, resp.text
    return resp.json()["reference"]


def test_where_her_complaint_stands_and_who_handles_it_only_for_her_phone(world) -> None:  # noqa: ANN001
    ref = _file(world)
    resp = world.client.post(f"/api/v1/complaints/{ref}/status", json={"phone": PHONE}, headers=CHAT)
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert got["status"] == "new" and got["status_label"] == "新收到" and got["due_day"]
    assert got["handled_by"] == "市民政局社会救助科" and not got["district_known"]  # no street: the city queue
    other = world.client.post(f"/api/v1/complaints/{ref}/status", json={"phone": "13812345672"}, headers=CHAT)
    assert other.status_code == 404 and other.json()["error"]["code"] == "complaint_not_found"
    street = _file(world, "500103004")
    assert world.client.post(f"/api/v1/complaints/{street}/status", json={"phone": PHONE},
                             headers=CHAT).json()["district_known"]


def test_more_said_goes_onto_the_same_complaint_and_a_withdrawal_closes_it(world) -> None:  # noqa: ANN001
    ref = _file(world)
    added = world.client.post(f"/api/v1/complaints/{ref}/notes", json={"phone": PHONE, "text": "上周三去社区又没人"}, headers=CHAT)
    assert added.status_code == 200, added.text
    rows = world.session.scalars(select(Complaint)).all()
    assert len(rows) == 1 and "补充】上周三去社区又没人" in rows[0].text
    gone = world.client.post(f"/api/v1/complaints/{ref}/withdraw", json={"phone": PHONE}, headers=CHAT).json()
    assert gone["withdrawn"] and gone["status"] == "closed"
    again = world.client.post(f"/api/v1/complaints/{ref}/withdraw", json={"phone": PHONE}, headers=CHAT)
    assert again.status_code == 200  # said twice
    late = world.client.post(f"/api/v1/complaints/{ref}/notes", json={"phone": PHONE, "text": "还有一件事"}, headers=CHAT)
    assert late.status_code == 409
    actions = set(world.session.scalars(select(AuditEntry.action)).all())
    assert {"complaint.add_note", "complaint.withdraw"} <= actions
