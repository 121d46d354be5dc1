"""The SMS channel refuses forged requests, uses the phone as the conversation, and honours STOP/退订;
the REST channel (the web relay's) cannot reach an SMS conversation.

Runs the channels' real Sanic blueprints; replies go through the real Twilio client to the local fake
Twilio server; opt-outs go over HTTP to a small fake backend.
"""

import json
import threading
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


def test_a_signed_message_reaches_the_bot_with_the_phone_as_identity(app, twilio) -> None:  # noqa: ANN001
    resp = _post(app, MESSAGE, _sign(MESSAGE))
    assert resp.status == 200 and "<Response>" in resp.text
    (message,) = app.ctx.received
    assert (message.sender_id, message.text, message.input_channel) == ("sms:+8613812345678", "重庆低保标准是多少", "twilio")
    (reply,) = twilio.messages
    assert reply["to"] == "+8613812345678" and reply["from"] == FROM_NUMBER
    assert reply["body"] == "您在哪个地方？\n1. 重庆\n2. 武汉\n（回复前面的数字或直接打字）"


@pytest.mark.parametrize(("word", "action"), [("退订", "stop"), ("STOP", "stop"), ("td", "stop"), ("订阅", "start")])
def test_stop_and_start_go_to_the_backend_not_the_bot(app, twilio, word, action) -> None:  # noqa: ANN001
    params = {**MESSAGE, "Body": word}
    assert _post(app, params, _sign(params)).status == 200
    assert app.ctx.received == []
    assert FakeBackend.calls == [{"path": "/api/v1/sms/subscription", "auth": "Bearer svc-token", "phone": "13812345678", "action": action}]
    assert twilio.messages[-1]["body"].startswith("【救助】已为您")


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
