"""The backend's one HTTP client to Rasa's REST channel.

A chat turn used to open a new client (and a new TCP connection) to Rasa; now every turn of a process
shares one keep-alive client. One per event loop: a client's pooled connections belong to the loop that
opened them (test clients run a loop per request). Closed when the application stops.
"""

import asyncio
import weakref
from typing import Any

import httpx

from backend.core.settings import Settings

# Rasa's Sanic closes idle connections after 5 s; stop reusing them before that.
KEEPALIVE_SECONDS = 4.0

_clients: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]" = weakref.WeakKeyDictionary()


def _client() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=50, keepalive_expiry=KEEPALIVE_SECONDS))
        _clients[loop] = client
    return client


async def relay_turn(settings: Settings, sender: str, message: str) -> list[dict[str, Any]]:
    """Send one message of a web conversation to Rasa; its replies. Raises httpx.HTTPError."""
    timeout = httpx.Timeout(settings.rasa_timeout_seconds, connect=min(settings.rasa_timeout_seconds, 3.0))
    resp = await _client().post(f"{settings.rasa_url.rstrip('/')}/webhooks/rest/webhook",
                                json={"sender": sender, "message": message}, timeout=timeout)
    resp.raise_for_status()
    return resp.json()


async def close() -> None:
    """Close the running loop's client (the application's shutdown)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def open_clients() -> int:
    """How many clients are open (tests)."""
    return sum(1 for c in _clients.values() if not c.is_closed)
