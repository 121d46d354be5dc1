"""Every way in is bounded: money, text, ids, dates, list sizes and body sizes (backend.core.fields,
backend.core.body_limit). Invalid input is a 422 (a body too large a 413) in the one error model with a
Chinese message, never a 500 from the database, and never silently stored, paid or texted.
"""

import asyncio
import json
import re
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.applications.case_state import payment_plan
from backend.applications.models import Application, Payment
from backend.applications.schemas import ApplicationIn
from backend.core import body_limit
from backend.core.body_limit import BodySizeLimit
from backend.monitoring.models import MonitoredPerson
from backend.notifications.models import Notice
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, STAFF_CONSENT, advance, application_body, member

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BEYOND_ANY_INTEGER_COLUMN = 2**63  # PostgreSQL refuses anything over 2^31-1, SQLite over 2^63-1


def refused(resp, status: int = 422) -> dict:  # noqa: ANN001
    assert resp.status_code == status, f"{resp.status_code} {resp.text[:500]}"
    error = resp.json()["error"]
    assert CHINESE.search(error["message"]), error
    return error


def problems(resp) -> str:  # noqa: ANN001
    return json.dumps(resp.json()["error"]["details"], ensure_ascii=False)


def _app(world, number: str) -> Application:  # noqa: ANN001
    return world.session.scalars(select(Application).where(Application.number == number)).one()


# ------------------------------------------------------------------------------------------- money

BAD_AMOUNTS = ["NaN", "Infinity", -5000, 0, "1e20", 100_000.01, "470.005"]


@pytest.fixture
def paying(world, set_today) -> str:  # noqa: ANN001
    set_today(date(2026, 9, 24))
    number = world.submit()["number"]
    advance(world, set_today, number, until="start_payment")
    return number


@pytest.mark.parametrize("bad", BAD_AMOUNTS)
def test_a_phase_out_schedule_is_money(world, paying: str, bad) -> None:  # noqa: ANN001
    # Reported: a 渐退期 schedule of −5000 and NaN was accepted, paid and texted.
    notices = world.session.scalar(select(Notice.id).order_by(Notice.id.desc()).limit(1))
    resp = world.client.post(f"/api/v1/applications/{paying}/actions/start_phase_out", headers=world.caseworker,
                             json={"note": "收入增加", "data": {"months": 2, "amounts": [bad, "100"]}})
    refused(resp)
    assert "data.amounts.0" in problems(resp)
    assert payment_plan(world.session, _app(world, paying)).phase_out == {}
    assert world.session.scalar(select(Notice.id).order_by(Notice.id.desc()).limit(1)) == notices


@pytest.mark.parametrize("bad", BAD_AMOUNTS)
def test_an_advance_payment_is_money(world, set_today, bad) -> None:  # noqa: ANN001
    set_today(date(2026, 10, 21))
    number = world.submit(application_body("临时救助", subtype="急难型"))["number"]
    resp = world.client.post(f"/api/v1/applications/{number}/actions/emergency_aid", headers=world.caseworker,
                             json={"note": "火灾，先行救助", "data": {"amount": bad}})
    refused(resp)
    assert world.session.scalars(select(Payment)).all() == []


def test_a_good_phase_out_schedule_still_goes_through(world, paying: str) -> None:  # noqa: ANN001
    world.act(paying, "start_phase_out", world.caseworker, "收入增加", months=2, amounts=["150.5", 80])
    plan = payment_plan(world.session, _app(world, paying))
    assert list(plan.phase_out.values()) == [Decimal("150.5"), Decimal("80")]


@pytest.mark.parametrize(("where", "value"), [
    ("income", "300.001"), ("income", 100_001), ("income", -1), ("asset", 10_000_001), ("asset", "5000.123"),
])
def test_declared_amounts_are_bounded(world, where: str, value) -> None:  # noqa: ANN001
    body = application_body()
    if where == "income":
        body["members"][0]["incomes"][0]["monthly_amount"] = value
    else:
        body["assets"] = [{"kind": "存款", "value": value}]
    refused(world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "bounds-01"}))


def test_zero_is_a_real_answer_for_declared_income_and_savings(world) -> None:  # noqa: ANN001
    # The chat form sends "no income" and "no savings" as 0: that must keep working.
    body = application_body(members=[member("张秀英", phone=APPLICANT_PHONE, incomes=[
        {"category": "工资性", "kind": "申报收入", "monthly_amount": 0}])], assets=[{"kind": "存款", "value": 0}])
    assert world.submit(body)["status"] == "submitted"
    resp = world.client.post("/api/v1/eligibility/precheck", json={"region": "重庆", "savings": 0,
                                                                    "members": [{"age": 70, "monthly_income": 0}]})
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize("savings", [10_000_001, "3000.555"])
def test_precheck_money_is_bounded(client, savings) -> None:  # noqa: ANN001
    refused(client.post("/api/v1/eligibility/precheck", json={"region": "重庆", "savings": savings,
                                                              "members": [{"age": 70, "monthly_income": 300}]}))


# --------------------------------------------------------------------------------------- body size


def _sixteen_megabytes() -> bytes:
    return b'{"assistance_type": "\xe4\xbd\x8e\xe4\xbf\x9d", "reason": "' + b"x" * (16 * 1024 * 1024) + b'"}'


def test_a_sixteen_megabyte_body_is_refused_up_front(world) -> None:  # noqa: ANN001
    started = time.perf_counter()
    resp = world.client.post("/api/v1/applications", content=_sixteen_megabytes(),
                             headers={**world.applicant, "Idempotency-Key": "bounds-big", "Content-Type": "application/json"})
    elapsed = time.perf_counter() - started
    assert refused(resp, 413)["code"] == "body_too_large"
    # Refused on Content-Length, before anything reads or parses 16 MB (that took seconds).
    assert elapsed < 1.0, elapsed


def test_a_body_without_a_length_is_counted_as_it_streams(world) -> None:  # noqa: ANN001
    def chunks():  # noqa: ANN202 - a generator: the client sends it chunked, without Content-Length
        yield _sixteen_megabytes()

    resp = world.client.post("/api/v1/applications", content=chunks(),
                             headers={**world.applicant, "Idempotency-Key": "bounds-chunked", "Content-Type": "application/json"})
    assert refused(resp, 413)["code"] == "body_too_large"


def test_photos_get_the_larger_multipart_limit(client) -> None:  # noqa: ANN001
    eleven_mb = b"\xff\xd8" + b"\0" * (11 * 1024 * 1024)
    resp = client.post("/api/v1/liveness/sessions/no-such-link/frames", files=[("frames", ("1.jpg", eleven_mb, "image/jpeg"))])
    assert resp.status_code != 413  # read in full, then refused for its unknown link
    thirteen_mb = eleven_mb + b"\0" * (2 * 1024 * 1024)
    resp = client.post("/api/v1/liveness/sessions/no-such-link/frames", files=[("frames", ("1.jpg", thirteen_mb, "image/jpeg"))])
    assert refused(resp, 413)["code"] == "body_too_large"


def test_streaming_stops_at_the_first_chunk_over_the_limit() -> None:
    chunk, pulled, sent = 64 * 1024, [], []

    async def receive() -> dict:
        pulled.append(chunk)
        return {"type": "http.request", "body": b"x" * chunk, "more_body": True}  # never ends

    async def send(message: dict) -> None:
        sent.append(message)

    async def app(scope, receive, send) -> None:  # noqa: ANN001 - reads the whole body, like a JSON endpoint
        while (await receive()).get("more_body"):
            pass

    scope = {"type": "http", "method": "POST", "path": "/api/v1/applications", "headers": [(b"content-type", b"application/json")]}
    asyncio.run(BodySizeLimit(app)(scope, receive, send))
    assert sent[0]["status"] == 413
    assert sum(pulled) <= body_limit.JSON_LIMIT + chunk  # stopped at the first chunk over, not at the end


def test_the_largest_valid_application_fits_the_json_limit() -> None:
    """The JSON limit must never refuse a request the schema accepts (see backend/core/body_limit.py)."""
    text = lambda n: "张" * n  # noqa: E731
    line = {"category": "工资性", "kind": text(32), "monthly_amount": "99999.99"}
    person = {"name": text(64), "id_number": "1" * 32, "relation": text(16), "phone": "0086 138 1234 5678 9"}
    biggest = {
        "assistance_type": "临时救助", "subtype": "急难型", "area_code": "5" * 12, "channel": "miniapp", "is_rural": True,
        "address": text(255), "reason": text(2000),
        "members": [{**person, "labour_ability": "partial", "disability_grade": 4, "disability_kind": "多重",
                     "serious_illness": True, "self_care_lost": 6, "excluded_reason": text(64),
                     "incomes": [line] * 20, "deductions": [{"kind": text(32), "monthly_amount": "99999.99"}] * 20}] * 20,
        "assets": [{"kind": "存款", "value": "9999999.99", "note": text(128)}] * 50,
        "obligors": [{**person, "able_to_support": True}] * 20,
    }
    ApplicationIn.model_validate(biggest)
    assert len(json.dumps(biggest, indent=2).encode()) < body_limit.JSON_LIMIT  # escaped, pretty-printed


# ------------------------------------------------------------------------------------ text and NUL


@pytest.mark.parametrize(("field", "value"), [
    ("name", "张\x07秀英"), ("name", "张秀英\n"), ("relation", "本\x1b[31m人"), ("address", "七星岗\r\n12号"),
    ("reason", "生活\x08困难"), ("reason", "生活\u0085困难"), ("name", "张\ud800"),
])
def test_control_characters_are_refused(world, field: str, value: str) -> None:  # noqa: ANN001
    body = application_body()
    if field in ("name", "relation"):
        body["members"][0][field] = value
    else:
        body[field] = value
    resp = world.client.post("/api/v1/applications", content=json.dumps(body),  # json.dumps: lone surrogates too
                             headers={**world.applicant, "Idempotency-Key": "bounds-ctl", "Content-Type": "application/json"})
    refused(resp)
    assert "控制字符" in problems(resp)


def test_line_breaks_stay_allowed_in_free_text(world) -> None:  # noqa: ANN001
    number = world.submit(application_body(reason="老伴生病住院。\r\n家里没有收入。"))["number"]
    assert _app(world, number).reason == "老伴生病住院。\n家里没有收入。"


NUL = "\x00"


@pytest.mark.parametrize("door", ["member name", "application reason", "step note", "step data", "complaint",
                                  "query", "path", "login form", "id check", "delegation helper"])
def test_nul_is_refused_everywhere(world, door: str) -> None:  # noqa: ANN001
    # PostgreSQL cannot store a NUL in text: each of these used to be a 500 there.
    c, key = world.client, {"Idempotency-Key": "bounds-nul"}
    number = world.submit()["number"] if door.startswith("step") else None
    resp = {
        "member name": lambda: c.post("/api/v1/applications", headers={**world.applicant, **key}, json=application_body(
            members=[member(f"张{NUL}秀英", phone=APPLICANT_PHONE)])),
        "application reason": lambda: c.post("/api/v1/applications", headers={**world.applicant, **key},
                                             json=application_body(reason=f"困难{NUL}")),
        "step note": lambda: c.post(f"/api/v1/applications/{number}/actions/accept", headers=world.caseworker,
                                    json={"note": f"受理{NUL}", "data": {}}),
        "step data": lambda: c.post(f"/api/v1/applications/{number}/actions/accept", headers=world.caseworker,
                                    json={"data": {"remark": f"x{NUL}"}}),
        "complaint": lambda: c.post("/api/v1/complaints", headers=world.applicant, json={"text": f"没人管{NUL}"}),
        "query": lambda: c.get("/api/v1/applications", params={"status": NUL}, headers=world.caseworker),
        "path": lambda: c.get("/api/v1/applications/JZ%00", headers=world.caseworker),
        "login form": lambda: c.post("/api/v1/auth/staff/login", data={"username": f"cw{NUL}", "password": "x"}),
        "id check": lambda: c.post("/api/v1/persons/check-id", json={"id_number": f"11010519491231002X{NUL}"}),
        "delegation helper": lambda: c.post("/api/v1/delegations", headers=world.caseworker, json={
            "principal": {"name": "张秀英", "id_number": application_body()["members"][0]["id_number"]},
            "helper": {"name": f"李{NUL}红", "phone": HELPER_PHONE, "kind": "relative"}, "scope": ["query"],
            "consent": {"method": "paper", "form_reference": "渝中-2026-1", "area_code": "500103001"}}),
    }[door]()
    refused(resp)


def test_a_long_rejection_note_fits_the_monitoring_list(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 9, 24))
    number = world.submit()["number"]
    advance(world, set_today, number, until="close_publicity")
    note = "经入户调查，家庭收入高于当地低保标准。" * 100  # 2000 characters: the note allows it
    world.act(number, "reject", world.reviewer, note)
    kept = world.session.scalars(select(MonitoredPerson.note)).one()
    assert kept == note[:255]


# ----------------------------------------------------------------------------------- ids and dates


@pytest.mark.parametrize("door", ["person identity", "revoke", "face session", "reference photo", "list offset"])
def test_integers_beyond_the_database_are_refused(world, door: str) -> None:  # noqa: ANN001
    c, big = world.client, BEYOND_ANY_INTEGER_COLUMN
    number = world.submit()["number"]
    resp = {
        "person identity": lambda: c.get(f"/api/v1/persons/{big}/identity", params={"reason": "核对身份"},
                                         headers=world.caseworker),
        "revoke": lambda: c.post(f"/api/v1/delegations/{big}/revoke", json={}, headers=world.applicant),
        "face session": lambda: c.post("/api/v1/liveness/sessions", headers=world.caseworker,
                                       json={"purpose": "authorization", "application_number": number, "person_id": big}),
        "reference photo": lambda: c.post(f"/api/v1/liveness/references/{big}", headers=world.caseworker,
                                          files={"image": ("a.jpg", b"\xff\xd8", "image/jpeg")}, data=STAFF_CONSENT),
        "list offset": lambda: c.get("/api/v1/applications", params={"offset": big}, headers=world.caseworker),
    }[door]()
    refused(resp)


@pytest.mark.parametrize(("path", "params", "body"), [
    ("/api/v1/supervision/completion", {"month": "0000-01"}, None),  # date(0, 1, 1): was a 500
    ("/api/v1/supervision/completion", {"month": "9999-12"}, None),  # date(10000, 1, 1): was a 500
    ("/api/v1/eligibility/precheck", None, {"region": "重庆", "on": "0001-01-01", "members": [{"age": 72}]}),
    ("/api/v1/policy/standards", {"region": "重庆", "on": "0001-01-01"}, None),
])
def test_dates_and_months_out_of_range_are_refused(world, path: str, params, body) -> None:  # noqa: ANN001
    if body is None:
        resp = world.client.get(path, params=params, headers=world.reviewer)
    else:
        resp = world.client.post(path, json=body)
    refused(resp)


# ----------------------------------------------------------------------------------------- lists


@pytest.mark.parametrize("what", ["members", "incomes", "assets", "obligors", "scope", "frames"])
def test_list_sizes_are_bounded(world, what: str) -> None:  # noqa: ANN001
    if what == "frames":
        frames = [("frames", (f"{i}.jpg", b"\xff\xd8", "image/jpeg")) for i in range(21)]
        refused(world.client.post("/api/v1/liveness/sessions/no-such-link/frames", files=frames))
        return
    if what == "scope":
        resp = world.client.post("/api/v1/delegations", headers=world.caseworker, json={
            "principal": {"name": "张秀英", "id_number": application_body()["members"][0]["id_number"]},
            "helper": {"name": "李红", "phone": HELPER_PHONE, "kind": "relative"}, "scope": ["query"] * 6,
            "consent": {"method": "paper", "form_reference": "渝中-2026-1", "area_code": "500103001"}})
        refused(resp)
        return
    body = application_body()
    if what == "members":
        # Names without digits (issue 20: "成员1" is refused as a name), so only the list's size is wrong.
        body["members"] += [member(f"王{chr(0x4e00 + 3 * i)}", "子女", seq=10 + i) for i in range(20)]
    elif what == "incomes":
        body["members"][0]["incomes"] *= 21
    elif what == "assets":
        body["assets"] = [{"kind": "存款", "value": 1}] * 51
    else:
        body["obligors"] = [{"name": f"李{chr(0x4e00 + 3 * i)}", "id_number": member("x", seq=40 + i)["id_number"], "relation": "子女"}
                            for i in range(21)]
    refused(world.client.post("/api/v1/applications", json=body, headers={**world.applicant, "Idempotency-Key": "bounds-list"}))


# ----------------------------------------------------------------------------------------- times


def test_timestamps_in_answers_carry_their_offset(world) -> None:  # noqa: ANN001
    resp = world.client.post("/api/v1/delegations", headers=world.caseworker, json={
        "principal": {"name": "张秀英", "id_number": application_body()["members"][0]["id_number"]},
        "helper": {"name": "李红", "phone": HELPER_PHONE, "kind": "relative"}, "scope": ["query"],
        "consent": {"method": "paper", "form_reference": "渝中-2026-1", "area_code": "500103001"}})
    assert resp.status_code == 201, resp.text
    world.session.expire_all()  # read back from the database, not the objects just written
    listed = world.client.get("/api/v1/delegations", headers=world.helper).json()
    for stamp in (listed[0]["created_at"], listed[0]["expires_at"]):
        assert re.search(r"(Z|[+-]\d\d:\d\d)$", stamp), stamp
