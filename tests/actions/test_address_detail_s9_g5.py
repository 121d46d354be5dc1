"""The road said after the street (session 9, helper G5): "渝中区两路口街道中山三路" saved only "渝中区两路口街道"; the
caseworker's 住址 never had 中山三路. Kept as the address detail, read back and sent as the application's address."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateApplicationForm
from actions.streets import detail_after
from tests.actions.test_answers_amounts import STREET, read_back, submitted
from tests.actions.test_forms_and_journeys import tracker

AREA = {"name": "两路口街道", "code": "500103004"}


@pytest.mark.asyncio
async def test_the_road_said_with_the_street_is_kept(fake_backend) -> None:  # noqa: ANN001
    got = await ValidateApplicationForm().validate_street("渝中区两路口街道中山三路", CollectingDispatcher(), tracker(), {})
    assert got["street"] == "渝中区两路口街道" and got["address_detail"] == "中山三路"


@pytest.mark.parametrize(("said", "detail"), [
    ("渝中区两路口街道中山三路 具体门牌我明天去看了补", "中山三路"), ("两路口中山三路12号", "中山三路12号"),
    ("两路口街道", None), ("两路口街道 不晓得门牌", None), ("两路口街道500106195508080019", None),
])
def test_only_an_address_is_the_detail(said: str, detail: str | None) -> None:
    assert detail_after(said, AREA) == detail


@pytest.mark.asyncio
async def test_read_back_and_filed_with_the_road(fake_backend) -> None:  # noqa: ANN001
    slots = {**STREET, "address_detail": "中山三路"}
    assert "住址：渝中区七星岗街道中山三路" in await read_back(slots)
    assert (await submitted(fake_backend, slots, "k-address"))["address"] == "渝中区七星岗街道中山三路"
    assert "address" not in await submitted(fake_backend, STREET, "k-street-only")  # the case page says 只登记了街道


@pytest.mark.asyncio
async def test_the_road_added_at_the_read_back_is_kept(fake_backend) -> None:  # noqa: ANN001
    said = "住址加一下 中山三路 具体门牌我明天去看了补"
    got = await ValidateApplicationForm().validate_confirmed(said, CollectingDispatcher(), tracker(
        {**STREET, "requested_slot": "confirmed"}, text=said, active_loop="application_form"), {})
    assert got["address_detail"] == "中山三路" and got["confirmed"] is None
