"""Whether staff can come to the home, asked in words (tester t5, a 网格员 for a man who cannot get downstairs):
"后面核查能不能安排工作人员上门？" was not understood and "能上门办理吗" got the whole procedure. Answered plainly: yes,
the visit is made at home, its time limits, and the 核对授权书 signed there on paper (authorizations/ways.py)."""

import pytest


@pytest.mark.parametrize("said", ["另外问一下，老人腿脚不行下不了楼，后面核查能不能安排工作人员上门？", "能上门办理吗",
                                  "老人行动不便，入户调查的时候工作人员能不能直接上门"])
def test_whether_staff_come_to_the_home_is_answered_yes_with_the_signing(world, said: str) -> None:  # noqa: ANN001
    body = world.client.get("/api/v1/policy/answer", params={"said": said, "assistance_type": "特困"}).json()
    assert body["term"] == "入户调查时间", body
    assert body["answer"].startswith("可以。入户调查本来就是工作人员上门来做的"), body["answer"]
    assert "开始入户调查" in body["answer"] and "在纸上签字或按手印" in body["answer"]


def test_when_the_visit_comes_is_still_the_time_limits_alone(world) -> None:  # noqa: ANN001
    body = world.client.get("/api/v1/policy/answer", params={"said": "入户核查啥时候来"}).json()
    assert body["term"] == "入户调查时间" and not body["answer"].startswith("可以") and "签字" not in body["answer"]
