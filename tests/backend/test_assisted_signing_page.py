"""A 网格员 filed 特困 for 刘德富 (71, no phone, a leg amputated). After the 入户调查 the case page said "还差刘德富没有签核对授权书 …
签齐了（刷脸或工作人员协助签署）才能开始家庭经济状况核对" in small type under an open "完成入户调查" form, and there was no way to
record 工作人员协助签署 on it. Now the top of the page says the next step with a form for each person who has not signed
(how, the day, the caseworker signed in, an optional scan of the paper, the identity check confirmed), through
authorizations.assisted.witnessed_sign; the last signature starts the economic check as a face one does."""

from datetime import date

import pytest
from sqlalchemy import select

from backend.applications.case_state import latest_economic_check_report
from backend.applications.models import Application
from backend.audit.models import AuditEntry
from backend.authorizations.models import AuthorizationSignature
from backend.documents import storage
from backend.documents.models import StoredDocument
from backend.staff.models import StaffUser
from tests.backend.form_images import encoded, form_page
from tests.backend.staff_pages import sign_in
from tests.backend.world import APPLICANT_PHONE, application_body, member


@pytest.fixture(autouse=True)
def documents(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(storage, "root", lambda: tmp_path)
    return tmp_path


def _case(world, set_today) -> tuple[str, int]:  # noqa: ANN001
    """张秀英 and her husband 刘德富 (no phone); she has signed; the 入户调查 is recorded."""
    set_today(date(2026, 9, 24))
    body = application_body(members=[
        member("张秀英", phone=APPLICANT_PHONE, incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": 300}]),
        member("刘德富", "配偶", born=date(1955, 3, 2), seq=101)])
    detail = world.submit(body, key="assisted-page")
    number = detail["number"]
    her, him = (m["person_id"] for m in detail["members"])
    signed = world.client.post(f"/api/v1/liveness/applications/{number}/signatures/staff-assisted",
                               json={"person_id": her, "note": "窗口核实本人签字"}, headers=world.caseworker)
    assert signed.status_code == 201
    set_today(date(2026, 9, 28))
    world.act(number, "accept", world.caseworker)
    world.act(number, "start_investigation", world.caseworker)
    world.act(number, "record_home_visit", world.caseworker, investigators=["王芳", "李强"])
    return number, him


def _sign(world, number: str, person_id: int, csrf: str, files=None, **fields):  # noqa: ANN001, ANN201
    data = {"csrf_token": csrf, "how": "home_visit", "signed_on": "2026-09-28", "identity_checked": "yes", **fields}
    return world.client.post(f"/staff/applications/{number}/signatures/{person_id}", data=data, files=files,
                             follow_redirects=False)


def _signature(world, person_id: int) -> AuthorizationSignature | None:  # noqa: ANN001
    world.session.expire_all()
    return world.session.scalars(select(AuthorizationSignature).where(AuthorizationSignature.person_id == person_id)).first()


def test_the_top_of_the_page_says_the_signature_is_next_with_the_form(world, set_today) -> None:  # noqa: ANN001
    number, him = _case(world, set_today)
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    top = page[:page.index('id="actions"')]
    assert 'id="next-step"' in top and "下一步：签核对授权书" in top and "还差<strong>刘德富</strong>没有签核对授权书" in top
    assert f'action="/staff/applications/{number}/signatures/{him}"' in top
    assert 'name="identity_checked" value="yes" required' in top and "入户时本人纸质签字或按手印" in top and "本人在窗口签字" in top
    assert "经办人：cw_yuzhong" in top
    # The home visit is recorded: its form is not the open one, and the blocker is not a small line under it.
    assert '<details class="action" id="act-record_home_visit">' in page
    assert "暂时还不能办理</h3><ul class=\"lines waiting\"><li><strong>附上核对结果" not in page
    # A reviewer sees the next step, without a form that would be refused.
    sign_in(world.client, "rv_yuzhong")
    reviewer = world.client.get(f"/staff/applications/{number}").text
    assert "下一步：签核对授权书" in reviewer and f'/signatures/{him}"' not in reviewer and "请街道（乡镇）经办人员记录" in reviewer


def test_staff_assisted_signing_on_the_case_page_starts_the_economic_check(world, set_today, documents) -> None:  # noqa: ANN001
    number, him = _case(world, set_today)
    csrf = sign_in(world.client, "cw_yuzhong")
    assert world.client.post(f"/staff/applications/{number}/signatures/{him}", data={"how": "home_visit",
                             "signed_on": "2026-09-28", "identity_checked": "yes"}).status_code == 403  # no CSRF token
    unchecked = _sign(world, number, him, csrf, identity_checked="")
    assert unchecked.status_code == 422 and "和身份证核对过" in unchecked.text and _signature(world, him) is None
    future = _sign(world, number, him, csrf, signed_on="2026-10-30")
    assert future.status_code == 422 and "不能晚于今天" in future.text and _signature(world, him) is None
    scan = {"scan": ("paper.jpg", encoded(form_page()), "image/jpeg")}
    done = _sign(world, number, him, csrf, files=scan, note="截肢，入户本人按手印")
    assert done.status_code == 303 and "done=signed" in done.headers["location"]
    sig = _signature(world, him)
    me = world.session.scalars(select(StaffUser.id).where(StaffUser.username == "cw_yuzhong")).one()
    assert (sig.method, sig.witnessed_how, sig.witnessed_on, sig.witnessed_by_staff_id) == (
        "staff_assisted", "home_visit", date(2026, 9, 28), me)
    assert sig.paper_scan and world.session.scalars(select(StoredDocument).where(StoredDocument.file == sig.paper_scan)).one()
    # The last signature: AuthorizationCompleted, the economic check has run.
    app = world.session.scalars(select(Application).where(Application.number == number)).one()
    assert latest_economic_check_report(world.session, app) is not None
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "authorization.staff_assisted_sign")
                                  .order_by(AuditEntry.seq.desc())).first()
    assert entry.detail["how"] == "home_visit" and entry.detail["identity_checked"] is True
    page = world.client.get(f"/staff/applications/{number}").text
    assert 'id="next-step"' not in page and "已签（工作人员协助签署：入户时本人纸质签字或按手印，2026-09-28）" in page
    assert world.client.get(f"/staff/applications/{number}/photos/{sig.paper_scan}").status_code == 200
    again = _sign(world, number, him, csrf)
    assert again.status_code == 409 and "已经签过" in again.text


def test_only_the_caseworker_of_the_district_signs_for_him(world, set_today) -> None:  # noqa: ANN001
    number, him = _case(world, set_today)
    csrf = sign_in(world.client, "cw_qijiang")
    assert _sign(world, number, him, csrf).status_code == 404
    csrf = sign_in(world.client, "rv_yuzhong")
    assert _sign(world, number, him, csrf).status_code == 403
    assert _signature(world, him) is None


def test_a_member_whose_id_number_is_to_come_cannot_be_signed_for_and_the_form_says_so(world, set_today) -> None:  # noqa: ANN001
    set_today(date(2026, 9, 24))
    body = application_body(members=[member("张秀英", phone=APPLICANT_PHONE), {"name": "王小明", "relation": "子女"}])
    detail = world.submit(body, key="assisted-pending")
    son = detail["members"][1]["person_id"]
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{detail['number']}").text
    assert f'id="sign-pending-{son}"' in page and "王小明的身份证号待补，补上号码以后才能签" in page
    assert f"/signatures/{son}\"" not in page
    refused = _sign(world, detail["number"], son, csrf, signed_on="2026-09-24")
    assert refused.status_code == 409 and _signature(world, son) is None


def test_the_ways_each_unsigned_person_has_to_sign(world, set_today) -> None:  # noqa: ANN001
    number, him = _case(world, set_today)
    ways = world.client.get(f"/api/v1/liveness/applications/{number}/signatures/ways", headers=world.applicant)
    assert ways.status_code == 200
    (row,) = ways.json()["unsigned"]
    assert row["person_id"] == him and row["name"] == "刘德富" and row["has_phone"] is False
    assert row["ways"] == ["face_helper_phone", "staff_home_visit", "staff_window"]  # no phone: not his own
    assert world.client.get(f"/api/v1/liveness/applications/{number}/signatures/ways",
                            headers=world.stranger).status_code == 404
