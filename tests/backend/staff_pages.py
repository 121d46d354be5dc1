"""Helpers for tests of the staff workbench pages (/staff/): sign in through the real form, read the
form's CSRF token. The session cookie is Secure outside development, so the client talks https."""

import re

from fastapi.testclient import TestClient

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
