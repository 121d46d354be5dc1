"""A grid worker with two old people on one phone: her "改身份证" for 陈德明 was recorded on 王德贵's case ("申请人要求
更正 · 改身份证；5001…", "✓ 申请人要求更正" in his progress). A change request says whose case it means and is recorded
only on that person's case; the timeline says which helper asked."""

from sqlalchemy import select

from backend.applications.models import Application, ApplicationEvent
from backend.core.crypto import get_vault
from tests.backend.staff_pages import sign_in
from tests.backend.test_access_and_delegations import _code_sent_to, sms  # noqa: F401  (fixture)
from tests.backend.world import HELPER_PHONE, application_body, member

HELPER = {"name": "李敏", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}
WANG = {**member("王德贵", seq=3), "phone": "13600004444"}
CHEN = {**member("陈德明", seq=5), "phone": "13600005555"}


def _delegate(world, sms, principal: dict) -> None:  # noqa: ANN001, F811
    person = {k: principal[k] for k in ("name", "id_number", "phone")}
    sent = world.client.post("/api/v1/delegations/consent-code", json={"principal": person, "helper": HELPER}, headers=world.helper)
    assert sent.status_code == 200, sent.text
    resp = world.client.post("/api/v1/delegations", headers=world.helper, json={
        "principal": person, "helper": HELPER, "scope": ["apply", "query"],
        "consent": {"method": "otp", "code": _code_sent_to(sms, principal["phone"])}})
    assert resp.status_code == 201, resp.text


def _two_cases(world, sms) -> tuple[str, str]:  # noqa: ANN001, F811
    numbers = []
    for principal in (WANG, CHEN):
        _delegate(world, sms, principal)
        body = application_body(members=[{**principal, "phone": None}])
        numbers.append(world.submit(body, headers=world.helper, key=f"grid-{principal['id_number']}")["number"])
    return numbers[0], numbers[1]


def _changes(world, number: str) -> list[ApplicationEvent]:  # noqa: ANN001
    app = world.session.scalars(select(Application).where(Application.number == number)).one()
    return [e for e in app.events if e.action == "request_change"]


def test_a_correction_meant_for_another_person_is_not_recorded_on_this_case(world, sms) -> None:  # noqa: ANN001, F811
    wang, chen = _two_cases(world, sms)
    refused = world.act(wang, "request_change", world.helper, note="改身份证；500106195508080019", expect=409,
                        meant_for={"number": wang, "name": "陈德明"})
    assert refused["error"]["code"] == "not_this_persons_case"
    assert "陈德明" in refused["error"]["message"] and "王德贵" not in refused["error"]["message"]
    # By his ID number too (checked, never stored).
    world.act(wang, "request_change", world.helper, note="改身份证", expect=409,
              meant_for={"number": wang, "id_number": CHEN["id_number"]})
    # The number said must be the case's own.
    world.act(wang, "request_change", world.helper, note="改身份证", expect=409, meant_for={"number": chen, "name": "王德贵"})
    assert _changes(world, wang) == []
    progress = world.client.get(f"/api/v1/applications/{wang}/progress", headers=world.helper).json()
    assert "要求更正" not in progress["said"]


def test_a_helper_must_say_whose_case_she_corrects(world, sms) -> None:  # noqa: ANN001, F811
    wang, _ = _two_cases(world, sms)
    unsaid = world.act(wang, "request_change", world.helper, note="改身份证", expect=422)
    assert unsaid["error"]["code"] == "meant_for_required" and _changes(world, wang) == []


def test_the_right_persons_case_records_it_and_says_the_helper_asked(world, sms) -> None:  # noqa: ANN001, F811
    wang, chen = _two_cases(world, sms)
    world.act(chen, "request_change", world.helper, note="地址写错了，应该是七星岗街道",
              meant_for={"number": chen, "name": "陈德明", "id_number": CHEN["id_number"]})
    [event] = _changes(world, chen)
    assert event.note == "地址写错了，应该是七星岗街道" and event.data == {"asked_by": "帮办人（李敏）"}  # no ID kept
    assert get_vault().lookup_hash(CHEN["id_number"]) not in str(event.data) and CHEN["id_number"] not in str(event.data)
    timeline = world.client.get(f"/api/v1/applications/{chen}/timeline", headers=world.caseworker).json()
    assert timeline[-1]["action_label"] == "帮办人（李敏）要求更正"
    progress = world.client.get(f"/api/v1/applications/{chen}/progress", headers=world.helper).json()
    assert "帮办人（李敏）要求更正" in progress["said"] and "申请人要求更正" not in progress["said"]
    assert _changes(world, wang) == []
    sign_in(world.client, "cw_yuzhong")  # the caseworker's case page says it the same way
    page = world.client.get(f"/staff/applications/{chen}").text
    assert "帮办人（李敏）要求更正" in page and "申请人要求更正" not in page


def test_the_applicant_herself_is_still_the_applicant_on_the_timeline(world) -> None:  # noqa: ANN001
    number = world.submit(application_body())["number"]
    world.act(number, "request_change", world.applicant, note="收入应该是八百")
    world.act(number, "add_information", world.applicant, note="老伴住院了", asked_by="帮办人（冒名）")
    timeline = world.client.get(f"/api/v1/applications/{number}/timeline", headers=world.caseworker).json()
    assert [e["action_label"] for e in timeline[-2:]] == ["申请人要求更正", "申请人补充情况"]
    refused = world.act(number, "request_change", world.applicant, note="改名字", expect=409, meant_for={"name": "王德贵"})
    assert refused["error"]["code"] == "not_this_persons_case"
