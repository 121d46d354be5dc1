from datetime import date

import pytest
from fastapi.testclient import TestClient

from backend.eligibility.standards import StandardsCatalogue, get_catalogue


@pytest.mark.parametrize(
    ("on", "urban", "rural", "tekun"),
    [
        ("2025-06-30", 750, 610, 975),  # the day before the change: the previous standard
        ("2025-07-01", 770, 630, 1001),  # 渝民规〔2025〕6号 in force
        ("2026-11-23", 770, 630, 1001),
    ],
)
def test_chongqing_standard_is_looked_up_by_date(client: TestClient, on: str, urban: int, rural: int, tekun: int) -> None:
    body = client.get("/api/v1/policy/standards", params={"region": "重庆", "on": on}).json()
    assert (body["dibao"]["urban"], body["dibao"]["rural"], body["tekun"]["urban"]) == (urban, rural, tekun)


@pytest.mark.parametrize("name", ["重庆", "重庆市", "渝中区", "我在重庆綦江区", "渝"])
def test_names_people_use_resolve_to_the_region(name: str) -> None:
    region = get_catalogue().resolve(name)
    assert region is not None and region.key == "重庆"


def test_a_region_with_no_standard_before_its_first_version() -> None:
    wuhan = get_catalogue().resolve("武汉")
    assert get_catalogue().in_force(wuhan, date(2022, 3, 31)) is None
    assert get_catalogue().in_force(wuhan, date(2022, 4, 1)).dibao.urban == 910


def test_answer_states_both_standards_with_effective_date_and_source(client: TestClient) -> None:
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "标准", "region": "重庆"}).json()
    assert body["region"] == "重庆" and body["needs_region"] is False
    for fragment in ("城市每人每月770元", "农村每人每月630元", "2025年7月1日起执行", "渝民规〔2025〕6号", "1001元"):
        assert fragment in body["answer"]


def test_answer_asks_for_the_region_when_it_matters(client: TestClient) -> None:
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "标准"}).json()
    assert body["needs_region"] is True and body["answer"] is None
    assert body["known_regions"] == ["重庆", "武汉", "常州"]


def test_a_question_that_needs_the_place_gets_the_national_rule_first(client: TestClient) -> None:
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "资产"}).json()
    assert body["needs_region"] is True and "车辆" in body["national"]
    no_rule = client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "材料"}).json()
    assert no_rule["needs_region"] is False and no_rule["national"] is None


def test_edge_family_line_is_one_and_a_half_times_the_standard(client: TestClient) -> None:
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "低保边缘", "region": "重庆"}).json()
    assert "城市每人每月1155元" in body["answer"] and "农村每人每月945元" in body["answer"]


def test_unknown_region_is_a_clear_chinese_404(client: TestClient) -> None:
    resp = client.get("/api/v1/policy/standards", params={"region": "火星"})
    assert resp.status_code == 404
    assert resp.json()["error"] == {"code": "unknown_region", "message": "暂时没有“火星”的标准数据。", "details": None}


def test_changing_the_data_file_changes_the_answer(tmp_path) -> None:
    (tmp_path / "重庆.yaml").write_text(
        "full_name: 重庆市\nlimits: {edge_factor: 1.5, financial_assets_months: 24, max_homes: 1}\nversions:\n"
        "  - {effective_from: 2027-01-01, source: 新文件, dibao: {urban: 800, rural: 660}, tekun: null}\n"
        "  - {effective_from: null, source: 旧, dibao: {urban: 770, rural: 630}, tekun: null}\n",
        encoding="utf-8",
    )
    catalogue = StandardsCatalogue.from_dir(tmp_path)
    region = catalogue.resolve("重庆")
    assert catalogue.in_force(region, date(2026, 12, 31)).dibao.urban == 770
    assert catalogue.in_force(region, date(2027, 1, 1)).dibao.urban == 800


@pytest.mark.parametrize(
    ("assistance_type", "aspect", "region", "fragment"),
    [
        ("低保", "条件", "渝中区", "低于当地低保标准（城市770元、农村630元）；二是"),
        ("特困", "条件", "武汉", "武汉市特困人员基本生活标准每人每月1820元（农村1500元）"),
        ("低保", "流程", None, "公示7天"),
        ("低保", "时限", None, "30个工作日"),
        ("特困", "流程", None, "至少抽查30%"),
        ("临时救助", "流程", None, "先行救助"),
        ("低保边缘", "条件", "重庆", "城市1155元、农村945元"),
    ],
)
def test_catalogue_answers_every_type_and_aspect_from_data(client: TestClient, assistance_type, aspect, region, fragment) -> None:
    params = {"assistance_type": assistance_type, "aspect": aspect, **({"region": region} if region else {})}
    body = client.get("/api/v1/policy/answer", params=params).json()
    assert fragment in body["answer"] and body["needs_region"] is False


def test_conditions_of_dibao_need_the_region_and_unknown_topics_offer_a_person(client: TestClient) -> None:
    assert client.get("/api/v1/policy/answer", params={"assistance_type": "低保", "aspect": "条件"}).json()["needs_region"]
    other = client.get("/api/v1/policy/answer", params={"assistance_type": "医疗救助", "aspect": "条件"}).json()
    assert "转人工" in other["answer"]


def test_the_offer_gives_the_assistant_its_defaults(client: TestClient) -> None:
    body = client.get("/api/v1/policy/offer").json()
    assert (body["region"], body["default_region"], body["regions"]) == ("重庆", "重庆", ["重庆", "武汉", "常州"])
    assert (body["default_type"], body["default_aspect"]) == ("低保", "标准")
    assert "低保边缘" in body["question_types"] and "时限" in body["aspects"]
    filing = {t["assistance_type"]: t for t in body["filing_types"]}
    assert set(filing) == {"低保", "特困", "临时救助"}
    assert filing["临时救助"]["default_subtype"] == "支出型" and set(filing["临时救助"]["subtypes"]) == {"支出型", "急难型"}
    assert filing["低保"] == {"assistance_type": "低保", "subtypes": [], "default_subtype": None}
    assert body["emergency"] == {"assistance_type": "临时救助", "subtype": "急难型"}
    assert client.get("/api/v1/policy/offer", params={"region": "武昌区"}).json()["region"] == "武汉"
