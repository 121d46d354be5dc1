"""How the money of a case comes, before any is paid (session 9, helper G10): a kitchen-fire tester's 临时救助（急难型）
asked "林时救助好久能到账 能不能今天就先给点钱交医院的压金" and heard "批准后按月发放". The progress answer's
payment_said is the case type's own: monthly, once, or 先行救助 with its time limits from workflows.yaml."""

import pytest

from backend.applications.catalog import get_catalog
from tests.backend.world import application_body

TYPES = sorted(get_catalog().workflows)


@pytest.mark.parametrize("key", TYPES)
def test_every_type_says_how_its_money_comes(world, key: str) -> None:  # noqa: ANN001
    assistance_type, _, subtype = key.partition("/")
    number = world.submit(application_body(assistance_type, subtype=subtype or None), key=f"how-{TYPES.index(key):08d}")["number"]
    said = world.client.get(f"/api/v1/applications/{number}/progress", headers=world.applicant).json()["payment_said"]
    wf = get_catalog().workflows[key]
    assert number in said and "还没有发放记录" in said
    if wf.one_off:
        assert "一次性" in said and "按月发放" not in said
    else:
        assert "按月发放" in said and "一次性" not in said
    if wf.advance:
        first, paperwork = wf.advance
        assert "先行救助" in said and f"{first}个工作日内处理" in said and f"{paperwork}个工作日内补办手续" in said
        assert "30个工作日" not in said
    else:
        assert "先行救助" not in said
        assert f"{get_catalog().case_limit(get_catalog().region('重庆'))}个工作日内办完" in said


@pytest.mark.parametrize(("said", "words"), [
    ("医院要压金两千块 我身上没得钱 卡也烧了", ("先行救助", "住院处", "缓交", "先诊疗后付费", "医保", "医疗救助")),
    ("医院那边压金能不能缓一下 我咋个跟医院说", ("住院处", "申请编号")),
    ("火灾证明找哪个开", ("消防救援",)),
    ("身份证烧了", ("派出所", "临时身份证", "不用等")),
])
def test_the_deposit_and_burnt_papers_are_answered_from_the_data(client, said: str, words: tuple) -> None:  # noqa: ANN001
    body = client.get("/api/v1/policy/answer", params={"assistance_type": "临时救助", "aspect": "标准", "said": said}).json()
    assert body["term"] == "急需" and all(w in body["answer"] for w in words), body["answer"]
    assert "救助证明" not in body["answer"] and "按月" not in body["answer"]
