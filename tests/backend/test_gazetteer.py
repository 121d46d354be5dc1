"""The national gazetteer: its data, street matching as people say it, who answers for a street, and
`areas` rows created when something first refers to a place (SQLite and PostgreSQL)."""

import gzip
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from backend.eligibility.standards import StandardsCatalogue
from backend.regions.gazetteer import DATA_DIR, get_gazetteer
from backend.regions.models import Area
from backend.regions.offices import get_offices
from backend.regions.seed import load_areas
from backend.regions.service import ensure_area
from tests.backend.world import application_body, member

TWO_ROADS = "500103004"  # 重庆市渝中区两路口街道: in no demo data, no office of its own on file
BEIJING_STREET = "110101001"  # 北京市东城区东华门街道: outside every region we hold standards for


def test_every_level_is_there_with_the_official_codes() -> None:
    g = get_gazetteer()
    assert g.count("province") >= 34 and g.count("city") >= 330
    assert g.count("district") >= 2_840 and g.count("street") >= 38_700
    expected = {"500000": "重庆市", "500103": "渝中区", "500110": "綦江区", "500106": "沙坪坝区",
                "500103001": "七星岗街道", "500103003": "解放碑街道", TWO_ROADS: "两路口街道",
                "500110003": "古南街道", "500106001": "小龙坎街道", "420100": "武汉市", "320400": "常州市",
                BEIJING_STREET: "东华门街道"}
    assert {code: g.places[code].name for code in expected} == expected
    assert g.full_name(TWO_ROADS) == "重庆市渝中区两路口街道"
    assert [p.code for p in g.ancestors(TWO_ROADS)] == ["500103", "500000"]
    assert g.places["420106"].parent == "420100" and g.places["420100"].parent == "420000"


def test_the_data_file_says_where_it_comes_from() -> None:
    meta = yaml.safe_load((DATA_DIR / "gazetteer.yaml").read_text(encoding="utf-8"))
    rows = gzip.decompress((DATA_DIR / "gazetteer.csv.gz").read_bytes()).decode().count("\n") - 1
    assert meta["gazetteer"]["rows"] == rows
    # data/gazetteer_corrections.yaml adds 江北区 and 渝北区 and keeps 北碚's five streets listed twice once.
    assert len(get_gazetteer().places) == rows + 2 - 5
    for part in ("gazetteer", "communities"):
        assert meta[part]["source_package"] and meta[part]["licence"] in ("MIT", "Apache-2.0")
    assert meta["imported_on"] and "2025" in meta["gazetteer"]["reflects"]
    assert "Apache License" in (DATA_DIR / meta["communities"]["licence_file"]).read_text(encoding="utf-8")


def test_offices_and_standards_name_real_places_and_regions() -> None:
    g, book = get_gazetteer(), get_offices()
    assert set(book.offices) | set(book.standards) <= set(g.places)
    assert set(book.standards.values()) <= {r.key for r in StandardsCatalogue.from_dir().regions}


@pytest.mark.parametrize(("said", "within", "first", "match"), [
    ("两路口", None, TWO_ROADS, "exact"),
    ("两路口街道", None, TWO_ROADS, "exact"),
    ("渝中两路口街道", None, TWO_ROADS, "exact"),
    ("重庆市渝中区两路口街道", None, TWO_ROADS, "exact"),
    ("渝中区两路口那边", None, TWO_ROADS, "exact"),
    ("我住两路口", None, TWO_ROADS, "exact"),
    ("我家住在两路口附近的", None, TWO_ROADS, "exact"),
    ("两路囗街道", "500000", TWO_ROADS, "close"),  # 囗 for 口
    ("俩路口", "500000", TWO_ROADS, "close"),
    ("俩路口", None, TWO_ROADS, "close"),  # lia sounds nearer liang than the 岔路口 and 大路口 elsewhere
    ("大平", "500000", "500103012", "close"),  # 大坪街道, said in 重庆
    ("七星刚", None, "500103001", "close"),  # a homophone: qi xing gang
    ("解放杯", None, "500103003", "close"),
    ("中山二路社区", None, TWO_ROADS, "exact"),  # a 社区 of 两路口街道
    ("我住在中山二路社区", None, TWO_ROADS, "exact"),
    ("七星岗", None, "500103001", "exact"),
    ("古南街道", None, "500110003", "exact"),
    ("沙坪坝街道", None, "500106002", "exact"),  # a street named as its district
    ("渝中区", None, "500103", "exact"),  # only a district named: the district itself
])
def test_streets_are_found_the_way_people_say_them(client, said, within, first, match) -> None:  # noqa: ANN001
    params = {"q": said, **({"within": within} if within else {})}
    found = client.get("/api/v1/areas/search", params=params).json()
    assert found[0]["code"] == first and found[0]["match"] == match, found[:3]


def test_the_answer_says_where_and_how_sure(client) -> None:  # noqa: ANN001
    [street] = client.get("/api/v1/areas/search", params={"q": "我住在中山二路社区"}).json()
    assert street == {
        "code": TWO_ROADS, "name": "两路口街道", "level": "street", "full_name": "重庆市渝中区两路口街道",
        "district": "渝中区", "city": "重庆市", "province": "重庆市", "match": "exact", "community": "中山二路社区",
        "standards_region": "重庆", "office_name": "渝中区民政局社会救助科", "office_phone": None,
        "office_hours": "工作日 9:00-12:00 14:00-17:30", "office_configured": False, "duty_phone": None, "supervision_phone": None,
    }


def test_a_name_found_in_many_provinces_is_narrowed_by_the_region_known(client) -> None:  # noqa: ANN001
    everywhere = client.get("/api/v1/areas/search", params={"q": "大坪"}).json()
    assert len(everywhere) == 8 and everywhere[0]["province"] != "重庆市"
    [chongqing] = client.get("/api/v1/areas/search", params={"q": "大坪", "within": "500000"}).json()
    assert chongqing["full_name"] == "重庆市渝中区大坪街道"
    # The chat may know the region by the name it answers policy questions with.
    by_name = client.get("/api/v1/areas/search", params={"q": "大坪", "within": "重庆"}).json()
    assert [a["code"] for a in by_name] == [chongqing["code"]]
    # The district named in the text decides too, and beats the region the conversation knew.
    named = client.get("/api/v1/areas/search", params={"q": "安溪大坪", "within": "500000"}).json()
    assert [a["full_name"] for a in named] == ["福建省泉州市安溪县大坪乡"]


def test_nothing_close_is_an_empty_list_and_an_unknown_region_a_422(client) -> None:  # noqa: ANN001
    assert client.get("/api/v1/areas/search", params={"q": "火星基地"}).json() == []
    for within in ("999999", "火星"):
        resp = client.get("/api/v1/areas/search", params={"q": "两路口", "within": within})
        assert resp.status_code == 422 and resp.json()["error"]["code"] == "unknown_area"
    assert len(client.get("/api/v1/areas/search", params={"q": "城关镇", "limit": 3}).json()) == 3


def test_a_street_without_its_own_office_gets_the_next_one_up(client) -> None:  # noqa: ANN001
    def first(q: str) -> dict:
        return client.get("/api/v1/areas/search", params={"q": q}).json()[0]

    own = first("七星岗")
    assert own["office_configured"] is True and own["office_phone"] is None  # no real number on file
    district = first("两路口")
    assert district["office_configured"] is False and district["office_name"] == "渝中区民政局社会救助科"
    hotline = first("北京市东城区东华门街道")
    assert hotline["code"] == BEIJING_STREET and hotline["office_configured"] is False
    assert hotline["office_phone"] == "12345" and hotline["standards_region"] is None


def test_ensure_area_adds_the_street_and_its_parents_once(session) -> None:  # noqa: ANN001
    before = session.scalar(select(func.count()).select_from(Area))
    assert session.get(Area, TWO_ROADS) is None
    street = ensure_area(session, TWO_ROADS)
    again = ensure_area(session, TWO_ROADS)
    assert street is again and (street.name, street.level, street.parent_code) == ("两路口街道", "street", "500103")
    assert street.standards_region == "重庆"
    assert session.scalar(select(func.count()).select_from(Area)) == before + 1  # 渝中区 and 重庆市 were there
    beijing = ensure_area(session, BEIJING_STREET)
    assert beijing.standards_region is None and session.get(Area, "110000").level == "province"
    assert session.scalar(select(func.count()).select_from(Area)) == before + 4  # street, 东城区, 北京市
    assert ensure_area(session, "500103999") is None and ensure_area(session, None) is None


def test_the_seed_brings_rows_in_line_with_the_gazetteer(session) -> None:  # noqa: ANN001
    street = ensure_area(session, TWO_ROADS)
    street.name, street.standards_region = "旧名字", None
    session.flush()
    load_areas(session)
    assert (street.name, street.standards_region) == ("两路口街道", "重庆")


def test_an_application_from_a_street_outside_the_demo_reaches_its_district(world) -> None:  # noqa: ANN001
    body = application_body(area_code=TWO_ROADS, members=[member("刘桂兰", phone="13800001111")])
    number = world.submit(body)["number"]
    listed = world.client.get("/api/v1/applications", headers=world.caseworker).json()
    assert number in [a["number"] for a in listed]
    assert world.client.get("/api/v1/applications", headers=world.other_caseworker).json() == []


@pytest.mark.parametrize(("code", "error"), [("500103999", "unknown_area"), ("500103", "unknown_area"),
                                             (BEIJING_STREET, "area_not_served")])
def test_applications_need_a_known_street_where_we_hold_standards(world, code, error) -> None:  # noqa: ANN001
    resp = world.client.post("/api/v1/applications", json=application_body(area_code=code),
                             headers={**world.applicant, "Idempotency-Key": "key-area-0001"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == error


def test_call_backs_and_complaints_from_any_street(world) -> None:  # noqa: ANN001
    resp = world.client.post("/api/v1/callbacks", json={"area_code": TWO_ROADS, "topic": "想问低保"}, headers=world.applicant)
    assert resp.status_code == 201, resp.text
    assert resp.json()["office_configured"] is False and resp.json()["office_phone"] is None
    complaint = world.client.post("/api/v1/complaints", json={"text": "没人来调查", "area_code": TWO_ROADS},
                                  headers=world.applicant)
    assert complaint.status_code == 201
    desk = world.client.get("/api/v1/service-desk", headers=world.caseworker).json()
    assert {(d["kind"], d["area_code"]) for d in desk} >= {("callback", TWO_ROADS), ("complaint", TWO_ROADS)}
    unknown = world.client.post("/api/v1/complaints", json={"text": "没人来调查", "area_code": "500103999"},
                                headers=world.applicant)
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_area"
    # A call-back never fails on a code: the hotline answers.
    # (Another phone: this one's call-back is open, and would be told again.)
    hotline = world.client.post("/api/v1/callbacks", json={"area_code": "500103999"}, headers=world.helper)
    assert hotline.status_code == 201 and hotline.json()["office_phone"] == "12345"


def test_the_gazetteer_is_read_once_per_process() -> None:
    assert get_gazetteer() is get_gazetteer()
    assert Path(DATA_DIR / "gazetteer.csv.gz").stat().st_size < 1_000_000
