"""Chatting by SMS through Twilio, safely, and answered even while Twilio's API is down.

Unlike Rasa's built-in Twilio channel, every inbound request must carry a valid `X-Twilio-Signature`
for this deployment's public URL; anything else is refused with 403, so nobody can post a message
"from" someone else's phone and read their case. The sender's phone number is the conversation's
identity, namespaced as `sms:<phone>` (web conversations are `web:<id>`, and the REST channel takes
only those, bot/channels/web_relay.py), so no other channel can address an SMS conversation.
STOP/退订 and START/订阅 are handled here and passed to the backend, which honours them for every
notice; the reply text comes from the backend's templates.

The reply to an inbound SMS is the webhook's own answer: TwiML with one `<Message>` per SMS (Twilio's
documented way), so it does not depend on Twilio's REST API being reachable. Twilio waits 15 seconds for
that answer; a turn still running after `reply_within` seconds (default 10) is answered with what it has
said so far, and what it says afterwards — like anything said to the conversation after its webhook has
answered (a reminder) — goes out through the REST API, with retries. Messages the bot starts itself
(Rasa's `trigger_intent` with `output_channel=twilio`) use the REST API as before (`get_output_channel`).

A card (a response's custom payload: a photo upload, a face link) is texted as its words and the address of its page
on the backend (`public_base_url`), worded by backend/chat/cards.py like the web chat API's; never as JSON.

Registered in bot/credentials.yml as `bot.channels.twilio_sms.TwilioSmsInput`; it serves
`/webhooks/twilio/webhook`, the conventional path.
"""

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Sequence, Set, Text, Tuple

import httpx
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from backend.chat.cards import readable
from bot import speedups
from bot.channels.sms_menus import MenuMemory

log = logging.getLogger(__name__)

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "TD", "退订", "取消订阅"}
START_WORDS = {"START", "UNSTOP", "订阅", "恢复订阅"}
TWIML_TYPE = "text/xml; charset=utf-8"
SMS_PREFIX = "sms:"
REPLY_WITHIN = 10.0  # seconds a webhook waits for its turn; Twilio gives up on a webhook after 15
REST_TIMEOUT = 10.0  # seconds for one call to Twilio's REST API
LATE_RETRY_DELAYS = (2.0, 10.0, 30.0)  # seconds between the tries of an SMS sent after the webhook answered
# Characters XML 1.0 cannot carry at all: one of them would make Twilio drop the whole answer.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def conversation_id(phone: str) -> str:
    """The conversation of a phone number: `sms:+8613800001111`."""
    return f"{SMS_PREFIX}{phone}"


def phone_of_conversation(conversation: str) -> Optional[str]:
    """The phone number an SMS conversation replies to; None for any other channel's conversation."""
    return conversation[len(SMS_PREFIX):] if conversation.startswith(SMS_PREFIX) else None


def _phone_of(sender: str) -> str:
    digits = re.sub(r"[^\d+]", "", sender)
    return digits[3:] if digits.startswith("+86") else digits.lstrip("+")


def sms_parts(text: str) -> List[str]:
    """The SMS one bot message goes out as: one per paragraph."""
    return [p for p in text.split("\n\n") if p.strip()] or [text]


def twiml(bodies: Iterable[str]) -> HTTPResponse:
    """The webhook's answer: each body a `<Message>` to the sender, sent by Twilio in this order."""
    answer = MessagingResponse()
    for body in bodies:
        answer.message(NOT_XML.sub("", body))  # the library escapes &, < and >
    return response.text(answer.to_xml(), content_type=TWIML_TYPE)


class TwilioSmsOutput(OutputChannel):
    """Replies as SMS through the REST API. Buttons become numbered choices: a basic phone cannot tap. A card (a
    response's custom payload: an upload, a link) becomes its words and the address of its page on the backend's
    public address (`base_url`), never JSON."""

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    def __init__(self, client: Client, from_number: str, menus: Optional[MenuMemory] = None, base_url: str = ""):
        self.client = client
        self.from_number = from_number
        self.menus = menus
        self.base_url = base_url

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        # The card's words after the response's own text (unless that has its address already), before its choices.
        words = readable(message.pop("custom", None), self.base_url, said=message.get("text") or "")
        if words:
            message["text"] = f"{message['text']}\n\n{words}" if message.get("text") else words
        await super().send_response(recipient_id, message)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # Rasa's default texts the JSON itself. A payload that is no card is for the web page alone: not sent.
        words = readable(json_message, self.base_url)
        if words:
            await self.send_text_message(recipient_id, words)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        to = phone_of_conversation(recipient_id)
        if to is None:
            # Only an SMS conversation is answered by SMS; anything else is a mistake, not a number.
            log.warning("refused to text a conversation that is not an SMS one")
            return
        for part in sms_parts(text):
            async with speedups.step_aside():  # other conversations go on while Twilio answers
                await asyncio.to_thread(self.client.messages.create, to=to, from_=self.from_number, body=part)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        menus = self.menus if self.menus is not None and phone_of_conversation(recipient_id) is not None else MenuMemory()
        await self.send_text_message(recipient_id, menus.numbered(recipient_id, text, buttons))


class TwilioTurnOutput(TwilioSmsOutput):
    """The replies of one inbound SMS's turn: kept for the webhook's TwiML answer until it is given; what
    is said to the conversation after that goes through the REST API in the background, in order, with
    retries."""

    def __init__(self, client: Client, from_number: str, menus: Optional[MenuMemory], *, conversation: str,
                 keep: Callable[[Awaitable[Any]], "asyncio.Task[Any]"],
                 retry_delays: Sequence[float] = LATE_RETRY_DELAYS, base_url: str = ""):
        super().__init__(client, from_number, menus, base_url)
        self.conversation = conversation
        self.retry_delays = tuple(retry_delays)
        self._keep = keep
        self._replies: List[str] = []
        self._answered = False
        self._late: List[Tuple[str, str]] = []  # (phone, body) waiting for the REST API
        self._sender: Optional["asyncio.Task[Any]"] = None

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if not self._answered and recipient_id == self.conversation:
            self._replies.extend(p for p in sms_parts(text) if p.strip())
            return
        to = phone_of_conversation(recipient_id)
        if to is None:
            log.warning("refused to text a conversation that is not an SMS one")
            return
        self._send_later(to, sms_parts(text))

    def answer(self) -> List[str]:
        """The replies for the TwiML answer; from now on this conversation's messages go by the REST API."""
        self._answered = True
        replies, self._replies = self._replies, []
        return replies

    def answer_later(self) -> None:
        """No TwiML answer will be read (Twilio hung up): what was said goes by the REST API too."""
        to = phone_of_conversation(self.conversation)
        if to is not None:
            self._send_later(to, self.answer())

    def _send_later(self, to: str, bodies: Iterable[str]) -> None:
        self._late.extend((to, body) for body in bodies if body.strip())
        if self._late and (self._sender is None or self._sender.done()):
            self._sender = self._keep(self._drain())

    async def _drain(self) -> None:
        # Not inside the turn (no speedups.step_aside): nobody waits for these sends.
        while self._late:
            to, body = self._late.pop(0)
            await self._create_with_retries(to, body)

    async def _create_with_retries(self, to: str, body: str) -> None:
        reason = ""
        for delay in (0.0, *self.retry_delays):
            if delay:
                await asyncio.sleep(delay)
            try:
                await asyncio.to_thread(self.client.messages.create, to=to, from_=self.from_number, body=body)
                return
            except TwilioRestException as exc:
                if exc.status != 429 and exc.status < 500:  # a bad or unsubscribed number: no retry
                    log.warning("Twilio refused an SMS reply: %s/%s", exc.status, exc.code)
                    return
                reason = f"twilio {exc.status}/{exc.code}"
            except (TwilioException, OSError) as exc:  # unreachable or timed out
                reason = f"twilio unreachable: {type(exc).__name__}"
        log.warning("an SMS reply was not sent after %d tries: %s", len(self.retry_delays) + 1, reason)


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
            api_base=c.get("api_base") or None, reply_within=float(c.get("reply_within") or REPLY_WITHIN),
            public_base_url=c.get("public_base_url") or "",
        )

    def __init__(self, *, account_sid: str, auth_token: str, twilio_number: str, public_url: str,
                 backend_url: str, service_token: str, api_base: Optional[str] = None,
                 reply_within: float = REPLY_WITHIN, retry_delays: Sequence[float] = LATE_RETRY_DELAYS,
                 public_base_url: str = ""):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.twilio_number = twilio_number
        self.public_url = public_url.rstrip("/")
        self.backend_url = backend_url.rstrip("/")
        self.service_token = service_token
        self.api_base = api_base
        self.reply_within = reply_within
        self.retry_delays = tuple(retry_delays)
        # The backend's public address (PUBLIC_BASE_URL): the pages a card's words point to are there.
        self.public_base_url = public_base_url.rstrip("/")
        self._client: Optional[Client] = None
        self.menus = MenuMemory.from_env()
        self._tasks: Set["asyncio.Task[Any]"] = set()  # turns and late sends no request may cancel

    def client(self) -> Client:
        if self._client is None:
            self._client = Client(self.account_sid, self.auth_token,
                                  http_client=TwilioHttpClient(timeout=REST_TIMEOUT))
            if self.api_base:
                self._client.api.base_url = self.api_base.rstrip("/")
        return self._client

    def get_output_channel(self) -> OutputChannel:
        """For messages the bot starts itself (no webhook to answer): the REST API."""
        return TwilioSmsOutput(self.client(), self.twilio_number, self.menus, self.public_base_url)

    def _turn_output(self, conversation: str) -> TwilioTurnOutput:
        return TwilioTurnOutput(self.client(), self.twilio_number, self.menus, conversation=conversation,
                                keep=self._keep, retry_delays=self.retry_delays, base_url=self.public_base_url)

    def _keep(self, awaitable: Awaitable[Any]) -> "asyncio.Task[Any]":
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

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

    async def _run(self, message: UserMessage,
                   on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 — the person still gets whatever the bot said before it failed
            log.exception("an SMS turn failed")

    async def _turn(self, out: TwilioTurnOutput, message: UserMessage,
                    on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        # The turn is a task the request does not own: Twilio hanging up must not cut it short.
        turn = self._keep(self._run(message, on_new_message))
        try:
            await asyncio.wait({turn}, timeout=self.reply_within)
        except asyncio.CancelledError:
            out.answer_later()
            raise
        if not turn.done():
            log.info("an SMS turn is slow: answering with what it said so far, the rest goes by the REST API")
        return twiml(out.answer())

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
                return twiml([])
            conversation = conversation_id(sender)
            out = self._turn_output(conversation)
            word = text.upper()
            if word in STOP_WORDS or word in START_WORDS:
                reply = await self._subscription(_phone_of(sender), "stop" if word in STOP_WORDS else "start")
                if reply:
                    await out.send_text_message(conversation, reply)
                return twiml(out.answer())
            # "1" answers the last numbered menu this conversation was sent.
            text = self.menus.resolve(conversation, text)
            user_message = UserMessage(text, out, conversation, input_channel=self.name(),
                                       metadata={"channel": "sms"})
            return await self._turn(out, user_message, on_new_message)

        return bp
