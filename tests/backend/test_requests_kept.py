"""Issue #20 items 3-4, the backend's side: a call-back is booked only with a phone to call and says who calls
by when; office numbers are real or absent (never a placeholder); an applicant withdraws before the decision
and asks for a correction that reaches the caseworker's timeline."""

import re
from datetime import date, datetime
from pathlib import Path

import yaml
from sqlalchemy import select

from backend.core import clock, say
from backend.core.settings import get_settings
from backend.notifications.models import Notice
from backend.regions import service as regions_service
from backend.regions.offices import Office
from backend.service_desk.service import CITY_CALLER
from tests.backend.test_access_and_delegations import _delegate, sms  # noqa: F401  (fixture)
from tests.backend.world import application_body, member

TWO_ROADS = "500103004"
OFFICES = Path(__file__).resolve().parents[2] / "backend" / "regions" / "data" / "offices.yaml"


def test_no_placeholder_office_numbers_are_shipped() -> None:
    # 023-00000103 and 139001030xx were demonstration values: a person told to call them reaches nobody.
    data = yaml.safe_load(OFFICES.read_text(encoding="utf-8"))
    for entry in data["offices"].values():
        for key in ("office_phone", "alert_phone"):
            number = str(entry.get(key) or "")
            assert not re.fullmatch(r"0\d{2,3}-?0{2,}\d*|1390\d{7}", number), (key, number)


def test_a_call_back_needs_a_phone_to_call(world) -> None:  # noqa: ANN001
    # The chat's service credential without a phone: refused with a plain reason, not booked.
    headers = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}
    resp = world.client.post("/api/v1/callbacks", json={"topic": "我不会打字"}, headers=headers)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "callback_needs_phone"
    booked = world.client.post("/api/v1/callbacks", json={"topic": "我不会打字", "phone": "13812345678"}, headers=headers)
    assert booked.status_code == 201, booked.text


def test_a_call_back_says_who_calls_and_by_when(world) -> None:  # noqa: ANN001
    resp = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "想问低保"}, headers=world.applicant)
    body = resp.json()
    assert resp.status_code == 201 and body["caller"] == "渝中区民政局社会救助科" and body["office_phone"] is None
    assert re.fullmatch(r"\d+月\d+日（星期.）", body["due_day"]) and body["reference"].startswith("HD")
    city = world.client.post("/api/v1/callbacks", json={"topic": "着火了"}, headers=world.helper).json()
    assert city["caller"] == CITY_CALLER and "12345" not in city["caller"]
    complaint = world.client.post("/api/v1/complaints", json={"text": "有人吃拿卡要"}, headers=world.applicant).json()
    assert re.fullmatch(r"\d+月\d+日（星期.）", complaint["due_day"])  # the person is told by when
    desk = world.client.get("/api/v1/service-desk", headers=world.admin).json()
    assert any(d["reference"] == city["reference"] and d["queue"] is None for d in desk)  # the city queue has it


def test_the_applicant_withdraws_before_the_decision(world) -> None:  # noqa: ANN001
    number = world.submit(application_body())["number"]
    detail = world.act(number, "withdraw", world.applicant, note="申请人在对话中撤回")
    assert detail["status"] == "withdrawn" and detail["status_label"] == "已撤回"
    world.act(number, "withdraw", world.applicant, expect=409)


def test_a_correction_reaches_the_caseworker_on_the_timeline(world) -> None:  # noqa: ANN001
    number = world.submit(application_body())["number"]
    # The chat offers both only when the backend lists them for this applicant now.
    mine = world.client.get(f"/api/v1/applications/{number}", headers=world.applicant).json()["available_actions"]
    assert {"withdraw", "request_change"} <= set(mine)
    world.act(number, "request_change", world.applicant, expect=409)  # what to correct must be said
    detail = world.act(number, "request_change", world.applicant, note="名字填错了，应该是刘淑芬")
    assert detail["status"] == "submitted"  # nothing moves: the caseworker corrects it
    timeline = world.client.get(f"/api/v1/applications/{number}/timeline", headers=world.caseworker).json()
    assert (timeline[-1]["action_label"], timeline[-1]["note"]) == ("申请人要求更正", "名字填错了，应该是刘淑芬")
    assert "request_change" not in world.client.get(f"/api/v1/applications/{number}", headers=world.caseworker).json()["available_actions"]
    world.act(number, "request_change", world.stranger, note="改成我的名字", expect=404)


def _at(monkeypatch, when: datetime) -> None:  # noqa: ANN001
    monkeypatch.setattr(clock, "now", lambda: when)
    monkeypatch.setattr(clock, "today", lambda: when.date())


def test_an_urgent_call_back_is_made_today_first_in_the_queue_and_the_duty_phone_hears(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, datetime(2026, 12, 7, 10, 0, tzinfo=clock.CHINA))  # a Monday morning
    duty = Office("两路口街道社会救助窗口", None, "工作日 9:00-17:30", "13900104004", TWO_ROADS, configured=True)
    monkeypatch.setattr(regions_service, "office_for", lambda code: duty)
    chat = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}  # the time moves: no citizen token
    plain = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "想问低保", "phone": "13812345670"},
                              headers=chat).json()
    urgent = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "有没有人能马上过来", "urgent": True,
                                                          "phone": "13812345671"}, headers=chat).json()
    assert not plain["urgent"] and plain["due_day"] != urgent["due_day"]
    assert urgent["urgent"] and urgent["due_today"] and urgent["duty_told"]
    assert urgent["due_day"] == say.day(date(2026, 12, 7))
    alerts = world.session.scalars(select(Notice).where(Notice.event == "callback_urgent_alert")).all()
    assert len(alerts) == 1 and urgent["reference"] in alerts[0].text and "马上过来" in alerts[0].text
    # Each person gets her own record of the promise by SMS.
    assert plain["sms_sent"] and urgent["sms_sent"]
    filed = world.session.scalars(select(Notice).where(Notice.event == "callback_filed")).all()
    assert [urgent["reference"] in n.text for n in filed] == [False, True] and "今天" in filed[1].text
    monkeypatch.undo()  # back to the real clock: the admin's session is of today
    desk = [d for d in world.client.get("/api/v1/service-desk", headers=world.admin).json() if d["kind"] == "callback"]
    assert desk[0]["reference"] == urgent["reference"] and desk[0]["urgent"]  # asked second, answered first


def test_an_urgent_call_back_after_hours_is_the_first_call_of_the_next_working_day(world, monkeypatch) -> None:  # noqa: ANN001
    _at(monkeypatch, datetime(2026, 12, 4, 19, 30, tzinfo=clock.CHINA))  # a Friday evening
    chat = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}
    resp = world.client.post("/api/v1/callbacks", json={"topic": "屋头断顿了", "urgent": True, "phone": "13812345678"},
                             headers=chat).json()
    assert resp["urgent"] and not resp["due_today"] and not resp["duty_told"]  # the city queue has no duty mobile
    assert resp["due_day"] == say.day(date(2026, 12, 7))


def test_a_complaint_is_confirmed_by_sms_with_its_reference_and_day(world) -> None:  # noqa: ANN001
    filed = world.client.post("/api/v1/complaints", json={"text": "社区的人要好处费", "phone": "13812345679"},
                              headers=world.applicant).json()
    assert filed["sms_sent"]
    notice = world.session.scalars(select(Notice).where(Notice.event == "complaint_filed")).one()
    assert filed["reference"] in notice.text and filed["due_day"] in notice.text and "13812345679" not in notice.text


def test_the_same_phone_asking_again_is_told_the_open_call_back_never_a_second(world) -> None:  # noqa: ANN001
    """Testers' follow-ups in new conversations ("昨天说要打电话给我 好久打嘛") piled up four tickets for one phone."""
    phone = "13812345602"
    first = world.client.post("/api/v1/callbacks", json={"topic": "我不会打字", "area_code": TWO_ROADS, "phone": phone},
                              headers=world.applicant).json()
    again = world.client.post("/api/v1/callbacks", json={"topic": "好久打嘛", "phone": phone}, headers=world.applicant).json()
    assert again["existing"] and again["reference"] == first["reference"] and not first["existing"]
    assert again["caller"] == first["caller"]  # still her street's office, not the city queue
    urgent = world.client.post("/api/v1/callbacks", json={"topic": "我摔了 马上来人", "urgent": True, "phone": phone},
                               headers=world.applicant).json()
    assert urgent["reference"] == first["reference"] and urgent["urgent"]
    calm = world.client.post("/api/v1/callbacks", json={"topic": "好久打嘛", "phone": phone}, headers=world.applicant).json()
    assert calm["urgent"]  # what is stored, not what this ask said: it stays urgent
    desk = [d for d in world.client.get("/api/v1/service-desk", headers=world.admin).json() if d["kind"] == "callback"]
    assert len(desk) == 1 and desk[0]["urgent"]
    filed = world.session.scalars(select(Notice).where(Notice.event == "callback_filed")).all()
    assert len(filed) == 1  # one record of the promise; "好久打嘛" and the urgent ask are told it in the chat


def test_an_open_case_is_said_before_the_form_goes_on_only_to_her_or_her_helper(world, sms) -> None:  # noqa: ANN001
    """A second 低保 used to be refused only at the very end, after every question was answered again."""
    ask = {"name": "张秀英", "id_number": member("张秀英")["id_number"], "assistance_type": "低保"}
    assert world.client.post("/api/v1/applications/open-check", json=ask, headers=world.applicant).status_code == 204
    number = world.submit()["number"]
    mine = world.client.post("/api/v1/applications/open-check", json=ask, headers=world.applicant)
    assert mine.status_code == 409 and mine.json()["error"]["code"] == "application_already_open"
    assert number in mine.json()["error"]["message"]
    assert world.client.post("/api/v1/applications/open-check", json={**ask, "assistance_type": "特困"},
                             headers=world.applicant).status_code == 204
    # Somebody with no delegation learns nothing here (the submission still refuses him).
    assert world.client.post("/api/v1/applications/open-check", json=ask, headers=world.stranger).status_code == 204
    _delegate(world, sms)
    helper = world.client.post("/api/v1/applications/open-check", json=ask, headers=world.helper)
    assert helper.status_code == 409 and number in helper.json()["error"]["message"]
    wrong = world.client.post("/api/v1/applications/open-check", json={**ask, "name": "张秀兰"}, headers=world.applicant)
    assert "对不上" in wrong.json()["error"]["message"]


def test_progress_names_whose_case_it_is_to_a_helper(world, sms) -> None:  # noqa: ANN001
    """A grandson asking was told "您的低保申请": it is his grandmother's."""
    number = world.submit()["number"]
    assert world.client.get(f"/api/v1/applications/{number}/progress", headers=world.applicant).json()["said"].startswith("您的低保申请")
    _delegate(world, sms)
    said = world.client.get(f"/api/v1/applications/{number}/progress", headers=world.helper).json()["said"]
    assert said.startswith("张秀英的低保申请") and "您的" not in said.splitlines()[0]


def test_more_information_is_on_the_timeline_as_what_it_is(world) -> None:  # noqa: ANN001
    """"医院说先交三千" after a 急难 report showed as "申请人要求更正" in the progress."""
    number = world.submit()["number"]
    world.act(number, "add_information", world.applicant, note="医院说先交三千")
    events = world.client.get(f"/api/v1/applications/{number}/timeline", headers=world.caseworker).json()
    assert any(e["action_label"] == "申请人补充情况" and e["note"] == "医院说先交三千" for e in events)
    assert not any(e["action"] == "request_change" for e in events)
    world.act(number, "add_information", world.stranger, note="别人补充", expect=404)
