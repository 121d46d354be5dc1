"""The one place the action server talks to the backend: HTTP with timeouts and a service credential.

Configuration comes from the environment: BACKEND_URL, SERVICE_TOKEN, BACKEND_TIMEOUT_SECONDS.
"""

import logging
import os
from typing import Any

import httpx

log = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The backend did not answer in time or answered with a server error."""


class BackendError(Exception):
    """The backend refused the request; `message` is its Chinese explanation."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class BackendClient:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0, transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "jiuzhu-actions"},
            transport=transport,
        )

    @classmethod
    def from_env(cls) -> "BackendClient":
        return cls(
            os.environ.get("BACKEND_URL", "http://127.0.0.1:8000"),
            os.environ.get("SERVICE_TOKEN", ""),
            float(os.environ.get("BACKEND_TIMEOUT_SECONDS", "5")),
        )

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = await self._client.request(method, f"/api/v1{path}", **kwargs)
        except httpx.HTTPError as exc:
            log.warning("backend %s %s failed: %s", method, path, type(exc).__name__)
            raise BackendUnavailable(str(exc)) from exc
        if resp.status_code >= 500:
            raise BackendUnavailable(f"backend answered {resp.status_code}")
        if resp.status_code >= 400:
            try:
                err = resp.json()["error"]
                raise BackendError(resp.status_code, err["code"], err["message"])
            except (ValueError, KeyError, TypeError):
                raise BackendError(resp.status_code, "unknown", "请求没有成功。") from None
        return resp.json()

    async def policy_answer(self, *, assistance_type: str, aspect: str, region: str | None) -> dict[str, Any]:
        params = {"assistance_type": assistance_type, "aspect": aspect}
        if region:
            params["region"] = region
        return await self._request("GET", "/policy/answer", params=params)

    async def aclose(self) -> None:
        await self._client.aclose()


_client: BackendClient | None = None


def get_client() -> BackendClient:
    """One client per action-server process, created on first use (no I/O at import time)."""
    global _client
    if _client is None:
        _client = BackendClient.from_env()
    return _client


def set_client(client: BackendClient | None) -> None:
    """Tests swap in a client pointed at a fake backend."""
    global _client
    _client = client
