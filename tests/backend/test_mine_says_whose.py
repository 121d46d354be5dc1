"""“我的申请” says which cases are the caller's own and which a relative let him see: the chat adds "没有看到家里人的
申请的话…办一份授权委托书" only when no relative's case was shown (a grandson got it under his grandmother's case)."""

from tests.backend.test_access_and_delegations import _delegate, sms  # noqa: F401  (the fixture)


def test_the_helper_sees_his_grandmothers_case_as_not_his_own(world, sms) -> None:  # noqa: ANN001, F811
    _delegate(world, sms)
    number = world.submit(headers=world.helper, key="grandma-1")["number"]
    [helper_view] = [a for a in world.client.get("/api/v1/applications/mine", headers=world.helper).json() if a["number"] == number]
    [own_view] = [a for a in world.client.get("/api/v1/applications/mine", headers=world.applicant).json() if a["number"] == number]
    assert helper_view["own"] is False and own_view["own"] is True
