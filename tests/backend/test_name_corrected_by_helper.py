"""A grid worker typed the old woman's name wrong, handed in the paper 委托书 (the backend registered that name for
the ID number), then corrected the name at the read-back: the corrected name must win (a tester looped on
"申请人的姓名和身份证号对不上"). A name someone else stands on — a case filed, another helper's form — stays refused."""

from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.people.models import Person
from tests.backend.test_paper_delegation_queue import HELPER, PRINCIPAL, documents, submit  # noqa: F401  (fixture)
from tests.backend.world import STRANGER_PHONE, application_body, member

WRONG = {**PRINCIPAL, "name": "张秀兰"}


def _held(world, name, headers=None):  # noqa: ANN001, ANN202
    return world.client.post("/api/v1/delegations/held", json={"principal": {**PRINCIPAL, "name": name}},
                             headers=headers or world.helper)


def test_the_helper_corrects_a_name_only_she_gave(world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(PRINCIPAL, "name", WRONG["name"])
    assert submit(world).status_code == 201  # her form, under the wrong name
    monkeypatch.setitem(PRINCIPAL, "name", "张秀英")
    again = _held(world, "张秀英")
    assert again.status_code == 200 and again.json()["status"] == "pending", again.text
    person = world.session.scalars(select(Person).where(Person.id_masked.is_not(None))).all()
    assert [p.name for p in person] == ["张秀英"]
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.name_corrected")).one()


def test_a_name_others_stand_on_is_still_refused(world) -> None:  # noqa: ANN001
    world.submit()  # 张秀英's own case is filed under her name
    assert "对不上" in _held(world, "张秀兰").json()["error"]["message"]
    filed = world.client.post("/api/v1/applications", headers={**world.helper, "Idempotency-Key": "typo-key-1"},
                              json=application_body(members=[member("张秀兰")]))
    assert filed.status_code == 422 and filed.json()["error"]["code"] == "name_mismatch"


def test_another_helpers_registration_is_not_hers_to_rename(world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setitem(HELPER, "phone", STRANGER_PHONE)
    assert submit(world, world.stranger).status_code == 201  # another volunteer's form, under 张秀英
    assert "对不上" in _held(world, "张秀兰").json()["error"]["message"]
    assert [p.name for p in world.session.scalars(select(Person).where(Person.id_masked.is_not(None)))] == ["张秀英"]
