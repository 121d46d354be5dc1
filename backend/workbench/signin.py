"""Who is signed in to the workbench, and the CSRF check every form post goes through.

- `staff_page_actor` (`PageActorDep`): the Actor of the signed-in staff member — the very object the
  JSON API builds from a Bearer token (backend.auth.actor.staff_actor), channel "web". Not signed in
  (no cookie, signed out, idle 30 minutes, past the session's lifetime, account disabled): a redirect
  to /staff/login?next=<this page>.
- `signed_in` (`SignedInDep`): the same plus the staff row and the session's CSRF token, for pages that
  show who is signed in (every page that extends staff/base.html). An account that must have a second
  factor and has none is sent to 账号安全 (/staff/account) from every page.
- `csrf_guard`: a dependency of the whole /staff router. Every request other than GET/HEAD/OPTIONS must
  carry the session's token, as the form field `csrf_token` (`{{ csrf_field() }}` in a template) or the
  header `X-CSRF-Token` (scripts). The sign-in form and its later steps (/staff/login/…), before any
  session, use a pre-session cookie.
  Missing or wrong: 403 with a Chinese page.
"""

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from backend.auth import totp, web_sessions
from backend.auth.actor import Actor, staff_actor
from backend.core.db import SessionDep
from backend.core.errors import AppError, Forbidden
from backend.core.settings import get_settings
from backend.staff.models import StaffUser

PREFIX = "/staff"
LOGIN_PATH = f"{PREFIX}/login"
ACCOUNT_PATH = f"{PREFIX}/account"  # 账号安全: the second factor (backend/workbench/signin_steps.py)
PRE_COOKIE = "jiuzhu_staff_pre"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CHANNEL = "web"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class SignInRequired(AppError):
    """Not signed in: the page answers with a redirect to the sign-in page (303)."""

    status_code = 303
    code = "sign_in_required"
    message = "请先登录。"

    def __init__(self, next_path: str):
        super().__init__()
        self.headers = {"Location": f"{LOGIN_PATH}?next={quote(next_path, safe='/')}"}


class EnrolFirst(AppError):
    """An account that must have a second factor and has none: only 账号安全 is open (303 there)."""

    status_code = 303
    code = "totp_enrolment_required"
    message = "请先设置动态码。"

    def __init__(self) -> None:
        super().__init__()
        self.headers = {"Location": ACCOUNT_PATH}


class CsrfRefused(Forbidden):
    code = "csrf_refused"
    message = "页面已过期或来源不明，这次提交没有办理。请返回上一页，刷新后再提交一次。"


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    staff: StaffUser
    csrf: str  # this session's form token
    draft_scope: str  # what this account's drafts in the browser are kept under (web_sessions.draft_scope)


def cookie_flags() -> dict:
    """HttpOnly, SameSite=Strict, and Secure everywhere but local development (plain http://127.0.0.1)."""
    return {"httponly": True, "samesite": "strict", "secure": get_settings().environment != "development",
            "path": PREFIX}


def safe_next(next_path: str | None) -> str:
    """Where to go after signing in: a workbench path only, never another site (//evil, https://…)."""
    if next_path and next_path.startswith(f"{PREFIX}/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return f"{PREFIX}/"


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def signed_in(request: Request, session: SessionDep) -> SignedIn:
    token = request.cookies.get(web_sessions.COOKIE_NAME)
    staff = web_sessions.staff_for(session, token)
    if staff is None or token is None:
        raise SignInRequired(_here(request) if request.method in SAFE_METHODS else f"{PREFIX}/")
    if totp.required(staff) and not totp.enabled(staff) and not request.url.path.startswith(ACCOUNT_PATH):
        raise EnrolFirst()  # a session from before the second factor was required: nothing but enrolling
    return SignedIn(actor=staff_actor(staff, CHANNEL), staff=staff, csrf=web_sessions.csrf_token(token),
                    draft_scope=web_sessions.draft_scope(staff.id))


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


def staff_page_actor(who: SignedInDep) -> Actor:
    return who.actor


PageActorDep = Annotated[Actor, Depends(staff_page_actor)]


def pre_session_token(request: Request) -> tuple[str, bool]:
    """The sign-in form's own CSRF basis (there is no session yet): (token, newly made)."""
    token = request.cookies.get(PRE_COOKIE)
    if token and 20 <= len(token) <= 100:
        return token, False
    return secrets.token_urlsafe(24), True


async def csrf_guard(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    path = request.url.path
    # The sign-in form and its later steps (second factor, enrolment) come before any session.
    cookie = PRE_COOKIE if path == LOGIN_PATH or path.startswith(f"{LOGIN_PATH}/") else web_sessions.COOKIE_NAME
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not web_sessions.csrf_ok(request.cookies.get(cookie), submitted):
        raise CsrfRefused()
