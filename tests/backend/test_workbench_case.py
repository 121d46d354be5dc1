"""The case page (/staff/applications/{number}): personal data masked until an audited "show", another
district's 404 as on the API, only the actions the engine allows, each posted through service.act with
the API's validation, refused input shown again as typed, visit photos stored as files."""

import io
import re
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from sqlalchemy import select, update

from backend.applications.models import Application
from backend.audit.models import AuditEntry
from backend.demo import demo_id
from backend.documents import storage
from backend.facecheck.models import LivenessSession
from tests.backend.staff_pages import csrf_of, sign_in
from tests.backend.world import APPLICANT_PHONE, advance, application_body, member

def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (90, 120, 200)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
ACTION_RE = re.compile(r'action="/staff/applications/JZ\d+/actions/(\w+)"')


@pytest.fixture(autouse=True)
def documents(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(storage, "root", lambda: tmp_path)
    return tmp_path


def _file(world, seq: int = 1) -> str:  # noqa: ANN001
    body = application_body(members=[
        member("张秀英", seq=seq, phone=APPLICANT_PHONE, incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": 300}]),
        member("李强", "配偶", seq=seq + 100)])
    return world.submit(body, key=f"case-page-{seq:04d}")["number"]


def _post(world, number: str, action: str, csrf: str, files=None, **fields):  # noqa: ANN001, ANN201
    return world.client.post(f"/staff/applications/{number}/actions/{action}", data={"csrf_token": csrf, **fields},
                             files=files, follow_redirects=False)


def _done(resp) -> bool:  # noqa: ANN001
    """Taken: back to the case page saying so (not a redirect to the sign-in page)."""
    return resp.status_code == 303 and "?done=" in resp.headers["location"]


def _status(world, number: str) -> str:  # noqa: ANN001
    return world.client.get(f"/api/v1/applications/{number}", headers=world.caseworker).json()["status"]


def test_ids_and_phones_are_masked_until_an_audited_show(world) -> None:
    number = _file(world)
    full_id = demo_id("500103", date(1950, 5, 1), 1)
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}")
    assert page.status_code == 200
    assert "张秀英" in page.text and "李强" in page.text
    assert full_id not in page.text and APPLICANT_PHONE not in page.text
    assert full_id[:6] + "********" + full_id[-4:] in page.text and "138****1111" in page.text
    applicant_id = re.search(r'/identity/(\d+)"', page.text).group(1)
    # Without the page's token: refused, nothing shown, nothing recorded as read.
    refused = world.client.post(f"/staff/applications/{number}/identity/{applicant_id}", data={"reason": "核对身份"})
    assert refused.status_code == 403 and full_id not in refused.text
    reads = lambda: world.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.read_identity")).all()  # noqa: E731
    assert reads() == []
    shown = world.client.post(f"/staff/applications/{number}/identity/{applicant_id}",
                              data={"reason": "入户核对身份", "csrf_token": csrf})
    assert shown.status_code == 200 and full_id in shown.text and APPLICANT_PHONE in shown.text
    assert "本次查看已记录" in shown.text
    [row] = reads()
    assert row.channel == "web" and row.detail == {"reason": "入户核对身份"} and row.entity_id == applicant_id
    assert full_id not in world.client.get(f"/staff/applications/{number}").text  # masked again on the next read


def test_another_district_gets_404_as_on_the_api_and_only_admins_see_the_audit(world) -> None:
    number = _file(world, 2)
    api = world.client.get(f"/api/v1/applications/{number}", headers=world.other_caseworker)
    csrf = sign_in(world.client, "cw_qijiang")
    page = world.client.get(f"/staff/applications/{number}")
    assert api.status_code == page.status_code == 404 and "张秀英" not in page.text
    assert _post(world, number, "accept", csrf).status_code == 404
    assert world.client.post(f"/staff/applications/{number}/identity/1", data={"reason": "看看", "csrf_token": csrf}
                             ).status_code == 404
    assert _status(world, number) == "submitted"
    sign_in(world.client, "cw_yuzhong")
    assert "审计记录" not in world.client.get(f"/staff/applications/{number}").text
    sign_in(world.client, "admin_all")
    admin_page = world.client.get(f"/staff/applications/{number}").text
    assert "审计记录（管理员可见）" in admin_page and "application.submit" in admin_page
    assert ACTION_RE.findall(admin_page) == []  # admins read, never act


def test_only_the_actions_the_engine_allows_are_offered(world) -> None:
    number = _file(world, 3)
    sign_in(world.client, "cw_yuzhong")
    assert ACTION_RE.findall(world.client.get(f"/staff/applications/{number}").text) == ["accept", "return", "withdraw"]
    sign_in(world.client, "rv_yuzhong")
    county = world.client.get(f"/staff/applications/{number}").text
    # 延长办理时限 is the reviewer's, but not before acceptance: said, with the engine's reason, no form.
    assert ACTION_RE.findall(county) == ["terminate"] and "延长办理时限</strong>：还没有受理，不需要延期" in county
    world.act(number, "accept", world.caseworker)
    sign_in(world.client, "cw_yuzhong")
    assert ACTION_RE.findall(world.client.get(f"/staff/applications/{number}").text) == ["start_investigation", "withdraw"]


def test_a_post_without_the_token_is_refused(world) -> None:
    number = _file(world, 4)
    sign_in(world.client, "cw_yuzhong")
    resp = world.client.post(f"/staff/applications/{number}/actions/accept", data={}, follow_redirects=False)
    assert resp.status_code == 403 and "页面已过期" in resp.text
    assert _status(world, number) == "submitted"


def test_return_lists_every_missing_material(world) -> None:
    number = _file(world, 5)
    csrf = sign_in(world.client, "cw_yuzhong")
    empty = _post(world, number, "return", csrf, missing="  \n ", note="请补齐")
    assert empty.status_code == 409 and "一次性全部列出来" in empty.text and "请补齐" in empty.text
    done = _post(world, number, "return", csrf, missing="户口簿复印件\n近6个月工资流水\n", note="")
    assert _done(done) and done.headers["location"].endswith("?done=return#top")
    detail = world.client.get(f"/api/v1/applications/{number}", headers=world.caseworker).json()
    assert detail["status"] == "returned" and detail["progress"]["missing"] == ["户口簿复印件", "近6个月工资流水"]


def test_the_case_goes_from_submitted_to_approved_through_the_page(world, set_today, documents) -> None:
    set_today(date(2026, 9, 24))
    number = _file(world, 6)
    world.sign_all(number)
    set_today(date(2026, 9, 28))
    csrf = sign_in(world.client, "cw_yuzhong")
    assert _done(_post(world, number, "accept", csrf))
    assert _done(_post(world, number, "start_investigation", csrf))
    # The visit: one investigator is not enough — refused by the engine, everything typed comes back.
    one = _post(world, number, "record_home_visit", csrf, investigator_1="王芳", investigator_2="",
                visited_on="2026-09-28", note="厨房漏水，老人卧床", video_field="1")
    assert one.status_code == 409 and "至少2名" in one.text
    assert 'value="王芳"' in one.text and "厨房漏水，老人卧床</textarea>" in one.text
    visit = _post(world, number, "record_home_visit", csrf, investigator_1="王芳", investigator_2="李强",
                  visited_on="2026-09-28", note="厨房漏水，老人卧床", video_field="1", video="1",
                  files=[("photos", ("kitchen.png", PNG, "image/png"))])
    assert _done(visit), visit.text
    page = world.client.get(f"/staff/applications/{number}").text
    [photo] = re.findall(r'/photos/([0-9a-f]{64}\.png)"', page)[:1]
    assert (documents / photo).is_file() and (documents / photo).read_bytes() != PNG  # sealed at rest
    with Image.open(io.BytesIO(world.client.get(f"/staff/applications/{number}/photos/{photo}").content)) as served:
        assert served.format == "PNG" and served.size == (80, 60)
    assert "调查人员：王芳、李强" in page and "照片1张" in page
    # The economic check's own comparison is attached, not re-typed.
    assert "自动核对" in page and 'name="use_report"' in page
    assert _done(_post(world, number, "attach_economic_check", csrf, use_report="1"))
    attached = world.client.get(f"/staff/applications/{number}").text
    assert "已附在调查里的核对结果" in attached and "月收入（元）：申报300" in attached
    assert _done(_post(world, number, "propose", csrf, amount="", note="符合条件"))
    set_today(date(2026, 10, 1))
    csrf = sign_in(world.client, "cw_yuzhong")  # a new day: the idle session has ended
    during = world.client.get(f"/staff/applications/{number}").text
    assert "公示要到10月5日" in during and "才结束" in during
    set_today(date(2026, 10, 15))
    csrf = sign_in(world.client, "cw_yuzhong")
    assert _done(_post(world, number, "close_publicity", csrf))
    csrf = sign_in(world.client, "rv_yuzhong")
    review = world.client.get(f"/staff/applications/{number}").text

    assert "按申报信息测算：每月" in review and ACTION_RE.findall(review) == ["spot_check", "approve", "reject", "extend", "terminate"]
    bad = _post(world, number, "approve", csrf, amount="四百", note="按测算")
    assert bad.status_code == 422 and "金额" in bad.text and 'value="四百"' in bad.text
    assert _done(_post(world, number, "approve", csrf, amount="", note=""))
    detail = world.client.get(f"/api/v1/applications/{number}", headers=world.reviewer).json()
    assert detail["status"] == "approved" and detail["progress"]["decision"]["outcome"] == "approved"
    amount = detail["progress"]["decision"]["amount"]
    assert f"已批准：每月{amount.removesuffix('.00')}元" in world.client.get(f"/staff/applications/{number}").text
    web_steps = world.session.scalars(select(AuditEntry.action).where(AuditEntry.channel == "web",
                                                                      AuditEntry.action.like("application.%"))).all()
    for action in ("accept", "start_investigation", "record_home_visit", "attach_economic_check", "propose",
                   "close_publicity", "approve"):
        assert f"application.{action}" in web_steps


def test_a_photo_that_is_not_a_photo_is_refused_in_chinese(world) -> None:
    number = _file(world, 7)
    world.act(number, "accept", world.caseworker)
    world.act(number, "start_investigation", world.caseworker)
    csrf = sign_in(world.client, "cw_yuzhong")
    resp = _post(world, number, "record_home_visit", csrf, investigator_1="王芳", investigator_2="李强",
                 files=[("photos", ("notes.txt", b"hello", "text/plain"))])
    assert resp.status_code == 422 and "不是照片" in resp.text and 'value="李强"' in resp.text
    assert world.client.get(f"/api/v1/applications/{number}", headers=world.caseworker).json()["progress"]["home_visit_on"] is None
    # A file name this case does not name is not served, even if it exists.
    assert world.client.get(f"/staff/applications/{number}/photos/{'0' * 64}.png").status_code == 404


def test_a_conflict_of_interest_case_is_routed_to_the_county(world) -> None:
    number = _file(world, 8)
    world.session.execute(update(Application).where(Application.number == number).values(conflict_of_interest=True))
    world.session.commit()
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    assert "由区县民政局直接受理" in page and ACTION_RE.findall(page) == []
    refused = _post(world, number, "accept", csrf)
    assert refused.status_code == 403 and "近亲属" in refused.text
    sign_in(world.client, "rv_yuzhong")
    assert "accept" in ACTION_RE.findall(world.client.get(f"/staff/applications/{number}").text)


def test_an_objection_in_the_publicity_and_the_democratic_review(world, set_today) -> None:
    set_today(date(2026, 9, 24))
    number = _file(world, 9)
    advance(world, set_today, number, until="propose")  # 公示 from 8 to 15 October
    set_today(date(2026, 10, 9))
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    assert ACTION_RE.findall(page) == ["record_objection", "withdraw"]
    assert "公示结束</strong>：公示要到10月15日" in page and "民主评议</strong>：公示期间没有收到异议" in page
    assert 'name="note"' in page.split('id="act-record_objection"')[1].split("</form>")[0]
    no_note = _post(world, number, "record_objection", csrf, note="  ")
    assert no_note.status_code == 409 and "请填写说明" in no_note.text
    assert _done(_post(world, number, "record_objection", csrf, note="邻居反映申请人儿子有私家车"))
    page = world.client.get(f"/staff/applications/{number}").text
    assert ACTION_RE.findall(page) == ["record_objection", "reinvestigate", "withdraw"]
    assert "公示结束</strong>：公示中有异议" in page
    early = _post(world, number, "democratic_review", csrf, note="评议：车辆登记在前妻名下")
    assert early.status_code == 409 and "才结束" in early.text and "车辆登记在前妻名下</textarea>" in early.text
    set_today(date(2026, 10, 16))
    csrf = sign_in(world.client, "cw_yuzhong")
    assert _done(_post(world, number, "democratic_review", csrf, note="评议：车辆登记在前妻名下，异议不成立"))
    assert _status(world, number) == "reviewing"


def test_signatures_and_face_checks_with_scores_and_reasons(world) -> None:
    number = _file(world, 10)
    app = world.session.scalars(select(Application).where(Application.number == number)).one()
    world.session.add(LivenessSession(
        token_hash="t" * 64, person_id=app.applicant_person_id, purpose="authorization", application_id=app.id,
        challenge=["blink"], nonce="n" * 32, expires_at=datetime(2030, 1, 1, tzinfo=UTC), created_by="test",
        passed=False, result={"attempts": 2, "last": {"passed": False, "reasons": ["not_the_person"],
                                                       "match_distance": 0.71}}))
    world.session.commit()
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    faces = page.split('id="signatures"')[1].split("</section>")[0]
    assert "张秀英：<strong class=\"tag-late\">未签</strong>" in faces
    assert "未通过（试了2次）" in faces and "0.710" in faces and "和登记的照片对不上" in faces
