"""Workbench pages under /staff/: sign-in (its later steps: signin_steps.py), sign-out, the work queue.

Every route of `router` passes `csrf_guard` (a router dependency), so a form post without this
session's token is refused before the handler runs — for pages added later too.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from backend.audit.service import record as audit
from backend.auth import staff_login as sign_in, throttle, web_sessions
from backend.auth.throttle import ClientDep, TooManyRequests
from backend.core import clock
from backend.core.db import SessionDep
from backend.core.fields import ShortText
from backend.workbench import signin_steps, work_queue as work_queue_page
from backend.workbench.pages import render
from backend.workbench.work_queue import QueueFilters
from backend.workbench.signin import (
    CHANNEL, LOGIN_PATH, PRE_COOKIE, PREFIX, SignedInDep, cookie_flags, csrf_guard, pre_session_token, safe_next,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False, dependencies=[Depends(csrf_guard)])


def _login_page(request: Request, *, next_path: str, status_code: int = 200, error: str | None = None,
                notice: str | None = None, username: str = "", signed_out: bool = False) -> HTMLResponse:
    token, new = pre_session_token(request)
    response = render(request, "staff/login.html", None, status_code=status_code, csrf=web_sessions.csrf_token(token),
                      next=safe_next(next_path), error=error, notice=notice, username=username, signed_out=signed_out)
    if new:
        response.set_cookie(PRE_COOKIE, token, max_age=3600, **cookie_flags())
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[ShortText(500) | None, Query()] = None,  # noqa: A002
               bye: Annotated[int, Query(ge=0, le=1)] = 0) -> HTMLResponse:
    return _login_page(request, next_path=next or f"{PREFIX}/", notice="您已安全退出。" if bye else None, signed_out=bool(bye))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    client: ClientDep,
    username: Annotated[ShortText(64), Form()],
    password: Annotated[ShortText(256), Form()],
    next: Annotated[ShortText(500), Form()] = f"{PREFIX}/",  # noqa: A002
) -> Response:
    """The same sign-in as POST /api/v1/auth/staff/login: its throttle, its counts, its audit; then the second
    factor or its enrolment when the account has or needs one (backend/workbench/signin_steps.py)."""
    try:
        throttle.staff_login(client, username)
        staff = sign_in.check_password(session, username, password, client, channel=CHANNEL)
    except (sign_in.BadCredentials, TooManyRequests) as exc:
        # Answered as a page, so the handler returns and the counted attempt is committed as on the API.
        return _login_page(request, next_path=next, status_code=exc.status_code, error=exc.message, username=username)
    step = sign_in.next_step(staff)
    if step:
        return signin_steps.begin(request, staff, step, next)
    return signin_steps.complete(request, session, staff, client, next)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    staff_id = web_sessions.revoke(session, request.cookies.get(web_sessions.COOKIE_NAME))
    if staff_id is not None:
        audit(session, actor=f"staff:{staff_id}", channel=CHANNEL, action="staff.logout", entity_type="staff",
              entity_id=staff_id, detail={})
    response = RedirectResponse(f"{LOGIN_PATH}?bye=1", status_code=303)
    flags = cookie_flags()
    response.delete_cookie(web_sessions.COOKIE_NAME, path=flags["path"], secure=flags["secure"], httponly=True,
                           samesite="strict")
    return response


@router.get("/", response_class=HTMLResponse)
def work_queue(
    request: Request,
    session: SessionDep,
    who: SignedInDep,
    step: Annotated[ShortText(24) | None, Query()] = None,
    type: Annotated[ShortText(32) | None, Query()] = None,  # noqa: A002
    street: Annotated[ShortText(12) | None, Query()] = None,
    overdue: Annotated[bool, Query()] = False,
    q: Annotated[ShortText(64) | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """待我办理: the cases at a step my role acts on, in my district, most urgent first."""
    filters = QueueFilters(step=step or None, type_key=type or None, street=street or None, overdue=overdue,
                           q=(q or "").strip() or None, page=page)
    context = work_queue_page.build(session, who.actor, filters, today=clock.today())
    return render(request, "staff/queue.html", who, **context)


router.include_router(signin_steps.router)
