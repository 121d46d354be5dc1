"""A tester whose ID starts 500108 (重庆南岸) said "南坪": the chooser listed 吉林, 安徽, 湖北, 湖南 first and 南岸 last.
`near` (the ID's area code) puts the places inside it first and drops none."""

from fastapi.testclient import TestClient


def _names(client: TestClient, **params: str) -> list[str]:
    resp = client.get("/api/v1/areas/search", params={"q": "南坪", **params})
    assert resp.status_code == 200, resp.text
    return [a["full_name"] for a in resp.json()]


def test_places_in_the_ids_district_come_first_and_none_is_dropped(client: TestClient) -> None:
    plain, near = _names(client), _names(client, near="500108")
    assert near[:2] == ["重庆市南岸区南坪街道", "重庆市南岸区南坪镇"]
    assert sorted(near) == sorted(plain) and len(near) > 2
