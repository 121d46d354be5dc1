"""data/gazetteer_corrections.yaml: 江北区 (500105) and 渝北区 (500112), whose streets the source lists under
两江新区 (a new area, not a district), are found under their own districts with their own codes."""

import pytest
from sqlalchemy import select

from backend.regions.gazetteer import Place, corrected, corrections, get_gazetteer, stem
from backend.regions.models import Area
from backend.regions.service import ensure_area
from tests.backend.world import application_body, member

GUANYINQIAO, LONGXI, CAIJIAGANG = "500105006", "500112011", "500109006"
LIANGJIANG = "500157"


def _search(client, q: str, **params) -> list[dict]:  # noqa: ANN001, ANN003
    resp = client.get("/api/v1/areas/search", params={"q": q, **params})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_jiangbei_and_yubei_are_districts_of_chongqing_with_their_streets() -> None:
    g = get_gazetteer()
    assert (g.places["500105"].name, g.places["500105"].level, g.places["500105"].parent) == ("江北区", "district", "500000")
    assert (g.places["500112"].name, g.places["500112"].parent) == ("渝北区", "500000")
    expected = {GUANYINQIAO: "重庆市江北区观音桥街道", "500105003": "重庆市江北区石马河街道", "500105007": "重庆市江北区五里店街道",
                "500105005": "重庆市江北区寸滩街道", "500105100": "重庆市江北区鱼嘴镇", LONGXI: "重庆市渝北区龙溪街道",
                "500112004": "重庆市渝北区回兴街道", "500112017": "重庆市渝北区双凤桥街道", "500112016": "重庆市渝北区两路街道",
                "500112144": "重庆市渝北区洛碛镇"}
    assert {code: g.full_name(code) for code in expected} == expected
    assert len([p for p in g.places.values() if p.parent == "500105"]) == 12
    assert len([p for p in g.places.values() if p.parent == "500112"]) == 25
    # 两江新区 is still a place people name, with no streets of its own; 北碚's streets are listed once.
    assert g.places[LIANGJIANG].name == "两江新区" and not [p for p in g.places.values() if p.parent == LIANGJIANG]
    assert [c for c in g.street_names["蔡家岗街道"] if c.startswith("50")] == [CAIJIAGANG]
    assert all(not code.startswith(LIANGJIANG) or code == LIANGJIANG for code in g.places)


@pytest.mark.parametrize(("said", "within", "code", "district"), [
    ("观音桥", None, GUANYINQIAO, "江北区"),
    ("我住石马河街道", "500000", "500105003", "江北区"),
    ("江北区五里店", None, "500105007", "江北区"),
    ("重庆市江北区寸滩街道", None, "500105005", "江北区"),
    ("龙溪街道", "500000", LONGXI, "渝北区"),
    ("渝北回兴", None, "500112004", "渝北区"),
    ("渝北区双凤桥街道", None, "500112017", "渝北区"),
    ("两江新区观音桥", None, GUANYINQIAO, "江北区"),  # the new area's name still leads to the street
    ("蔡家岗", "500000", CAIJIAGANG, "北碚区"),
])
def test_their_streets_are_found_under_their_districts(client, said, within, code, district) -> None:  # noqa: ANN001
    found = _search(client, said, **({"within": within} if within else {}))
    assert (found[0]["code"], found[0]["district"]) == (code, district), found[:3]
    assert not [f for f in found if f["code"].startswith(LIANGJIANG)]


def test_the_district_named_alone_in_chongqing_is_chongqings(client) -> None:  # noqa: ANN001
    assert [f["code"] for f in _search(client, "渝北区")] == ["500112"]
    assert [f["full_name"] for f in _search(client, "江北区", within="500000")] == ["重庆市江北区"]
    assert [f["code"] for f in _search(client, "两江新区")] == [LIANGJIANG]


def test_an_application_from_guanyinqiao_is_filed_in_jiangbei(world, session) -> None:  # noqa: ANN001
    street = ensure_area(session, GUANYINQIAO)
    assert (street.parent_code, street.standards_region) == ("500105", "重庆")
    body = application_body(area_code=GUANYINQIAO, members=[member("刘桂兰", phone="13800001111")])
    number = world.submit(body)["number"]
    assert number and session.scalar(select(Area.level).where(Area.code == "500105")) == "district"


def test_each_correction_says_why_and_a_move_that_no_longer_fits_is_refused() -> None:
    fixes = corrections()
    assert all(len(f["reason"]) > 100 and "两江新区" in f["reason"] for f in fixes)
    source = [Place(c, lv, p, n, (), stem(n)) for c, lv, p, n in [
        ("500000", "province", None, "重庆市"), (LIANGJIANG, "district", "500000", "两江新区"),
        ("500157019", "street", LIANGJIANG, "观音桥街道"), ("500157013", "street", LIANGJIANG, "龙溪街道")]]
    fix = {"id": "t", "add": [{"code": "500105", "level": "district", "parent": "500000", "name": "江北区", "pinyin": ""}],
           "move": {"500157019": [GUANYINQIAO, "观音桥街道"]}}
    assert {p.code: p.parent for p in corrected(source, [fix])}[GUANYINQIAO] == "500105"
    renumbered = {**fix, "move": {"500157013": [GUANYINQIAO, "观音桥街道"]}}  # the source code names 龙溪街道 now
    with pytest.raises(ValueError, match="500157013"):
        corrected(source, [renumbered])
