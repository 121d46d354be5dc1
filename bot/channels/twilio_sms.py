"""Chatting by SMS through Twilio, safely.

Unlike Rasa's built-in Twilio channel, every inbound request must carry a valid `X-Twilio-Signature`
for this deployment's public URL; anything else is refused with 403, so nobody can post a message
"from" someone else's phone and read their case. The sender's phone number is the conversation's
identity, namespaced as `sms:<phone>` (web conversations are `web:<id>`, and the REST channel takes
only those, bot/channels/web_relay.py), so no other channel can address an SMS conversation.
STOP/退订 and START/订阅 are handled here and passed to the backend, which honours them for every
notice; the reply text comes from the backend's templates.

Registered in bot/credentials.yml as `bot.channels.twilio_sms.TwilioSmsInput`; it serves
`/webhooks/twilio/webhook`, the conventional path.
"""

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import httpx
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from bot import speedups
from bot.channels.sms_menus import MenuMemory

log = logging.getLogger(__name__)

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "TD", "退订", "取消订阅"}
START_WORDS = {"START", "UNSTOP", "订阅", "恢复订阅"}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SMS_PREFIX = "sms:"


def conversation_id(phone: str) -> str:
    """The conversation of a phone number: `sms:+8613800001111`."""
    return f"{SMS_PREFIX}{phone}"


def phone_of_conversation(conversation: str) -> Optional[str]:
    """The phone number an SMS conversation replies to; None for any other channel's conversation."""
    return conversation[len(SMS_PREFIX):] if conversation.startswith(SMS_PREFIX) else None


def _phone_of(sender: str) -> str:
    digits = re.sub(r"[^\d+]", "", sender)
    return digits[3:] if digits.startswith("+86") else digits.lstrip("+")


class TwilioSmsOutput(OutputChannel):
    """Replies as SMS. Buttons become numbered choices, since a basic phone cannot tap."""

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    def __init__(self, client: Client, from_number: str, menus: Optional[MenuMemory] = None):
        self.client = client
        self.from_number = from_number
        self.menus = menus

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        to = phone_of_conversation(recipient_id)
        if to is None:
            # Only an SMS conversation is answered by SMS; anything else is a mistake, not a number.
            log.warning("refused to text a conversation that is not an SMS one")
            return
        for part in [p for p in text.split("\n\n") if p.strip()] or [text]:
            async with speedups.step_aside():  # other conversations go on while Twilio answers
                await asyncio.to_thread(self.client.messages.create, to=to, from_=self.from_number, body=part)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        menus = self.menus if self.menus is not None and phone_of_conversation(recipient_id) is not None else MenuMemory()
        await self.send_text_message(recipient_id, menus.numbered(recipient_id, text, buttons))


class TwilioSmsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TwilioSmsInput":
        c = credentials or {}
        return cls(
            account_sid=c.get("account_sid") or "", auth_token=c.get("auth_token") or "",
            twilio_number=c.get("twilio_number") or "", public_url=c.get("public_url") or "",
            backend_url=c.get("backend_url") or "http://127.0.0.1:8000", service_token=c.get("service_token") or "",
            api_base=c.get("api_base") or None,
        )

    def __init__(self, *, account_sid: str, auth_token: str, twilio_number: str, public_url: str,
                 backend_url: str, service_token: str, api_base: Optional[str] = None):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.twilio_number = twilio_number
        self.public_url = public_url.rstrip("/")
        self.backend_url = backend_url.rstrip("/")
        self.service_token = service_token
        self.api_base = api_base
        self._client: Optional[Client] = None
        self.menus = MenuMemory.from_env()

    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.account_sid, self.auth_token)
            if self.api_base:
                self._client.api.base_url = self.api_base.rstrip("/")
        return self._client

    def get_output_channel(self) -> OutputChannel:
        return TwilioSmsOutput(self.client(), self.twilio_number, self.menus)

    def _signed(self, request: Request, params: Dict[str, str]) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if not (signature and self.auth_token and self.public_url):
            return False
        url = f"{self.public_url}{request.path}"
        if request.query_string:
            url += f"?{request.query_string}"
        return RequestValidator(self.auth_token).validate(url, params, signature)

    async def _subscription(self, phone: str, action: str) -> Optional[str]:
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                resp = await http.post(f"{self.backend_url}/api/v1/sms/subscription", json={"phone": phone, "action": action},
                                       headers={"Authorization": f"Bearer {self.service_token}"})
                resp.raise_for_status()
                return resp.json()["reply"]
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            log.warning("opt-out call failed: %s", type(exc).__name__)
            return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("twilio_sms_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            params = {k: v[0] if isinstance(v, list) else v for k, v in (request.form or {}).items()}
            if not self._signed(request, params):
                log.warning("refused an SMS webhook without a valid Twilio signature")
                return response.text("forbidden", status=403)
            sender, text = params.get("From") or "", (params.get("Body") or "").strip()
            if not sender or not text:
                return response.text(EMPTY_TWIML, content_type="text/xml")
            out = self.get_output_channel()
            word = text.upper()
            conversation = conversation_id(sender)
            if word in STOP_WORDS or word in START_WORDS:
                reply = await self._subscription(_phone_of(sender), "stop" if word in STOP_WORDS else "start")
                if reply:
                    await out.send_text_message(conversation, reply)
                return response.text(EMPTY_TWIML, content_type="text/xml")
            # "1" answers the last numbered menu this conversation was sent.
            text = self.menus.resolve(conversation, text)
            await on_new_message(UserMessage(text, out, conversation, input_channel=self.name(),
                                             metadata={"channel": "sms"}))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return bp
