"""The pages under their Content-Security-Policy in headless Chromium, and the visit draft's life on a phone.

- Every page works with `script-src 'self'` (backend/core/security_headers.py): the browser reports no
  violation on the sign-in page, the queue, a case page with its visit form, the desk, the supervision
  dashboard (ECharts), the chat page and the face page — and the face page's script does run.
- A visit draft (notes and photos kept in the browser) is gone after signing out, is cleared again by the
  sign-in page, and a draft another sign-in left behind is neither shown nor kept.

Serves only the backend (uvicorn on a free port, its own SQLite file, the demo data), not the Rasa stack.
"""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.backend_alone import backend_alone
from tests.e2e.staff_signin import submit_sign_in

PASSWORD = "page-policy-demo-pw"
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
DRAFT_KEYS = "Object.keys(localStorage).filter(k => k.startsWith('jiuzhu-draft-'))"
DRAFT_DB = "indexedDB.databases().then(dbs => dbs.some(d => d.name === 'jiuzhu-drafts'))"
PHOTO_KEPT = """(key) => new Promise(resolve => {
    const open = indexedDB.open('jiuzhu-drafts', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('photos');
    open.onsuccess = () => { const req = open.result.transaction('photos').objectStore('photos').get(key);
                             req.onsuccess = () => { const v = req.result; open.result.close(); resolve(v ? v.scope : null); }; };
    open.onerror = () => resolve(null); })"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with backend_alone(tmp_path_factory.mktemp("page-policy-var"), DEMO_STAFF_PASSWORD=PASSWORD) as url:
        yield url


class Watched:
    """A phone-sized page whose console and CSP violations are collected across navigations."""

    def __init__(self, browser) -> None:  # noqa: ANN001
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        self.context.add_init_script(WATCH)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None)
        self.seen: list[str] = []

    def visit(self, url: str) -> None:
        self.collect()
        answer = self.page.goto(url)
        assert "script-src 'self';" in (answer.headers.get("content-security-policy") or ""), url  # in force
        self.page.wait_for_load_state("networkidle")

    def collect(self) -> None:
        try:
            self.seen += self.page.evaluate("window.__violations || []")
        except Exception:  # noqa: BLE001 — between documents
            pass

    def violations(self) -> list[str]:
        self.collect()
        return self.seen + self.console


def _sign_in(w: Watched, base: str, username: str = "yuzhong_caseworker") -> None:
    w.visit(f"{base}/staff/login")
    submit_sign_in(w.page, base, username, PASSWORD, "/staff/")


def test_every_page_works_under_its_policy(base, browser, output_dir) -> None:  # noqa: ANN001
    w = Watched(browser)
    _sign_in(w, base)
    w.visit(f"{base}/staff/?q=王德明")
    number = re.search(r"JZ\d{14}", w.page.inner_text("table.cases")).group(0)
    w.visit(f"{base}/staff/applications/{number}")
    w.page.wait_for_selector("#visit-form", state="attached")
    w.visit(f"{base}/staff/desk")
    w.visit(f"{base}/staff/desk/references")
    w.page.click("form.logout button[type=submit]")
    w.page.wait_for_url(re.compile(r".*/staff/login\?bye=1$"))
    submit_sign_in(w.page, base, "yuzhong_reviewer", PASSWORD, "/staff/")
    w.visit(f"{base}/staff/supervision")
    w.page.wait_for_function("document.querySelector('canvas') !== null")  # ECharts drew
    w.visit(f"{base}/chat")
    w.page.fill("#text", "你好")  # the chat page's script runs: no Rasa here, so it says the assistant is away
    w.page.click("#send")
    w.page.wait_for_selector(".msg.me")
    w.visit(f"{base}/face/no-such-link-token")
    w.page.wait_for_function("document.getElementById('result').textContent.length > 0")  # face.js ran
    w.page.screenshot(path=str(output_dir / "face-page-csp.png"))
    assert w.violations() == []
    w.context.close()


def _eventually(page, expression: str, seconds: float = 10) -> None:  # noqa: ANN001
    """Poll an expression that may return a promise (wait_for_function does not await one)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, expression
        time.sleep(0.1)


def test_a_visit_draft_goes_at_sign_out_and_never_reaches_another_sign_in(base, browser, tmp_path: Path) -> None:
    photo = tmp_path / "small.png"
    Image.new("RGB", (800, 600), "white").save(photo, "PNG")
    w = Watched(browser)
    page = w.page
    _sign_in(w, base)
    w.visit(f"{base}/staff/?q=王德明")
    number = re.search(r"JZ\d{14}", page.inner_text("table.cases")).group(0)
    case_url, key = f"{base}/staff/applications/{number}", f"visit-{number}"
    w.visit(case_url)
    page.click("#act-record_home_visit > summary")
    page.fill("#inv1", "王芳")
    page.set_input_files("#photos", str(photo))
    page.wait_for_function("document.querySelector('#visit-form .draft-status').textContent.includes('已和草稿一起保存')")
    scope = page.evaluate("document.body.dataset.draftScope")
    assert scope and page.evaluate(DRAFT_KEYS) == [f"jiuzhu-draft-{key}"]
    assert page.evaluate(PHOTO_KEPT, key) == scope

    # Signing out with a visit not yet submitted asks first: "no" keeps her notes and her sign-in.
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("form.logout button[type=submit]")
    assert asked and "没提交的入户调查记录" in asked[0]
    assert page.evaluate(DRAFT_KEYS) == [f"jiuzhu-draft-{key}"] and "/staff/applications/" in page.url
    # "Yes" clears the drafts as it posts (the post held back here, to look at what it left).
    page.evaluate("document.querySelector('form.logout').addEventListener('submit', e => e.preventDefault())")
    page.once("dialog", lambda d: d.accept())
    page.click("form.logout button[type=submit]")
    assert page.evaluate(DRAFT_KEYS) == []
    _eventually(page, f"{DRAFT_DB}.then(kept => !kept)")
    w.visit(case_url)  # still signed in (the post was held back): nothing comes back
    assert page.input_value("#inv1") == "" and page.evaluate("document.getElementById('photos').files.length") == 0

    # A draft another sign-in left behind is not shown, and is deleted.
    page.evaluate("([k]) => localStorage.setItem('jiuzhu-draft-' + k, JSON.stringify({scope: 'someone-else', "
                  "draft: {investigator_1: '别人写的'}}))", [key])
    w.visit(case_url)
    page.wait_for_function(f"{DRAFT_KEYS}.length === 0")
    assert page.input_value("#inv1") == ""

    page.click("form.logout button[type=submit]")
    page.wait_for_url(re.compile(r".*/staff/login\?bye=1$"))
    # A session that ran out is not a sign-out: the sign-in page it leads to keeps her notes.
    page.evaluate("localStorage.setItem('jiuzhu-draft-visit-X', JSON.stringify({scope: 'old', draft: {}}))")
    w.visit(f"{base}/staff/login?next=/staff/")
    assert page.evaluate(DRAFT_KEYS) == ["jiuzhu-draft-visit-X"]
    # The page after signing out clears again whatever is left (a deletion the navigation cut short).
    w.visit(f"{base}/staff/login?bye=1")
    page.wait_for_function(f"{DRAFT_KEYS}.length === 0")

    # Signed in again: the same account, so her drafts are kept under the same name.
    submit_sign_in(page, base, "yuzhong_caseworker", PASSWORD, "/staff/")
    assert page.evaluate("document.body.dataset.draftScope") == scope
    assert w.violations() == []
    w.context.close()
