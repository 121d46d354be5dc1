"""The workbench's sign-in after the password: the second factor's code, the enrolment an administrator must
do first, the notice to the owner, and 账号安全 (/staff/account), where anyone sets up a second factor.

Between the right password and the end of the sign-in there is no session: a signed "step" cookie (STEP_MINUTES,
bound to this browser's sign-in form cookie) says who typed the password and which step is left. Only these
pages accept it, so an administrator who must enrol can do nothing else until she has. The rules (what is
counted, what the owner is told) are backend/auth/staff_login.py's, shared with the JSON API.
"""

import hashlib
import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backend.auth import staff_login as sign_in, throttle, totp, web_sessions
from backend.auth.security import issue_token, read_token
from backend.auth.throttle import Client, ClientDep, TooManyRequests
from backend.core.db import SessionDep
from backend.core.fields import ShortText
from backend.staff.models import StaffUser
from backend.workbench.pages import render
from backend.workbench.signin import (
    ACCOUNT_PATH, CHANNEL, LOGIN_PATH, PRE_COOKIE, PREFIX, SignedInDep, SignInRequired, cookie_flags, pre_session_token, safe_next,
)

STEP_COOKIE = "jiuzhu_staff_step"
STEP_MINUTES = 10
STEP_PATHS = {"totp": f"{LOGIN_PATH}/code", "enrol": f"{LOGIN_PATH}/enrol"}

# Included into backend.workbench.router.router: prefix /staff and its csrf_guard (the sign-in steps, like
# /staff/login, are checked against the sign-in form's cookie).
router = APIRouter()

CodeField = Annotated[ShortText(16), Form()]
NextField = Annotated[ShortText(500), Form()]


def _binding(request: Request) -> str:
    return hashlib.sha256((request.cookies.get(PRE_COOKIE) or "").encode()).hexdigest()[:32]


def begin(request: Request, staff: StaffUser, step: str, next_path: str) -> Response:
    """The password was right and `step` is left: to its page, with the step cookie."""
    token, _ = issue_token({"sub": str(staff.id), "kind": "staff_step", "step": step, "bind": _binding(request)},
                           STEP_MINUTES)
    response = RedirectResponse(f"{STEP_PATHS[step]}?next={quote(safe_next(next_path), safe='/')}", status_code=303)
    response.set_cookie(STEP_COOKIE, token, max_age=STEP_MINUTES * 60, **cookie_flags())
    return response


def _pending(request: Request, session: SessionDep, step: str) -> StaffUser:
    claims = read_token(request.cookies.get(STEP_COOKIE) or "")
    if (not claims or claims.get("kind") != "staff_step" or claims.get("step") != step
            or not hmac.compare_digest(str(claims.get("bind", "")), _binding(request))):
        raise SignInRequired(f"{PREFIX}/")
    staff = session.get(StaffUser, int(claims["sub"]))
    if staff is None or not staff.active or sign_in.next_step(staff) != step:
        raise SignInRequired(f"{PREFIX}/")
    return staff


def complete(request: Request, session: SessionDep, staff: StaffUser, client: Client, next_path: str) -> Response:
    """Every step done: open the session; show the owner's notice first when there is one."""
    notice = sign_in.signed_in(session, staff, client, channel=CHANNEL, detail={"via": "workbench"})
    web_sessions.revoke(session, request.cookies.get(web_sessions.COOKIE_NAME))  # one browser, one session
    token = web_sessions.open_session(session, staff)
    target = safe_next(next_path)
    if notice:
        response: Response = render(request, "staff/signin_notice.html", None, notice=notice, next=target)
    else:
        response = RedirectResponse(target, status_code=303)
    response.set_cookie(web_sessions.COOKIE_NAME, token, **cookie_flags())  # a session cookie: gone with the browser
    response.delete_cookie(PRE_COOKIE, path=PREFIX)
    if STEP_COOKIE in request.cookies:
        response.delete_cookie(STEP_COOKIE, path=PREFIX)
    return response


def _step_page(request: Request, name: str, *, status_code: int = 200, **context: object) -> HTMLResponse:
    token, _ = pre_session_token(request)  # exists: the step cookie is bound to it
    context.setdefault("error", None)
    context.setdefault("next", None)
    return render(request, name, None, status_code=status_code, csrf=web_sessions.csrf_token(token), **context)


@router.get("/login/code", response_class=HTMLResponse)
def code_form(request: Request, session: SessionDep,
              next: Annotated[ShortText(500) | None, Query()] = None) -> HTMLResponse:  # noqa: A002
    staff = _pending(request, session, "totp")
    return _step_page(request, "staff/signin_code.html", next=safe_next(next), username=staff.username)


@router.post("/login/code", response_class=HTMLResponse)
def code_submit(request: Request, session: SessionDep, client: ClientDep, code: CodeField,
                next: NextField = f"{PREFIX}/") -> Response:  # noqa: A002
    staff = _pending(request, session, "totp")
    try:
        throttle.staff_login(client, staff.username)
        sign_in.check_code(session, staff, code, client, channel=CHANNEL)
    except (sign_in.WrongCode, TooManyRequests) as exc:
        # Answered as a page, so the handler returns and the counted attempt is committed as on the API.
        return _step_page(request, "staff/signin_code.html", status_code=exc.status_code, error=exc.message,
                          next=safe_next(next), username=staff.username)
    return complete(request, session, staff, client, next)


def _enrol_context(session: SessionDep, staff: StaffUser, action: str) -> dict:
    return {"enrolment": totp.begin(session, staff), "action": action, "username": staff.username}


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_form(request: Request, session: SessionDep,
               next: Annotated[ShortText(500) | None, Query()] = None) -> HTMLResponse:  # noqa: A002
    staff = _pending(request, session, "enrol")
    return _step_page(request, "staff/signin_enrol.html", next=safe_next(next),
                      **_enrol_context(session, staff, STEP_PATHS["enrol"]))


@router.post("/login/enrol", response_class=HTMLResponse)
def enrol_submit(request: Request, session: SessionDep, client: ClientDep, code: CodeField,
                 next: NextField = f"{PREFIX}/") -> Response:  # noqa: A002
    staff = _pending(request, session, "enrol")
    if not totp.confirm(session, staff, code, channel=CHANNEL):
        return _step_page(request, "staff/signin_enrol.html", status_code=400, error=totp.NOT_CONFIRMED,
                          next=safe_next(next), **_enrol_context(session, staff, STEP_PATHS["enrol"]))
    return complete(request, session, staff, client, next)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, who: SignedInDep,
            done: Annotated[int, Query(ge=0, le=1)] = 0) -> HTMLResponse:
    context = {} if totp.enabled(who.staff) else _enrol_context(session, who.staff, f"{ACCOUNT_PATH}/totp")
    return render(request, "staff/account.html", who, staff=who.staff, required=totp.required(who.staff),
                  done=bool(done), error=None, next=None, **context)


@router.post("/account/totp", response_class=HTMLResponse)
def account_enrol(request: Request, session: SessionDep, who: SignedInDep, code: CodeField) -> Response:
    if not totp.confirm(session, who.staff, code, channel=CHANNEL):
        return render(request, "staff/account.html", who, status_code=400, staff=who.staff, error=totp.NOT_CONFIRMED,
                      required=totp.required(who.staff), done=False, next=None,
                      **_enrol_context(session, who.staff, f"{ACCOUNT_PATH}/totp"))
    return RedirectResponse(f"{ACCOUNT_PATH}?done=1", status_code=303)
