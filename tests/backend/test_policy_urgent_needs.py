"""A woman whose house burnt asked "今晚住哪点 娃儿还小" and got nothing useful. Where to sleep (or eat) tonight and
whom to call now are answered from backend/policy/data/urgent_needs.yaml, before any other policy answer, with the
person's office phone only where one is on file (else 12345, to call) and 110 at night."""

import pytest
from fastapi.testclient import TestClient

from backend.policy import needs
from backend.regions.offices import Office

ASKED = ["今晚住哪点 娃儿还小", "娃儿没得地方住", "房子烧了今晚睡哪里", "我们没有地方住了", "今天晚上住哪里嘛", "无家可归了",
         "屋头没得饭吃了", "饿了两天了"]
NOT_ASKED = ["低保标准是多少", "住房救助是啥子", "我一个人住", "他一个人住 每个月六百", "住院了要交押金", "存款有两千多",
             "我住在七星岗街道", "吃低保的人多不多", ""]
OFFICE = Office("七星岗街道社会救助窗口", "023-63000000", None, None, "500103001", True)
NO_PHONE = Office("南坪街道社会救助窗口", None, None, None, "500108001", True)


@pytest.mark.parametrize("said", ASKED)
def test_a_night_without_a_bed_or_food_is_answered_with_whom_to_call(said: str) -> None:
    text = needs.answer(said, OFFICE)
    assert text is not None and "023-63000000" in text
    unknown = needs.answer(said, NO_PHONE)
    assert "还没有登记" in unknown and "12345" in unknown and "023-" not in unknown


def test_the_shelter_answer_names_the_station_and_110_at_night() -> None:
    text = needs.answer("今晚住哪点 娃儿还小", NO_PHONE)
    assert "救助管理站" in text and "110" in text and "临时住处" in text


@pytest.mark.parametrize("said", NOT_ASKED)
def test_other_messages_are_not_taken_for_a_night_without_a_bed(said: str) -> None:
    # "住院了要交押金" is the hospital's deposit (押金, session 9 G10), never a night without a bed or food.
    assert not {n.key for n in needs.said_in(said)} & {"住处", "吃饭"}


def test_the_policy_answer_gives_it_first_whatever_type_it_was_read_as(client: TestClient) -> None:
    resp = client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "标准", "said": "今晚住哪点 娃儿还小"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["term"] == needs.TOPIC and "救助管理站" in body["answer"] and "770" not in body["answer"]
