"""One owner for each local figure: the policy answer and the pre-check state the same 低保边缘 line.

Both read backend/eligibility/data/regions/<region>.yaml; these tests catch any second copy of a figure.
"""

import re

import pytest
from fastapi.testclient import TestClient

from backend.core import clock
from backend.eligibility.standards import get_catalogue

LINE_IN_ANSWER = re.compile(r"低保标准的([\d.]+)倍：(?:城市每人每月(\d+(?:\.\d\d)?)元，农村每人每月(\d+(?:\.\d\d)?)元|城乡统一，每人每月(\d+(?:\.\d\d)?)元)")
LINE_IN_CONDITION = re.compile(r"低于低保标准的([\d.]+)倍（\S+?城市(\d+(?:\.\d\d)?)元、农村(\d+(?:\.\d\d)?)元）")
LINE_IN_PRECHECK = re.compile(r"低于低保边缘收入线(\d+(?:\.\d\d)?)元（低保标准的([\d.]+)倍）")


def _answer(client: TestClient, region: str, aspect: str) -> str:
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "低保边缘", "aspect": aspect, "region": region})
    assert body.status_code == 200, body.text
    return body.json()["answer"]


def _precheck_edge(client: TestClient, region: str, *, rural: bool, dibao: float) -> tuple[str, str]:
    """A one-person household just above the 低保 standard: the pre-check names the 低保边缘 line."""
    body = client.post("/api/v1/eligibility/precheck", json={
        "region": region, "is_rural": rural, "savings": 0, "members": [{"age": 40, "monthly_income": dibao + 1}],
    })
    assert body.status_code == 200, body.text
    edge = next(r for r in body.json()["results"] if r["assistance_type"] == "低保边缘")
    assert edge["eligible"], edge["reason"]
    line, factor = LINE_IN_PRECHECK.search(edge["reason"]).groups()
    return factor, line


def _same_line(client: TestClient, region: str) -> tuple[str, str, str]:
    catalogue = get_catalogue()
    std = catalogue.in_force(catalogue.resolve(region), clock.today())
    factor, urban, rural, both = LINE_IN_ANSWER.search(_answer(client, region, "标准")).groups()
    # Where the two lines are the same (常州), the answer says one figure for both.
    from_answer = (factor, urban or both, rural or both)
    from_condition = LINE_IN_CONDITION.search(_answer(client, region, "条件")).groups()
    factor_u, urban = _precheck_edge(client, region, rural=False, dibao=std.dibao.urban)
    factor_r, rural = _precheck_edge(client, region, rural=True, dibao=std.dibao.rural)
    assert from_answer == from_condition == (factor_u, urban, rural)
    assert factor_u == factor_r
    return from_answer


def test_changzhou_policy_answer_and_precheck_state_the_same_edge_line(client: TestClient) -> None:
    # 常州 counts 低保边缘 up to twice its 低保 standard of 1000元 (regions/常州.yaml).
    assert _same_line(client, "常州") == ("2", "2000", "2000")


@pytest.mark.parametrize("region", [r.key for r in get_catalogue().regions])
def test_every_region_states_one_edge_line(client: TestClient, region: str) -> None:
    factor, _, _ = _same_line(client, region)
    assert factor == str(get_catalogue().resolve(region).limits.edge_factor)
