"""GET /api/v1/areas/search is anonymous: throttled per address (or conversation) with the sign-in throttle's
machinery, and a pathological text (a repeated common character, as long as allowed) costs almost nothing."""

import pytest

from backend.auth import throttle
from backend.regions import matching
from backend.regions.gazetteer import get_gazetteer
from backend.regions.service import search

SEARCH = "/api/v1/areas/search"


def test_area_search_is_throttled_per_address_with_retry_after(client) -> None:
    limit = throttle.LIMITS["area_search:ip"].amount
    assert 30 <= limit <= 120  # room for a person typing a name letter by letter
    for i in range(limit):
        assert client.get(SEARCH, params={"q": "两路口"[: 1 + i % 3]}).status_code == 200, i
    resp = client.get(SEARCH, params={"q": "两路口"})
    assert resp.status_code == 429
    assert 1 <= int(resp.headers["retry-after"]) <= 60
    assert resp.json()["error"]["code"] == "too_many_requests" and "再查" in resp.json()["error"]["message"]


def test_the_action_server_is_not_throttled_by_its_one_address(client) -> None:
    """Every chat user's look-ups come from the action server's address: counted per conversation, never by it."""
    from backend.core.settings import get_settings

    service = {"Authorization": f"Bearer {get_settings().service_token}"}
    limit = throttle.LIMITS["area_search:ip"].amount
    for _ in range(limit + 5):
        assert client.get(SEARCH, params={"q": "两路口"}, headers=service).status_code == 200
    one_conversation = {**service, throttle.CONVERSATION_HEADER: "sms:13800000000"}
    for _ in range(throttle.LIMITS["area_search:conversation"].amount):
        assert client.get(SEARCH, params={"q": "两路口"}, headers=one_conversation).status_code == 200
    assert client.get(SEARCH, params={"q": "两路口"}, headers=one_conversation).status_code == 429


@pytest.fixture
def scored(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The streets the fuzzy matching scored (each costs an edit distance in characters and in pinyin)."""
    seen: list[str] = []
    real = matching.similarity

    def counting(said, sounds, place):  # noqa: ANN001, ANN202
        seen.append(place.code)
        return real(said, sounds, place)

    monkeypatch.setattr(matching, "similarity", counting)
    return seen


def test_a_long_repeated_text_scores_no_street(scored) -> None:
    get_gazetteer()
    # "和" (he): its character or its sound is in over a thousand street names; 64 is the longest q allowed.
    assert search("和" * 64) == [] and scored == []
    assert search("河" * 40 + "合" * 24) == [] and scored == []
    assert get_gazetteer().longest_street_stem < matching.CLOSE_ENOUGH * 64
    # Still found by the fuzzy path: a typo, a homophone.
    assert [f.place.name for f in search("两路囗")][:1] == ["两路口街道"] and scored
    assert [f.place.name for f in search("俩路口")][:1] == ["两路口街道"]


def test_a_short_repeated_text_scores_only_streets_of_reachable_length(scored) -> None:
    g = get_gazetteer()
    said = "和" * 12
    search(said)
    assert all(matching.within_reach(len(said), len(g.places[code].stem)) for code in scored)
    assert len(scored) < 50
