"""The work queue (/staff/): the cases waiting for me by step, in my district only, with due dates in
working days, overdue in red and in words, filters, search, counts per step and pages."""

from datetime import date

from sqlalchemy import select, update

from backend.applications.models import Application
from backend.audit.models import AuditEntry
from backend.workbench.pages import PAGE_SIZE
from tests.backend.staff_pages import numbers_on, sign_in, step_count
from tests.backend.world import APPLICANT_PHONE, HELPER_PHONE, advance, application_body, member


def _file(world, name: str, seq: int, *, area: str = "500103001", key: str | None = None, **extra) -> str:
    district = area[:6]
    phone = APPLICANT_PHONE if district == "500103" else HELPER_PHONE
    headers = world.applicant if district == "500103" else world.helper
    body = application_body(area_code=area, members=[member(name, seq=seq, area=district, phone=phone)], **extra)
    return world.submit(body, headers=headers, key=key or f"queue-{seq:06d}")["number"]


def test_another_districts_caseworker_never_sees_the_case(world) -> None:
    mine = _file(world, "张秀英", 1)
    theirs = _file(world, "李桂兰", 2, area="500110003")
    sign_in(world.client, "cw_qijiang")
    page = world.client.get("/staff/").text
    assert numbers_on(page) == [theirs] and "张秀英" not in page
    for q in (mine, mine[-6:], "张秀英"):  # searching does not reach it either
        found = world.client.get("/staff/", params={"q": q}).text
        assert numbers_on(found) == [] and ">张秀英<" not in found and "没有符合条件的申请" in found
    assert step_count(page, "已提交，等待受理") == 1
    assert "七星岗街道" not in page  # not even the other district's streets as a filter
    # A street of another district as a filter shows nothing rather than its cases.
    assert numbers_on(world.client.get("/staff/", params={"street": "500103001"}).text) == []


def test_each_role_sees_the_steps_it_acts_on(world, set_today) -> None:
    set_today(date(2026, 9, 24))
    waiting = _file(world, "王建国", 3)
    reviewing = _file(world, "赵淑芬", 4)
    advance(world, set_today, reviewing, until="close_publicity")
    sign_in(world.client, "cw_yuzhong")
    caseworker_page = world.client.get("/staff/").text
    assert numbers_on(caseworker_page) == [waiting]
    assert "县级审核确认中" not in caseworker_page  # not a caseworker's step: no tab for it
    sign_in(world.client, "rv_yuzhong")
    reviewer_page = world.client.get("/staff/").text
    assert numbers_on(reviewer_page) == [reviewing] and step_count(reviewer_page, "县级审核确认中") == 1
    sign_in(world.client, "admin_all")
    assert set(numbers_on(world.client.get("/staff/").text)) == {waiting, reviewing}


def test_a_conflict_of_interest_case_waits_for_the_county(world) -> None:
    number = _file(world, "孙丽", 5)
    world.session.execute(update(Application).where(Application.number == number).values(conflict_of_interest=True))
    world.session.commit()
    sign_in(world.client, "cw_yuzhong")
    assert numbers_on(world.client.get("/staff/").text) == []
    sign_in(world.client, "rv_yuzhong")
    page = world.client.get("/staff/").text
    assert numbers_on(page) == [number] and "县级直接办理" in page


def test_due_dates_in_working_days_and_overdue_in_words(world, set_today) -> None:
    set_today(date(2026, 9, 28))
    late = _file(world, "钱多多", 6)
    set_today(date(2026, 10, 9))
    fresh = _file(world, "周晓梅", 7)
    set_today(date(2026, 10, 12))
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/").text
    assert numbers_on(page) == [late, fresh]  # the most urgent first
    late_row, fresh_row = page.split(f">{late}<")[1].split("</tr>")[0], page.split(f">{fresh}<")[1].split("</tr>")[0]
    # Due 8 Oct (3 working days after 28 Sep, the National Day week not counted); late by 9, 10 (a
    # make-up Saturday) and 12 Oct: 3 working days — as the 超时督办 list counts them.
    assert "超时" in late_row and "已超时3个工作日" in late_row and "10月8日（星期四）" in late_row
    # Submitted Friday 9 Oct: due after 10 Oct (a make-up Saturday), 12 and 13 Oct; on the 12th one is left.
    assert "还有1个工作日" in fresh_row and "10月13日（星期二）前" in fresh_row and "超时" not in fresh_row
    assert f'<tr class="late">\n    <td data-label="编号"><a href="/staff/applications/{late}"' in page
    only_late = world.client.get("/staff/", params={"overdue": "1"}).text
    assert numbers_on(only_late) == [late]


def test_filters_search_and_counts(world, set_today) -> None:
    set_today(date(2026, 11, 2))
    dibao = _file(world, "吴春花", 8)
    other_street = _file(world, "郑大山", 9, area="500103004")
    emergency = _file(world, "冯小雨", 10, assistance_type="临时救助", subtype="急难型", reason="家里失火")
    accepted = _file(world, "陈长青", 11)
    world.act(accepted, "accept", world.caseworker)
    sign_in(world.client, "cw_yuzhong")
    get = lambda **params: numbers_on(world.client.get("/staff/", params=params).text)  # noqa: E731
    assert set(get()) == {dibao, other_street, emergency, accepted}
    assert get(type="临时救助/急难型") == [emergency]
    assert set(get(type="低保")) == {dibao, other_street, accepted}
    assert get(step="accepted") == [accepted]
    assert get(street="500103004") == [other_street]
    assert get(q="吴春") == [dibao]
    assert get(q=dibao) == [dibao] and get(q=dibao.lower()) == [dibao] and get(q=dibao[-6:]) == [dibao]
    assert get(q="没有这个人") == []
    assert get(type="低保", step="submitted", street="500103001") == [dibao]
    page = world.client.get("/staff/").text
    assert step_count(page, "已提交，等待受理") == 3 and step_count(page, "已受理，等待入户调查") == 1
    assert step_count(page, "全部") == 4
    # Counts follow the other filters but not the step, so every tab says what a click will show.
    filtered = world.client.get("/staff/", params={"type": "低保", "step": "accepted"}).text
    assert step_count(filtered, "已提交，等待受理") == 2 and step_count(filtered, "已受理，等待入户调查") == 1
    assert "两路口街道" in page and "七星岗街道" in page  # the street filter lists the queue's streets
    assert "没有符合条件的申请" in world.client.get("/staff/", params={"q": "没有这个人"}).text


def test_every_page_of_the_queue_and_the_read_is_audited(world) -> None:
    # No digit in a name (issue 20: "申请人1" is refused now).
    numbers = [_file(world, f"王{chr(0x4e00 + 3 * i)}", 30 + i) for i in range(PAGE_SIZE + 3)]
    sign_in(world.client, "cw_yuzhong")
    first = world.client.get("/staff/").text
    second = world.client.get("/staff/", params={"page": 2}).text
    assert len(numbers_on(first)) == PAGE_SIZE and len(numbers_on(second)) == 3
    assert set(numbers_on(first)) | set(numbers_on(second)) == set(numbers)
    assert "第1页 / 共2页" in first and 'href="?page=2"' in first and "下一页" in first
    assert 'href="?"' in second and "上一页" in second
    assert numbers_on(world.client.get("/staff/", params={"page": 99}).text) == numbers_on(second)  # the last page
    rows = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.list",
                                                          AuditEntry.channel == "web")).all()
    assert [len(r.detail["numbers"]) for r in rows] == [PAGE_SIZE, PAGE_SIZE, 3, 3]

