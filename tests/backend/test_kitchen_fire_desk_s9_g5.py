"""A kitchen fire in 渝北区 双龙湖街道 at night (ninth session, tester's 急难 case JZ…, its hurry on the call-back HD…,
then a complaint TS… about nobody calling): what staff see (helper G5).
1. 渝北区 has no staff account: an urgent request there is also in the city queue, flagged 该区没有值班人员.
2. The work queue marks a 急难 case 急 and puts it first.
3. The 急难 case is the application JZ…; HD… is its call-back (回电): the complaint's reply and the desk say so.
4. The call-back's page starts with a summary from the report's own description, then what was added, line by line."""

from sqlalchemy import select

from backend.core.settings import get_settings
from backend.service_desk.models import CallbackRequest, Complaint
from backend.service_desk.report_view import added_lines, summary
from tests.backend.staff_pages import sign_in
from tests.backend.world import application_body

SHUANGLONGHU = "500112002"  # 渝北区双龙湖街道: no staff account in 渝北区
PHONE = "13900017426"
FIRE = "屋头着火了；火已经灭了消防走了 厨房和睡房都烧了 我老婆手烧伤了在医院头 医院要压金两千 咋个办嘛"


def _chat(world) -> dict[str, str]:  # noqa: ANN001
    return {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def _fire(world) -> tuple[dict, dict, dict]:  # noqa: ANN001
    """The tester's night: the 急难 application, its hurry as an urgent call-back, the complaint about nobody calling."""
    app = world.submit(application_body("临时救助", subtype="急难型", area_code=SHUANGLONGHU, reason=FIRE), key="key-fire-0001")
    topic = f"催办：申请{app['number']}（已收到，正在紧急处理）"
    callback = world.client.post("/api/v1/callbacks", json={"area_code": SHUANGLONGHU, "phone": PHONE, "urgent": True,
                                                            "topic": topic}, headers=_chat(world))
    assert callback.status_code == 201, callback.text
    for more in ("转人工", "我儿子的电话改好没得", "医院那边压金能不能缓一下 我咋个跟医院说", "找工作人员"):
        world.client.post("/api/v1/callbacks", json={"area_code": SHUANGLONGHU, "phone": PHONE, "urgent": True, "topic": more},
                          headers=_chat(world))
    complaint = world.client.post("/api/v1/complaints", json={"text": "你们说值班的尽快打电话 结果又说要等上班", "phone": PHONE},
                                  headers=_chat(world)).json()
    return app, callback.json(), complaint


def test_an_urgent_report_where_the_district_has_no_staff_is_in_the_city_queue_flagged(world) -> None:  # noqa: ANN001
    _, callback, complaint = _fire(world)
    sign_in(world.client, "admin_all")
    city = world.client.get("/staff/desk?kind=callback&queue=city").text
    assert callback["reference"] in city and "该区没有值班人员" in city  # was: the city queue held only requests without a district
    assert complaint["reference"] in world.client.get("/staff/desk?kind=complaint&queue=city").text
    page = world.client.get(f"/staff/desk/callback/{int(callback['reference'][2:])}").text
    assert "该区没有值班人员" in page
    # A district with staff keeps its urgent requests in its own queue only, unflagged.
    yuzhong = world.client.post("/api/v1/callbacks", json={"area_code": "500103001", "phone": "13900017427", "urgent": True,
                                                           "topic": "屋头漏水了"}, headers=_chat(world)).json()
    city = world.client.get("/staff/desk?kind=callback&queue=city").text
    assert yuzhong["reference"] not in city
    sign_in(world.client, "cw_yuzhong")
    assert "该区没有值班人员" not in world.client.get("/staff/desk?kind=callback").text


def test_the_jinan_case_is_marked_and_first_in_the_work_queue(world) -> None:  # noqa: ANN001
    world.submit(application_body(area_code="500103001"), key="key-fire-0010")
    urgent = world.submit(application_body("临时救助", subtype="急难型", area_code="500103001", reason=FIRE), key="key-fire-0011")
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/").text
    rows = page.split("<tbody>")[1].split("</tr>")
    assert urgent["number"] in rows[0] and 'class="tag-urgent"' in rows[0]  # was: no 急, after the 低保 case due sooner
    assert 'class="tag-urgent"' not in rows[1]


def test_the_complaint_names_the_jinan_application_and_the_call_back_as_hui_dian(world) -> None:  # noqa: ANN001
    app, callback, complaint = _fire(world)
    assert complaint["urgent"] and complaint["related"] == app["number"]  # was: "跟您报的急难（编号HD000…）"
    row = world.session.get(Complaint, complaint["id"])
    assert row.application_number == app["number"] and row.callback_id == int(callback["reference"][2:])
    sign_in(world.client, "admin_all")
    page = world.client.get(f"/staff/desk/complaint/{complaint['id']}").text
    assert "急难申请" in page and f'href="/staff/applications/{app["number"]}"' in page
    assert f"急难回电</dt><dd><a href=\"/staff/desk/callback/{row.callback_id}\"" in page and "相关急难报告" not in page
    desk = world.client.get("/staff/desk?kind=complaint").text
    assert f"急难回电 {callback['reference']}" in desk and "急难报告 HD" not in desk


def test_the_call_back_page_says_what_happened_first_then_what_was_added(world) -> None:  # noqa: ANN001
    app, callback, _ = _fire(world)
    said = summary(FIRE, world.session.get(CallbackRequest, int(callback["reference"][2:])).topic)
    assert said.happened == "屋头着火了" and said.hurt == ["我老婆手烧伤了在医院头"]
    assert said.needs[:2] == ["押金、医药费", "住处"]
    sign_in(world.client, "admin_all")
    page = world.client.get(f"/staff/desk/callback/{int(callback['reference'][2:])}").text
    top = page.split('id="report-summary"')[1].split('id="report-added"')[0]
    assert "屋头着火了" in top and "我老婆手烧伤了在医院头" in top and "押金、医药费" in top and "住处" in top
    added = page.split('id="report-added"')[1].split("</ol>")[0]
    assert "我儿子的电话改好没得" in added and "催办：申请" not in added and "转人工" not in added
    assert f'id="emergency-link">{app["number"]}' in page
    assert world.session.scalar(select(CallbackRequest.urgent).where(CallbackRequest.id == int(callback["reference"][2:])))


def test_added_lines_keep_what_was_said_and_drop_the_hurry_and_handover_words() -> None:
    topic = "【急需：住处】催办：申请JZ20261208000008（已收到，正在紧急处理）；转人工；我儿子的电话改好没得；找工作人员"
    assert added_lines(topic) == ["我儿子的电话改好没得"]
