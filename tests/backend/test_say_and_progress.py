"""Said like a person: dates with the weekday and no ISO, amounts without ".0", factors without "2.0",
a one-off grant as one-off; progress as steps (done, now with who and by when, next)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from backend.core import say
from backend.core.templates import text_env
from backend.notifications.models import Notice
from backend.notifications.segments import segments
from tests.backend.test_workflow import CHECK, VISIT, walk
from tests.backend.world import application_body

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize(("value", "today", "shown"), [
    (date(2026, 11, 27), date(2026, 11, 24), "11月27日（星期五）"),
    ("2026-11-29", date(2026, 11, 24), "11月29日（星期日）"),
    (date(2027, 1, 4), date(2026, 11, 24), "2027年1月4日（星期一）"),
])
def test_a_day_has_its_weekday_and_a_year_only_when_it_is_not_this_one(value, today: date, shown: str) -> None:  # noqa: ANN001
    assert say.day(value, today=today) == shown
    assert say.by_day(value, today=today) == shown + "前"


def test_the_template_filters_are_the_same_owner(set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 24))
    env = text_env()
    assert env.from_string("{{ d|by_day }}").render(d=date(2026, 11, 27)) == "11月27日（星期五）前"
    assert env.from_string("{{ f|times }}|{{ g|times }}").render(f=2.0, g=Decimal("1.5")) == "2倍|1.5倍"
    assert env.from_string("{{ a|yuan }}").render(a=770.0) == "770元"
    assert env.from_string("{{ m|month }}").render(m="2026-12") == "2026年12月"
    assert env.from_string("{{ a|grant(true) }}/{{ a|grant(false) }}").render(a=2000) == "一次性发放2000元/每月2000元"


def _notices(world, event: str) -> list[Notice]:  # noqa: ANN001
    world.session.expire_all()
    return list(world.session.scalars(select(Notice).filter_by(event=event).order_by(Notice.id)))


def _to_review(world, set_today, n: str) -> None:  # noqa: ANN001
    world.sign_all(n)
    walk(world, set_today, n, [
        (date(2026, 11, 2), "caseworker", "accept", None, {}, "accepted"),
        (date(2026, 11, 2), "caseworker", "start_investigation", None, {}, "investigating"),
        (date(2026, 11, 3), "caseworker", "record_home_visit", None, VISIT, "investigating"),
        (date(2026, 11, 3), "caseworker", "attach_economic_check", None, CHECK, "investigating"),
        (date(2026, 11, 4), "caseworker", "propose", None, {}, "publicizing"),
        (date(2026, 11, 11), "caseworker", "close_publicity", None, {}, "reviewing"),
    ])


def test_a_one_off_temporary_grant_is_texted_as_one_off_and_a_monthly_one_as_monthly(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 2))
    once = world.submit(application_body("临时救助", subtype="支出型"), key="once-0001")["number"]
    monthly = world.submit(application_body(), key="monthly-0001", headers=world.applicant)["number"]
    for n in (once, monthly):
        _to_review(world, set_today, n)
    world.act(once, "approve", world.reviewer, "住院自付费用3万元", amount=2000)
    world.act(monthly, "approve", world.reviewer)
    texts = {n.application_id: n.text for n in _notices(world, "approved")}
    assert len(texts) == 2
    once_text, monthly_text = sorted(texts.values(), key=lambda t: "临时救助" not in t)
    assert "一次性发放2000元" in once_text and "每月" not in once_text and "按月" not in once_text
    assert "每月470元" in monthly_text and "下月起按月发放" in monthly_text


def test_no_iso_date_reaches_a_person_in_sms(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 2))
    world.submit()
    (received,) = _notices(world, "application_received")
    assert not ISO.search(received.text)
    assert "11月5日（星期四）前" in received.text


def test_progress_in_investigation_lists_steps_done_the_step_now_and_what_comes_next(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    world.sign_all(n)
    walk(world, set_today, n, [
        (date(2026, 11, 2), "caseworker", "accept", None, {}, "accepted"),
        (date(2026, 11, 3), "caseworker", "start_investigation", None, {}, "investigating"),
    ])
    set_today(date(2026, 11, 5))
    p = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()
    assert [(s["label"], s["on_said"]) for s in p["done"]] == [
        ("提交申请", "11月2日"), ("受理", "11月2日"), ("开始入户调查", "11月3日")]
    assert p["current"]["label"] == "家庭经济状况调查中" and p["current"]["who"] == "街道（乡镇）"
    assert p["then"] == "提出初审意见并公示"
    assert "✓ 11月3日 开始入户调查" in p["said"] and "\n下一步：提出初审意见并公示" in p["said"]  # its own line
    assert "由街道（乡镇）办理" in p["said"]
    assert not ISO.search(p["said"]) and not ISO.search(p["summary"])
    assert segments(p["said_sms"]) <= 2


def test_the_due_day_and_the_next_step_are_on_their_own_lines(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    p = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()
    assert p["current"]["due_said"] and p["then"]
    assert f"预计{p['current']['due_said']}办完\n下一步：{p['then']}" in p["said"], p["said"]


def test_progress_of_a_decided_case_says_who_decides_nothing_more_and_the_amount(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 11, 2))
    n = world.submit()["number"]
    _to_review(world, set_today, n)
    p = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()
    assert p["current"]["who"] == "区县民政局" and p["current"]["due_said"].endswith("前")
    assert p["then"] == "审核确认：批准"
    set_today(date(2026, 11, 16))
    world.act(n, "approve", world.reviewer)
    world.act(n, "start_payment", world.caseworker)
    p = world.client.get(f"/api/v1/applications/{n}/progress", headers=world.applicant).json()
    assert p["current"] is None and p["then"] is None
    assert p["done"][-2]["label"] == "审核确认：批准" and p["done"][-1]["on_said"] == "11月16日"
    assert "每月470元" in p["said"] and "按月发到您的账户" in p["said"]
    assert segments(p["said_sms"]) <= 2 and "每月470元" in p["said_sms"]


@pytest.mark.parametrize("for_helper", [False, True])
def test_the_one_off_approval_fits_two_segments(for_helper: bool) -> None:
    from_template = text_env().get_template("sms/approved.txt.j2").render(
        type_name="临时救助（支出型）", number="JZ20261123000001", amount="2000", one_off=True,
        for_helper=for_helper, principal_name="张秀英").strip()
    assert "一次性发放2000元" in from_template and "按月" not in from_template
    assert segments(from_template) <= 2


def test_a_moment_is_said_in_china_time_with_its_day() -> None:
    from datetime import UTC, datetime

    from backend.core.say import moment

    assert moment(datetime(2026, 11, 25, 0, 35, tzinfo=UTC), today=date(2026, 11, 25)) == "11月25日（星期三）08:35"
    assert moment(datetime(2026, 11, 24, 17, 5), today=date(2026, 11, 25)) == "11月25日（星期三）01:05"  # naive = UTC
    assert moment(datetime(2025, 6, 30, 16, 0, tzinfo=UTC), today=date(2026, 11, 25)) == "2025年7月1日（星期二）00:00"
