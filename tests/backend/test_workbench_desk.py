"""服务台 (/staff/desk and GET /api/v1/service-desk): complaints and call-backs with status, owner, due time and
the answer by SMS through the outbox; requests without an area in the district or city queue, never nowhere."""

import re
from datetime import date

from sqlalchemy import select

from backend.applications.case_state import open_suspension_proposal, propose_suspension
from backend.applications.models import Application, ApplicationEvent, SuspensionProposal
from backend.audit.models import AuditEntry
from backend.notifications.models import Notice
from backend.notifications.sealed import opened
from backend.core.settings import get_settings
from backend.core.say import moment
from backend.service_desk.models import CallbackRequest, Complaint
from backend.workbench.pages import PAGE_SIZE
from tests.backend.staff_pages import sign_in
from tests.backend.test_checks_and_certification import _paying
from tests.backend.world import APPLICANT_PHONE, application_body, member

TWO_ROADS = "500103004"  # 渝中区两路口街道
REF_RE = re.compile(r'href="/staff/desk/(complaint|callback)/(\d+)"')


def _complaint(world, text: str = "申请交上去一个月了没有人来调查", **body) -> int:  # noqa: ANN001, ANN003
    resp = world.client.post("/api/v1/complaints", json={"text": text, **body}, headers=world.applicant)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _on_page(world, **params) -> list[int]:  # noqa: ANN001, ANN003
    page = world.client.get("/staff/desk", params=params)
    assert page.status_code == 200, page.text
    return [int(i) for _, i in REF_RE.findall(page.text)]


def _api(world, who) -> set[tuple[str, int]]:  # noqa: ANN001
    resp = world.client.get("/api/v1/service-desk", headers=who)
    assert resp.status_code == 200, resp.text
    return {(d["kind"], d["id"]) for d in resp.json()}


def test_requests_without_an_area_land_in_the_district_or_the_city_queue(world) -> None:  # noqa: ANN001
    number = world.submit(application_body(members=[member("张秀英", phone=APPLICANT_PHONE)]))["number"]
    nowhere = _complaint(world, "我打了好几次电话没人接")  # filed in chat: no street, no application
    about_case = _complaint(world, "我的申请怎么还没人来", application_number=number)  # no street, a 渝中 case
    street = _complaint(world, "两路口这边没人管", area_code=TWO_ROADS)
    callback = world.client.post("/api/v1/callbacks", json={"topic": "想问低保"}, headers=world.applicant).json()["id"]
    # The API: the district sees its streets and the case it names; admins see every queue, the city one too.
    assert _api(world, world.caseworker) == {("complaint", about_case), ("complaint", street)}
    assert _api(world, world.other_caseworker) == set()
    assert _api(world, world.admin) == {("complaint", nowhere), ("complaint", about_case), ("complaint", street),
                                       ("callback", callback)}
    queues = {(d["kind"], d["id"]): d["queue"] for d in world.client.get("/api/v1/service-desk", headers=world.admin).json()}
    assert queues[("complaint", nowhere)] is None and queues[("callback", callback)] is None
    assert queues[("complaint", about_case)] == "500103" and queues[("complaint", street)] == "500103"
    # The page says the same.
    sign_in(world.client, "cw_yuzhong")
    assert sorted(_on_page(world)) == sorted([about_case, street])
    sign_in(world.client, "cw_qijiang")
    assert _on_page(world) == [] and "现在没有等待处理的投诉" in world.client.get("/staff/desk").text
    sign_in(world.client, "admin_all")
    assert sorted(_on_page(world)) == sorted([nowhere, about_case, street])
    assert _on_page(world, queue="city") == [nowhere]
    assert _on_page(world, kind="callback") == [callback]
    assert "市级队列" in world.client.get("/staff/desk").text


def test_a_complaint_is_taken_answered_by_sms_through_the_outbox_and_closed(world) -> None:  # noqa: ANN001
    item = _complaint(world, area_code=TWO_ROADS, phone=APPLICANT_PHONE)
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/desk/complaint/{item}").text
    assert "新收到" in page and "138****1111" in page and APPLICANT_PHONE not in page
    world.client.post(f"/staff/desk/complaint/{item}/take", data={"csrf_token": csrf})
    page = world.client.get(f"/staff/desk/complaint/{item}").text
    assert "办理中" in page and "cw_yuzhong" in page
    answer = "您好，下周二上午入户调查，工作人员会先打电话。"
    resp = world.client.post(f"/staff/desk/complaint/{item}/answer", data={"csrf_token": csrf, "text": answer},
                             follow_redirects=False)
    assert resp.status_code == 303
    world.client.post(f"/staff/desk/complaint/{item}/answer", data={"csrf_token": csrf, "text": answer})  # a double click
    notices = world.session.scalars(select(Notice).where(Notice.event == "desk_answer")).all()
    assert len(notices) == 1 and answer in notices[0].text and "TS" in notices[0].text
    assert notices[0].status == "pending" and notices[0].phone_cipher  # the dispatcher sends it
    world.client.post(f"/staff/desk/complaint/{item}/close", data={"csrf_token": csrf})
    world.session.expire_all()
    row = world.session.get(Complaint, item)
    assert row.status == "closed" and row.answer == answer and row.owner_id is not None
    assert _on_page(world) == [] and _on_page(world, status="closed") == [item]
    actions = world.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "complaint")).all()
    assert {"complaint.take", "complaint.answer", "complaint.close"} <= set(actions)


def test_the_answer_reaches_a_person_who_filed_with_a_verified_phone(world) -> None:  # noqa: ANN001
    world.submit(application_body(members=[member("张秀英", phone=APPLICANT_PHONE)]))
    item = _complaint(world, area_code=TWO_ROADS)  # no phone typed: the caller's verified phone
    csrf = sign_in(world.client, "cw_yuzhong")
    world.client.post(f"/staff/desk/complaint/{item}/answer", data={"csrf_token": csrf, "text": "已经安排好了。"})
    notice = world.session.scalars(select(Notice).where(Notice.event == "desk_answer")).one()
    assert "已经安排好了。" in notice.text and notice.person_id is not None


def test_another_district_gets_404_and_a_post_without_csrf_is_refused(world) -> None:  # noqa: ANN001
    item = _complaint(world, area_code=TWO_ROADS, phone=APPLICANT_PHONE)
    csrf = sign_in(world.client, "cw_qijiang")
    assert world.client.get(f"/staff/desk/complaint/{item}").status_code == 404
    for action in ("take", "close"):
        assert world.client.post(f"/staff/desk/complaint/{item}/{action}", data={"csrf_token": csrf}).status_code == 404
    sign_in(world.client, "cw_yuzhong")
    for action, data in (("take", {}), ("answer", {"text": "好的"}), ("close", {})):
        refused = world.client.post(f"/staff/desk/complaint/{item}/{action}", data=data)
        assert refused.status_code == 403
    world.session.expire_all()
    row = world.session.get(Complaint, item)
    assert row.status == "new" and row.owner_id is None
    assert world.session.scalars(select(Notice).where(Notice.event == "desk_answer")).all() == []


def test_the_desk_is_paginated_oldest_first(world) -> None:  # noqa: ANN001
    ids = [_complaint(world, f"第{i}条意见", area_code=TWO_ROADS) for i in range(PAGE_SIZE + 1)]
    sign_in(world.client, "cw_yuzhong")
    assert _on_page(world) == ids[:PAGE_SIZE]
    assert _on_page(world, page=2) == ids[PAGE_SIZE:]
    assert "第1页 / 共2页" in world.client.get("/staff/desk").text


def _proposed(world, set_today):  # noqa: ANN001, ANN202
    """A paying case for which certification proposed a suspension (as certification.service.run does)."""
    app = _paying(world, set_today)
    set_today(date(2027, 2, 5))
    propose_suspension(world.session, app, reason="待遇资格认证逾期", on=date(2027, 2, 5), due_on=date(2027, 1, 20))
    world.session.commit()
    return app


def test_suspension_proposals_are_a_queue_confirmed_or_dismissed_through_the_workflow(world, set_today) -> None:  # noqa: ANN001
    app = _proposed(world, set_today)
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/desk/suspensions").text
    assert app.number in page and "待遇资格认证逾期" in page and "1月20日" in page
    assert re.search(r"暂停发放建议 <span class=\"n\">1</span>", page)
    # The reason is required: without it the workflow's guard refuses and nothing changes.
    refused = world.client.post(f"/staff/desk/suspensions/{app.number}", data={"csrf_token": csrf, "decision": "dismiss", "note": ""})
    assert refused.status_code in (400, 422)
    resp = world.client.post(f"/staff/desk/suspensions/{app.number}",
                             data={"csrf_token": csrf, "decision": "dismiss", "note": "电话联系家属，本人住院，出院后补认证"},
                             follow_redirects=False)
    assert resp.status_code == 303
    world.session.expire_all()
    proposal = world.session.scalars(select(SuspensionProposal)).one()
    assert proposal.decision == "dismissed" and open_suspension_proposal(world.session, app) is None
    assert world.session.get(Application, app.id).payments_suspended is False
    events = world.session.scalars(select(ApplicationEvent.action).where(ApplicationEvent.application_id == app.id)).all()
    assert "dismiss_suspension" in events
    assert app.number not in world.client.get("/staff/desk/suspensions").text
    # A second proposal, confirmed: payments stop through suspend_payments.
    propose_suspension(world.session, app, reason="待遇资格认证逾期", on=date(2027, 5, 5), due_on=date(2027, 4, 20))
    world.session.commit()
    world.client.post(f"/staff/desk/suspensions/{app.number}", data={"csrf_token": csrf, "decision": "suspend", "note": "多次联系不上"})
    world.session.expire_all()
    assert world.session.get(Application, app.id).payments_suspended is True
    # Nothing left to decide: a replayed post is refused, not a second suspension.
    again = world.client.post(f"/staff/desk/suspensions/{app.number}", data={"csrf_token": csrf, "decision": "suspend", "note": "再次"})
    assert again.status_code == 409


def test_suspension_proposals_of_another_district_are_not_shown_nor_decided(world, set_today) -> None:  # noqa: ANN001
    app = _proposed(world, set_today)
    csrf = sign_in(world.client, "cw_qijiang")
    assert app.number not in world.client.get("/staff/desk/suspensions").text
    resp = world.client.post(f"/staff/desk/suspensions/{app.number}", data={"csrf_token": csrf, "decision": "suspend", "note": "越权"})
    assert resp.status_code == 404
    sign_in(world.client, "cw_yuzhong")
    no_csrf = world.client.post(f"/staff/desk/suspensions/{app.number}", data={"decision": "suspend", "note": "没有令牌"})
    assert no_csrf.status_code == 403
    world.session.expire_all()
    assert open_suspension_proposal(world.session, app) is not None
    sign_in(world.client, "admin_all")  # admins see every district's proposals; caseworkers decide
    assert app.number in world.client.get("/staff/desk/suspensions").text


def _desk_forms(html: str, kind: str, item: int) -> set[str]:
    """The desk actions the item's page offers as forms (take, answer, close)."""
    return set(re.findall(rf'action="/staff/desk/{kind}/{item}/(\w+)"', html))


def test_an_answered_request_shows_what_was_sent_and_offers_only_what_the_service_allows(world) -> None:  # noqa: ANN001
    item = _complaint(world, area_code=TWO_ROADS, phone=APPLICANT_PHONE)
    csrf = sign_in(world.client, "cw_yuzhong")
    assert _desk_forms(world.client.get(f"/staff/desk/complaint/{item}").text, "complaint", item) == {
        "take", "answer", "close"}
    answer = "您好，下周二上午入户调查，工作人员会先打电话。"
    world.client.post(f"/staff/desk/complaint/{item}/answer", data={"csrf_token": csrf, "text": answer})
    world.session.expire_all()
    sent_at = moment(world.session.get(Complaint, item).answered_at)  # 11月25日（星期三）08:35, said as people say it
    page = world.client.get(f"/staff/desk/complaint/{item}").text
    # 已答复: the answer as sent, when, by whom, and where its SMS is; no second answer, no taking over.
    assert "已答复" in page and answer in page and sent_at in page
    answered = page.split('id="answered"', 1)[1].split("</section>", 1)[0]
    assert "cw_yuzhong" in answered and "短信等待发送" in answered
    assert 'id="answer-text"' not in page and _desk_forms(page, "complaint", item) == {"close"}
    notice = world.session.scalars(select(Notice).where(Notice.event == "desk_answer")).one()
    notice.status = "delivered"
    world.session.commit()
    assert "短信已送达" in world.client.get(f"/staff/desk/complaint/{item}").text
    # The service refuses what the page does not offer: a second, different answer, and taking it over.
    csrf = sign_in(world.client, "rv_yuzhong")
    assert _desk_forms(world.client.get(f"/staff/desk/complaint/{item}").text, "complaint", item) == {"close"}
    again = world.client.post(f"/staff/desk/complaint/{item}/answer", data={"csrf_token": csrf, "text": "再说一遍。"})
    assert again.status_code == 409 and "已经答复" in again.text
    assert world.client.post(f"/staff/desk/complaint/{item}/take", data={"csrf_token": csrf}).status_code == 409
    assert len(world.session.scalars(select(Notice).where(Notice.event == "desk_answer")).all()) == 1
    world.session.expire_all()
    row = world.session.get(Complaint, item)
    assert (row.status, row.answer) == ("answered", answer)
    # 办结: read only from then on, and the service refuses any further step.
    world.client.post(f"/staff/desk/complaint/{item}/close", data={"csrf_token": csrf})
    page = world.client.get(f"/staff/desk/complaint/{item}").text
    assert "已办结" in page and answer in page and _desk_forms(page, "complaint", item) == set()
    for action, data in (("take", {}), ("answer", {"text": "还有一句。"})):
        refused = world.client.post(f"/staff/desk/complaint/{item}/{action}", data={"csrf_token": csrf, **data})
        assert refused.status_code == 409, action
    world.session.expire_all()
    assert world.session.get(Complaint, item).answer == answer


def test_a_request_closed_without_an_answer_is_read_only(world) -> None:  # noqa: ANN001
    world.client.post("/api/v1/callbacks", json={"topic": "想问低保", "area_code": TWO_ROADS}, headers=world.applicant)
    item = world.session.scalars(select(CallbackRequest)).one().id
    csrf = sign_in(world.client, "cw_yuzhong")
    world.client.post(f"/staff/desk/callback/{item}/close", data={"csrf_token": csrf})
    page = world.client.get(f"/staff/desk/callback/{item}").text
    world.session.expire_all()
    done_at = moment(world.session.get(CallbackRequest, item).done_at)
    assert "已办结" in page and _desk_forms(page, "callback", item) == set() and 'id="answered"' not in page
    assert f"这条已经办结（{done_at}），只能查看" in page


def test_a_typed_number_hears_only_that_there_is_an_answer(world) -> None:  # noqa: ANN001
    """Anyone may type anyone's number into the chat: the answer's content goes only to a phone the caller
    proved; a typed one gets "有答复了" and the staff member phones the content (the page says so)."""
    chat = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}
    typed = world.client.post("/api/v1/complaints", json={"text": "低保的事想问一下", "area_code": TWO_ROADS,
                                                           "phone": "13912345678"}, headers=chat)
    assert typed.status_code == 201, typed.text
    own = _complaint(world, area_code=TWO_ROADS, phone=APPLICANT_PHONE)  # her signed-in phone: proven
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/desk/complaint/{typed.json()['id']}").text
    assert 'id="unproven-phone"' in page and "记录答复，短信通知" in page
    assert 'id="unproven-phone"' not in world.client.get(f"/staff/desk/complaint/{own}").text
    answer = "您的低保申请下周二入户调查。"
    for item, said in ((typed.json()["id"], "请打电话把答复内容告诉本人"), (own, "答复已通过短信发出")):
        done = world.client.post(f"/staff/desk/complaint/{item}/answer", data={"csrf_token": csrf, "text": answer})
        assert said in done.text
    texts = {opened(n.text) for n in world.session.scalars(select(Notice).where(Notice.event.like("desk_answer%")))}
    assert len(texts) == 2
    assert any(answer in t for t in texts)  # to her proven phone
    assert any("有答复了" in t and answer not in t and "打电话" in t for t in texts)  # to the typed number
