""""南坪" from someone whose ID starts 500108 (重庆南岸): the search is asked to put that district's places first."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import streets


class _Client:
    def __init__(self) -> None:
        self.asked: list[dict] = []

    async def search_areas(self, text: str, within: str | None = None, limit: int = 8, near: str | None = None) -> list:
        self.asked.append({"text": text, "within": within, "near": near})
        return []


def _tracker(**slots: object) -> Tracker:
    return Tracker("t", slots, {"text": "南坪", "intent": {}, "entities": []}, [], False, None, {}, "")


def test_the_ids_area_code_goes_with_the_street_search(monkeypatch) -> None:  # noqa: ANN001
    client = _Client()
    monkeypatch.setattr(streets, "get_client", lambda: client)
    asyncio.run(streets.read_street("南坪", CollectingDispatcher(), _tracker(applicant_id="500108198503150042"), hukou=False))
    assert client.asked and client.asked[0]["near"] == "500108"


def test_no_id_no_hint() -> None:
    assert streets._near(_tracker()) is None
    assert streets._near(_tracker(applicant_id="不晓得")) is None


def test_a_hukou_word_to_the_street_question_is_her_hukou_never_a_place(monkeypatch) -> None:  # noqa: ANN001
    # A son's "城镇" at the street question was taken for 河北省张家口市下花园区城镇街道.
    client = _Client()
    monkeypatch.setattr(streets, "get_client", lambda: client)
    for said, kind in (("城镇", "城镇户口"), ("农村户口", "农村户口"), ("城镇的", "城镇户口")):
        slots = asyncio.run(streets.read_street(said, CollectingDispatcher(), _tracker(), hukou=True))
        assert slots["street"] is None and slots["hukou"] == kind
    assert client.asked == []  # never searched as a place
