"""Testers' 急难 findings, the backend's side: a neighbour's report (no code, so an urgent call-back) for 铜元局 — a
street found by the area search, with no office of its own or above it on file — was told "已经加急报给市民政局社会
救助科了", as if no street had been named. It is the street's: its district's queue has it, and the person (and her SMS)
hears the street named; only a report with no street at all is the city's."""

from sqlalchemy import select

from backend.core.settings import get_settings
from backend.notifications.models import Notice
from backend.service_desk.service import CITY_CALLER
from tests.backend.world import staff_headers

CHAT = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def test_a_report_for_a_street_without_an_office_on_file_is_that_streets_not_the_citys(world) -> None:  # noqa: ANN001
    found = world.client.get("/api/v1/areas/search", params={"q": "铜元局"}, headers=CHAT).json()
    street = next(a for a in found if a["level"] == "street" and a["match"] == "exact")
    assert street["name"] == "铜元局街道" and not street["office_configured"]  # said without 街道, found all the same
    booked = world.client.post("/api/v1/callbacks", headers=CHAT, json={
        "phone": "13812345611", "area_code": street["code"], "urgent": True,
        "topic": "【急难·帮办人代报，本人未确认（收不到验证码）】王婆婆屋头着火了"})
    assert booked.status_code == 201, booked.text
    body = booked.json()
    assert body["caller"] == "南岸区铜元局街道" and body["caller"] != CITY_CALLER
    nanan = staff_headers(world.session, "nanan-desk", "caseworker", street["code"][:6])
    desk = world.client.get("/api/v1/service-desk", headers=nanan).json()
    assert [d["reference"] for d in desk if d["kind"] == "callback"] == [body["reference"]]  # 南岸区's own queue
    assert desk[0]["queue"] == street["code"][:6] and desk[0]["urgent"]
    sms = world.session.scalars(select(Notice).where(Notice.event == "callback_filed")).all()
    assert sms and all(CITY_CALLER not in (n.text or "") for n in sms)


def test_a_report_with_no_street_at_all_is_still_the_city_queues(world) -> None:  # noqa: ANN001
    body = world.client.post("/api/v1/callbacks", headers=CHAT, json={
        "phone": "13812345612", "urgent": True, "topic": "【急难】屋头着火了"}).json()
    assert body["caller"] == CITY_CALLER
