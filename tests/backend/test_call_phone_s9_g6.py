"""A man whose phone is dying after a kitchen fire asks, after his 急难 report went as an urgent call-back, to be called
on his son's phone instead ("打我儿子电话嘛 13594412807 他叫吴磊"): the call-back's number to call changes — only for
the phone it was filed with, encrypted, with who answers it, audited, on the desk (masked to all, whole to the staff
member who took it); his own phone still gets the SMS (backend/service_desk/call_phone.py; session 9, helper G6)."""

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.settings import get_settings
from backend.service_desk.models import CallbackRequest
from tests.backend.staff_pages import sign_in

GUNAN = "500110003"  # 綦江区古南街道 (the desk test of helper J uses it)
HIS_PHONE, SONS_PHONE = "13900017426", "13594412807"


def _chat() -> dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def _report(world, area: str | None) -> dict:  # noqa: ANN001
    body = {"area_code": area, "phone": HIS_PHONE, "urgent": True, "topic": "【急难】厨房着火了，老婆手烧伤了在医院"}
    resp = world.client.post("/api/v1/callbacks", json=body, headers=_chat())
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_the_number_to_call_changes_for_the_phone_that_filed_it(world) -> None:  # noqa: ANN001
    ref = _report(world, None)["reference"]
    resp = world.client.post(f"/api/v1/callbacks/{ref}/call-phone", headers=_chat(),
                             json={"call_phone": SONS_PHONE, "contact": "吴磊（儿子）", "phone": HIS_PHONE})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"reference": ref, "call_phone_masked": "135****2807", "contact": "吴磊（儿子）"}
    row = world.session.get(CallbackRequest, int(ref[2:]))
    world.session.refresh(row)
    assert row.call_phone_cipher and SONS_PHONE not in row.call_phone_cipher  # encrypted
    assert row.topic.startswith("【改打：吴磊（儿子） 135****2807】") and "厨房着火了" in row.topic
    audit = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "callback.call_phone")).all()
    assert len(audit) == 1 and SONS_PHONE not in str(audit[0].detail)
    again = world.client.post(f"/api/v1/callbacks/{ref}/call-phone", headers=_chat(),
                              json={"call_phone": "13594412808", "contact": "吴磊（儿子）", "phone": HIS_PHONE})
    assert again.status_code == 200
    world.session.refresh(row)
    assert row.topic.count("【改打：") == 1 and "135****2808" in row.topic


def test_another_phone_cannot_change_it(world) -> None:  # noqa: ANN001
    ref = _report(world, None)["reference"]
    resp = world.client.post(f"/api/v1/callbacks/{ref}/call-phone", headers=_chat(),
                             json={"call_phone": SONS_PHONE, "phone": "13812345601"})
    assert resp.status_code == 404
    bad = world.client.post(f"/api/v1/callbacks/{ref}/call-phone", headers=_chat(), json={"call_phone": "1359441", "phone": HIS_PHONE})
    assert bad.status_code == 422


def test_the_staff_member_who_took_it_sees_the_sons_whole_number(world) -> None:  # noqa: ANN001
    ref = _report(world, GUNAN)["reference"]
    world.client.post(f"/api/v1/callbacks/{ref}/call-phone", headers=_chat(),
                      json={"call_phone": SONS_PHONE, "contact": "吴磊（儿子）", "phone": HIS_PHONE})
    item = int(ref[2:])
    csrf = sign_in(world.client, "cw_qijiang")
    before = world.client.get(f"/staff/desk/callback/{item}").text
    assert "135****2807" in before and "吴磊（儿子）" in before and SONS_PHONE not in before
    world.client.post(f"/staff/desk/callback/{item}/take", data={"csrf_token": csrf})
    assert SONS_PHONE in world.client.get(f"/staff/desk/callback/{item}").text
