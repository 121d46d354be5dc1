"""Session 10: 陈玉兰 (81, alone, pension 1100, 重庆) was told only "【低保边缘】…低于低保边缘收入线1155元…" and never plainly
that 1100 is above the 低保 standard 770. Each result carries the same in plain words (`plain`), said first in the chat."""


def precheck(client, income: int, size: int = 1) -> dict:  # noqa: ANN001
    members = [{"name": "陈玉兰", "age": 81, "incomes": [{"kind": "退休金", "monthly_amount": income}]}]
    members += [{"name": f"家人{i}", "relation": "其他"} for i in range(1, size)]
    resp = client.post("/api/v1/eligibility/precheck", json={"region": "重庆", "hukou": "urban", "savings": 0, "members": members})
    assert resp.status_code == 200, resp.text
    return {r["assistance_type"]: r for r in resp.json()["results"]}


def test_above_the_standard_is_said_plainly(client) -> None:  # noqa: ANN001
    results = precheck(client, 1100)
    assert results["低保"]["plain"] == "按您说的，每月1100元，比低保标准770元高，低保一般批不下来。"
    edge = results["低保边缘"]["plain"]
    assert results["低保边缘"]["eligible"] and "不发低保金" in edge and "1155元" in edge and "专项救助" in edge


def test_below_the_standard_and_a_household_are_said_plainly(client) -> None:  # noqa: ANN001
    assert results_plain(precheck(client, 300)).startswith("按您说的，每月300元，比低保标准770元低")
    assert "全家平均每人每月" in results_plain(precheck(client, 2000, size=2))


def results_plain(results: dict) -> str:
    return results["低保"]["plain"]
