"""Two grid workers, 李敏 and 张伟, filing 特困 for the same old man, 王德贵 (no phone, a paper 委托书). A tester found:
张伟 was texted "说'继续'就接着填" when 李敏 had already filed; the desk listed both 委托书 with no word, and the
caseworker verified 张伟's although its photo was byte-identical to 李敏's (it names 李敏); the case page said "还没有
照片" while the 委托书's photo was only under 服务台; the upload page, reopened, asked for the photo again; and a blurred
photo was refused as "像是一张白纸或一片黑"."""

import json

from PIL import ImageFilter
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.crypto import get_vault
from backend.delegations.models import Delegation
from backend.documents import quality
from backend.notifications.models import Notice
from backend.notifications.segments import segments
from tests.backend.form_images import encoded, flat, form_page
from tests.backend.staff_pages import csrf_of, sign_in
from tests.backend.test_paper_delegation_queue import documents  # noqa: F401  (fixture)
from tests.backend.test_upload_pages import _form, _page_of
from tests.backend.world import HELPER_PHONE, application_body, citizen_headers, member

OLD_MAN = {"name": "王德贵", "id_number": member("王德贵", seq=5)["id_number"]}
LI_MIN = {"name": "李敏", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"}  # 139****2222
ZHANG_WEI_PHONE = "13900004444"
ZHANG_WEI = {"name": "张伟", "phone": ZHANG_WEI_PHONE, "kind": "grid_worker", "relation": "网格员"}
FORM_PHOTO = encoded(form_page())  # 李敏's photo of the signed form


def _body(helper: dict, form: str = "两路口-2026-0007") -> dict:
    return {"principal": OLD_MAN, "helper": helper, "scope": ["apply", "query", "notices"],
            "consent": {"method": "paper", "form_reference": form, "area_code": "500103004"}}


def hand_in(world, helper: dict, photo: bytes = FORM_PHOTO):  # noqa: ANN001, ANN201
    headers = citizen_headers(helper["phone"])
    return world.client.post("/api/v1/delegations/paper", data={"delegation": json.dumps(_body(helper))},
                             files={"form_photo": ("form.jpg", photo, "image/jpeg")}, headers=headers)


def verified(world, helper: dict, photo: bytes = FORM_PHOTO) -> int:  # noqa: ANN001
    d = hand_in(world, helper, photo)
    assert d.status_code == 201, d.text
    ok = world.client.post(f"/api/v1/delegations/{d.json()['id']}/verify", json={"note": "入户见到本人，手印一致"},
                           headers=world.caseworker)
    assert ok.status_code == 200, ok.text
    return d.json()["id"]


def file_tekun(world, helper: dict) -> str:  # noqa: ANN001
    body = application_body("特困", area_code="500103004", members=[member("王德贵", seq=5)], helper_name=helper["name"])
    return world.submit(body, headers=citizen_headers(helper["phone"]), key=f"tekun-{helper['phone']}")["number"]


def save_draft(world, helper: dict, kind: str = "特困") -> None:  # noqa: ANN001
    answers = {"assistance_type": kind, "filing_for": "other", "applicant_name": "王德贵", "applicant_id": OLD_MAN["id_number"]}
    saved = world.client.put("/api/v1/drafts/application", headers=citizen_headers(helper["phone"]),
                             json={"answers": answers, "kind": kind, "applicant_name": "王德贵", "applicant_id": OLD_MAN["id_number"]})
    assert saved.status_code == 200, saved.text


def texts_to(world, phone: str) -> list[str]:  # noqa: ANN001
    return [n.text for n in world.session.scalars(select(Notice).where(Notice.event == "paper_delegation_verified",
                                                                      Notice.phone_hash == get_vault().lookup_hash(phone)))]


# ---- 1. the second helper's form, refused as already filed: the backend's words say how to follow it ----------

def test_the_type_in_hand_filed_by_another_helper_is_said_with_how_to_follow_it(world) -> None:
    verified(world, LI_MIN)
    file_tekun(world, LI_MIN)
    verified(world, ZHANG_WEI, encoded(form_page(mark=(30, 30, 200))))  # his own form, his own photo
    ask = {"applicant_name": "王德贵", "applicant_id": OLD_MAN["id_number"]}
    zhang = citizen_headers(ZHANG_WEI_PHONE)
    filed = world.client.post("/api/v1/drafts/application/others", json={**ask, "kind": "特困"}, headers=zhang).json()
    assert filed["others"] == "filed" and filed["phone_masked"] == "139****2222"
    said = filed["said"]
    assert "不用再交" in said and "这份表就不接着填了" in said and "可以接着填" not in said
    assert "查进度" in said and "您有王德贵的授权" in said and "找工作人员" in said
    # Another type, or no type: the words at the start of a form, as before.
    assert world.client.post("/api/v1/drafts/application/others", json={**ask, "kind": "低保"}, headers=zhang).json()["others"] is None
    assert world.client.post("/api/v1/drafts/application/others", json=ask, headers=zhang).json()["others"] == "application"
    # 李敏 filed it herself: nobody else is on it.
    assert world.client.post("/api/v1/drafts/application/others", json={**ask, "kind": "特困"},
                             headers=citizen_headers(HELPER_PHONE)).json()["others"] is None


# ---- 2. the approval SMS knows the case is already in -----------------------------------------------------------

def test_the_approval_sms_does_not_promise_continue_when_another_helper_filed_meanwhile(world) -> None:
    save_draft(world, LI_MIN)
    save_draft(world, ZHANG_WEI)
    verified(world, LI_MIN)
    [li] = texts_to(world, HELPER_PHONE)
    assert "继续" in li  # nothing filed yet: her draft can be filed
    file_tekun(world, LI_MIN)
    verified(world, ZHANG_WEI, encoded(form_page(mark=(30, 30, 200))))
    [zhang] = texts_to(world, ZHANG_WEI_PHONE)
    assert "核验通过" in zhang and "王德贵已经有一件申请在办了" in zhang and "另一位帮办人" in zhang
    assert "继续" not in zhang and "查进度" in zhang and "12345" in zhang and segments(zhang) <= 2
    # A third helper's unfinished form is for another type (低保): "继续" can still file it.
    zhao = {"name": "赵磊", "phone": "13900005555", "kind": "volunteer", "relation": "志愿者"}
    save_draft(world, zhao, "低保")
    verified(world, zhao, encoded(form_page(mark=(30, 200, 30))))
    [his] = texts_to(world, zhao["phone"])
    assert "继续" in his and "已经有一件申请" not in his


# ---- 3. the same photo, and the same person's other 委托书 -------------------------------------------------------

def test_a_photo_byte_identical_to_another_helpers_form_is_refused_at_upload(world, documents) -> None:  # noqa: ANN001, F811
    assert hand_in(world, LI_MIN).status_code == 201
    refused = hand_in(world, ZHANG_WEI)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "form_photo_of_another_helper"
    message = refused.json()["error"]["message"]
    assert "一模一样" in message and "王德贵另签一份写您名字的委托书" in message and "找工作人员" in message
    helpers = [d.helper.name for d in world.session.scalars(select(Delegation))]
    assert helpers == ["李敏"]  # nothing recorded for 张伟
    assert hand_in(world, ZHANG_WEI, encoded(form_page(mark=(30, 30, 200)))).status_code == 201  # a form of his own


def test_the_desk_warns_of_the_other_helpers_form_and_of_the_same_photo(world) -> None:
    first = hand_in(world, LI_MIN).json()["id"]
    second = hand_in(world, ZHANG_WEI, encoded(form_page(mark=(30, 30, 200)))).json()["id"]
    sign_in(world.client, "cw_yuzhong")
    page = world.client.get("/staff/desk/delegations").text
    assert "王德贵还有一份给张伟（网格员）的书面委托书，等待核验" in page
    assert "王德贵还有一份给李敏（网格员）的书面委托书，等待核验" in page
    assert "一模一样" not in page
    # A form from before uploads were compared: 张伟's photo is 李敏's own.
    row = world.session.get(Delegation, second)
    row.form_photo = world.session.get(Delegation, first).form_photo
    world.session.commit()
    page = world.client.get("/staff/desk/delegations").text
    assert "这张照片和李敏（网格员）交的委托书一模一样</strong>（等待核验）：同一张委托书，受托人只能是其中一位" in page
    assert "这张照片和张伟（网格员）交的委托书一模一样" in page  # said on both rows
    world.client.post(f"/api/v1/delegations/{first}/verify", json={"note": "入户见到本人"}, headers=world.caseworker)
    in_force = world.client.get("/staff/desk/delegations?show=verified").text
    assert "这张照片和张伟（网格员）交的委托书一模一样</strong>（等待核验）" in in_force
    pending = world.client.get("/staff/desk/delegations").text
    assert "这张照片和李敏（网格员）交的委托书一模一样</strong>（已核验，正在生效）" in pending


# ---- 4. the case page links the approved 委托书 and the helper's phone ------------------------------------------

def test_the_case_page_links_the_form_and_shows_the_helpers_phone_on_an_audited_reveal(world, documents) -> None:  # noqa: ANN001, F811
    form = verified(world, LI_MIN)
    number = file_tekun(world, LI_MIN)
    csrf = sign_in(world.client, "cw_qijiang")  # another district: no case, no phone
    assert world.client.post(f"/staff/applications/{number}/helper-phone/{form}",
                             data={"csrf_token": csrf, "reason": "约入户"}).status_code == 404
    csrf = sign_in(world.client, "cw_yuzhong")
    page = world.client.get(f"/staff/applications/{number}").text
    documents_block = page[page.index('id="documents"'):page.index('id="delegations"')]
    assert "王德贵委托<strong>李敏</strong>（网格员）的书面委托书，已核验，正在生效" in documents_block
    assert f'href="/staff/desk/delegations/{form}/photo"' in documents_block and "这件申请凭它提交" in documents_block
    assert "帮办人手机：139****2222" in documents_block and HELPER_PHONE not in page
    assert world.client.get(f"/staff/desk/delegations/{form}/photo").headers["content-type"] == "image/jpeg"
    shown = world.client.post(f"/staff/applications/{number}/helper-phone/{form}",
                              data={"csrf_token": csrf_of(page), "reason": "约入户核查时间"})
    assert shown.status_code == 200 and f"帮办人手机：{HELPER_PHONE}" in shown.text and "本次查看已记录" in shown.text
    [read] = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "delegation.read_helper_phone")).all()
    assert read.entity_id == str(form) and read.detail["reason"] == "约入户核查时间"
    assert world.client.post(f"/staff/applications/{number}/helper-phone/{form + 99}",
                             data={"csrf_token": csrf_of(page), "reason": "约入户"}).status_code == 404


# ---- 5. the upload page, reopened; a blur called a blur -----------------------------------------------------------

def test_the_upload_page_reopened_after_the_photo_says_it_was_received(world, documents) -> None:  # noqa: ANN001, F811
    opened = world.client.post("/api/v1/delegations/paper-link", json=_body(LI_MIN, "对话中上传的照片"), headers=world.helper)
    page_url = _page_of(opened.json()["upload_url"])
    action, field = _form(world.client.get(page_url).text)
    assert world.client.post(action, files={field: ("form.jpg", FORM_PHOTO, "image/jpeg")}).status_code == 201
    again = world.client.get(page_url)
    assert again.status_code == 200 and "已经收到了" in again.text and "不用再拍" in again.text and "前核对" in again.text
    assert '<form id="photo"' not in again.text and "idphoto.js" not in again.text


def test_a_blurred_form_is_called_a_blur_not_a_blank_page(world, documents) -> None:  # noqa: ANN001, F811
    blurred = form_page().filter(ImageFilter.GaussianBlur(8))  # a shaky, out-of-focus shot of a real form
    assert quality.measure(blurred).problem == quality.BLURRY
    assert quality.measure(flat(255, (1000, 1000))).problem == quality.BLANK
    assert quality.measure(flat((128, 126, 120), grain=12)).problem == quality.BLANK  # a grey wall: nothing written
    refused = hand_in(world, LI_MIN, encoded(blurred))
    error = refused.json()["error"]
    assert refused.status_code == 422 and error["code"] == "photo_blurry"
    assert "模糊" in error["message"] and "拿稳" in error["message"] and "白纸" not in error["message"]
    white = hand_in(world, LI_MIN, encoded(flat(255, (1000, 1000)))).json()["error"]["message"]
    assert "白纸" in white
