"""超时督办 and 平均办结时长, counted in working days."""

from datetime import date

from tests.backend.staff_pages import sign_in
from tests.backend.world import HELPER_PHONE, application_body, member


def test_overdue_list_shows_late_cases_of_the_district_only(world, set_today) -> None:
    set_today(date(2026, 9, 28))
    late = world.submit(key="late-case-01")["number"]
    on_time_body = application_body(members=[member("李四", seq=5, phone="13800001111")])
    set_today(date(2026, 10, 9))
    on_time = world.submit(on_time_body, key="fresh-case-01")["number"]
    set_today(date(2026, 10, 12))
    body = world.client.get("/api/v1/supervision/overdue", headers=world.reviewer).json()
    assert body["total"] == 1
    item = body["items"][0]
    # Submitted 28 Sep: 3 working days are 29 Sep, 30 Sep and (after the holiday) 8 Oct.
    # Late by 9, 10 (a make-up Saturday) and 12 Oct: 3 working days.
    assert (item["number"], item["step_due_date"], item["overdue_workdays"]) == (late, "2026-10-08", 3)
    assert on_time not in [i["number"] for i in body["items"]]
    assert world.client.get("/api/v1/supervision/overdue", headers=world.other_reviewer).json()["total"] == 0
    assert world.client.get("/api/v1/supervision/overdue", headers=world.admin).json()["total"] == 1
    assert world.client.get("/api/v1/supervision/overdue", params={"district_code": "500110"},
                            headers=world.reviewer).status_code == 403


def test_average_completion_time_per_district(world, set_today) -> None:
    visit = {"investigators": ["王芳", "刘洋"]}
    check = {"results": {"银行存款": "无"}}
    for i, (start, decide) in enumerate(((date(2026, 11, 2), date(2026, 11, 16)), (date(2026, 11, 4), date(2026, 11, 13)))):
        set_today(start)
        # Deliberately changed (issue 20): "申请人0" is no name (a digit), the backend refuses it now.
        n = world.submit(application_body(members=[member(("王秀英", "李桂兰")[i], seq=20 + i, phone="13800001111")]), key=f"done-{i:05d}")["number"]
        world.sign_all(n)
        for action, data in (("accept", {}), ("start_investigation", {}), ("record_home_visit", visit),
                             ("attach_economic_check", check), ("propose", {})):
            world.act(n, action, world.caseworker, **data)
        set_today(decide)
        world.act(n, "close_publicity", world.caseworker)
        world.act(n, "reject" if i else "approve", world.reviewer, "收入超标" if i else None)
    rows = world.client.get("/api/v1/supervision/completion", params={"month": "2026-11"}, headers=world.reviewer).json()
    # 2 → 16 Nov: 10 working days; 4 → 13 Nov: 7 working days.
    assert rows == [{"district_code": "500103", "district_name": "渝中区", "closed": 2, "average_workdays": 8.5}]
    assert world.client.get("/api/v1/supervision/completion", params={"month": "2026-13"}, headers=world.reviewer).status_code == 422


SUPERVISION_READS = [
    ("/api/v1/supervision/overdue", {}),
    ("/api/v1/supervision/completion", {"month": "2026-10"}),
    ("/api/v1/supervision/completion-by-month", {"last": "2026-10"}),
    ("/api/v1/supervision/applications-per-day", {"start": "2026-09-01", "end": "2026-10-31"}),
    ("/api/v1/supervision/approval-rate", {"start": "2026-09-01", "end": "2026-10-31"}),
    ("/api/v1/supervision/certification-coverage", {}),
]


def test_supervision_reads_follow_the_dashboards_rule(world, set_today) -> None:
    """督办 is for county reviewers (their district) and admins, on the API as on /staff/supervision:
    a caseworker is refused both, even for her own district."""
    set_today(date(2026, 9, 24))
    yuzhong = world.submit(key="scope-yuzhong-1")["number"]
    qijiang_body = application_body(area_code="500110001",
                                    members=[member("李桂兰", seq=3, area="500110", phone=HELPER_PHONE)])
    qijiang = world.submit(qijiang_body, headers=world.helper, key="scope-qijiang-1")["number"]
    set_today(date(2026, 10, 22))
    for path, params in SUPERVISION_READS:
        for caseworker in (world.caseworker, world.other_caseworker):
            refused = world.client.get(path, params=params, headers=caseworker)
            assert refused.status_code == 403, (path, refused.text)
            assert refused.json()["error"]["message"] == "您的岗位不能办理这项操作。", (path, refused.text)
        assert world.client.get(path, params=params, headers=world.reviewer).status_code == 200, path
        assert world.client.get(path, params=params, headers=world.admin).status_code == 200, path
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/supervision")
    assert page.status_code == 403 and "您的岗位不能办理这项操作" in page.text
    # A reviewer of another district sees only hers, and is refused when she asks for another.
    overdue = world.client.get("/api/v1/supervision/overdue", headers=world.other_reviewer).json()
    assert [i["number"] for i in overdue["items"]] == [qijiang]
    per_day = world.client.get("/api/v1/supervision/applications-per-day", headers=world.other_reviewer,
                               params={"start": "2026-09-01", "end": "2026-10-31"}).json()
    assert per_day == [{"on_date": "2026-09-24", "assistance_type": "低保", "count": 1}]
    assert world.client.get("/api/v1/supervision/overdue", params={"district_code": "500103"},
                            headers=world.other_reviewer).status_code == 403
    assert yuzhong in [i["number"] for i in world.client.get("/api/v1/supervision/overdue",
                                                              headers=world.reviewer).json()["items"]]
