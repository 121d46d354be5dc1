"""Rendering workbench pages: the base layout's context, `csrf_field()`, and errors as Chinese pages.

`render(request, "staff/queue.html", who, **context)` renders a template that extends staff/base.html
with what the layout needs: `me` (name, role and district said in Chinese), `nav` (the entries this
role has), `csrf_field()` (the hidden form field for this session), `csrf_token`, and `draft_scope` (what
this session's drafts in the browser are kept under: static/staff/drafts.js; empty when nobody is signed in).
"""

from dataclasses import dataclass
from math import ceil
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from backend.core.templates import html_env
from backend.regions.service import known
from backend.workbench.signin import CSRF_FIELD, PREFIX, SignedIn

ROLE_LABELS = {"caseworker": "街道（乡镇）经办人", "reviewer": "区县审核人", "admin": "管理员"}
# (path, label, roles that see it; empty: everyone signed in)
NAV = [
    (f"{PREFIX}/", "工作台", ()),
    (f"{PREFIX}/desk", "服务台", ()),
    (f"{PREFIX}/supervision", "督办", ("reviewer", "admin")),
    (f"{PREFIX}/account", "账号安全", ()),
]


def _place_name(code: str | None) -> str:
    place = known(code)
    return place.name if place else "全部辖区"


PAGE_SIZE = 20  # rows per page of every workbench list


@dataclass(frozen=True)
class Pagination:
    """Where a list is: `paginate(total, asked)`; `offset`/`size` for the query, `pager` macro for the links."""
    page: int
    pages: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def paginate(total: int, page: int, size: int = PAGE_SIZE) -> Pagination:
    """A page past the end shows the last one; page 1 of an empty list is page 1 of 1."""
    pages = max(1, ceil(total / size))
    return Pagination(page=min(max(1, page), pages), pages=pages, total=total, size=size)


# Pages of personal data are never cached. Framing, scripts and referrers: backend.core.security_headers.
PAGE_HEADERS = {"Cache-Control": "no-store"}


def csrf_field(token: str) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


def layout_context(request: Request, who: SignedIn | None, csrf: str | None = None) -> dict[str, Any]:
    token = who.csrf if who else (csrf or "")
    context: dict[str, Any] = {"csrf_token": token, "csrf_field": lambda: csrf_field(token), "path": request.url.path,
                               "me": None, "nav": [], "draft_scope": who.draft_scope if who else ""}
    if who:
        role = who.actor.role or ""
        context["me"] = {"name": who.staff.display_name, "role": ROLE_LABELS.get(role, role),
                         "district": _place_name(who.actor.district_code)}
        context["nav"] = [{"href": href, "label": label, "current": request.url.path == href}
                          for href, label, roles in NAV if not roles or role in roles]
    return context


def render(request: Request, name: str, who: SignedIn | None, *, status_code: int = 200,
           csrf: str | None = None, **context: Any) -> HTMLResponse:
    html = html_env().get_template(name).render(**layout_context(request, who, csrf), **context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)


def page_errors(request: Request, status: int, code: str, message: str,
                headers: dict[str, str] | None) -> Response | None:
    """Errors on workbench paths as pages (backend.core.errors calls this); None elsewhere (JSON)."""
    if not (request.url.path == PREFIX or request.url.path.startswith(f"{PREFIX}/")):
        return None
    if 300 <= status < 400 and headers and "Location" in headers:
        return RedirectResponse(headers["Location"], status_code=status)
    html = html_env().get_template("staff/error.html").render(
        **layout_context(request, None), status=status, code=code, message=message)
    return HTMLResponse(html, status_code=status, headers={**(headers or {}), **PAGE_HEADERS})
