"""Action tests: tracker snapshots from JSON and a fake backend behind the real HTTP client."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backend_client import BackendClient, set_client

SNAPSHOTS = Path(__file__).with_name("snapshots")


def load_tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8")))


class FakeBackend:
    """Answers like the backend's API; records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.handler: Callable[[httpx.Request], httpx.Response] = self.policy

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    @staticmethod
    def policy(request: httpx.Request) -> httpx.Response:
        region = request.url.params.get("region")
        known = {"重庆": "重庆市现行低保标准：城市每人每月770元，农村每人每月630元。"}
        base = {
            "assistance_type": request.url.params["assistance_type"],
            "aspect": request.url.params["aspect"],
            "known_regions": ["重庆", "武汉", "常州"],
        }
        if region in known:
            return httpx.Response(200, json={"answer": known[region], "needs_region": False, "region": region, **base})
        return httpx.Response(200, json={"answer": None, "needs_region": True, "region": None, **base})


@pytest.fixture
def fake_backend() -> Iterator[FakeBackend]:
    fake = FakeBackend()
    set_client(BackendClient("http://backend.test", "service-token-for-tests", transport=httpx.MockTransport(fake)))
    yield fake
    set_client(None)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def domain() -> dict:
    return {}
