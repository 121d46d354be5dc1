"""The request's unit of work: committed before the response leaves, rolled back on errors."""

import pytest
from fastapi.testclient import TestClient
from backend.core.db import get_session, transaction
from backend.main import create_app


def test_a_failed_commit_is_never_answered_with_success(session, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the commit happened after the response was sent, the client would already hold a 200 for a row
    that was never stored."""
    app = create_app()

    def _session():
        yield from transaction(session)

    app.dependency_overrides[get_session] = _session

    def broken_commit() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(session, "commit", broken_commit)
    client = TestClient(app, raise_server_exceptions=False)
    resp = client.post("/api/v1/auth/otp/request", json={"phone": "13800009999"})
    assert resp.status_code == 500, resp.text
    assert "系统出了点问题" in resp.json()["error"]["message"]
