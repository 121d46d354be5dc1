"""A case from submitted to approved through the workbench pages, in headless Chromium against the
running stack: the demo caseworker accepts the demo's waiting 低保 application (张秀英), records the home
visit with two investigators on a phone (390 px) with a photo — her draft surviving a reload — attaches
the economic check and opens the 公示; the demo reviewer approves.

Two steps are not pages of this test: the household signs the 核对授权书 at the counter (the API's
staff-assisted signature, as the demo does), and the seven days of 公示 pass (the stack's clock is real,
so the test moves the case's 公示 dates a week back in the stack's database).

Screenshots (tests/e2e/output/<test>/): case-1280.png (the case page once approved), visit-390.png (the
visit form on a phone, draft restored, photo chosen; visit-390-full.png the whole page), case-390-visited.png.
"""

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.e2e.staff_signin import cjk_font, demo_password, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def visit_photo(tmp_path: Path) -> Path:
    """A JPEG as a phone's camera gives one: a kitchen, drawn (the repository keeps no images)."""
    im = Image.new("RGB", (640, 480), (236, 228, 214))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 300, 640, 480], fill=(150, 120, 90))
    d.rectangle([60, 120, 260, 300], fill=(200, 200, 205))
    d.rectangle([380, 80, 560, 220], fill=(160, 200, 230))
    d.ellipse([300, 330, 360, 360], fill=(120, 150, 190))
    path = tmp_path / "home_visit.jpg"
    im.save(path, quality=80)
    return path


def _act(page, action: str) -> None:  # noqa: ANN001
    """Open the action's form (if folded), submit it, and wait for the page to say it was done."""
    box = page.locator(f"#act-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    box.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(rf".*\?done={action}.*"))
    assert "已办理" in page.inner_text("#done")


def _sign_authorization(stack, number: str, password: str) -> None:  # noqa: ANN001
    with httpx.Client(base_url=f"{stack.base_url}/api/v1", timeout=30) as api:
        token = api.post("/auth/staff/login", data={"username": "yuzhong_caseworker", "password": password}).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        signers = api.get(f"/liveness/applications/{number}/signatures", headers=auth).json()["signers"]
        for s in signers:
            resp = api.post(f"/liveness/applications/{number}/signatures/staff-assisted",
                            json={"person_id": s["person_id"], "note": "窗口核实本人签字"}, headers=auth)
            assert resp.status_code == 201, resp.text


def _a_week_of_publicity_passes(stack, number: str) -> None:  # noqa: ANN001
    db = stack.env.get("JIUZHU_VAR_DIR")
    with sqlite3.connect(Path(db) / "jiuzhu.db") as conn:
        today = date.today()
        changed = conn.execute("UPDATE applications SET publicity_from = ?, publicity_until = ? WHERE number = ?",
                               ((today - timedelta(days=9)).isoformat(), (today - timedelta(days=2)).isoformat(), number))
        assert changed.rowcount == 1


def test_a_case_from_submitted_to_approved_through_the_pages(stack, browser, output_dir, visit_photo) -> None:  # noqa: ANN001
    cjk_font()
    password = demo_password(stack)
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    sign_in(page, stack.base_url, "yuzhong_caseworker", password, "/staff/")
    page.locator("tr", has_text="张秀英").locator("a").click()
    page.wait_for_url(re.compile(r".*/staff/applications/JZ\d{14}$"))
    number = page.url.rsplit("/", 1)[1]
    text = page.inner_text("main")
    assert "张秀英" in text and "已提交，等待受理" in text and "138****0001" in text
    forms = page.locator("details.action summary").all_inner_texts()
    # what the engine allows now, nothing else, and the 核对授权书 signed with a caseworker for whoever has not signed
    assert forms == ["受理", "一次性告知补正材料", "撤回申请", "工作人员协助签署：张秀英"]
    _act(page, "accept")
    _act(page, "start_investigation")
    _sign_authorization(stack, number, password)

    # The home visit on a phone: typed, connection lost (a reload), draft back, photo taken, submitted.
    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    sign_in(mobile, stack.base_url, "yuzhong_caseworker", password, f"/staff/applications/{number}")
    visit = mobile.locator("#visit-form")
    assert visit.is_visible()
    photo_input = visit.locator("input[type=file]")
    assert photo_input.get_attribute("accept") == "image/*" and photo_input.get_attribute("capture") == "environment"
    assert photo_input.get_attribute("multiple") is not None
    mobile.fill("#inv1", "王芳")
    mobile.fill("#inv2", "刘洋")
    mobile.fill("#note-record_home_visit", "独居，住房为老旧公房，厨房水管漏水；无存款，靠养老金生活。")
    mobile.check("#video")
    mobile.reload()
    assert mobile.input_value("#inv1") == "王芳" and mobile.input_value("#inv2") == "刘洋"
    assert "厨房水管漏水" in mobile.input_value("#note-record_home_visit") and mobile.is_checked("#video")
    assert "已恢复上次没有提交的草稿" in mobile.inner_text("#visit-form")
    photo_input.set_input_files(str(visit_photo))
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    mobile.locator("#act-record_home_visit").evaluate("e => e.scrollIntoView()")
    mobile.screenshot(path=str(output_dir / "visit-390.png"))  # what the phone shows: the form
    mobile.screenshot(path=str(output_dir / "visit-390-full.png"), full_page=True)
    visit.locator("button[type=submit]").click()
    mobile.wait_for_url(re.compile(r".*\?done=record_home_visit.*"))
    assert "调查人员：王芳、刘洋" in mobile.inner_text("#timeline") and "照片1张" in mobile.inner_text("#timeline")
    assert mobile.evaluate(f"localStorage.getItem('jiuzhu-draft-visit-{number}')") is None  # draft cleared
    img = mobile.locator("#documents img").first
    img.scroll_into_view_if_needed()
    mobile.wait_for_function("() => { const i = document.querySelector('#documents img'); return i && i.complete; }")
    assert img.evaluate("i => i.naturalWidth") == 640  # the stored photo is served back
    mobile.screenshot(path=str(output_dir / "case-390-visited.png"), full_page=True)
    phone.close()

    # Back at the desk: the economic check's comparison is attached as it is, and the 公示 opens.
    page.reload()
    assert "自动核对" in page.inner_text("#economy")
    _act(page, "attach_economic_check")
    _act(page, "propose")
    assert "公示中" in page.inner_text(".case-status")
    _a_week_of_publicity_passes(stack, number)
    page.reload()
    _act(page, "close_publicity")
    assert "县级审核确认中" in page.inner_text(".case-status")
    page.click("form.logout button")

    # The county reviewer decides with the amount the assessment gives and written reasons.
    sign_in(page, stack.base_url, "yuzhong_reviewer", password, f"/staff/applications/{number}")
    page.click("#act-approve summary")  # open the form: the other actions stay folded
    assert "按申报信息测算：每月" in page.inner_text("#act-approve")
    page.fill("#note-approve", "入户调查和核对属实，按测算金额批准。")
    _act(page, "approve")
    assert "已批准，准备发放" in page.inner_text(".case-status") and "已批准：每月" in page.inner_text(".decision")
    assert "审核确认：批准" in page.inner_text("#timeline")
    page.screenshot(path=str(output_dir / "case-1280.png"), full_page=True)
    desk.close()
