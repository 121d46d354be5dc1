"""The web chat carries the ID card photo upload: the relay passes the backend's own upload link (and
nothing else) to the page, and the page has the camera button behind the consent."""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from backend.core.settings import get_settings
from tests.fakes import rasa_server


def _replies(body: dict) -> list[dict]:
    return [
        {"text": "请拍一下身份证有头像的那一面。", "buttons": [{"title": "拍不了，请工作人员上门", "payload": "/request_human"}]},
        {"custom": {"upload": "/api/v1/liveness/id-photo/abc", "then": "/certify_liveness"}},
        {"custom": {"upload": "https://elsewhere.example/steal", "then": "/certify_liveness"}},
        {"custom": {"upload": "/api/v1/delegations/paper-link/gAAAAsealed"}},
        {"custom": {"upload": "/api/v1/delegations/pending"}},
    ]


@pytest.fixture
def upload_rasa(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with rasa_server.fake_rasa(_replies) as (url, _received):
        monkeypatch.setattr(get_settings(), "rasa_url", url)
        yield "ok"


def test_the_relay_passes_only_this_backends_upload_links(client: TestClient, upload_rasa: str) -> None:
    messages = client.post("/api/v1/chat/messages", json={"sender": "abcdef123456", "message": "我要认证"}).json()["messages"]
    assert messages[1]["upload"] == "/api/v1/liveness/id-photo/abc" and messages[1]["then"] == "/certify_liveness"
    assert messages[2]["upload"] is None and messages[2]["then"] is None
    assert messages[3]["upload"] == "/api/v1/delegations/paper-link/gAAAAsealed"  # a signed 授权委托书's photo
    assert messages[4]["upload"] is None


def test_the_page_has_a_large_camera_button_behind_the_consent(client: TestClient) -> None:
    html = client.get("/").text
    assert 'accept="image/*" capture="environment"' in html
    assert "同意，登记照片" in html and "不同意，请工作人员帮我办" in html
    assert '<link rel="stylesheet" href="/static/chat/photo_card.css">' in html  # the card's look, shared with its page
    assert "min-height: 4rem" in client.get("/static/chat/photo_card.css").text  # 64 px at the default size
