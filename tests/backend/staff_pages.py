"""Helpers for tests of the staff workbench pages (/staff/): sign in through the real form, read the
form's CSRF token. The session cookie is Secure outside development, so the client talks https."""

import re

from fastapi.testclient import TestClient

from backend.auth.web_sessions import COOKIE_NAME
from tests.backend.world import STAFF_PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def https(client: TestClient) -> TestClient:
    client.base_url = "https://testserver"
    return client


def sign_in(client: TestClient, username: str, password: str = STAFF_PASSWORD, *, expect: int = 303) -> str:
    """Sign in through /staff/login; returns the CSRF token of the new session (read from the queue page)."""
    https(client)
    token = csrf_of(client.get("/staff/login").text)
    resp = client.post("/staff/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)
    assert resp.status_code == expect, resp.text
    if expect != 303:
        return ""
    page = client.get("/staff/")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


NUMBER_RE = re.compile(r'href="/staff/applications/(JZ\d+)"')


def numbers_on(html: str) -> list[str]:
    """The case numbers a workbench list shows, in order."""
    return NUMBER_RE.findall(html)


def step_count(html: str, label: str) -> int:
    """The count shown beside a step in the queue's step tabs."""
    found = re.search(re.escape(label) + r' <span class="n[^"]*">(\d+)</span>', html)
    assert found, f"no count for {label}"
    return int(found.group(1))


def replay(client: TestClient, session_token: str) -> TestClient:
    """Another browser that holds only this session cookie (a copied or stolen cookie)."""
    other = TestClient(client.app, base_url="https://testserver")
    other.cookies.set(COOKIE_NAME, session_token)
    return other
