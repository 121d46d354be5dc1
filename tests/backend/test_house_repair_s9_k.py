""""修房子有没得补助" is a question, answered (session 9, helper K): after her 急难 report a tester's question opened a
new report. The policy answer says what helps repair a house by how it was damaged (灾害: 恢复重建; 意外: 临时救助;
农村危房: 危房改造, 住房救助) and where to apply, whatever type or aspect the question was read as
(backend/policy/house.py, data/house_repair.yaml)."""

from datetime import date

import pytest

from backend.eligibility.standards import get_catalogue
from backend.policy import service
from backend.regions.service import office_for

ON = date(2026, 11, 24)


def _answer(said: str, assistance_type: str = "临时救助", aspect: str = "标准", area_code: str | None = None):  # noqa: ANN202
    return service.answer(get_catalogue(), assistance_type=assistance_type, aspect=aspect, region_name=None, on=ON,
                          office=office_for(area_code) if area_code else None, said=said, area_code=area_code)


@pytest.mark.parametrize("said", ["修房子有没得补助", "房子遭水淹了 修要补助不", "屋头房子垮了一半 能补好多钱",
                                  "危房改造有没有补贴", "我家房子漏雨 修房子找哪个要补助"])
@pytest.mark.parametrize(("assistance_type", "aspect"), [("临时救助", "标准"), ("低保", "条件"), ("住房救助", "流程")])
def test_help_to_repair_a_house_is_answered_whatever_it_was_read_as(said: str, assistance_type: str, aspect: str) -> None:
    body = _answer(said, assistance_type, aspect)
    assert body.term == "修房子" and not body.needs_region
    assert "临时救助" in body.answer and "危房改造" in body.answer and "恢复重建" in body.answer
    assert "None" not in body.answer and "元" not in body.answer  # no local amount is on file: none is said


def test_her_street_office_is_where_to_apply() -> None:
    said = _answer("修房子有没得补助", area_code="500103001").answer
    assert "七星岗街道社会救助窗口" in said and "电话我这里还没有登记" in said and "None" not in said


@pytest.mark.parametrize("said", ["有房子能吃低保不", "房子烧了 今晚住哪点", "我家房子是自己的", "临时救助能给好多钱"])
def test_other_questions_are_not_this_one(said: str) -> None:
    assert _answer(said).term != "修房子"
