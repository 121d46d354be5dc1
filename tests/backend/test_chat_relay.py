"""The chat page and its relay to Rasa's REST channel, against a local fake Rasa over real HTTP."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.chat import relay
from backend.core.settings import get_settings
from backend.main import create_app
from tests.fakes import rasa_server


def _replies(body: dict) -> list[dict]:
    return [
        {"recipient_id": body["sender"], "text": f"收到：{body['message']}"},
        {"recipient_id": body["sender"], "text": "您在哪个地方？", "buttons": [{"title": "重庆", "payload": "/inform"}]},
    ]


@pytest.fixture
def fake_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    """What the fake Rasa received (path + body)."""
    with rasa_server.fake_rasa(_replies) as (url, received):
        monkeypatch.setattr(get_settings(), "rasa_url", url)
        yield received


def test_page_is_served_with_large_touch_targets_and_a_way_to_a_person(client: TestClient) -> None:
    html = client.get("/").text
    assert "救助助手" in html and "找工作人员" in html
    assert "min-height: 3rem" in html  # 48 px at the default size; grows with the reader's font size


def test_message_is_relayed_to_rasa_rest_channel(client: TestClient, fake_rasa: list[dict]) -> None:
    resp = client.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": "你好"})
    assert resp.status_code == 200
    assert fake_rasa == [{"path": "/webhooks/rest/webhook", "sender": "web:abcdef123456", "message": "你好"}]
    messages = resp.json()["messages"]
    assert messages[0]["text"] == "收到：你好"
    assert messages[1]["buttons"] == [{"title": "重庆", "payload": "/inform"}]


def test_rasa_down_gives_a_chinese_message_with_a_way_forward(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "rasa_url", "http://127.0.0.1:9")
    resp = client.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": "你好"})
    assert resp.status_code == 503
    err = resp.json()["error"]
    assert err["code"] == "assistant_unavailable" and "社会救助窗口" in err["message"]


@pytest.mark.parametrize("sender", ["short", "has spaces in it", "../../etc/passwd"])
def test_malformed_sender_ids_are_refused(client: TestClient, sender: str) -> None:
    resp = client.post("/api/v1/chat/messages", json={"sender": sender, "message": "你好"})
    assert resp.status_code == 422


@pytest.mark.parametrize("sender", ["sms:+8613800001111", "sms:13800001111", "web:abcdef123456", "+8613800001111"])
def test_a_browser_cannot_choose_another_channels_conversation(client: TestClient, fake_rasa: list[dict], sender: str) -> None:
    resp = client.post("/api/v1/chat/messages", json={"sender": sender, "message": "我的申请到哪一步了"})
    assert resp.status_code == 422
    assert fake_rasa == []


def test_a_web_id_that_looks_like_a_phone_stays_a_web_conversation(client: TestClient, fake_rasa: list[dict]) -> None:
    for sender in ("sms-8613800001111", "8613800001111"):
        assert client.post("/api/v1/chat/messages", json={"sender": sender, "message": "你好"}).status_code == 200
    # The prefix is the backend's: these can never be the SMS conversation "sms:+8613800001111".
    assert [r["sender"] for r in fake_rasa] == ["web:sms-8613800001111", "web:8613800001111"]


def test_turns_share_one_keep_alive_connection_to_rasa(client: TestClient, fake_rasa: list[dict]) -> None:
    """A chat turn does not open a new client (and TCP connection) to Rasa: the process keeps one."""
    for text in ("你好", "重庆低保标准是多少", "谢谢"):
        assert client.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": text}).status_code == 200
    assert len(fake_rasa) == 3
    assert len(fake_rasa.connections) == 1


def test_the_shared_client_is_closed_when_the_application_stops(fake_rasa: list[dict]) -> None:
    app = create_app()
    with TestClient(app) as c:
        assert c.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": "你好"}).status_code == 200
        assert relay.open_clients() >= 1
    assert relay.open_clients() == 0
