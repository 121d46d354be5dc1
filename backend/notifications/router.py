"""Twilio's delivery-status callbacks, and opting in and out of notices (used by the SMS channel)."""

from typing import Annotated, Literal

from fastapi.concurrency import run_in_threadpool
from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from backend.auth.actor import ActorDep
from backend.core.db import SessionDep
from backend.core.errors import ErrorResponse, Forbidden
from backend.core.fields import PhoneText
from backend.core.settings import get_settings
from backend.core.templates import render_text
from backend.notifications import service
from backend.core.phones import checked_phone

router = APIRouter(prefix="/sms", tags=["短信 sms"])

# Twilio status → ours. Callbacks may arrive out of order: never move back from a final state.
STATUS_MAP = {"queued": "sent", "accepted": "sent", "sending": "sent", "sent": "sent", "delivered": "delivered",
              "undelivered": "undelivered", "failed": "failed"}
FINAL = {"delivered", "undelivered", "failed"}


def valid_twilio_signature(url: str, params: dict[str, str], signature: str | None) -> bool:
    settings = get_settings()
    if not signature or not settings.twilio_auth_token:
        return False
    return RequestValidator(settings.twilio_auth_token).validate(url, params, signature)


@router.post("/status", status_code=204, summary="Twilio 短信状态回调（校验 X-Twilio-Signature）",
             responses={403: {"model": ErrorResponse, "description": "签名不对：伪造的回调"}})
async def status_callback(
    request: Request, session: SessionDep,
    x_twilio_signature: Annotated[str | None, Header()] = None,
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    url = f"{get_settings().public_base_url}{request.url.path}"
    if request.url.query:
        url += f"?{request.url.query}"
    if not valid_twilio_signature(url, form, x_twilio_signature):
        raise Forbidden("签名校验失败。", code="bad_signature")
    # The form is read on the event loop; the database work goes to the thread pool, where waiting for
    # SQLite's lock stalls nobody else.
    await run_in_threadpool(_apply_status, session, form)
    return Response(status_code=204)


def _apply_status(session: Session, form: dict[str, str]) -> None:
    notice = service.by_provider_sid(session, form.get("MessageSid"))
    new = STATUS_MAP.get(form.get("MessageStatus", ""))
    if notice is not None and new and notice.status not in FINAL:
        notice.status = new
        if new in ("undelivered", "failed"):
            notice.last_error = f"twilio {form.get('ErrorCode') or new}"


class OptIn(BaseModel):
    phone: PhoneText = Field(examples=["13812345678"])
    action: Literal["stop", "start"] = Field(examples=["stop"])


class OptOut(BaseModel):
    changed: bool
    reply: str = Field(description="回复给发信人的短信", examples=["【救助】已为您退订通知短信。验证码和重要提醒仍会发送。回复“订阅”可恢复。"])


@router.post("/subscription", response_model=OptOut, summary="退订/恢复通知短信（短信渠道调用）",
             responses={403: {"model": ErrorResponse}})
def subscription(body: OptIn, session: SessionDep, actor: ActorDep) -> OptOut:
    if actor.kind != "service":
        raise Forbidden("只有短信渠道可以调用。", code="service_only")
    phone = checked_phone(body.phone)
    if body.action == "stop":
        changed = service.opt_out(session, phone)
        reply = render_text("sms/opted_out.txt.j2")
    else:
        changed = service.opt_in(session, phone)
        reply = render_text("sms/opted_in.txt.j2")
    return OptOut(changed=changed, reply=reply)
