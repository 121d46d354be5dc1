"""The photo card in the web chat and the phone page of its link, in headless Chromium at 390×844 and 360×640.

Only the backend runs (tests/e2e/backend_alone.py), with a real one-time link for a signed 授权委托书 (a grid worker
signed in by SMS code); a fake Rasa (tests/fakes/rasa_server.py) answers with the card as Rasa's REST channel sends
it. Seen in the screenshots before: the chat showed the card and, above it, its words with the raw API address; the
card had a blank band under its note; the quick bar's 查进度 was cut off at the right. And the address, opened on a
phone, was JSON. Screenshots: tests/e2e/output/<test>/.
"""

import json
import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from backend.core.crypto import DataVault
from tests.backend.form_images import encoded, flat, form_page
from tests.backend.world import HELPER_PHONE, member
from tests.e2e.backend_alone import backend_alone
from tests.fakes.rasa_server import fake_rasa

pytestmark = pytest.mark.e2e
SIZES = [(390, 844), (360, 640)]
DATA_KEY = "e2e-upload-pages-data-key-0123456789abcdef"
PAPER = {"principal": {"name": "周明富", "id_number": member("周明富", seq=7)["id_number"]},
         "helper": {"name": "马丽", "phone": HELPER_PHONE, "kind": "grid_worker", "relation": "网格员"},
         "scope": ["apply", "query", "notices"],
         "consent": {"method": "paper", "form_reference": "对话中上传的照片", "area_code": "500103001"}}
LAST_STEP = "最后一步：请点下面的按钮，拍一张周明富签了字（或按了手印）的授权委托书。\n拍不了的，也可以把委托书带到社区或街道（乡镇）的社会救助窗口。"


def _call(base: str, path: str, body: dict, headers: dict | None = None) -> dict:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


class Bot:
    upload = ""

    def __call__(self, body: dict) -> list[dict]:
        return [{"text": LAST_STEP, "buttons": [{"title": "找工作人员", "payload": "/request_human"}]},
                {"custom": {"upload": self.upload}}]


BOT = Bot()


def _code_texted(var: Path) -> str:
    """The sign-in code in the SMS outbox (no worker sends it here; the backend seals each text with the data key)."""
    with closing(sqlite3.connect(var / "jiuzhu.db")) as db:
        (sealed,) = db.execute("SELECT text FROM notices WHERE event = 'otp_login' ORDER BY id DESC LIMIT 1").fetchone()
    return re.search(r"\d{6}", DataVault(DATA_KEY).decrypt(sealed.removeprefix("sealed:"))).group(0)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("upload-pages-var")
    with fake_rasa(BOT) as (rasa_url, _), backend_alone(var, RASA_URL=rasa_url, DATA_ENCRYPTION_KEY=DATA_KEY) as base:
        _call(base, "/api/v1/auth/otp/request", {"phone": HELPER_PHONE})
        code = _code_texted(var)
        token = _call(base, "/api/v1/auth/otp/verify", {"phone": HELPER_PHONE, "code": code})["access_token"]
        BOT.upload = _call(base, "/api/v1/delegations/paper-link", PAPER, {"Authorization": f"Bearer {token}"})["upload_url"]
        yield base


def _phone(browser, width: int, height: int):  # noqa: ANN001, ANN202
    return browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, is_mobile=True, has_touch=True,
                               device_scale_factor=2)


def _chat_turn(base: str, browser, width: int, height: int, output_dir: Path) -> dict:  # noqa: ANN001
    context = _phone(browser, width, height)
    page = context.new_page()
    page.goto(base + "/")
    page.fill("#text", "对")
    page.click("#send")
    page.wait_for_selector(".idphoto .shoot", state="visible", timeout=30000)
    page.wait_for_function("document.querySelector('.idphoto .who').textContent.includes('周明富')")
    page.screenshot(path=str(output_dir / f"card-{width}x{height}.png"))
    seen = page.evaluate("""() => {
        const card = document.querySelector('.idphoto').getBoundingClientRect();
        const shown = [...document.querySelectorAll('.idphoto *')].filter(e => e.getClientRects().length);
        const quick = document.querySelector('.quick');
        const bar = quick.getBoundingClientRect();
        return {
          bubbles: [...document.querySelectorAll('#log .msg.bot')].map(m => m.textContent),
          blankBelow: card.bottom - Math.max(...shown.map(e => e.getBoundingClientRect().bottom)),
          quickOverflow: quick.scrollWidth - quick.clientWidth,
          cut: [...quick.querySelectorAll('button')].filter(b => { const r = b.getBoundingClientRect();
                 return r.left < bar.left - 0.5 || r.right > bar.right + 0.5; }).map(b => b.textContent),
          pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        };
    }""")
    context.close()
    return seen


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_chat_shows_the_card_once_with_no_blank_and_the_whole_quick_bar(site, browser, output_dir, width, height) -> None:  # noqa: ANN001
    seen = _chat_turn(site, browser, width, height, output_dir)
    assert seen["bubbles"][-1].startswith("最后一步"), seen  # the card follows the question, not its words again
    assert not [b for b in seen["bubbles"] if "/photo/" in b or "/api/" in b or "请打开这个网页" in b], seen
    assert seen["blankBelow"] <= 18, seen  # the card's padding and border: no empty band under its note
    assert seen["cut"] == [] and seen["quickOverflow"] <= 0, seen  # 急事求助 … 查进度 all on screen
    assert seen["pageOverflow"] <= 0, seen


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_phone_page_of_the_link_takes_the_photo(site, browser, output_dir, width, height) -> None:  # noqa: ANN001
    said = _call(site, "/api/v1/chat/messages", {"sender": f"phone-page-{width}", "message": "对"})["messages"][1]["text"]
    address = re.search(r"https?://\S+", said).group(0)  # what an SMS or a WeChat message would carry
    assert "/photo/paper/" in address and "/api/" not in address
    context = _phone(browser, width, height)
    page = context.new_page()
    response = page.goto(site + address[address.index("/photo/"):])
    assert response.status == 200
    if width != SIZES[0][0]:
        # One link takes one form, handed in at the first size: reopened, the page says so and offers no camera.
        assert "已经收到了" in page.content() and not page.is_visible(".idphoto .shoot")
        page.screenshot(path=str(output_dir / f"page-again-{width}x{height}.png"))
        context.close()
        return
    assert "周明富签了字的授权委托书" in page.inner_text(".idphoto .who")
    assert page.is_visible(".idphoto .shoot") and page.inner_text(".idphoto .shoot") == "拍照/选照片"
    page.screenshot(path=str(output_dir / f"page-{width}x{height}.png"))

    page.set_input_files("#photo input[type=file]", files=[{"name": "form.jpg", "mimeType": "image/jpeg",
                                                            "buffer": encoded(flat(255, (1000, 1000)))}])
    page.wait_for_selector(".idphoto .status.bad", timeout=30000)
    assert "再拍一次" in page.inner_text(".idphoto .status") and page.inner_text(".idphoto .shoot") == "再拍一张"
    page.screenshot(path=str(output_dir / f"page-retake-{width}x{height}.png"))

    # Handed in once, at the first size (one link takes one form).
    page.set_input_files("#photo input[type=file]", files=[{"name": "form.jpg", "mimeType": "image/jpeg",
                                                            "buffer": encoded(form_page())}])
    page.wait_for_selector("#done", state="visible", timeout=30000)
    assert "收到了，谢谢" in page.inner_text("#done") and "周明富的授权委托书" in page.inner_text("#done")
    assert not page.is_visible("#photo")
    page.screenshot(path=str(output_dir / f"page-done-{width}x{height}.png"))

    gone = page.goto(site + "/photo/paper/gAAAAforged")
    assert gone.status == 410 and "这个链接用不了了" in page.inner_text("main") and page.is_visible("a[href='/chat']")
    page.screenshot(path=str(output_dir / f"page-gone-{width}x{height}.png"))
    context.close()
