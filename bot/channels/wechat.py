"""Chatting through a WeChat Official Account (公众号), safely and within WeChat's 5 seconds.

Every request must be WeChat's: the signature over the account's Token is checked in constant time, a timestamp
more than 5 minutes away is a replay, and anything else — or any request while WECHAT_TOKEN is unset — is
refused with 403 (bot/channels/wechat_crypto.py). The mode follows the configuration, never the request:
- without an AES key, plaintext mode (明文模式): `signature` covers only timestamp and nonce, not the body;
- with WECHAT_AES_KEY, safe mode (安全模式, the default): only `encrypt_type=aes` requests whose `msg_signature`
  covers the `Encrypt` element; the outer body holds nothing else but ToUserName, equal to the encrypted one;
- with WECHAT_AES_KEY and `mode: compat` (WECHAT_MODE=compat, 兼容模式): the same, and the plaintext copy WeChat
  adds to the body must equal the encrypted message field by field.
A signed query is taken once, keyed on exactly what its signature covers (wechat_once.py).
The OpenID is the conversation's identity, namespaced as `wechat:<openid>` (web conversations are `web:…`,
and Rasa's REST channel takes only those), and is masked in every log line.

WeChat waits 5 seconds for an answer, then retries the message (three times). So each message is taken
once (bot/channels/wechat_once.py), and the bot's turn runs as a task the request does not own: when it is
done within `reply_within` seconds its messages are the passive reply; otherwise the request answers
`success` at once and the messages go out when the turn ends, through the backend's
`POST /api/v1/wechat/send` (客服消息; the backend owns every call to WeChat's API). Never both. Buttons
become numbered choices, mapped back like SMS ones (bot/channels/sms_menus.py). A card (a photo upload, a face
link) becomes its words and the address of its page on the backend (`public_base_url`, backend/chat/cards.py).

Menu clicks, subscribe/unsubscribe, unbinding and the channel's own replies are data:
bot/channels/wechat_menu.yaml. Registered in bot/credentials.yml as `bot.channels.wechat.WeChatInput`; it
serves `/webhooks/wechat/webhook`.
"""

import asyncio
import logging
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, NamedTuple, Optional, Set, Text, Tuple

import httpx
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from backend.chat.cards import readable
from bot.channels.sms_menus import MenuMemory
from bot.channels.wechat_crypto import SafeMode, WeChatSecurityError, parse_xml, signature, signature_ok, to_xml
from bot.channels.wechat_once import MessageOnce

log = logging.getLogger(__name__)

WECHAT_PREFIX = "wechat:"
DATA_FILE = Path(__file__).with_name("wechat_menu.yaml")
MAX_BODY = 64 * 1024
MAX_CLOCK_SKEW = 300
PASSIVE_LIMIT = 2048  # bytes of a passive reply's Content, WeChat's limit
REST_DELAY = 1.0  # seconds: the passive reply goes first, what did not fit follows as 客服消息
BACKEND_TIMEOUT = 5.0
OPENID = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
NOT_TEXT = {"image", "location", "link", "video", "shortvideo", "file"}
SUCCESS = "success"
UNBIND = "unbind"  # a menu key's value that unbinds (bot/channels/wechat_menu.yaml)
PLAINTEXT, SAFE, COMPAT = "plaintext", "safe", "compat"
ENVELOPE = {"ToUserName", "Encrypt"}  # a safe-mode body's elements


class SignedMessage(NamedTuple):
    fields: Dict[str, str]
    encrypted: bool
    query: str  # the values the signature covers, and nothing else: the query's once-only key


def channel_mode(mode: Optional[str], aes_key: str) -> str:
    """The configured mode; a mode that does not fit the AES key stops the start-up."""
    mode = (mode or "").strip().lower()
    if not aes_key:
        if mode not in ("", PLAINTEXT):
            raise ValueError(f"WECHAT_MODE={mode} needs WECHAT_AES_KEY")
        return PLAINTEXT
    if mode not in ("", SAFE, COMPAT):
        raise ValueError("with WECHAT_AES_KEY, WECHAT_MODE is safe (the default) or compat (兼容模式)")
    return mode or SAFE


def conversation_id(openid: str) -> str:
    return f"{WECHAT_PREFIX}{openid}"


def openid_of_conversation(conversation: str) -> Optional[str]:
    return conversation[len(WECHAT_PREFIX):] if conversation.startswith(WECHAT_PREFIX) else None


def mask(openid: str) -> str:
    """An OpenID as logs show it: enough to tell two apart in one incident, not enough to address anyone."""
    return f"{openid[:3]}…{openid[-2:]}" if len(openid) > 8 else "…"


class WeChatOutput(CollectingOutputChannel):
    """Collects a turn's messages; the channel sends them as the passive reply or through the backend."""

    @classmethod
    def name(cls) -> Text:
        return "wechat"


def split_passive(texts: List[str], limit: int = PASSIVE_LIMIT) -> Tuple[str, List[str]]:
    """The passive reply (whole messages joined by a blank line, under `limit` bytes) and what follows."""
    passive = ""
    for i, text in enumerate(texts):
        candidate = f"{passive}\n\n{text}" if passive else text
        if len(candidate.encode()) < limit:
            passive = candidate
            continue
        if passive:
            return passive, texts[i:]
        head = _head(text, limit)
        return head, [text[len(head):].lstrip("\n"), *texts[i + 1:]]
    return passive, []


def _head(text: str, limit: int) -> str:
    """The longest start of `text` under `limit` bytes, ending at a line break when one is not far back."""
    size, end = 0, 0
    for end, char in enumerate(text):
        size += len(char.encode())
        if size >= limit:
            break
    head = text[:end]
    cut = head.rfind("\n")
    return head[:cut] if cut > len(head) // 2 else head


class WeChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        c = credentials or {}
        return cls(token=c.get("token") or "", app_id=c.get("app_id") or "", aes_key=c.get("aes_key") or "",
                   mode=c.get("mode") or os.environ.get("WECHAT_MODE") or "",
                   backend_url=c.get("backend_url") or "http://127.0.0.1:8000", service_token=c.get("service_token") or "",
                   reply_within=float(c.get("reply_within") or 4.0), public_base_url=c.get("public_base_url") or "")

    def __init__(self, *, token: str, app_id: str = "", aes_key: str = "", mode: str = "",
                 backend_url: str = "http://127.0.0.1:8000",
                 service_token: str = "", reply_within: float = 4.0, menus: Optional[MenuMemory] = None,
                 once: Optional[MessageOnce] = None, clock: Callable[[], float] = time.time, public_base_url: str = ""):
        self.token = token
        self.app_id = app_id
        # A malformed EncodingAESKey stops the start-up rather than refusing every message later.
        self.safe = SafeMode(aes_key, app_id) if aes_key else None
        self.mode = channel_mode(mode, aes_key)
        self.backend_url = backend_url.rstrip("/")
        self.service_token = service_token
        # The backend's public address (PUBLIC_BASE_URL): the pages a card's words point to are there.
        self.public_base_url = public_base_url.rstrip("/")
        self.reply_within = reply_within
        self.menus = menus or MenuMemory.from_env()
        self.once = once or MessageOnce.from_env()
        self.clock = clock
        data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
        self.keys: Dict[str, str] = data["keys"]
        self.unbind_words: Set[str] = set(data["unbind_words"])
        self.replies: Dict[str, str] = data["replies"]
        self._tasks: Set["asyncio.Task[Any]"] = set()  # turns and sends no request may cancel

    def get_output_channel(self) -> OutputChannel:
        return WeChatOutput()

    # --- who is asking -----------------------------------------------------------------------------

    def _fresh(self, timestamp: str) -> bool:
        return timestamp.isdigit() and abs(self.clock() - int(timestamp)) <= MAX_CLOCK_SKEW

    def _signed(self, request: Request) -> SignedMessage:
        """The message WeChat signed; WeChatSecurityError when the request is not WeChat's or not in our mode."""
        args = request.args
        timestamp, nonce = args.get("timestamp") or "", args.get("nonce") or ""
        if not self.token:
            raise WeChatSecurityError("no WECHAT_TOKEN configured")
        if not self._fresh(timestamp):
            raise WeChatSecurityError("no timestamp within 5 minutes")
        if self.safe is None:
            if args.get("encrypt_type") == "aes":
                raise WeChatSecurityError("an encrypted message, but no WECHAT_AES_KEY is configured")
            if not signature_ok(args.get("signature"), self.token, timestamp, nonce):
                raise WeChatSecurityError("no valid signature")
            # The signature covers timestamp and nonce only: the body is read after the check, unsigned.
            query = f"{PLAINTEXT}|{timestamp}|{nonce}|{signature(self.token, timestamp, nonce)}"
            return SignedMessage(parse_xml(request.body), False, query)
        if args.get("encrypt_type") != "aes" or not args.get("msg_signature"):
            raise WeChatSecurityError(f"no encrypt_type=aes and msg_signature in {self.mode} mode")
        outer = parse_xml(request.body)  # only to find `Encrypt`, which the signature covers
        encrypted = outer.pop("Encrypt", "")
        if not (encrypted and signature_ok(args.get("msg_signature"), self.token, timestamp, nonce, encrypted)):
            raise WeChatSecurityError("no valid msg_signature")
        fields = parse_xml(self.safe.decrypt(encrypted))
        if self.mode == SAFE and not set(outer) <= ENVELOPE:
            raise WeChatSecurityError("plaintext fields in safe mode (兼容模式 needs mode: compat)")
        differing = [name for name, value in outer.items() if fields.get(name) != value]
        if differing:
            raise WeChatSecurityError(f"{len(differing)} plaintext field(s) differ from the encrypted message")
        query = f"{self.mode}|{timestamp}|{nonce}|{signature(self.token, timestamp, nonce, encrypted)}"
        return SignedMessage(fields, True, query)

    def _first_time(self, signed: SignedMessage, openid: str) -> bool:
        # A signed query is good for 5 minutes, and in plaintext mode it does not cover the body: one use only.
        # Its key is what the signature covers, so no unsigned parameter (nor the signature's case) makes it new.
        if not self.once.first_time(f"query|{signed.query}"):
            return False
        fields = signed.fields
        key = fields.get("MsgId") or f"{openid}|{fields.get('CreateTime', '')}|{fields.get('Event', '')}"
        return self.once.first_time(f"message|{key}")

    # --- the backend ---------------------------------------------------------------------------------

    async def _backend(self, path: str, payload: Dict[str, Any],
                       timeout: float = BACKEND_TIMEOUT) -> Optional[Dict[str, Any]]:
        try:
            async with httpx.AsyncClient(timeout=timeout) as http:
                resp = await http.post(f"{self.backend_url}/api/v1/wechat/{path}", json=payload,
                                       headers={"Authorization": f"Bearer {self.service_token}"})
                resp.raise_for_status()
                return resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("WeChat %s call for %s failed: %s", path, mask(payload.get("openid", "")), type(exc).__name__)
            return None

    async def _send(self, openid: str, texts: List[str], delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        answer = await self._backend("send", {"openid": openid, "texts": texts})
        if answer is not None:
            log.info("sent %s WeChat message(s) to %s", answer.get("sent"), mask(openid))

    async def _unbind(self, openid: str) -> str:
        # Answered in the request: within WeChat's 5 seconds, like a turn.
        answer = await self._backend("unbind", {"openid": openid}, timeout=self.reply_within)
        return (answer or {}).get("reply") or self.replies["backend_down"]

    # --- a message ---------------------------------------------------------------------------------

    def _keep(self, awaitable: Awaitable[Any]) -> "asyncio.Task[Any]":
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _answer(self, fields: Dict[str, str], openid: str,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Optional[str]:
        """The passive reply's text, or None for `success`."""
        kind = fields.get("MsgType", "").lower()
        if kind == "event":
            event = fields.get("Event", "").lower()
            if event in ("subscribe", "unsubscribe"):
                answer = await self._backend("subscription", {"openid": openid, "action": event}, timeout=self.reply_within)
                return (answer or {}).get("reply") if event == "subscribe" else None
            said = self.keys.get(fields.get("EventKey", "")) if event == "click" else None
            if said is None:
                return None  # VIEW opens a page; other events need no answer
            if said == UNBIND:
                return await self._unbind(openid)
        elif kind == "text":
            said = fields.get("Content", "").strip()
        elif kind == "voice":
            said = fields.get("Recognition", "").strip()
            if not said:
                return self.replies["voice_unreadable"]
        elif kind in NOT_TEXT:
            return self.replies["not_text"]
        else:
            return None
        if said in self.unbind_words:
            return await self._unbind(openid)
        return await self._turn(openid, said, on_new_message) if said else None

    async def _turn(self, openid: str, text: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Optional[str]:
        conversation = conversation_id(openid)
        out = WeChatOutput()
        # "1" answers the last numbered menu this conversation was sent.
        message = UserMessage(self.menus.resolve(conversation, text), out, conversation, input_channel=self.name(),
                              metadata={"channel": "wechat"})
        turn = self._keep(self._run(message, out, on_new_message))
        try:
            done, _ = await asyncio.wait({turn}, timeout=self.reply_within)
        except asyncio.CancelledError:
            self._keep(self._send_later(openid, turn))
            raise
        if turn not in done:
            log.info("turn for %s is slow: answering success, the reply follows by 客服消息", mask(openid))
            self._keep(self._send_later(openid, turn))
            return None
        passive, rest = split_passive(turn.result())
        if rest:
            self._keep(self._send(openid, rest, delay=REST_DELAY))
        return passive or None

    async def _run(self, message: UserMessage, out: WeChatOutput,
                   on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> List[str]:
        """The turn, and its messages as WeChat text (buttons numbered and remembered; a card, which Rasa collects as a
        message of its own, as its words and its page's address unless the turn has said that address already)."""
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 — the person still gets whatever the bot said before it failed
            log.exception("a WeChat turn for %s failed", mask(openid_of_conversation(message.sender_id) or ""))
        texts: List[str] = []
        for m in out.messages:
            text = m.get("text") or ""
            words = readable(m.get("custom"), self.public_base_url, said="\n".join([*texts, text]))
            if words:
                text = f"{text}\n\n{words}" if text else words
            if m.get("buttons"):
                text = self.menus.numbered(message.sender_id, text, m["buttons"])
            if text.strip():
                texts.append(text)
        return texts

    async def _send_later(self, openid: str, turn: "asyncio.Task[List[str]]") -> None:
        texts = await turn
        if texts:
            await self._send(openid, texts)

    def _reply(self, fields: Dict[str, str], text: Optional[str], safe: bool) -> HTTPResponse:
        if text is None:
            return response.text(SUCCESS)
        now = int(self.clock())
        xml = to_xml({"ToUserName": fields.get("FromUserName", ""), "FromUserName": fields.get("ToUserName", ""),
                      "CreateTime": now, "MsgType": "text", "Content": text})
        if safe and self.safe is not None:
            nonce = str(secrets.randbelow(10**10))
            encrypted = self.safe.encrypt(xml)
            xml = to_xml({"Encrypt": encrypted, "MsgSignature": signature(self.token, str(now), nonce, encrypted),
                          "TimeStamp": now, "Nonce": nonce})
        return response.text(xml, content_type="application/xml; charset=utf-8")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("wechat_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["GET"])
        async def handshake(request: Request) -> HTTPResponse:
            args = request.args
            timestamp = args.get("timestamp") or ""
            nonce = args.get("nonce") or ""
            if self.token and self._fresh(timestamp) and signature_ok(args.get("signature"), self.token, timestamp, nonce):
                return response.text(args.get("echostr") or "")
            log.warning("refused a WeChat handshake without a valid signature")
            return response.text("forbidden", status=403)

        @bp.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.token:
                return response.text("forbidden", status=403)
            declared = request.headers.get("content-length") or "0"
            if not declared.isdigit() or int(declared) > MAX_BODY or len(request.body or b"") > MAX_BODY:
                return response.text("too large", status=413)
            try:
                signed = self._signed(request)
            except WeChatSecurityError as exc:
                log.warning("refused a WeChat message: %s", exc)
                return response.text("forbidden", status=403)
            fields = signed.fields
            openid = fields.get("FromUserName", "")
            if not OPENID.match(openid):
                log.warning("a signed WeChat message without a usable sender")
                return response.text(SUCCESS)
            if not self._first_time(signed, openid):
                log.info("WeChat sent a message from %s again; it was taken already", mask(openid))
                return response.text(SUCCESS)
            return self._reply(fields, await self._answer(fields, openid, on_new_message), signed.encrypted)

        return bp
