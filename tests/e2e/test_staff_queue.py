"""The staff workbench in headless Chromium against the running stack: the demo caseworker signs in at
/staff/login and sees her work queue, on a desk screen (1280 px) and on a phone (390 px).

Screenshots go to tests/e2e/output/<test>/ (queue-1280.png, queue-390.png, login-390.png).
"""

import re

import pytest

from tests.e2e.staff_signin import cjk_font, demo_password, sign_in

pytestmark = pytest.mark.e2e


def test_the_demo_caseworker_signs_in_and_sees_her_queue(stack, browser, output_dir) -> None:  # noqa: ANN001
    cjk_font()
    password = demo_password(stack)
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        page = context.new_page()
        if width == 390:
            page.goto(f"{stack.base_url}/staff/login")
            page.fill("#username", "yuzhong_caseworker")
            page.fill("#password", "not-her-password")
            page.click("button[type=submit]")
            assert "用户名或密码不对" in page.inner_text("#login-error")
            page.screenshot(path=str(output_dir / "login-390.png"), full_page=True)
        sign_in(page, stack.base_url, "yuzhong_caseworker", password)
        header = page.inner_text("header")
        assert "七星岗街道 王芳" in header and "街道（乡镇）经办人" in header and "渝中区" in header
        assert "督办" not in header  # a caseworker has no supervision dashboard
        rows = page.locator("table.cases tbody tr")
        # The demo's 渝中区 cases at a caseworker's step: waiting for acceptance (two, one of them late),
        # being investigated, in 公示. Another district's 急难 case and the county's steps are not hers.
        # The session's stack is shared: other e2e tests file 渝中区 applications (the chat filings from
        # 两路口街道) or move 张秀英's on (the case page test), so the rows are at least the three that stay
        # (the exact queue is tests/backend/test_workbench_queue.py's).
        assert rows.count() >= 3
        text = page.inner_text("main")
        for name in ("王德明", "陈大伟", "钱玉珍"):
            assert name in text
        assert "刘桂兰" not in text and "赵淑芬" not in text
        late = page.locator("tr.late")
        assert late.count() == 1 and "钱玉珍" in late.inner_text() and "超时" in late.inner_text()
        # Overdue is said in words, not only in red; the first row is the most urgent.
        assert "钱玉珍" in rows.nth(0).inner_text()
        assert re.search(r"JZ\d{14}", rows.nth(0).inner_text())
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(output_dir / f"queue-{width}.png"), full_page=True)
        # A filter, by keyboard: tick "only overdue", Enter in the search box submits.
        page.check("#overdue")
        page.focus("#q")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*overdue=1.*"))
        assert page.locator("table.cases tbody tr").count() == 1
        # Sign out: the queue is closed again.
        page.click("form.logout button")
        page.wait_for_url(re.compile(r".*/staff/login\?bye=1$"))
        assert "您已安全退出" in page.inner_text("main")
        page.goto(f"{stack.base_url}/staff/")
        assert "/staff/login" in page.url
        context.close()
