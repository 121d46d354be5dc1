"""Tester t5 (a 网格员, 邓丽, filing 特困 for 周德贵, 71, no phone, a paper 委托书):
1. "身份证号我刚才可能报错了，重新报一遍：5001…0019，以这个为准" at the read-back asked the ID again: the number said with it
   is taken (validated, said back, read back again), also when it is the same number;
2. "后面核查能不能安排工作人员上门？", "能上门办理吗" at the read-back: the home visit answered plainly, then asked again;
3. while the paper 委托书 waits: how the 核对授权书 is signed without a phone, his ID corrected on the draft, an upload
   waiting said with its date;
4. the progress answer for a helper without the applicant's phone: no "家里人", no "她" for a man."""

import pytest

from actions.forms import ValidateApplicationForm
from tests.actions.answers_helpers import install, said, turn, with_check_digit
from tests.actions.test_precheck_findings import spoken

ZHOU_ID = "500106195508080019"
HER_PHONE = "13983003003"
# 邓丽 (网格员) files 特困 for 周德贵: no phone, a paper 委托书; the read-back is being asked.
ZHOU = {"assistance_type": "特困", "filing_for": "other", "helper_kind": "grid_worker", "helper_name": "邓丽",
        "citizen_token": "citizen-token", "verified_phone": HER_PHONE, "phone_verified": True, "applicant_name": "周德贵",
        "applicant_id": ZHOU_ID, "principal_no_phone": True, "street": "渝中区解放碑街道", "area_code": "500103003",
        "hukou": "城镇户口", "savings": 0.0, "monthly_income": 0.0, "more_members": False, "members": [],
        "reason": "独居无子女，患糖尿病，行走困难", "open_checked": f"{ZHOU_ID}:特困"}


# 1. An ID number said again at the read-back is taken, never asked again.

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["身份证号我刚才可能报错了，重新报一遍：500106195508080019，以这个为准",
                                  "身份证号报错了 应该是500106195508080019"])
async def test_the_same_id_said_again_at_the_read_back_is_kept_and_read_back(fake_backend, text) -> None:  # noqa: ANN001
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, ZHOU)
    assert after["applicant_id"] == ZHOU_ID and after.get("requested_slot") in (None, "confirmed")
    assert after["confirmed"] is None
    words = [await spoken(m, after) if m.get("response") else m["text"] for m in messages]
    assert any("500106********0019" in w for w in words), words


@pytest.mark.asyncio
async def test_a_new_id_said_again_at_the_read_back_replaces_the_old(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    new_id = with_check_digit("50010619550808002")
    text = f"身份证号我刚才可能报错了，重新报一遍：{new_id}，以这个为准"
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, ZHOU)
    assert after["applicant_id"] == new_id and after["confirmed"] is None and after.get("requested_slot") in (None, "confirmed")
