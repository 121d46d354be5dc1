"""The home visit on a phone in headless Chromium: a full-size camera photo is shrunk in the browser before
it is posted (longest side at most 1600 px, a smaller file), and the draft keeps the photo across a reload
(IndexedDB) until the visit is recorded.

Serves only the backend (uvicorn on a free port, its own SQLite file and documents folder, the demo data),
not the whole Rasa stack: the page, its scripts and the post are all the backend's.
"""

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.backend_alone import backend_alone
from tests.e2e.staff_signin import submit_sign_in

PASSWORD = "visit-photos-demo-pw"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    var = tmp_path_factory.mktemp("visit-photos-var")
    with backend_alone(var, DEMO_STAFF_PASSWORD=PASSWORD) as base:
        yield base, var / "documents"


def camera_photo(path: Path) -> Path:
    """A phone-camera-sized photo (4000x3000), noisy enough to weigh what a real one does."""
    img = Image.effect_noise((4000, 3000), 60).convert("RGB")
    img.save(path, "JPEG", quality=95)
    return path


def test_a_camera_photo_is_shrunk_and_kept_in_the_draft_until_posted(backend, browser, tmp_path, output_dir) -> None:
    base, documents = backend
    original = camera_photo(tmp_path / "IMG_0001.jpg")
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/staff/login")
    submit_sign_in(page, base, "yuzhong_caseworker", PASSWORD, "/staff/")
    # The demo's case being investigated (王德明): its visit form.
    page.goto(f"{base}/staff/?q=王德明")
    number = re.search(r"JZ\d{14}", page.inner_text("table.cases")).group(0)
    page.goto(f"{base}/staff/applications/{number}")
    status = page.locator("#visit-form .draft-status")
    page.click("#act-record_home_visit > summary")  # the demo's first visit is recorded: this one is folded

    page.fill("#inv1", "王芳")
    page.set_input_files("#photos", str(original))
    page.wait_for_function("document.querySelector('#visit-form .draft-status').textContent.includes('已和草稿一起保存')")
    picked = page.evaluate("(() => { const f = document.getElementById('photos').files; return [f.length, f[0].size, f[0].type]; })()")
    assert picked[0] == 1 and picked[1] < original.stat().st_size and picked[2] == "image/jpeg", picked
    assert "压缩到" in status.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A reload (or a lost connection): the text and the photo come back.
    page.reload()
    page.wait_for_function("document.getElementById('photos').files.length === 1")
    assert page.input_value("#inv1") == "王芳"
    assert page.evaluate("document.getElementById('photos').files[0].size") == picked[1]
    assert "包括1张照片" in status.inner_text()
    page.screenshot(path=str(output_dir / "visit-draft-390.png"), full_page=True)

    page.fill("#inv2", "刘洋")
    page.fill("#note-record_home_visit", "厨房漏水，老人卧床")
    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*done=record_home_visit.*"))
    [name] = re.findall(r"/photos/([0-9a-f]{64}\.jpg)", page.content())[:1]
    assert not (documents / name).read_bytes().startswith(b"\xff\xd8")  # sealed at rest (backend.documents.storage)
    stored = page.request.get(f"{base}/staff/applications/{number}/photos/{name}").body()  # decrypted on the way out
    with Image.open(io.BytesIO(stored)) as img:
        assert max(img.size) <= 1600 and img.size == (1600, 1200)
    assert len(stored) < original.stat().st_size

    # Recorded: the draft's photo is gone, a new visit form starts empty.
    page.reload()
    page.wait_for_timeout(500)
    assert page.evaluate("document.getElementById('photos').files.length") == 0
    kept = page.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open('jiuzhu-drafts', 1);
        open.onsuccess = () => { const req = open.result.transaction('photos').objectStore('photos').get('visit-%s');
                                 req.onsuccess = () => resolve(req.result === undefined); };
        open.onerror = () => resolve(true); })""" % number)
    assert kept is True
    context.close()


def test_without_javascript_the_visit_form_still_posts(backend, browser, tmp_path) -> None:
    base, documents = backend
    small = tmp_path / "small.png"
    Image.new("RGB", (800, 600), "white").save(small, "PNG")
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/staff/login")
    page.fill("#username", "yuzhong_caseworker")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/staff/?q=王德明")
    number = re.search(r"JZ\d{14}", page.inner_text("table.cases")).group(0)
    page.goto(f"{base}/staff/applications/{number}")
    page.click("#act-record_home_visit > summary")
    page.fill("#inv1", "王芳")
    page.fill("#inv2", "刘洋")
    page.set_input_files("#photos", str(small))
    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*done=record_home_visit.*"))
    names = re.findall(r"/photos/([0-9a-f]{64}\.png)", page.content())
    assert names and (documents / names[0]).read_bytes() != small.read_bytes()  # sealed at rest
    served = page.request.get(f"{base}/staff/applications/{number}/photos/{names[0]}").body()
    with Image.open(io.BytesIO(served)) as img:
        assert img.format == "PNG" and img.size == (800, 600)
    context.close()
