"""Whose ID number is still to come, said where the person looks (session 9, helper L). A son filed without his ID
number (身份证号待补) was counted in the household, but nothing told his mother afterwards that his number was still
needed: "查进度" said the steps only, and the chat could not find which member of hers waited for a number. Now the
progress (said, by SMS too, and as data) and her own list of applications (GET /applications/mine) carry the members
whose number is to come while the case is open; once it is added they are gone from both."""

from datetime import date

from backend.demo import demo_id
from tests.backend.world import APPLICANT_PHONE, application_body, member

SON_ID = demo_id("500103", date(1980, 3, 2), 77)


def _file(world, key: str, *others: dict) -> dict:  # noqa: ANN001
    applicant = member("张秀英", phone=APPLICANT_PHONE, incomes=[{"category": "工资性", "kind": "零工", "monthly_amount": 300}])
    return world.submit(application_body(members=[applicant, *others]), key=key)


def _progress(world, number: str) -> dict:  # noqa: ANN001
    resp = world.client.get(f"/api/v1/applications/{number}/progress", headers=world.applicant)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_progress_says_whose_id_number_is_still_needed_until_it_is_added(world) -> None:  # noqa: ANN001
    detail = _file(world, "said-key-1", {"name": "王小明", "relation": "子女"}, {"name": "王小红"})
    number = detail["number"]
    son = next(m for m in detail["members"] if m["name"] == "王小明")
    progress = _progress(world, number)
    assert progress["ids_pending"] == [{"person_id": son["person_id"], "name": "王小明", "relation": "子女"},
                                       {"person_id": progress["ids_pending"][1]["person_id"], "name": "王小红", "relation": "待核实"}]
    for said in (progress["said"], progress["said_sms"]):
        assert "王小明、王小红的身份证号还没补上" in said and "核对授权书" in said

    added = world.client.post(f"/api/v1/applications/{number}/members/{son['person_id']}/id-number",
                              json={"id_number": SON_ID}, headers=world.applicant)
    assert added.status_code == 200, added.text
    progress = _progress(world, number)
    assert [m["name"] for m in progress["ids_pending"]] == ["王小红"]
    assert "王小红的身份证号还没补上" in progress["said"] and "王小明" not in progress["said"]


def test_her_own_list_carries_the_members_waiting_for_their_number(world) -> None:  # noqa: ANN001
    number = _file(world, "said-key-2", {"name": "王小明", "relation": "子女"})["number"]
    [mine] = world.client.get("/api/v1/applications/mine", headers=world.applicant).json()
    assert mine["number"] == number and [m["name"] for m in mine["ids_pending"]] == ["王小明"]
    assert mine["ids_pending"][0]["person_id"] and mine["ids_pending"][0]["relation"] == "子女"


def test_nothing_is_said_when_every_number_is_there_or_the_case_is_closed(world) -> None:  # noqa: ANN001
    full = _file(world, "said-key-3", member("王小明", "子女", born=date(1980, 3, 2), seq=77))["number"]
    progress = _progress(world, full)
    assert progress["ids_pending"] == [] and "身份证号还没补上" not in progress["said"]
    world.act(full, "withdraw", world.applicant, note="不办了")

    waiting = _file(world, "said-key-4", {"name": "王小红", "relation": "子女"})["number"]
    world.act(waiting, "withdraw", world.applicant, note="不办了")
    progress = _progress(world, waiting)
    assert progress["ids_pending"] == [] and "身份证号还没补上" not in progress["said"]  # closed: no number asked for
    assert all(a["ids_pending"] == [] for a in world.client.get("/api/v1/applications/mine", headers=world.applicant).json())
