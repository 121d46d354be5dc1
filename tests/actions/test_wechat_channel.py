"""The WeChat channel refuses what WeChat did not sign (plaintext, safe and compatibility mode), takes each
signed query and each message once,
answers within WeChat's 5 seconds (passively, or `success` and the reply later through the backend), and
turns buttons, menu clicks, subscriptions, voice and pictures into the right conversation.

Runs the channel's real Sanic blueprint through Sanic's ASGI client in the test's event loop, so a slow turn
keeps running after its request is answered; the backend is a small real HTTP server on a free port.
Signatures and the AES envelope are computed here from WeChat's documented steps, not with the channel's code.
`app` is an account in plaintext mode (no AES key), `safe_app` one in safe mode (an AES key, the default mode).
"""

import asyncio
import base64
import hashlib
import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sanic import Sanic
from sqlalchemy.engine import make_url

from bot.channels.sms_menus import MenuMemory
from bot.channels.wechat import WeChatInput, split_passive
from bot.channels.wechat_crypto import SafeMode
from bot.channels.wechat_once import InProcessSeen, MessageOnce, RedisSeen
from bot.local_state import SQLiteSeen
from tests.actions.test_endpoints import REDIS_URL, _need

TOKEN = "jiuzhu-wechat-token"
APP_ID = "wx5823bf96d3bd56c7"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # 43 characters, like an EncodingAESKey
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
VICTIM = "oUpF8uN7bQ2vXk9LmR4sTq1WyZ3e"  # a bound OpenID someone else would like to speak for
ACCOUNT = "gh_0123456789ab"

# --- WeChat's side, written from its documentation --------------------------------------------------


def spec_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def spec_encrypt(xml: bytes, random16: bytes = b"0123456789abcdef", app_id: str = APP_ID) -> str:
    key = base64.b64decode(AES_KEY + "=")
    plain = random16 + len(xml).to_bytes(4, "big") + xml + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def spec_decrypt(encrypted: str) -> tuple[bytes, bytes]:
    key = base64.b64decode(AES_KEY + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    plain = plain[:-plain[-1]]
    length = int.from_bytes(plain[16:20], "big")
    return plain[20:20 + length], plain[20 + length:]


def message_xml(content: str = "重庆低保标准是多少", msg_id: str = "23456789012345678", kind: str = "text", **extra: str) -> bytes:
    fields = {"ToUserName": ACCOUNT, "FromUserName": OPENID, "CreateTime": str(int(time.time())), "MsgType": kind}
    if kind == "text":
        fields["Content"] = content
    if msg_id:
        fields["MsgId"] = msg_id
    fields.update(extra)
    inner = "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>".encode()


def event_xml(event: str, key: str = "", created: int | None = None) -> bytes:
    return message_xml(kind="event", msg_id="", Event=event, EventKey=key, CreateTime=str(created or int(time.time())))


_nonces = iter(range(10**6, 10**7))


def plain_query(*, age: int = 0, token: str = TOKEN, nonce: str | None = None) -> dict:
    timestamp, nonce = str(int(time.time()) - age), nonce or str(next(_nonces))
    return {"timestamp": timestamp, "nonce": nonce, "signature": spec_signature(token, timestamp, nonce), "openid": OPENID}


def safe_request(xml: bytes, *, age: int = 0, token: str = TOKEN, app_id: str = APP_ID,
                 plaintext: bytes = b"") -> tuple[dict, bytes]:
    """WeChat's safe-mode request; with `plaintext` (a message's XML), its compatibility-mode request (兼容模式)."""
    encrypted = spec_encrypt(xml, app_id=app_id)
    query = plain_query(age=age, token=token)
    query.update(encrypt_type="aes", msg_signature=spec_signature(token, query["timestamp"], query["nonce"], encrypted))
    outer = f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
    if plaintext:
        outer = plaintext.decode()[len("<xml>"):-len("</xml>")]
    body = f"<xml>{outer}<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    return query, body


def reply_fields(text: str) -> dict:
    return {child.tag: child.text or "" for child in ElementTree.fromstring(text)}


# --- the backend and the channel ---------------------------------------------------------------------


class FakeBackend(BaseHTTPRequestHandler):
    calls: list = []
    delay = 0.0

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(FakeBackend.delay)
        FakeBackend.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), "at": time.monotonic(), **body})
        if self.path.endswith("/send"):
            answer = {"sent": len(body["texts"])}
        elif self.path.endswith("/subscription"):
            answer = {"reply": "欢迎关注救助助手！" if body["action"] == "subscribe" else None}
        else:
            answer = {"reply": "已解除绑定。"}
        data = json.dumps(answer, ensure_ascii=False).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except BrokenPipeError:
            pass  # the channel stopped waiting (test_a_slow_backend_does_not_keep_wechat_waiting)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def backend():  # noqa: ANN201
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBackend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeBackend.calls, FakeBackend.delay = [], 0.0
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def make_app(backend: str, bot, **channel_args):  # noqa: ANN001, ANN201
    args = {"token": TOKEN, "app_id": APP_ID, "aes_key": "", "backend_url": backend, "service_token": "svc-token",
            "menus": MenuMemory(), "once": MessageOnce(), **channel_args}
    channel = WeChatInput(**args)
    received = []

    async def on_new_message(message) -> None:  # noqa: ANN001
        received.append(message)
        await bot(message)

    sanic = Sanic(f"wechat_test_{id(received)}")
    sanic.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/wechat")
    sanic.ctx.received = received
    return sanic


async def echo_bot(message) -> None:  # noqa: ANN001
    await message.output_channel.send_text_message(message.sender_id, f"收到：{message.text}")


async def menu_bot(message) -> None:  # noqa: ANN001
    await message.output_channel.send_text_with_buttons(message.sender_id, "您想了解哪一种？", [
        {"title": "低保", "payload": '/inform{"assistance_type":"低保"}'},
        {"title": "特困", "payload": '/inform{"assistance_type":"特困"}'},
        {"title": "临时救助", "payload": '/inform{"assistance_type":"临时救助"}'},
    ])


@pytest.fixture
def app(backend):  # noqa: ANN001, ANN201
    return make_app(backend, echo_bot)


@pytest.fixture
def safe_app(backend):  # noqa: ANN001, ANN201
    return make_app(backend, echo_bot, aes_key=AES_KEY)


async def post(app, query: dict, body: bytes):  # noqa: ANN001, ANN201
    _, resp = await app.asgi_client.post("/webhooks/wechat/webhook", params=query, content=body,
                                         headers={"Content-Type": "text/xml"})
    return resp


async def say(app, content: str, **extra) -> str:  # noqa: ANN001, ANN003
    msg_id = str(next(_nonces))
    resp = await post(app, plain_query(), message_xml(content, msg_id=msg_id, **extra))
    assert resp.status == 200
    return resp.text


# --- the handshake --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_handshake_echoes_only_for_a_good_signature(app) -> None:  # noqa: ANN001
    good = {**plain_query(), "echostr": "8273645516"}
    _, resp = await app.asgi_client.get("/webhooks/wechat/webhook", params=good)
    assert (resp.status, resp.text) == (200, "8273645516")
    for bad in ({**good, "signature": "0" * 40}, {**plain_query(token="another-token"), "echostr": "1"},
                {**plain_query(age=330), "echostr": "1"}, {"echostr": "1"}):
        _, resp = await app.asgi_client.get("/webhooks/wechat/webhook", params=bad)
        assert resp.status == 403 and resp.text != "1"


# --- plaintext mode ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_signed_plaintext_message_is_answered_passively(app) -> None:  # noqa: ANN001
    resp = await post(app, plain_query(), message_xml())
    assert resp.status == 200
    (message,) = app.ctx.received
    assert (message.sender_id, message.text, message.input_channel, message.metadata) == (
        f"wechat:{OPENID}", "重庆低保标准是多少", "wechat", {"channel": "wechat"})
    reply = reply_fields(resp.text)
    assert reply == {"ToUserName": OPENID, "FromUserName": ACCOUNT, "CreateTime": reply["CreateTime"], "MsgType": "text",
                     "Content": "收到：重庆低保标准是多少"}
    assert FakeBackend.calls == []  # a passive reply only: nothing sent twice


@pytest.mark.asyncio
@pytest.mark.parametrize("query", [
    {},  # unsigned
    {"signature": "0" * 40},  # forged
    {"token": "someone-elses-token"},  # signed with another account's token
    # Replayed, or from the future: 30 s past the 300 s window, so a slow machine never lets one in by a second
    # (timestamps are whole seconds; a busy fresh clone, 2026-12-07, took -301 as 299.x s and answered 200).
    {"age": 330}, {"age": -330},
])
async def test_unsigned_forged_and_replayed_plaintext_messages_are_refused(app, query) -> None:  # noqa: ANN001
    if not query:
        q = {"timestamp": str(int(time.time())), "nonce": "1"}
    elif "signature" in query:
        q = {**plain_query(), **query}
    else:
        q = plain_query(**query)
    assert (await post(app, q, message_xml())).status == 403
    assert app.ctx.received == []


@pytest.mark.asyncio
async def test_a_signed_query_used_again_with_another_body_does_not_reach_the_bot(app) -> None:  # noqa: ANN001
    query = plain_query()
    assert (await post(app, query, message_xml("你好", msg_id="1001"))).status == 200
    # Plaintext signatures do not cover the body: someone who saw the URL must not post as that person.
    resp = await post(app, query, message_xml("帮我查一下进度", msg_id="1002"))
    assert resp.text == "success"
    assert [m.text for m in app.ctx.received] == ["你好"]


@pytest.mark.asyncio
async def test_xml_with_a_doctype_is_refused_and_a_large_body_is_too_large(app) -> None:  # noqa: ANN001
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><xml><FromUserName>&a;</FromUserName></xml>'
    assert (await post(app, plain_query(), bomb)).status == 403
    assert (await post(app, plain_query(), message_xml("长" * 30_000))).status == 413
    assert app.ctx.received == []


@pytest.mark.asyncio
async def test_without_a_configured_token_everything_is_refused(backend) -> None:  # noqa: ANN001
    async def never(_) -> None:  # noqa: ANN001
        raise AssertionError("must not be called")

    app = make_app(backend, never, token="")
    unsigned_for_empty_token = {**plain_query(token=""), "echostr": "1"}
    _, resp = await app.asgi_client.get("/webhooks/wechat/webhook", params=unsigned_for_empty_token)
    assert resp.status == 403
    assert (await post(app, plain_query(token=""), message_xml())).status == 403
    app = make_app(backend, never, token="", aes_key=AES_KEY)
    query, body = safe_request(message_xml(), token="")
    assert (await post(app, query, body)).status == 403
    assert WeChatInput.from_credentials({"token": None}).token == ""


# --- safe mode ------------------------------------------------------------------------------------


def test_the_aes_envelope_matches_the_documented_steps() -> None:
    xml = message_xml("我想申请低保").decode()
    safe = SafeMode(AES_KEY, APP_ID)
    assert safe.encrypt(xml, random16=b"0123456789abcdef") == spec_encrypt(xml.encode())
    assert safe.decrypt(spec_encrypt(xml.encode(), random16=b"fedcba9876543210")) == xml.encode()
    assert spec_decrypt(safe.encrypt(xml)) == (xml.encode(), APP_ID.encode())


@pytest.mark.asyncio
async def test_a_signed_safe_mode_message_is_answered_encrypted_and_signed(safe_app) -> None:  # noqa: ANN001
    app = safe_app
    query, body = safe_request(message_xml("我想申请低保"))
    resp = await post(app, query, body)
    assert resp.status == 200
    assert [m.text for m in app.ctx.received] == ["我想申请低保"]
    envelope = reply_fields(resp.text)
    assert envelope["MsgSignature"] == spec_signature(TOKEN, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    xml, app_id = spec_decrypt(envelope["Encrypt"])
    assert app_id == APP_ID.encode()
    assert reply_fields(xml.decode())["Content"] == "收到：我想申请低保"


@pytest.mark.asyncio
@pytest.mark.parametrize("forgery", ["no_signature", "forged", "other_token", "replayed", "tampered", "other_app"])
async def test_forged_and_replayed_safe_mode_messages_are_refused(safe_app, forgery) -> None:  # noqa: ANN001
    app, xml = safe_app, message_xml()
    query, body = safe_request(xml, age=400 if forgery == "replayed" else 0,
                               token="someone-elses-token" if forgery == "other_token" else TOKEN,
                               app_id="wx0000000000000000" if forgery == "other_app" else APP_ID)
    if forgery == "no_signature":
        del query["msg_signature"]
    if forgery == "forged":
        query["msg_signature"] = spec_signature(TOKEN, query["timestamp"], query["nonce"], "another body")
    if forgery == "tampered":
        body = body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[" + spec_encrypt(message_xml("转账"))[:16].encode())
    assert (await post(app, query, body)).status == 403
    assert app.ctx.received == []


@pytest.mark.asyncio
async def test_safe_mode_is_refused_when_no_aes_key_is_configured(backend) -> None:  # noqa: ANN001
    app = make_app(backend, echo_bot, aes_key="")
    query, body = safe_request(message_xml())
    assert (await post(app, query, body)).status == 403
    assert app.ctx.received == []


# --- safe mode means encrypted only (issue 21) ---------------------------------------------------------


@pytest.mark.asyncio
async def test_in_safe_mode_a_seen_query_with_a_plaintext_body_is_refused(safe_app) -> None:  # noqa: ANN001
    app = safe_app
    query, body = safe_request(message_xml("我想申请低保"))
    assert (await post(app, query, body)).status == 200
    # The URL as a proxy log keeps it. Its `signature` covers timestamp and nonce only, not a plaintext body.
    seen = {k: v for k, v in query.items() if k != "encrypt_type"}
    replays = [{**seen, "msg_signature": f"{i}" * 40} for i in range(3)]
    replays += [{k: v for k, v in seen.items() if k != "msg_signature"}, query]
    for i, replay in enumerate(replays):
        resp = await post(app, replay, message_xml("查一下进度", msg_id=f"950{i}", FromUserName=VICTIM))
        assert (resp.status, resp.text) == (403, "forbidden")
    assert [m.sender_id for m in app.ctx.received] == [f"wechat:{OPENID}"]


@pytest.mark.asyncio
async def test_a_plaintext_query_is_taken_once_whatever_unsigned_parameters_change(app) -> None:  # noqa: ANN001
    query = plain_query()
    assert (await post(app, query, message_xml("你好", msg_id="1101"))).status == 200
    replays = [{**query, "msg_signature": "1" * 40}, {**query, "msg_signature": "2" * 40},
               {**query, "signature": query["signature"].upper()}, {**query, "encrypt_type": "raw", "openid": VICTIM}]
    for i, replay in enumerate(replays):
        resp = await post(app, replay, message_xml("帮我查一下进度", msg_id=f"120{i}", FromUserName=VICTIM))
        assert resp.text == "success"
    assert [m.text for m in app.ctx.received] == ["你好"]


class ClaimsSeen(InProcessSeen):
    """Remembers what each claim answered, to see where a replay was stopped."""

    def __init__(self) -> None:
        super().__init__(600)
        self.claims: list = []

    def claim(self, key: str, now: float) -> bool:
        taken = super().claim(key, now)
        self.claims.append(taken)
        return taken


@pytest.mark.asyncio
async def test_a_safe_mode_query_is_taken_once_whatever_unsigned_parameters_change(backend) -> None:  # noqa: ANN001
    store = ClaimsSeen()
    app = make_app(backend, echo_bot, aes_key=AES_KEY, once=MessageOnce(store))
    query, body = safe_request(message_xml("我想申请低保"))
    assert (await post(app, query, body)).status == 200
    replays = [{**query, "msg_signature": query["msg_signature"].upper()}, {**query, "signature": "0" * 40},
               {k: v for k, v in query.items() if k != "signature"}, {**query, "openid": VICTIM}]
    for replay in replays:
        store.claims.clear()
        assert (await post(app, replay, body)).text == "success"
        assert store.claims == [False]  # stopped at the query's own mark: (timestamp, nonce, msg_signature)
    changed = {**query, "msg_signature": spec_signature(TOKEN, query["timestamp"], query["nonce"], "another body")}
    assert (await post(app, changed, body)).status == 403
    assert [m.text for m in app.ctx.received] == ["我想申请低保"]


@pytest.mark.asyncio
async def test_compat_mode_takes_a_plaintext_copy_only_when_it_equals_the_encrypted_one(backend) -> None:  # noqa: ANN001
    app = make_app(backend, echo_bot, aes_key=AES_KEY, mode="compat")
    xml = message_xml("我想申请低保", msg_id="9001")
    resp = await post(app, *safe_request(xml, plaintext=xml))
    assert reply_fields(spec_decrypt(reply_fields(resp.text)["Encrypt"])[0].decode())["Content"] == "收到：我想申请低保"
    xml = message_xml("查一下进度", msg_id="9002")
    forged = [xml.replace(OPENID.encode(), VICTIM.encode()),  # someone else's OpenID in the plaintext copy
              xml.replace("查一下进度".encode(), "解绑".encode()),
              xml.replace(b"</xml>", b"<Event><![CDATA[subscribe]]></Event></xml>")]
    for plaintext in forged:
        resp = await post(app, *safe_request(xml, plaintext=plaintext))
        assert (resp.status, resp.text) == (403, "forbidden")
    # Compatibility mode still needs the encrypted message: a plaintext request is refused.
    assert (await post(app, plain_query(), message_xml("你好", msg_id="9003"))).status == 403
    # Without `mode: compat` a plaintext copy is refused, even a true one.
    safe = make_app(backend, echo_bot, aes_key=AES_KEY)
    xml = message_xml("我想申请低保", msg_id="9004")
    assert (await post(safe, *safe_request(xml, plaintext=xml))).status == 403
    assert [m.text for m in app.ctx.received] == ["我想申请低保"] and safe.ctx.received == []


def test_the_mode_is_configured_never_taken_from_the_request(monkeypatch) -> None:
    monkeypatch.delenv("WECHAT_MODE", raising=False)
    creds = {"token": TOKEN, "app_id": APP_ID, "aes_key": AES_KEY}
    assert WeChatInput.from_credentials(creds).mode == "safe"
    assert WeChatInput.from_credentials({**creds, "mode": "compat"}).mode == "compat"
    assert WeChatInput.from_credentials({"token": TOKEN}).mode == "plaintext"
    monkeypatch.setenv("WECHAT_MODE", "compat")
    assert WeChatInput.from_credentials(creds).mode == "compat"
    wrong_modes = [{**creds, "mode": "plaintext"}, {**creds, "mode": "aes"}, {"token": TOKEN, "mode": "safe"},
                   {"token": TOKEN}]  # WECHAT_MODE=compat, no AES key
    for wrong in wrong_modes:
        with pytest.raises(ValueError):
            WeChatInput.from_credentials(wrong)


BOMB = ('<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE x [<!ENTITY a "' + OPENID + '">]><xml>'
        '<ToUserName>' + ACCOUNT + '</ToUserName><FromUserName>&a;</FromUserName><CreateTime>{now}</CreateTime>'
        '<MsgType>text</MsgType><Content>你好</Content><MsgId>{msg_id}</MsgId></xml>')


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["plaintext", "safe"])
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])  # with a BOM, and without one
async def test_xml_with_a_doctype_is_refused_in_any_encoding(backend, mode, codec) -> None:  # noqa: ANN001
    app = make_app(backend, echo_bot, aes_key=AES_KEY if mode == "safe" else "")
    bomb = BOMB.format(encoding="UTF-16", now=int(time.time()), msg_id=next(_nonces)).encode(codec)
    resp = await post(app, *(safe_request(bomb) if mode == "safe" else (plain_query(), bomb)))
    assert (resp.status, resp.text) == (403, "forbidden")
    assert app.ctx.received == []


@pytest.mark.asyncio
async def test_a_body_that_is_not_utf8_is_refused(app) -> None:  # noqa: ANN001
    latin1 = message_xml("cafe").replace(b"<xml>", b"").replace(b"cafe", "café".encode("latin-1"))
    resp = await post(app, plain_query(), b'<?xml version="1.0" encoding="ISO-8859-1"?><xml>' + latin1)
    assert (resp.status, resp.text) == (403, "forbidden")
    assert app.ctx.received == []


# --- WeChat's retries and its 5 seconds -----------------------------------------------------------


@pytest.mark.asyncio
async def test_a_retried_message_reaches_the_bot_once(app, safe_app) -> None:  # noqa: ANN001
    xml = message_xml("我的申请到哪一步了", msg_id="6000000000000000001")
    first = await post(app, plain_query(), xml)
    retry = await post(app, plain_query(), xml)  # WeChat's retry: the same MsgId, a new signature
    safe_first = await post(safe_app, *safe_request(xml))
    safe_retry = await post(safe_app, *safe_request(xml))
    assert reply_fields(first.text)["Content"] == "收到：我的申请到哪一步了"
    assert reply_fields(safe_first.text)["Encrypt"]
    assert retry.text == safe_retry.text == "success"
    assert [m.text for m in app.ctx.received] == [m.text for m in safe_app.ctx.received] == ["我的申请到哪一步了"]


@pytest.mark.asyncio
async def test_retries_are_known_to_every_worker_through_the_shared_file(backend, tmp_path) -> None:  # noqa: ANN001
    shared = tmp_path / "rasa_state.db"
    workers = [make_app(backend, echo_bot, once=MessageOnce(SQLiteSeen(shared, 300))) for _ in range(2)]
    xml = message_xml("你好", msg_id="6000000000000000002")
    assert (await post(workers[0], plain_query(), xml)).text != "success"
    assert (await post(workers[1], plain_query(), xml)).text == "success"
    assert [len(w.ctx.received) for w in workers] == [1, 0]


@pytest.mark.asyncio
async def test_a_slow_turn_gets_success_at_once_and_its_reply_through_the_backend(backend) -> None:  # noqa: ANN001
    async def slow_bot(message) -> None:  # noqa: ANN001
        await asyncio.sleep(6)
        await message.output_channel.send_text_message(message.sender_id, "您的申请已受理。")
        await menu_bot(message)

    app = make_app(backend, slow_bot, reply_within=4.0)
    started = time.monotonic()
    resp = await post(app, plain_query(), message_xml("我的申请到哪一步了"))
    answered = time.monotonic()
    assert resp.status == 200 and resp.text == "success"
    assert answered - started < 5
    assert FakeBackend.calls == []
    for _ in range(60):
        if FakeBackend.calls:
            break
        await asyncio.sleep(0.1)
    (call,) = FakeBackend.calls
    assert call["path"] == "/api/v1/wechat/send" and call["auth"] == "Bearer svc-token" and call["openid"] == OPENID
    assert call["texts"] == ["您的申请已受理。", "您想了解哪一种？\n1. 低保\n2. 特困\n3. 临时救助\n（回复前面的数字或直接打字）"]
    assert call["at"] - started >= 6
    # The menu sent later is remembered like a passive one.
    await say(app, "2")
    assert app.ctx.received[-1].text == '/inform{"assistance_type":"特困"}'


@pytest.mark.asyncio
async def test_a_reply_too_long_for_a_passive_answer_sends_the_rest_through_the_backend(backend) -> None:  # noqa: ANN001
    async def long_bot(message) -> None:  # noqa: ANN001
        await message.output_channel.send_text_message(message.sender_id, "低保的条件：" + "家庭人均收入低于当地标准。" * 40)
        await message.output_channel.send_text_message(message.sender_id, "需要的材料：" + "身份证、户口簿。" * 60)

    app = make_app(backend, long_bot)
    content = reply_fields(await say(app, "低保政策是什么"))["Content"]
    assert len(content.encode()) < 2048 and content.startswith("低保的条件：")
    for _ in range(40):
        if FakeBackend.calls:
            break
        await asyncio.sleep(0.1)
    (call,) = FakeBackend.calls
    assert call["path"] == "/api/v1/wechat/send" and call["texts"][0].startswith("需要的材料：")


def test_passive_text_is_cut_under_the_byte_limit_and_nothing_is_lost() -> None:
    long = "一" * 1000  # 3,000 bytes
    passive, rest = split_passive(["短的", long, "最后"])
    assert (passive, rest) == ("短的", [long, "最后"])
    passive, rest = split_passive([long, "最后"])
    assert len(passive.encode()) < 2048 and passive + rest[0] == long and rest[1:] == ["最后"]
    assert split_passive(["一", "二"]) == ("一\n\n二", [])


# --- buttons, menus, events and other kinds ------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(("reply", "payload"), [
    ("2", '/inform{"assistance_type":"特困"}'), ("１", '/inform{"assistance_type":"低保"}'),
    ("第三个", '/inform{"assistance_type":"临时救助"}'), ("家里3个人", "家里3个人"),
])
async def test_buttons_become_numbered_choices_and_a_number_maps_back(backend, reply, payload) -> None:  # noqa: ANN001
    app = make_app(backend, menu_bot)
    content = reply_fields(await say(app, "我想问问政策"))["Content"]
    assert content == "您想了解哪一种？\n1. 低保\n2. 特困\n3. 临时救助\n（回复前面的数字或直接打字）"
    await say(app, reply)
    assert app.ctx.received[-1].text == payload


@pytest.mark.asyncio
async def test_subscribe_gets_the_backends_welcome_and_unsubscribe_success(app) -> None:  # noqa: ANN001
    resp = await post(app, plain_query(), event_xml("subscribe"))
    assert reply_fields(resp.text)["Content"] == "欢迎关注救助助手！"
    resp = await post(app, plain_query(), event_xml("unsubscribe", created=int(time.time()) + 1))
    assert resp.text == "success"
    assert [(c["path"], c["auth"], c["openid"], c["action"]) for c in FakeBackend.calls] == [
        ("/api/v1/wechat/subscription", "Bearer svc-token", OPENID, "subscribe"),
        ("/api/v1/wechat/subscription", "Bearer svc-token", OPENID, "unsubscribe")]
    assert app.ctx.received == []


@pytest.mark.asyncio
async def test_menu_clicks_say_what_the_person_would_have_typed(app) -> None:  # noqa: ANN001
    now = int(time.time())
    resp = await post(app, plain_query(), event_xml("CLICK", "APPLY", created=now))
    assert reply_fields(resp.text)["Content"] == "收到：我想申请救助"
    resp = await post(app, plain_query(), event_xml("CLICK", "PROGRESS", created=now + 1))
    assert reply_fields(resp.text)["Content"] == "收到：查一下进度"
    assert (await post(app, plain_query(), event_xml("VIEW", "https://jiuzhu.example.cn/", created=now + 2))).text == "success"
    assert (await post(app, plain_query(), event_xml("CLICK", "NO_SUCH_KEY", created=now + 3))).text == "success"
    # The same click retried (same sender, same CreateTime) is not taken twice.
    assert (await post(app, plain_query(), event_xml("CLICK", "APPLY", created=now))).text == "success"
    assert [m.text for m in app.ctx.received] == ["我想申请救助", "查一下进度"]


@pytest.mark.asyncio
async def test_unbinding_by_word_or_menu_goes_to_the_backend(app) -> None:  # noqa: ANN001
    assert reply_fields(await say(app, "解绑"))["Content"] == "已解除绑定。"
    assert reply_fields(await say(app, "解除绑定"))["Content"] == "已解除绑定。"
    resp = await post(app, plain_query(), event_xml("CLICK", "UNBIND"))
    assert reply_fields(resp.text)["Content"] == "已解除绑定。"
    assert [(c["path"], c["openid"]) for c in FakeBackend.calls] == [("/api/v1/wechat/unbind", OPENID)] * 3
    assert app.ctx.received == []
    # The menu key's inner word typed by hand is just text.
    assert reply_fields(await say(app, "unbind"))["Content"] == "收到：unbind"


@pytest.mark.asyncio
async def test_voice_uses_the_recognised_words_and_pictures_get_a_kind_word(app) -> None:  # noqa: ANN001
    voice = message_xml(kind="voice", msg_id="7001", MediaId="m1", Format="amr", Recognition="我想申请低保")
    resp = await post(app, plain_query(), voice)
    assert reply_fields(resp.text)["Content"] == "收到：我想申请低保"
    resp = await post(app, plain_query(), message_xml(kind="voice", msg_id="7002", MediaId="m2", Format="amr"))
    assert "打字" in reply_fields(resp.text)["Content"] and "转人工" in reply_fields(resp.text)["Content"]
    for i, kind in enumerate(["image", "location", "link", "video"]):
        resp = await post(app, plain_query(), message_xml(kind=kind, msg_id=f"710{i}", PicUrl="http://mmbiz.qpic.cn/x"))
        content = reply_fields(resp.text)["Content"]
        assert "只能看懂文字" in content and "转人工" in content
    assert [m.text for m in app.ctx.received] == ["我想申请低保"]


@pytest.mark.asyncio
async def test_openids_are_masked_in_the_logs(backend, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.INFO, logger="bot.channels.wechat")
    app = make_app(backend, echo_bot, backend_url="http://127.0.0.1:9")  # the backend is down
    xml = message_xml("解绑", msg_id="8001")
    await post(app, plain_query(), xml)
    await post(app, plain_query(), xml)  # a retry, logged
    assert "failed" in caplog.text and "again" in caplog.text
    assert OPENID not in caplog.text and OPENID[3:-2] not in caplog.text


def test_with_redis_locks_retries_are_known_to_every_replica(monkeypatch) -> None:
    url = make_url(_need(REDIS_URL, "TEST_REDIS_URL").replace("redis://", "redis+x://"))
    env = {"LOCK_STORE_TYPE": "redis", "LOCK_STORE_URL": url.host, "REDIS_PORT": str(url.port or 6379), "REDIS_LOCK_DB": "1"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    replicas = [MessageOnce.from_env(), MessageOnce.from_env()]
    assert all(isinstance(r.store, RedisSeen) for r in replicas)
    key = f"message|{uuid.uuid4().hex}"
    assert [replicas[0].first_time(key), replicas[1].first_time(key), replicas[0].first_time(key)] == [True, False, False]


@pytest.mark.asyncio
async def test_a_slow_backend_does_not_keep_wechat_waiting(app) -> None:  # noqa: ANN001
    FakeBackend.delay = 6
    started = time.monotonic()
    content = reply_fields(await say(app, "解绑"))["Content"]
    assert time.monotonic() - started < 5
    assert "稍后再试" in content and "12345" in content
