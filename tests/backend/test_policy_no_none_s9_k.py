"""No policy answer says "None" (session 9, helper K): the 临时救助 amount answer for a woman in 七星岗 said
"具体数字可以问七星岗街道社会救助窗口，电话None" — her office is on file, its phone is not. An office is said with its
phone, plainly without one (and 12345 to call), or, with none known, the street window in general
(backend/policy/templates/policy/office.txt.j2, as actions/callbacks.say_office in the chat)."""

from datetime import date
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from backend.eligibility.standards import get_catalogue
from backend.policy import service
from backend.policy.schemas import Aspect, AssistanceType
from backend.regions.offices import Office
from backend.regions.service import office_for

ON = date(2026, 11, 24)
TYPES, ASPECTS = get_args(AssistanceType), get_args(Aspect)
# Where the question is about: each region with figures, and places without (one city, one of many names).
PLACES = [*(r.key for r in get_catalogue().regions), "成都", "鼓楼"]
OFFICES = {
    "with a phone": Office("七星岗街道社会救助窗口", "023-63800000", "工作日 9:00-17:30", None, "500103001", True),
    "without a phone": Office("七星岗街道社会救助窗口", None, "工作日 9:00-17:30", None, "500103001", True),
    "without a phone or hours": Office("七星岗街道社会救助窗口", None, None, None, "500103001", True),
    "the hotline": office_for(None),
    "none known": None,
}


@pytest.mark.parametrize("office", OFFICES, ids=list(OFFICES))
@pytest.mark.parametrize("place", PLACES)
def test_no_answer_of_any_type_aspect_and_place_says_none(place: str, office: str) -> None:
    for assistance_type in TYPES:
        for aspect in ASPECTS:
            body = service.answer(get_catalogue(), assistance_type=assistance_type, aspect=aspect, region_name=place,
                                  on=ON, office=OFFICES[office])
            said = " ".join(filter(None, (body.answer, body.national)))
            assert "None" not in said and "none" not in said.lower(), f"{assistance_type}/{aspect}/{place}/{office}: {said}"


def test_the_amount_of_temporary_help_in_her_street_says_its_office_without_a_phone(client: TestClient) -> None:
    resp = client.get("/api/v1/policy/answer", params={"assistance_type": "临时救助", "aspect": "标准", "region": "重庆",
                                                       "area_code": "500103001", "on": ON.isoformat()})
    said = resp.json()["answer"]
    assert "None" not in said and "七星岗街道社会救助窗口" in said
    assert "电话我这里还没有登记" in said and "12345" in said  # plainly not on file, and a number to call


def test_an_office_with_a_phone_is_said_with_it() -> None:
    said = service.answer(get_catalogue(), assistance_type="临时救助", aspect="标准", region_name="重庆", on=ON,
                          office=OFFICES["with a phone"]).answer
    assert "七星岗街道社会救助窗口（工作日 9:00-17:30），电话023-63800000" in said and "还没有登记" not in said
