"""The policy catalogue is complete: every type × aspect × region answers something specific, and every
figure it states is one of the region's standards files (never a figure written in prose)."""

import re
from datetime import date
from decimal import Decimal
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from backend.core.money import to_cents
from backend.eligibility.standards import get_catalogue
from backend.policy.schemas import Aspect, AssistanceType
from backend.policy.service import policy_texts

ON = "2026-11-24"
TYPES, ASPECTS = get_args(AssistanceType), get_args(Aspect)
REGIONS = [r.key for r in get_catalogue().regions]
NOT_YET = "还没有准确的资料"
OFFLINE = ("刚性支出困难", "医疗救助", "教育救助", "住房救助", "就业救助")


def _figures(region: str) -> set[Decimal]:
    catalogue = get_catalogue()
    found = catalogue.resolve(region)
    std = catalogue.in_force(found, date.fromisoformat(ON))
    values = {std.dibao.urban, std.dibao.rural, *((std.tekun.urban, std.tekun.rural) if std.tekun else ())}
    return ({to_cents(v) for v in values} | {found.edge_line(std, rural=r) for r in (False, True)}
            | {found.financial_assets_limit(std, rural=r) for r in (False, True)})


def _ask(client: TestClient, t: str, a: str, region: str | None = None, **extra) -> dict:  # noqa: ANN003
    params = {"assistance_type": t, "aspect": a, "on": ON, **({"region": region} if region else {}), **extra}
    resp = client.get("/api/v1/policy/answer", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_the_catalogue_file_covers_every_type_and_aspect() -> None:
    texts = policy_texts()
    assert {(t, a) for t in TYPES for a in ASPECTS} <= {(t, a) for t, aspects in texts.items() for a in aspects}


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("assistance_type", TYPES)
def test_every_type_and_aspect_answers_specifically_with_the_standards_figures(client: TestClient, assistance_type: str,
                                                                              region: str) -> None:
    allowed = _figures(region)
    for aspect in ASPECTS:
        body = _ask(client, assistance_type, aspect, region)
        text = body["answer"]
        assert text and NOT_YET not in text, f"{assistance_type}/{aspect}/{region}: {text}"
        assert assistance_type in text or len(text) > 40
        stated = {to_cents(x) for x in re.findall(r"(\d+(?:\.\d+)?)元", text)}
        assert stated <= allowed, f"{assistance_type}/{aspect}/{region} states {stated - allowed} not in the standards file"
        assert ".0元" not in text and ".0倍" not in text
        if assistance_type in OFFLINE:
            assert "街道（乡镇）" in text and "转人工" in text


def test_the_standard_gives_both_figures_only_where_they_differ(client: TestClient) -> None:
    cq = _ask(client, "低保", "标准", "重庆")["answer"]
    assert "城市每人每月770元" in cq and "农村每人每月630元" in cq
    cz = _ask(client, "低保", "标准", "常州")["answer"]
    assert "城乡统一，每人每月1000元" in cz and "农村" not in cz
    edge = _ask(client, "低保边缘", "标准", "常州")["answer"]
    assert "2倍" in edge and "2.0倍" not in edge and "城乡统一，每人每月2000元" in edge


def test_an_offline_type_names_the_street_office_when_the_street_is_known(client: TestClient) -> None:
    with_street = _ask(client, "医疗救助", "流程", area_code="500103001")["answer"]
    # The office by name and hours; its number is plainly not on file (no placeholder), 12345 to call.
    assert "七星岗街道社会救助窗口" in with_street and "还没有登记" in with_street and "配置" not in with_street and "转人工" in with_street
    assert "023-" not in with_street
    without = _ask(client, "医疗救助", "流程")["answer"]
    assert "户籍所在地或居住地的街道（乡镇）社会救助窗口" in without


@pytest.mark.parametrize("said", ["两路口", "渝中区两路口街道", "石马河街道"])
def test_a_street_named_as_the_place_finds_its_regions_standard(client: TestClient, said: str) -> None:
    """People name their street, not the city: the gazetteer says which standards apply."""
    answer = _ask(client, "低保", "标准", said)
    assert answer["region"] == "重庆" and "770元" in answer["answer"], answer


def test_a_street_in_a_place_without_standards_is_still_unknown(client: TestClient) -> None:
    assert _ask(client, "低保", "标准", "长安街道")["region"] is None
