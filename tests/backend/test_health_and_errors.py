from collections.abc import Iterator

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core.db import get_session, make_engine
from backend.main import create_app


def test_health_checks_the_database(client: TestClient) -> None:
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok"}


def test_health_reports_a_dead_database_in_the_error_model(tmp_path) -> None:
    # A directory where the SQLite file should be: every connection attempt fails.
    broken = make_engine(f"sqlite:///{tmp_path}/missing-dir/x.db")
    app = create_app()

    def _broken() -> Iterator[Session]:
        with Session(bind=broken) as s:
            yield s

    app.dependency_overrides[get_session] = _broken
    resp = TestClient(app).get("/api/v1/health")
    assert resp.status_code == 503
    body = resp.json()["error"]
    assert body["code"] == "database_unavailable"
    assert "数据库" in body["message"]


def test_validation_errors_use_the_one_error_model_in_chinese(client: TestClient) -> None:
    resp = client.get("/api/v1/policy/standards", params={"region": "重庆", "on": "不是日期"})
    assert resp.status_code == 422
    err = resp.json()["error"]
    assert err["code"] == "validation_error"
    assert err["message"] == "填写的信息有误，请检查后再试。"
    assert err["details"][0]["field"] == "on"


def test_unknown_route_is_a_chinese_404(client: TestClient) -> None:
    resp = client.get("/api/v1/no-such-thing")
    assert resp.status_code == 404
    assert resp.json()["error"]["message"] == "没有找到相关信息。"


def test_openapi_documents_the_endpoints_with_examples(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/health", "/api/v1/policy/standards", "/api/v1/policy/answer", "/api/v1/chat/messages"} <= set(
        spec["paths"]
    )
    assert "渝民规〔2025〕6号" in str(spec["components"]["schemas"]["StandardOut"])
