"""The web chat channel: the page people open, and the relay from that page to Rasa's REST channel; the phone page of
each of its photo cards is in photo_pages.py, a card's words in cards.py.

The page talks only to this backend (one origin, no CORS, Rasa's port never exposed to browsers).
Conversation ids are namespaced per channel: the relay sends `web:<browser id>`, SMS conversations are
`sms:<phone>`. The browser's id may not contain ':', so it can never choose another channel's prefix.
"""

import logging
import re
import time
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, field_validator

from backend.chat import cards, photo_pages
from backend.chat.relay import relay_turn
from backend.core.errors import ErrorResponse, Unavailable
from backend.core.fields import Text
from backend.core.settings import Settings, get_settings
from backend.core.templates import html_env

log = logging.getLogger(__name__)
page_router = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/chat", tags=["聊天 chat"])
page_router.include_router(photo_pages.router)

_SENDER_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Added here, never by the browser; Rasa's REST channel takes only this prefix (bot/channels/web_relay.py).
WEB_PREFIX = "web:"


class ChatIn(BaseModel):
    sender: str = Field(description="浏览器生成并保存的会话标识", examples=["web-4f1c2a9b7d"])
    message: Text(1000, min_length=1) = Field(examples=["重庆低保标准是多少"])

    @field_validator("sender")
    @classmethod
    def _sender_shape(cls, v: str) -> str:
        if not _SENDER_RE.match(v):
            raise ValueError("sender must be 8-64 letters, digits, '-' or '_'")
        return v


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str | None = Field(default=None, description="说的话；一张卡片（上传照片、链接）也写成文字，带手机能打开的网页地址")
    buttons: list[Button] = Field(default_factory=list)
    link: str | None = None
    # A photo upload (a one-time link of this backend: an ID card, a signed 授权委托书) and what the page says when it is kept.
    upload: str | None = Field(default=None, examples=["/api/v1/liveness/id-photo/Xk3..."])
    then: str | None = Field(default=None, examples=["/certify_liveness"])


class ChatOut(BaseModel):
    messages: list[BotMessage]


@page_router.get("/", response_class=HTMLResponse)
@page_router.get("/chat", response_class=HTMLResponse)
def chat_page() -> HTMLResponse:
    return HTMLResponse(html_env().get_template("chat/chat.html").render())


@router.post(
    "/messages",
    response_model=ChatOut,
    summary="网页聊天：发送一句话，返回助手的回复",
    responses={503: {"model": ErrorResponse, "description": "对话服务暂时不可用"}},
)
async def send_message(body: ChatIn, settings: Annotated[Settings, Depends(get_settings)]) -> ChatOut:
    started = time.perf_counter()
    try:
        replies = await relay_turn(settings, f"{WEB_PREFIX}{body.sender}", body.message)
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("rasa relay failed: %s", type(exc).__name__)
        raise Unavailable(
            "助手暂时没有回应，请稍后再试。着急的话请直接拨打街道（乡镇）社会救助窗口电话。", code="assistant_unavailable"
        ) from exc
    messages = []
    for item in replies:
        buttons = [Button(title=b.get("title", ""), payload=b.get("payload", "")) for b in item.get("buttons") or []]
        custom = item.get("custom") or {}
        # Only this backend's own upload links: the page posts a photo there, never to another address.
        upload = custom.get("upload") if cards.upload_of(custom.get("upload")) else None
        then = custom.get("then") if upload and isinstance(custom.get("then"), str) else None
        link = custom.get("link") if isinstance(custom.get("link"), str) else None
        # A card comes as a message of its own, without text (Rasa's REST channel): its words, with the address of its
        # phone page, so the API and anyone reading only the text have it too (the page shows the card instead).
        text = item.get("text") or cards.readable({"upload": upload, "link": link}, settings.public_base_url)
        messages.append(BotMessage(text=text, buttons=buttons, link=link, upload=upload, then=then))
    log.info("chat turn", extra={"duration_ms": round((time.perf_counter() - started) * 1000, 1)})
    return ChatOut(messages=messages)
