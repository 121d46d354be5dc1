"""Who comes for the home visit, asked in words (session 9, helper G5): "入户调查是社区的人来还是街道的人来" was not
answered at all (a grid worker at the paper 委托书 step heard only that her forms were kept)."""


def test_who_comes_is_said_with_the_time_limits(world) -> None:  # noqa: ANN001
    for said in ("入户调查是社区的人来还是街道的人来", "入户核查是哪个来做？大概好久来？"):
        body = world.client.get("/api/v1/policy/answer", params={"said": said}).json()
        assert body["term"] == "入户调查时间" and "街道（乡镇）组织" in body["answer"], body
        assert "受理以后3个工作日内开始入户调查" in body["answer"]
    when = world.client.get("/api/v1/policy/answer", params={"said": "入户核查啥时候来"}).json()
    assert "组织" not in when["answer"]  # asked when only: the time limits alone
