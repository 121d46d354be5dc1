"""The browser-security headers of every response, set here and nowhere else.

- Every response: `X-Content-Type-Options: nosniff` (a photo or a JSON body is never read as a page or a
  script), `Referrer-Policy: same-origin` (a case number or a face link in the address goes to no other
  site), `X-Frame-Options: DENY`, and outside development `Strict-Transport-Security` (browsers ignore it
  over plain http, so a local run is unaffected either way).
- HTML pages: `PAGE_POLICY`, a Content-Security-Policy that runs only this site's own script files — no
  inline `<script>`, no `onclick=`, no `eval` — and lets no other site frame the page. Data a script needs
  goes in `data-` attributes or a `<script type="application/json">` block (never executed). Inline styles
  stay allowed: they cannot run code, and the chat and face pages carry theirs inline.
  What the pages really load: images of this site and `blob:` (photo_shrink.js decodes a picked photo
  through an object URL); the face page's camera stream is a MediaStream (`srcObject`), not a URL, so it
  needs no source; `fetch` goes to this site only.
- Other responses (JSON, photos, scripts): `default-src 'none'`, so a file opened on its own (an SVG, an
  HTML-looking upload) can load and run nothing.
- FastAPI's own API reference (/docs, /redoc) loads Swagger UI / ReDoc from their CDN with an inline
  start-up script; those pages alone get `DOCS_POLICY`. They show the OpenAPI document, no personal data.

Plain ASGI, wrapped around the whole application (outside Starlette's ServerErrorMiddleware), so a 500
page carries the headers too. Pages that must not be cached say so themselves (Cache-Control).
"""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
_CDN = "https://cdn.jsdelivr.net"  # FastAPI's default Swagger UI and ReDoc assets
DOCS_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' 'unsafe-inline' {_CDN}",
    f"style-src 'self' 'unsafe-inline' {_CDN} https://fonts.googleapis.com",
    "font-src 'self' https://fonts.gstatic.com",
    f"img-src 'self' data: {_CDN} https://fastapi.tiangolo.com",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"  # a year; no preload: that is the domain owner's decision


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool, docs_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.hsts = hsts
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "") in self.docs_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").lower().startswith("text/html")
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["X-Frame-Options"] = "DENY"
                page_policy = DOCS_POLICY if docs else PAGE_POLICY
                headers["Content-Security-Policy"] = page_policy if html else OTHER_POLICY
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI, *, hsts: bool) -> None:
    """Wrap the whole middleware stack (built on the first request), error pages included."""
    docs_paths = frozenset(p for p in (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url) if p)
    build = app.build_middleware_stack

    def build_wrapped() -> ASGIApp:
        return SecurityHeaders(build(), hsts=hsts, docs_paths=docs_paths)

    app.build_middleware_stack = build_wrapped  # type: ignore[method-assign]
