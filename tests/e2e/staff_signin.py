"""Signing in to the workbench in the browser — the one helper every e2e test of /staff uses.

`sign_in` opens a page (the sign-in page comes up with the way back), types the account, submits, and waits
for the workbench to load the page asked for. A sign-in that does not arrive fails with what the browser
shows (the URL and the page's message), not only with a timeout: a locked account, a CSRF refusal or a
slow server each say so.
"""

import re
import subprocess

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ARRIVAL_SECONDS = 90  # CI's two cores also run Rasa and the action server; a sign-in hashes a password


def demo_password(stack, username: str = "yuzhong_caseworker") -> str:  # noqa: ANN001
    """A demo account's password, as `make run` prints the accounts."""
    for line in stack.lines:
        found = re.search(rf"\b{username}\s+\w+\s+.*password: (\S+)", line)
        if found:
            return found.group(1)
    raise AssertionError("the stack did not print the demo accounts")


def cjk_font() -> None:
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    if not fonts.strip():
        pytest.fail("no Chinese font: run `make browser` (Debian's fonts-noto-cjk), or the screenshots show boxes")


def submit_sign_in(page, base_url: str, username: str, password: str, target: str) -> None:  # noqa: ANN001
    """On the sign-in page already: type, submit, and wait for `target` (a path) to have loaded."""
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    try:
        page.wait_for_url(f"{base_url}{target}", timeout=ARRIVAL_SECONDS * 1000)
    except PlaywrightTimeout:
        shown = page.locator("main").inner_text(timeout=5000) if page.locator("main").count() else page.content()
        raise AssertionError(f"signing in as {username} did not reach {target}: the browser is at {page.url}, "
                             f"showing: {shown[:400]!r}") from None


def sign_in(page, base_url: str, username: str, password: str, target: str = "/staff/") -> None:  # noqa: ANN001
    """Open `target` signed out (→ the sign-in page with ?next=), sign in, and land on `target`."""
    page.goto(f"{base_url}{target}")
    assert "/staff/login?next=" in page.url, f"not sent to the sign-in page: {page.url}"
    submit_sign_in(page, base_url, username, password, target)
