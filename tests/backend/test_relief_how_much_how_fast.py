"""A fire victim asked "临时救助能给好多钱嘛 好久能拿到" and got only how fast ("急难型当天或很快…"); "好多钱嘛 能不能够交三千押金"
got no amount at all. A question naming how much and how fast is answered on both in one reply; the amount comes from the
region's file when it holds a published 临时救助 rule (a cap as months of the 低保 standard, computed to yuan, with its
source), and is otherwise said plainly to be set case by case by the street and district, never a figure of ours."""

from datetime import date
from pathlib import Path

import pytest

from backend.eligibility.standards import REGIONS_DIR, StandardsCatalogue, get_catalogue
from backend.policy import service

ON = date(2026, 11, 24)


def _ask(said: str, *, catalogue: StandardsCatalogue | None = None, t: str = "临时救助", a: str = "时限",
         region: str | None = "重庆"):  # noqa: ANN202
    return service.answer(catalogue or get_catalogue(), assistance_type=t, aspect=a, region_name=region, on=ON, said=said)


@pytest.mark.parametrize(("said", "t", "a"), [
    ("临时救助能给好多钱嘛 好久能拿到", "临时救助", "时限"), ("林时救助到底能给好多钱 好久能到手", "低保", "时限"),
    ("临时救助能给好多钱嘛 好久能拿到", "临时救助", "标准")])
def test_how_much_and_how_fast_in_one_answer(said: str, t: str, a: str) -> None:
    body = _ask(said, t=t, a=a)
    assert body.assistance_type == "临时救助" and body.region == "重庆"
    assert "还没有当地的数据" in body.answer and "一户一户核定" in body.answer and "街道" in body.answer  # how much
    assert "30个工作日" in body.answer and "先行救助" in body.answer  # how fast
    assert "770" not in body.answer and "元" not in body.answer  # no figure of ours


def test_without_a_place_both_halves_go_as_the_national_rule() -> None:
    body = _ask("临时救助能给好多钱嘛 好久能拿到", region=None)
    assert body.needs_region and "一户一户核定" in body.national and "30个工作日" in body.national


def test_a_deposit_question_says_what_is_possible_and_how_much() -> None:
    body = _ask("好多钱嘛 能不能够交三千押金", t="低保", a="条件")
    text = body.answer
    assert "先行救助" in text and "缓交" in text and "先诊疗后付费" in text and "医疗救助" in text
    assert "一户一户核定" in text and "3000" not in text


def test_a_published_cap_is_computed_to_yuan_with_its_source(tmp_path: Path) -> None:
    raw = (REGIONS_DIR / "重庆.yaml").read_text(encoding="utf-8")
    (tmp_path / "重庆.yaml").write_text(raw.replace("\nversions:\n", "\ntemporary_relief: {cap_months: 6, source: 测试文件〔2026〕1号}\nversions:\n"),
                                      encoding="utf-8")
    catalogue = StandardsCatalogue.from_dir(tmp_path, order=["重庆"])
    text = _ask("临时救助能给好多钱嘛 好久能拿到", catalogue=catalogue).answer
    assert "低保标准的6个月" in text and "4620" in text and "3780" in text and "测试文件〔2026〕1号" in text
    assert "30个工作日" in text and "还没有当地的数据" not in text
