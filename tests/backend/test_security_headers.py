"""Browser security of every response (backend/core/security_headers.py): nosniff everywhere; HTML pages that
no other site can frame and that run only this site's own script files; HSTS outside development. Visit
drafts in the staff browser belong to one account (static/staff/drafts.js, web_sessions.draft_scope)."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.core.security_headers import HSTS
from backend.core.settings import get_settings
from backend.main import create_app
from tests.backend.staff_pages import https, replay, sign_in

BACKEND = Path(__file__).resolve().parents[2] / "backend"
PAGE_DIRECTIVES = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                   "form-action 'self'", "frame-ancestors 'none'"]


def policy(resp) -> dict[str, str]:  # noqa: ANN001
    """The Content-Security-Policy as {directive: sources}."""
    parts = [p.strip() for p in resp.headers.get("content-security-policy", "").split(";") if p.strip()]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] if " " in p else "" for p in parts}


def assert_page_headers(resp, what: str) -> None:  # noqa: ANN001
    assert resp.headers["content-type"].startswith("text/html"), what
    assert resp.headers.get("x-content-type-options") == "nosniff", what
    assert resp.headers.get("x-frame-options") == "DENY", what
    assert resp.headers.get("referrer-policy") == "same-origin", what
    csp = resp.headers.get("content-security-policy", "")
    for directive in PAGE_DIRECTIVES:
        assert directive in csp, (what, directive, csp)
    script = policy(resp)["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, what


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def assert_no_inline_script(html: str, what: str) -> None:
    assert not INLINE_SCRIPT.search(html), (what, INLINE_SCRIPT.search(html).group(0))
    assert not INLINE_HANDLER.search(html), (what, INLINE_HANDLER.search(html).group(0))
    assert "javascript:" not in html.lower(), what


def test_staff_pages_chat_and_face_pages_cannot_be_framed_and_run_only_own_scripts(world) -> None:
    client = https(world.client)
    login = client.get("/staff/login")
    assert_page_headers(login, "/staff/login")
    sign_in(client, "cw_yuzhong")
    for path in ("/staff/", "/staff/desk", "/chat", "/", "/face/not-a-real-token-but-the-page-renders"):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.text[:200])
        assert_page_headers(resp, path)
        assert_no_inline_script(resp.text, path)
    assert client.get("/staff/").headers["cache-control"] == "no-store"  # the page's own header is kept


def test_json_static_files_and_not_found_answers_are_never_sniffed_or_framed(world) -> None:
    client = https(world.client)
    answers = {"json": client.get("/api/v1/health"), "script": client.get("/static/face/face.js"),
               "api 404": client.get("/api/v1/no-such-thing"), "422": client.get("/api/v1/areas/search")}
    for what, resp in answers.items():
        assert resp.headers.get("x-content-type-options") == "nosniff", what
        assert resp.headers.get("x-frame-options") == "DENY", what
        assert policy(resp) == {"default-src": "'none'", "frame-ancestors": "'none'"}, what
    assert answers["api 404"].status_code == 404 and answers["422"].status_code == 422
    page_404 = client.get("/staff/applications/JZ20990101999999")  # signed out: the sign-in redirect
    assert page_404.headers.get("x-content-type-options") == "nosniff"
    sign_in(client, "cw_yuzhong")
    missing = client.get("/staff/applications/JZ20990101999999")
    assert missing.status_code == 404
    assert_page_headers(missing, "staff 404 page")
    assert missing.headers["cache-control"] == "no-store"


def test_an_unexpected_error_carries_the_headers_too(session) -> None:
    app = create_app()

    @app.get("/staff/boom")
    def boom() -> None:
        raise RuntimeError("broken on purpose")

    with TestClient(app, raise_server_exceptions=False) as client:
        resp = client.get("/staff/boom")
    assert resp.status_code == 500
    assert_page_headers(resp, "500 page")


def test_the_api_reference_works_with_its_own_policy_and_cannot_be_framed(client) -> None:
    resp = client.get("/docs")
    assert resp.status_code == 200
    assert resp.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy(resp)["script-src"]
    assert "cdn.jsdelivr.net" not in client.get("/chat").headers["content-security-policy"]


def test_no_template_has_an_inline_script_or_handler_and_every_script_is_a_file_of_this_site() -> None:
    templates = sorted(BACKEND.glob("*/templates/**/*.html"))
    assert len(templates) >= 10
    for path in templates:
        html = path.read_text(encoding="utf-8")
        assert_no_inline_script(html, str(path.relative_to(BACKEND)))
        for src in re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html):
            served = BACKEND / "static" / src.removeprefix("/static/")
            assert src.startswith("/static/") and served.is_file(), (path, src)


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Build the app under another ENVIRONMENT; the settings cache is cleared before and after."""
    def _use(name: str, **extra: str) -> TestClient:
        monkeypatch.setenv("ENVIRONMENT", name)
        for key, value in extra.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()
        return TestClient(create_app())

    yield _use
    monkeypatch.undo()
    get_settings.cache_clear()


def test_hsts_is_sent_outside_development_only(environment) -> None:
    development = environment("development").get("/chat")
    assert "strict-transport-security" not in development.headers
    assert development.headers["x-frame-options"] == "DENY"  # the rest holds in development too
    production = environment("production", SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID="AC" + "0" * 32,
                             TWILIO_AUTH_TOKEN="t" * 32, TWILIO_FROM_NUMBER="+15550000000")
    assert get_settings().environment == "production"
    for path in ("/chat", "/api/v1/no-such-thing"):
        assert production.get(path).headers["strict-transport-security"] == HSTS
    assert "max-age=31536000" in HSTS


DRAFT_SCOPE = re.compile(r'<body data-draft-scope="([^"]*)"')


def test_visit_drafts_belong_to_one_account_and_go_at_sign_out(world) -> None:
    client = https(world.client)
    login = client.get("/staff/login?next=/staff/").text
    assert DRAFT_SCOPE.search(login).group(1) == ""  # nobody signed in: no drafts to read
    # A session that ran out mid-visit leads here: her notes stay; the page after signing out clears them.
    assert "data-clear-drafts" not in login and '<script src="/static/staff/drafts.js"' in login
    assert "data-clear-drafts" in client.get("/staff/login?bye=1").text
    csrf = sign_in(client, "cw_yuzhong")
    page = client.get("/staff/").text
    scope = DRAFT_SCOPE.search(page).group(1)
    assert len(scope) >= 24 and scope != csrf and "data-clear-drafts" not in page
    assert '<form method="post" action="/staff/logout" class="logout">' in page  # drafts.js clears before it posts
    assert '<script src="/static/staff/drafts.js"' in page
    cookie = client.cookies.get("jiuzhu_staff")
    assert scope not in cookie
    assert DRAFT_SCOPE.search(replay(client, cookie).get("/staff/").text).group(1) == scope  # one session, one scope

    again = https(TestClient(client.app))
    sign_in(again, "cw_yuzhong")
    assert DRAFT_SCOPE.search(again.get("/staff/").text).group(1) == scope  # her next sign-in: her drafts
    other = https(TestClient(client.app))
    sign_in(other, "rv_yuzhong")
    assert DRAFT_SCOPE.search(other.get("/staff/").text).group(1) not in ("", scope)  # another account: never hers

    script = (BACKEND / "static" / "staff" / "drafts.js").read_text(encoding="utf-8")
    assert "form.logout" in script and "deleteDatabase" in script and "data-clear-drafts" in script
    visit = (BACKEND / "static" / "staff" / "visit_draft.js").read_text(encoding="utf-8")
    assert "localStorage" not in visit and "indexedDB" not in visit  # only through drafts.js, which checks scopes
