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


def _api_routes(routes):  # noqa: ANN001, ANN202
    """Every APIRoute, also inside included routers (FastAPI keeps those nested)."""
    from fastapi.routing import APIRoute

    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and hasattr(inner, "routes"):
            yield from _api_routes(inner.routes)


def _needs_session(dependant) -> bool:  # noqa: ANN001
    return any(d.call is get_session or _needs_session(d) for d in dependant.dependencies)


def test_no_handler_on_the_event_loop_touches_the_database() -> None:
    """A database call on the event loop stalls every request while it waits (SQLite waits up to 30 s for its
    lock): handlers that use the database are plain `def`s, which FastAPI runs in its thread pool. The one
    async handler that must read its body asynchronously hands its database work to the pool itself."""
    import inspect

    hands_off = {"status_callback"}  # reads the form async, then run_in_threadpool(_apply_status, ...)
    routes = list(_api_routes(create_app().routes))
    assert len(routes) > 40  # the walk reaches the API's routes
    offenders = [
        route.path for route in routes
        if inspect.iscoroutinefunction(route.endpoint)
        and _needs_session(route.dependant) and route.endpoint.__name__ not in hands_off
    ]
    assert offenders == []
