"""The SMS channel refuses forged requests, uses the phone as the conversation, honours STOP/退订, and
answers in the webhook's own TwiML, so a reply does not need Twilio's REST API; the REST channel (the web
relay's) cannot reach an SMS conversation.

Runs the channels' real Sanic blueprints (through Sanic's ASGI client in the test's event loop where a turn
outlives its request); signatures come from twilio's own RequestValidator, the TwiML is read with an XML
parser, REST sends go through the real Twilio client to the local fake Twilio server (or to a closed port:
Twilio unreachable); opt-outs go over HTTP to a small fake backend.
"""

import asyncio
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.channels.twilio_sms import TwilioSmsInput, TwilioSmsOutput
from bot.channels.web_relay import WebRelayInput
from tests.fakes.twilio_server import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeTwilio

PUBLIC = "https://bot.jiuzhu.example.cn"
URL = f"{PUBLIC}/webhooks/twilio/webhook"


class FakeBackend(BaseHTTPRequestHandler):
    calls: list = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeBackend.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        reply = {"changed": True, "reply": "【救助】已为您退订通知短信。" if body["action"] == "stop" else "【救助】已为您恢复通知短信。"}
        data = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def twilio():
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def backend():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBackend)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeBackend.calls = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def app(twilio, backend):  # noqa: ANN001, ANN201
    channel = TwilioSmsInput(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, twilio_number=FROM_NUMBER,
                             public_url=PUBLIC, backend_url=backend, service_token="svc-token", api_base=twilio.url)
    received = []

    async def on_new_message(message) -> None:  # noqa: ANN001
        received.append(message)
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "您在哪个地方？", [{"title": "重庆", "payload": "/inform"}, {"title": "武汉", "payload": "/inform"}])

    sanic = Sanic(f"sms_test_{id(received)}")
    sanic.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/twilio")
    sanic.ctx.received = received
    return sanic


def _post(app, params: dict, signature: str | None):  # noqa: ANN001, ANN201
    headers = {"X-Twilio-Signature": signature} if signature is not None else {}
    _, resp = app.test_client.post("/webhooks/twilio/webhook", data=params, headers=headers)
    return resp


def _sign(params: dict, token: str = AUTH_TOKEN, url: str = URL) -> str:
    return RequestValidator(token).compute_signature(url, params)


MESSAGE = {"From": "+8613812345678", "To": FROM_NUMBER, "Body": "重庆低保标准是多少", "MessageSid": "SM" + "1" * 32, "AccountSid": ACCOUNT_SID}


@pytest.mark.parametrize("signature", [None, "Zm9yZ2Vk", _sign(MESSAGE, token="someone-elses-token"), _sign(MESSAGE, url="https://evil.example.com/webhooks/twilio/webhook")])
def test_forged_inbound_messages_are_refused(app, twilio, signature) -> None:  # noqa: ANN001
    resp = _post(app, MESSAGE, signature)
    assert resp.status == 403
    assert app.ctx.received == [] and twilio.messages == []


def test_a_tampered_body_is_refused(app) -> None:  # noqa: ANN001
    signature = _sign(MESSAGE)
    assert _post(app, {**MESSAGE, "From": "+8613999999999"}, signature).status == 403


def _twiml_messages(resp) -> list[str]:  # noqa: ANN001
    """The bodies of a TwiML answer's `<Message>` elements, read as Twilio reads them."""
    assert resp.status == 200 and resp.headers["content-type"].split(";")[0].strip() == "text/xml"
    root = ET.fromstring(resp.body)
    assert root.tag == "Response" and all(child.tag == "Message" for child in root)
    return [child.text or "" for child in root]


def test_a_signed_message_reaches_the_bot_with_the_phone_as_identity(app, twilio) -> None:  # noqa: ANN001
    resp = _post(app, MESSAGE, _sign(MESSAGE))
    (message,) = app.ctx.received
    assert (message.sender_id, message.text, message.input_channel) == ("sms:+8613812345678", "重庆低保标准是多少", "twilio")
    # The reply is the webhook's answer (Twilio sends it to the sender), not a REST call.
    assert _twiml_messages(resp) == ["您在哪个地方？\n1. 重庆\n2. 武汉\n（回复前面的数字或直接打字）"]
    assert twilio.messages == []


@pytest.mark.parametrize(("word", "action"), [("退订", "stop"), ("STOP", "stop"), ("td", "stop"), ("订阅", "start")])
def test_stop_and_start_go_to_the_backend_not_the_bot(app, twilio, word, action) -> None:  # noqa: ANN001
    params = {**MESSAGE, "Body": word}
    (reply,) = _twiml_messages(_post(app, params, _sign(params)))
    assert app.ctx.received == []
    assert FakeBackend.calls == [{"path": "/api/v1/sms/subscription", "auth": "Bearer svc-token", "phone": "13812345678", "action": action}]
    assert reply.startswith("【救助】已为您") and twilio.messages == []


def test_without_a_configured_token_everything_is_refused(twilio) -> None:  # noqa: ANN001
    channel = TwilioSmsInput.from_credentials({"auth_token": "", "public_url": PUBLIC})
    sanic = Sanic("sms_unconfigured")

    async def never(_) -> None:  # noqa: ANN001
        raise AssertionError("must not be called")

    sanic.blueprint(channel.blueprint(never), url_prefix="/webhooks/twilio")
    assert _post(sanic, MESSAGE, _sign(MESSAGE, token="")).status == 403


def test_sms_replies_go_only_to_sms_conversations(twilio) -> None:  # noqa: ANN001
    import asyncio

    from twilio.rest import Client

    client = Client(ACCOUNT_SID, AUTH_TOKEN)
    client.api.base_url = twilio.url
    out = TwilioSmsOutput(client, FROM_NUMBER)
    asyncio.run(out.send_text_message("web:abcdef123456", "不该发出"))
    asyncio.run(out.send_text_message("+8613812345678", "没有前缀的号码也不发"))
    assert twilio.messages == []
    asyncio.run(out.send_text_message("sms:+8613812345678", "您好"))
    assert [(m["to"], m["body"]) for m in twilio.messages] == [("+8613812345678", "您好")]


@pytest.fixture
def rest():  # noqa: ANN201
    received = []

    async def on_new_message(message) -> None:  # noqa: ANN001
        received.append(message)

    sanic = Sanic(f"rest_test_{id(received)}")
    sanic.blueprint(WebRelayInput.from_credentials(None).blueprint(on_new_message), url_prefix="/webhooks/rest")
    sanic.ctx.received = received
    return sanic


def test_the_rest_channel_takes_web_conversations(rest) -> None:  # noqa: ANN001
    body = {"sender": "web:abcdef123456", "message": "你好", "input_channel": "twilio", "metadata": {"channel": "sms"}}
    _, resp = rest.test_client.post("/webhooks/rest/webhook", json=body)
    assert resp.status == 200
    (message,) = rest.ctx.received
    # The caller cannot pass itself off as another channel either.
    assert (message.sender_id, message.input_channel, message.metadata) == ("web:abcdef123456", "rest", None)


@pytest.mark.parametrize("sender", ["sms:+8613812345678", "+8613812345678", "web-abcdef123456", "web:sms:+8613812345678",
                                    "web:../../x", None])
def test_the_rest_channel_cannot_address_an_sms_conversation(rest, sender) -> None:  # noqa: ANN001
    _, resp = rest.test_client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "我的申请到哪一步了"})
    assert resp.status == 403
    assert rest.ctx.received == []


@pytest.fixture
def menu_app(twilio, backend):  # noqa: ANN001, ANN201
    """A bot that answers every message with the same numbered menu of assistance types."""
    channel = TwilioSmsInput(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, twilio_number=FROM_NUMBER,
                             public_url=PUBLIC, backend_url=backend, service_token="svc-token", api_base=twilio.url)
    received = []

    async def on_new_message(message) -> None:  # noqa: ANN001
        received.append(message)
        await message.output_channel.send_text_with_buttons(message.sender_id, "您想了解哪一种？", [
            {"title": "低保", "payload": '/inform{"assistance_type":"低保"}'},
            {"title": "特困", "payload": '/inform{"assistance_type":"特困"}'},
            {"title": "临时救助", "payload": '/inform{"assistance_type":"临时救助"}'},
        ])

    sanic = Sanic(f"sms_menu_{id(received)}")
    sanic.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/twilio")
    sanic.ctx.received = received
    return sanic


def _say(app, body: str, sender: str = "+8613812345678") -> str:  # noqa: ANN001
    params = {**MESSAGE, "From": sender, "Body": body}
    assert _post(app, params, _sign(params)).status == 200
    return app.ctx.received[-1].text


@pytest.mark.parametrize(("reply", "payload"), [
    ("1", '/inform{"assistance_type":"低保"}'), ("2号", '/inform{"assistance_type":"特困"}'),
    ("３", '/inform{"assistance_type":"临时救助"}'), ("第一个", '/inform{"assistance_type":"低保"}'),
    ("选2", '/inform{"assistance_type":"特困"}'), (" 第3个 ", '/inform{"assistance_type":"临时救助"}'),
])
def test_a_digit_answers_the_last_menu_with_its_payload(menu_app, reply, payload) -> None:  # noqa: ANN001
    _say(menu_app, "我想问问政策")
    assert _say(menu_app, reply) == payload


def test_text_that_is_not_just_a_choice_or_out_of_range_goes_through_as_typed(menu_app) -> None:  # noqa: ANN001
    _say(menu_app, "我想问问政策")
    assert _say(menu_app, "9") == "9"
    assert _say(menu_app, "家里3个人") == "家里3个人"
    assert _say(menu_app, "第一个月收入1000") == "第一个月收入1000"


def test_menus_are_per_conversation(menu_app) -> None:  # noqa: ANN001
    _say(menu_app, "我想问问政策", sender="+8613812345678")
    # Another phone never sent a menu: its "1" is just "1".
    assert _say(menu_app, "1", sender="+8613900000000") == "1"
    assert _say(menu_app, "1", sender="+8613812345678") == '/inform{"assistance_type":"低保"}'


# --- replies in the webhook's own answer (TwiML), whatever Twilio's REST API is doing ----------------


def _closed_port_url() -> str:
    """A URL where nothing listens: Twilio's REST API unreachable."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _sms_app(bot, api_base: str, backend: str = "http://127.0.0.1:9", **options):  # noqa: ANN001, ANN003, ANN201
    channel = TwilioSmsInput(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, twilio_number=FROM_NUMBER,
                             public_url=PUBLIC, backend_url=backend, service_token="svc-token", api_base=api_base, **options)
    received = []

    async def on_new_message(message) -> None:  # noqa: ANN001
        received.append(message)
        await bot(message)

    sanic = Sanic(f"sms_twiml_{id(received)}")
    sanic.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/twilio")
    sanic.ctx.received = received
    sanic.ctx.channel = channel
    return sanic


async def _menu_bot(message) -> None:  # noqa: ANN001
    await message.output_channel.send_text_with_buttons(
        message.sender_id, "您在哪个地方？", [{"title": "重庆", "payload": "/inform"}, {"title": "武汉", "payload": "/inform"}])


def test_the_reply_is_in_the_twiml_answer_while_twilios_api_is_unreachable() -> None:
    app = _sms_app(_menu_bot, api_base=_closed_port_url())
    resp = _post(app, MESSAGE, _sign(MESSAGE))
    assert _twiml_messages(resp) == ["您在哪个地方？\n1. 重庆\n2. 武汉\n（回复前面的数字或直接打字）"]
    # The menu is remembered as when it went by REST: "2" answers it.
    params = {**MESSAGE, "Body": "2", "MessageSid": "SM" + "2" * 32}
    assert _post(app, params, _sign(params)).status == 200
    assert app.ctx.received[-1].text == "/inform"


def test_several_bot_messages_are_several_escaped_message_elements(twilio) -> None:  # noqa: ANN001
    async def chatty_bot(message) -> None:  # noqa: ANN001
        await message.output_channel.send_text_message(message.sender_id, '收入 < 标准 & 存款 > 0 的"低保"家庭')
        await message.output_channel.send_text_message(message.sender_id, "第一段\n\n第二段 </Message><Message>假的")
        await _menu_bot(message)

    resp = _post(_sms_app(chatty_bot, api_base=twilio.url), MESSAGE, _sign(MESSAGE))
    assert _twiml_messages(resp) == [
        '收入 < 标准 & 存款 > 0 的"低保"家庭', "第一段", "第二段 </Message><Message>假的",
        "您在哪个地方？\n1. 重庆\n2. 武汉\n（回复前面的数字或直接打字）",
    ]
    assert "收入 &lt; 标准 &amp; 存款 &gt; 0" in resp.text and "&lt;/Message&gt;&lt;Message&gt;" in resp.text
    assert twilio.messages == []  # never both: answered in TwiML, not sent again by REST


def test_a_turn_that_fails_still_answers_with_what_it_said() -> None:
    async def failing_bot(message) -> None:  # noqa: ANN001
        await message.output_channel.send_text_message(message.sender_id, "正在为您查询。")
        raise RuntimeError("the action server went away")

    resp = _post(_sms_app(failing_bot, api_base=_closed_port_url()), MESSAGE, _sign(MESSAGE))
    assert _twiml_messages(resp) == ["正在为您查询。"]


@pytest.mark.parametrize("signature", ["Zm9yZ2Vk", _sign(MESSAGE, token="someone-elses-token")])
def test_a_forged_message_is_still_refused_while_twilios_api_is_unreachable(signature) -> None:  # noqa: ANN001
    app = _sms_app(_menu_bot, api_base=_closed_port_url())
    resp = _post(app, MESSAGE, signature)
    assert resp.status == 403 and "<Message" not in resp.text and app.ctx.received == []


async def _post_async(app, params: dict):  # noqa: ANN001, ANN201
    _, resp = await app.asgi_client.post("/webhooks/twilio/webhook", data=params, headers={"X-Twilio-Signature": _sign(params)})
    return resp


async def _sent(twilio, count: int, within: float = 5.0) -> list[dict]:  # noqa: ANN001
    for _ in range(int(within / 0.05)):
        if len(twilio.messages) >= count:
            break
        await asyncio.sleep(0.05)
    return twilio.messages


async def _slow_bot(message) -> None:  # noqa: ANN001
    await message.output_channel.send_text_message(message.sender_id, "正在为您查询，请稍等。")
    await asyncio.sleep(1.5)
    await message.output_channel.send_text_message(message.sender_id, "您的申请已受理。")


@pytest.mark.asyncio
async def test_a_slow_turn_answers_in_time_and_the_rest_follows_through_the_rest_api(twilio) -> None:  # noqa: ANN001
    app = _sms_app(_slow_bot, api_base=twilio.url, reply_within=0.3)
    started = time.monotonic()
    resp = await _post_async(app, MESSAGE)
    assert time.monotonic() - started < 1.5
    assert _twiml_messages(resp) == ["正在为您查询，请稍等。"] and twilio.messages == []
    (late,) = await _sent(twilio, 1)
    assert (late["to"], late["from"], late["body"]) == ("+8613812345678", FROM_NUMBER, "您的申请已受理。")


@pytest.mark.asyncio
async def test_a_late_reply_is_retried_while_twilio_fails_and_not_after_a_permanent_refusal(twilio) -> None:  # noqa: ANN001
    app = _sms_app(_slow_bot, api_base=twilio.url, reply_within=0.3, retry_delays=(0.05, 0.05, 0.05))
    twilio.fail_next(503, times=2)
    await _post_async(app, MESSAGE)
    (late,) = await _sent(twilio, 1)
    assert late["body"] == "您的申请已受理。" and twilio.requests == 3
    twilio.fail_next(400, code=21610)  # the number unsubscribed at Twilio: trying again will not help
    await _post_async(app, {**MESSAGE, "MessageSid": "SM" + "3" * 32})
    for _ in range(100):
        if twilio.requests == 4:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # retries would come 0.05 s apart
    assert len(twilio.messages) == 1 and twilio.requests == 4


def test_messages_the_bot_starts_itself_still_go_through_the_rest_api(twilio) -> None:  # noqa: ANN001
    app = _sms_app(_menu_bot, api_base=twilio.url)
    out = app.ctx.channel.get_output_channel()  # what Rasa's trigger_intent uses with output_channel=twilio
    asyncio.run(out.send_text_message("sms:+8613812345678", "您的申请已受理。\n\n请留意短信通知。"))
    assert [(m["to"], m["body"]) for m in twilio.messages] == [("+8613812345678", "您的申请已受理。"),
                                                              ("+8613812345678", "请留意短信通知。")]


def test_when_nobody_reads_the_answer_what_was_said_goes_through_the_rest_api_in_order(twilio) -> None:  # noqa: ANN001
    # What the webhook does when Twilio hangs up before the answer (the request is cancelled).
    channel = _sms_app(_menu_bot, api_base=twilio.url).ctx.channel

    async def hang_up() -> None:
        out = channel._turn_output("sms:+8613812345678")
        await out.send_text_message("sms:+8613812345678", "第一条\n\n第二条")
        out.answer_later()
        await out.send_text_message("sms:+8613812345678", "第三条")
        await _sent(twilio, 3)

    asyncio.run(hang_up())
    assert [m["body"] for m in twilio.sent_to("+8613812345678")] == ["第一条", "第二条", "第三条"]
