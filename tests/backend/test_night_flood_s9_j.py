"""A daughter in 成都 reports a flood at her father's house in 綦江 at 00:57 on a working day (ninth session, helper J):
the backend owns when someone calls — the office's own hours, not "今天" at one in the morning (backend/regions/hours.py,
backend/service_desk/when.py, GET /on-duty); her complaint about the report is linked to it and answered as urgently
(backend/service_desk/complaints.py); the staff member who took the report sees her whole number, audited."""

from datetime import date, datetime, time

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core import clock, say
from backend.core.settings import get_settings
from backend.notifications.models import Notice
from backend.regions import hours
from backend.regions import service as regions_service
from backend.regions.offices import Office
from backend.service_desk.models import CallbackRequest, Complaint
from tests.backend.staff_pages import sign_in
from tests.backend.world import application_body

GUNAN = "500110003"  # 綦江区古南街道: 古南街道便民服务中心, 工作日 9:00-12:00 14:00-17:30 (offices.yaml); no duty mobile
HER_PHONE = "13900012411"
NIGHT = datetime(2026, 12, 8, 0, 57, tzinfo=clock.CHINA)  # a Tuesday, a working day
TUESDAY = date(2026, 12, 8)


def _chat() -> dict[str, str]:
    return {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def _at(monkeypatch, when: datetime) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "now", lambda: when)
    monkeypatch.setattr(clock, "today", lambda: when.date())


def _report(world, phone: str = HER_PHONE, area: str | None = GUNAN) -> dict:  # noqa: ANN001
    body = {"area_code": area, "phone": phone, "urgent": True, "topic": "【急难·女儿代报，本人未确认】我爸屋头遭水淹了"}
    resp = world.client.post("/api/v1/callbacks", json=body, headers=_chat())
    assert resp.status_code == 201, resp.text
    return resp.json()


# ---- the office's hours ------------------------------------------------------------------------------------------

def test_office_hours_are_read_from_the_office_data() -> None:
    h = hours.read("工作日 9:00-12:00 14:00-17:30")
    assert h.known and not h.open_at(NIGHT) and h.next_opening(NIGHT) == datetime.combine(TUESDAY, time(9), tzinfo=clock.CHINA)
    lunch = datetime(2026, 12, 8, 12, 30, tzinfo=clock.CHINA)
    assert not h.open_at(lunch) and h.next_opening(lunch).time() == time(14)
    assert h.open_at(datetime(2026, 12, 8, 10, 0, tzinfo=clock.CHINA))
    saturday = datetime(2026, 12, 12, 10, 0, tzinfo=clock.CHINA)
    assert not h.open_at(saturday) and h.next_opening(saturday).date() == date(2026, 12, 14)
    assert hours.read("每天 24 小时").open_at(NIGHT)
    assert not hours.read(None).known and not hours.read("工作日").known  # nothing said as a clock time
    assert say.clock_time(time(9)) == "上午9:00" and say.clock_time(time(14)) == "下午2:00"


# ---- 1. when someone calls, at night -------------------------------------------------------------------------------

def test_a_report_at_one_in_the_morning_is_called_when_the_office_opens_not_today(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, NIGHT)
    resp = _report(world)
    assert not resp["due_today"]  # was true: "工作人员今天就打电话给您" at 00:57
    assert resp["promise"] == f"{say.day(TUESDAY)}上午9:00一上班" and resp["due_day"] == say.day(TUESDAY)
    assert resp["duty_phone"] is None and not resp["duty_told"] and resp["area_code"] == GUNAN
    sms = world.session.scalars(select(Notice).where(Notice.event == "callback_filed")).one()
    assert resp["promise"] in sms.text and "今天" not in sms.text


def test_without_hours_on_file_no_clock_time_is_made_up(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, NIGHT)
    resp = _report(world, area=None)  # the city queue: the hotline's "每天 24 小时" are not its staff's hours
    assert not resp["due_today"] and resp["promise"] == f"{say.day(TUESDAY)}一上班"


def test_during_office_hours_an_urgent_report_is_called_today(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, datetime(2026, 12, 8, 10, 0, tzinfo=clock.CHINA))
    resp = _report(world)
    assert resp["due_today"] and resp["promise"] == "今天"


# ---- 2. "今天晚上有人管没得" ---------------------------------------------------------------------------------------------

def test_who_is_at_work_now_is_the_backends_answer(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, NIGHT)
    night = world.client.get("/api/v1/on-duty", params={"area_code": GUNAN}, headers=_chat()).json()
    assert night == {"area_code": GUNAN, "caller": "古南街道便民服务中心", "open_now": False,
                     "promise": f"{say.day(TUESDAY)}上午9:00一上班", "office_hours": "工作日 9:00-12:00 14:00-17:30",
                     "office_phone": None, "duty_phone": None}  # none on file: never one made up
    duty = Office("古南街道便民服务中心", None, "工作日 9:00-12:00 14:00-17:30", "13900110003", GUNAN, configured=True)
    monkeypatch.setattr(regions_service, "office_for", lambda code: duty)
    assert world.client.get("/api/v1/on-duty", params={"area_code": GUNAN}, headers=_chat()).json()["duty_phone"] == "13900110003"
    _at(monkeypatch, datetime(2026, 12, 8, 10, 0, tzinfo=clock.CHINA))
    day = world.client.get("/api/v1/on-duty", params={"area_code": GUNAN}, headers=_chat()).json()
    assert day["open_now"] and day["promise"] == "今天"
    nowhere = world.client.get("/api/v1/on-duty", headers=_chat()).json()
    assert nowhere["caller"] == "市民政局社会救助科" and nowhere["office_hours"] is None and nowhere["duty_phone"] is None
    assert world.client.get("/api/v1/on-duty", params={"area_code": "999999999"}, headers=_chat()).status_code == 422


# ---- 4. her complaint about the report -----------------------------------------------------------------------------

def test_a_complaint_about_the_report_is_linked_to_it_and_answered_as_urgently(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, NIGHT)
    report = _report(world)
    _at(monkeypatch, datetime(2026, 12, 8, 1, 40, tzinfo=clock.CHINA))
    filed = world.client.post("/api/v1/complaints", json={"text": "你们咋个还没人打电话来 我要投诉", "phone": HER_PHONE},
                              headers=_chat()).json()  # the same phone, no street said: linked all the same
    assert filed["urgent"] and filed["related"] == report["reference"]
    assert filed["due_day"] == say.day(TUESDAY) and filed["promise"] == f"{say.day(TUESDAY)}上午9:00一上班"  # not 5 working days
    assert not filed["due_today"] and filed["handled_by"] == "綦江区民政局社会救助科"
    row = world.session.get(Complaint, filed["id"])
    assert row.callback_id == int(report["reference"][2:]) and row.area_code == GUNAN  # the report's queue
    sms = world.session.scalars(select(Notice).where(Notice.event == "complaint_filed")).one()
    assert filed["promise"] in sms.text
    # Named by the chat it was filed in (another phone typed for the complaint): linked too.
    named = world.client.post("/api/v1/complaints", json={"text": "还没人管", "phone": "13812345601", "related": report["reference"]},
                              headers=_chat()).json()
    assert named["urgent"] and named["related"] == report["reference"]
    # A person naming someone else's report from her own phone links nothing; an ordinary complaint keeps its 5 days.
    other = world.client.post("/api/v1/complaints", json={"text": "社区的人不理人", "related": report["reference"]},
                              headers=world.stranger).json()
    assert not other["urgent"] and other["related"] is None and other["due_day"] == say.day(date(2026, 12, 15))


def test_a_complaint_about_a_jinan_application_is_urgent(world, monkeypatch) -> None:  # noqa: ANN001
    from_app = world.submit(application_body("临时救助", subtype="急难型"), key="key-flood-0001")
    filed = world.client.post("/api/v1/complaints", json={"text": "好久都没人来", "related": from_app["number"]},
                              headers=world.applicant).json()
    assert filed["urgent"] and filed["related"] == from_app["number"]
    assert world.session.get(Complaint, filed["id"]).application_number == from_app["number"]


# ---- 3. the staff member who took it sees her whole number -----------------------------------------------------------

def test_whoever_took_the_report_sees_the_whole_phone_others_see_it_masked(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, NIGHT)
    report = _report(world)
    complaint = world.client.post("/api/v1/complaints", json={"text": "咋个还没人打电话", "phone": HER_PHONE}, headers=_chat()).json()
    monkeypatch.undo()  # the staff's sessions are of today
    item = int(report["reference"][2:])
    csrf = sign_in(world.client, "cw_qijiang")
    before = world.client.get(f"/staff/desk/callback/{item}").text
    assert "139****2411" in before and HER_PHONE not in before
    assert f'href="/staff/desk/complaint/{complaint["id"]}"' in before  # the complaint about it, linked
    world.client.post(f"/staff/desk/callback/{item}/take", data={"csrf_token": csrf})
    taken = world.client.get(f"/staff/desk/callback/{item}").text
    assert HER_PHONE in taken  # she has to call her: masked, she could not
    read = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "callback.read_phone")).all()
    assert read and {(r.entity_id, r.actor) for r in read} == {(str(item), read[0].actor)}  # each read, by her
    assert HER_PHONE not in str(read[0].detail)
    sign_in(world.client, "rv_qijiang")  # a colleague: masked, and nothing read
    other = world.client.get(f"/staff/desk/callback/{item}").text
    assert "139****2411" in other and HER_PHONE not in other
    assert len(world.session.scalars(select(AuditEntry).where(AuditEntry.action == "callback.read_phone")).all()) == len(read)
    page = world.client.get(f"/staff/desk/complaint/{complaint['id']}").text
    assert f'href="/staff/desk/callback/{item}"' in page and "急难回电" in page
    assert world.session.get(CallbackRequest, item).owner_id is not None
