"""A daughter reporting a flood at her father's at night gave his ID number with a name; the name was checked against
the number only when the report was filed, and "对不上" looped. The chat now asks when the number is given
(POST /persons/check-name): yes, no, or not recorded — never the recorded name, and only through the action server."""

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.core.settings import get_settings
from tests.backend.world import APPLICANT_PHONE, citizen_headers, member

CHAT = {"Authorization": f"Bearer {get_settings().service_token}", "X-Channel": "chat"}


def _check(world, name: str, number: str, headers: dict | None = None):  # noqa: ANN001, ANN202
    return world.client.post("/api/v1/persons/check-name", json={"name": name, "id_number": number},
                              headers=CHAT if headers is None else headers)


def test_a_recorded_number_says_whether_the_name_is_its_own_and_nothing_more(world) -> None:  # noqa: ANN001
    world.submit()  # 张秀英 recorded with her number
    number = member("张秀英")["id_number"]
    assert _check(world, "张秀英", number).json() == {"matches": True}
    assert _check(world, "张 秀英", number).json() == {"matches": True}
    said = _check(world, "何德明", number)
    assert said.status_code == 200 and said.json() == {"matches": False}
    assert "张秀英" not in said.text  # the recorded name is never told


def test_an_unrecorded_number_has_nothing_to_compare_and_a_wrong_one_says_why(world) -> None:  # noqa: ANN001
    assert _check(world, "何德明", "500222194203060034").json() == {"matches": None}
    wrong = _check(world, "何德明", "500222194203060035")
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_id_number"


def test_only_the_chat_asks(world) -> None:  # noqa: ANN001
    world.submit()
    direct = _check(world, "张秀英", member("张秀英")["id_number"], citizen_headers(APPLICANT_PHONE))
    assert direct.status_code == 403
    assert _check(world, "张秀英", member("张秀英")["id_number"], {}).status_code == 401


def test_every_check_of_a_recorded_number_is_audited_without_the_number_or_the_name(world) -> None:  # noqa: ANN001
    world.submit()
    number = member("张秀英")["id_number"]
    _check(world, "何德明", number)
    entries = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.check_name")).all()
    assert [e.detail for e in entries] == [{"matches": False}]
    assert number not in str(entries[0].detail) and "张秀英" not in str(entries[0].detail)
