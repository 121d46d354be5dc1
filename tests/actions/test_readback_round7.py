"""Testers' round 7, at the application's read-back and around it:
1. a family member's income corrected changed hers to keep the household's total (周德明 800 → 850 read back
   "其中赵桂兰自己650元"), and "我的是七百嘛" was not understood: a part corrected keeps the other, the total follows;
2. re-applying after a withdrawal dropped the principal's phone ("手机：不用填"), a phone said at the read-back was not
   taken and 改 on the 手机 line asked nothing: every line's 改 asks its question, a phone in any words is hers, and
   re-applying keeps it;
3. a consent given by her code was called a verified paper form: said as it was given;
4. "是陈秀珍不是陈秀贞" after submitting was asked "正确的应该是什么": taken at once, filed for the staff, said plainly;
5. "她这情况能批下来吗" at the read-back was "没太明白": answered honestly, then asked again.
The backend's side of 3: tests/backend/test_held_method_rb7.py."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import corrections, readback
from actions.forms import ValidateApplicationForm
from actions.journeys import ActionAskConfirmed, ActionSubmitApplication
from actions.policy import ActionAnswerPolicy
from actions.requests import ActionFileCorrection, after_verify
from tests.actions.answers_helpers import install, plain_tracker, said, turn, with_check_digit
from tests.actions.test_precheck_findings import spoken

ZHAO_ID = with_check_digit("50010319560312002")
ZHOU_ID = with_check_digit("50010319540101001")
CHEN_ID = with_check_digit("53010219480520002")
HIS_PHONE = "13987215064"
HUSBAND = {"name": "周德明", "relation": "配偶", "id_number": ZHOU_ID, "income": 800.0}
# 赵桂兰 files for herself: the household 1500, her husband 800 of it, so her own 700.
SELF = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "verified_phone": "13812345678",
        "phone_verified": True, "applicant_name": "赵桂兰", "applicant_id": ZHAO_ID, "applicant_phone": "13812345678",
        "street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口", "savings": 0.0, "monthly_income": 1500.0,
        "more_members": False, "members": [HUSBAND], "reason": "老伴身体不好", "open_checked": f"{ZHAO_ID}:低保"}
# Her grandson re-applies for 陈秀贞: her consent (by code, before) is held, so no phone was asked.
GRANDSON = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "relative", "helper_relation": "孙子",
            "helper_name": "王浩", "citizen_token": "citizen-token", "verified_phone": "13700001111", "phone_verified": True,
            "applicant_name": "陈秀贞", "applicant_id": CHEN_ID, "delegation_id": 7.0, "consent_code": "ok", "held_for": CHEN_ID,
            "open_checked": f"{CHEN_ID}:低保", "street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口",
            "savings": 0.0, "monthly_income": 1200.0, "more_members": False, "members": [], "reason": "一个人住，身体不好"}


async def read_back(slots: dict) -> tuple[str, list]:
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(slots), {})
    return await spoken(dispatcher.messages[0], slots), dispatcher.messages[0]["buttons"]


async def filed(fake, slots: dict, key: str) -> dict:  # noqa: ANN001
    done = {**slots, "confirmed": True, "submission_key": key}
    await ActionSubmitApplication().run(CollectingDispatcher(), plain_tracker(done), {})
    return fake.submitted[key]


def incomes(body: dict) -> list[float]:
    return [sum(i["monthly_amount"] for i in m["incomes"]) for m in body["members"]]


def consent_codes_sent(fake) -> int:  # noqa: ANN001
    return sum(r.url.path.endswith("/delegations/consent-code") for r in fake.requests)


# 1. One part of the household's income corrected: the other part stays, the total follows, and it is said.

@pytest.mark.asyncio
async def test_a_members_income_corrected_keeps_hers_and_the_total_follows(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "他的收入不对 是八百五", SELF)
    assert after["members"] == [{**HUSBAND, "income": 850.0}] and after["monthly_income"] == 1550.0
    assert after["requested_slot"] == "confirmed" and "utter_not_understood" not in said(messages)
    assert await spoken(messages[0], after) == "好的，周德明改成850元了，全家一共就是1550元。"
    text, _ = await read_back(after)
    assert "每月收入：全家一共1550元，其中赵桂兰自己700元\n周德明每月收入：850元\n" in text
    assert incomes(await filed(fake_backend, after, "rb7-member")) == [700.0, 850.0]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["他的退休金是九百五 不是九百", "老伴的不对 是九百五", "不是八百 是九百五", "周德明九百五"])
async def test_his_figure_said_again_in_words_is_his_and_never_a_no(fake_backend, text: str) -> None:  # noqa: ANN001
    # Round 2: "他的退休金是九百五 不是九百" was read as 先不提交 ("不是"), and nothing changed.
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, SELF)
    assert after.get("confirmed") is not False and after["members"] == [{**HUSBAND, "income": 950.0}]
    assert after["monthly_income"] == 1650.0  # hers 700 stays
    assert await spoken(messages[0], after) == "好的，周德明改成950元了，全家一共就是1650元。"


@pytest.mark.asyncio
async def test_his_figure_asked_again_by_its_button_keeps_hers(fake_backend) -> None:  # noqa: ANN001
    # Round 2: 改罗国华每月收入 then "九百五" filed hers as 550 to keep the old total 1500.
    install(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "confirmed", "改周德明每月收入", SELF)
    assert asked["requested_slot"] == "member_income"
    after, messages = await turn(ValidateApplicationForm(), "member_income", "九百五", asked)
    assert after["monthly_income"] == 1650.0 and after["members"][-1]["income"] == 950.0
    assert after["more_members"] is False and after["requested_slot"] == "confirmed"
    assert "全家一共就是1650元" in await spoken(messages[0], after)
    assert incomes(await filed(fake_backend, after, "rb7-button")) == [700.0, 950.0]


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "his", "own", "total"), [
    ("我的是七百嘛 咋个变成六百五了", 850.0, 700.0, 1550.0),  # after the old fault: the total 1500 had cut hers to 650
    ("我自己的收入是六百", 800.0, 600.0, 1400.0),
    ("我的收入不对 是六百", 800.0, 600.0, 1400.0),
])
async def test_her_own_part_said_at_the_read_back_corrects_it(fake_backend, text: str, his: float, own: float,
                                                              total: float) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**SELF, "members": [{**HUSBAND, "income": his}]}
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, slots)
    assert after["monthly_income"] == total and after["members"] == slots["members"]
    assert after["requested_slot"] == "confirmed" and "utter_not_understood" not in said(messages)
    assert await spoken(messages[0], after) == f"好的，赵桂兰自己改成{own:g}元了，全家一共就是{total:g}元。"
    text_back, _ = await read_back(after)
    assert f"全家一共{total:g}元，其中赵桂兰自己{own:g}元\n周德明每月收入：{his:g}元" in text_back
    assert incomes(await filed(fake_backend, after, f"rb7-own-{own}")) == [own, his]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我是1950年的", "我有1000块存款", "我是2号楼的", "我是七十八"])
async def test_other_figures_about_her_are_no_income(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    after, _ = await turn(ValidateApplicationForm(), "confirmed", text, SELF)
    assert after["monthly_income"] == 1500.0 and after["members"] == [HUSBAND] and after["confirmed"] is None


@pytest.mark.asyncio
async def test_a_helper_corrects_the_principals_own_part(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    grandpa = {"name": "陈德明", "relation": "配偶", "id_number": ZHOU_ID, "income": 500.0}
    slots = {**GRANDSON, "members": [grandpa], "monthly_income": 1200.0}
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "我奶奶自己的是六百", slots)
    assert after["monthly_income"] == 1100.0 and after["members"] == [grandpa]
    assert await spoken(messages[0], after) == "好的，陈秀贞自己改成600元了，全家一共就是1100元。"
    # His grandfather's, by his name: hers stays 700.
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "陈德明的收入不对 是五百五", slots)
    assert after["monthly_income"] == 1250.0 and after["members"][0]["income"] == 550.0


# 2. 改 on every line asks that question; a phone said in any words is hers; re-applying keeps it.

NO_PHONE = {**GRANDSON, "delegation_id": None, "consent_code": None, "principal_no_phone": True}


@pytest.mark.asyncio
@pytest.mark.parametrize("slots", [{**SELF, "members": [HUSBAND]}, GRANDSON, NO_PHONE], ids=["self", "consent-held", "no-phone"])
async def test_every_lines_fix_button_asks_that_question(fake_backend, slots: dict) -> None:  # noqa: ANN001
    install(fake_backend)
    _, buttons = await read_back(slots)
    fixes = [b["payload"] for b in buttons if b["payload"].startswith("改")]
    assert "改手机" in fixes and len(fixes) >= 10
    for payload in fixes:
        label = payload.removeprefix("改")
        expected = "member_income" if label.endswith(readback.MEMBER_INCOME) and label != "每月收入" \
            else corrections.BY_LABEL[label].key
        after, messages = await turn(ValidateApplicationForm(), "confirmed", payload, slots)
        assert after["requested_slot"] == expected, payload
        assert after[expected] is None and "utter_not_understood" not in said(messages), payload
    assert consent_codes_sent(fake_backend) == 0


@pytest.mark.asyncio
async def test_the_phone_asked_again_with_her_consent_held_is_taken_without_a_code(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "confirmed", "改手机", GRANDSON)
    assert asked["requested_slot"] == "applicant_phone"
    after, _ = await turn(ValidateApplicationForm(), "applicant_phone", HIS_PHONE, asked)
    assert after["applicant_phone"] == HIS_PHONE and after["requested_slot"] == "confirmed"
    assert consent_codes_sent(fake_backend) == 0
    # "她没有手机" instead: fine with her consent held, said so, and on to the read-back (never asked round again).
    after, messages = await turn(ValidateApplicationForm(), "applicant_phone", "她没有手机", asked)
    assert after["applicant_phone"] is None and after["requested_slot"] == "confirmed"
    assert said(messages) == ["utter_principal_phone_left_out"] and not after.get("principal_no_phone")


@pytest.mark.asyncio
async def test_the_phone_asked_again_without_a_phone_before_asks_her_code(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    asked, _ = await turn(ValidateApplicationForm(), "confirmed", "改手机", NO_PHONE)
    after, _ = await turn(ValidateApplicationForm(), "applicant_phone", HIS_PHONE, asked)
    assert after["applicant_phone"] == HIS_PHONE and after["principal_no_phone"] is None
    assert after["requested_slot"] == "consent_code" and consent_codes_sent(fake_backend) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [f"手机还是填上吧 我奶奶的{HIS_PHONE}", f"她手机是{HIS_PHONE}", HIS_PHONE,
                                  f"电话填{HIS_PHONE}嘛"])
async def test_a_phone_said_at_the_read_back_in_any_words_is_hers(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, GRANDSON)
    assert after["applicant_phone"] == HIS_PHONE and after["requested_slot"] == "confirmed"
    assert "utter_not_understood" not in said(messages) and consent_codes_sent(fake_backend) == 0
    back, _ = await read_back(after)
    assert "手机：139****5064\n" in back
    assert (await filed(fake_backend, after, f"rb7-phone-{len(text)}"))["members"][0]["phone"] == HIS_PHONE


@pytest.mark.asyncio
async def test_re_applying_keeps_her_phone(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    # The first application: her phone for her code, remembered for her ID number.
    first = {k: v for k, v in GRANDSON.items() if k not in ("delegation_id", "consent_code", "held_for")}
    first, _ = await turn(ValidateApplicationForm(), "applicant_phone", HIS_PHONE, {**first, "applicant_phone": None})
    assert first["principal_phones"] == {CHEN_ID: HIS_PHONE} and consent_codes_sent(fake_backend) == 1
    # Submitted, withdrawn, and applying again: her consent is held now, her phone is hers again.
    fake_backend.held = {"status": "verified", "delegation_id": 7, "method": "otp"}
    again = {k: GRANDSON[k] for k in ("assistance_type", "filing_for", "helper_kind", "helper_relation", "helper_name",
                                      "citizen_token", "verified_phone", "phone_verified")}
    again, messages = await turn(ValidateApplicationForm(), "applicant_name", f"陈秀贞 {CHEN_ID}",
                                 {**again, "principal_phones": first["principal_phones"]})
    assert again["delegation_id"] == 7 and again["applicant_phone"] == HIS_PHONE
    assert again["requested_slot"] == "street" and consent_codes_sent(fake_backend) == 1
    back, _ = await read_back({**GRANDSON, **again, "principal_phones": first["principal_phones"]})
    assert "手机：139****5064\n" in back and "不用填" not in back


# 3. Her consent is said as she gave it.

@pytest.mark.asyncio
@pytest.mark.parametrize(("method", "words", "never"), [
    ("otp", "之前已经用本人手机收验证码，同意由您代办了", "书面"),
    ("paper", "的书面授权委托书已经核对过了", "验证码，同意"),
    (None, "已经授权您代办了", "书面"),
])
async def test_the_consent_held_is_said_as_it_was_given(fake_backend, method: str | None, words: str, never: str) -> None:  # noqa: ANN001
    install(fake_backend)
    fake_backend.held = {"status": "verified", "delegation_id": 7, **({"method": method} if method else {})}
    slots = {k: GRANDSON[k] for k in ("assistance_type", "filing_for", "helper_kind", "helper_name", "citizen_token",
                                      "verified_phone", "phone_verified")}
    after, messages = await turn(ValidateApplicationForm(), "applicant_name", f"陈秀贞 {CHEN_ID}", slots)
    text = await spoken(next(m for m in messages if str(m.get("response")).startswith("utter_delegation_held")), after)
    assert text.startswith("陈秀贞") and words in text and never not in text


# 4. A name put right after submitting: taken at once, filed for the staff, said plainly.

def _with_members(fake) -> None:  # noqa: ANN001
    """The application as GET /applications/{number} gives it, with its members' names."""
    route = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        response = route(request)
        if request.method == "GET" and request.url.path == "/api/v1/applications/JZ20261124000009":
            return httpx.Response(200, json={**response.json(), "members": [
                {"name": "陈秀贞", "relation": "本人", "id_masked": "530102********0021", "sex": "女", "birth_date": None}]})
        return response

    fake.handler = handler


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我奶奶名字填错了 是陈秀珍不是陈秀贞", "名字不是陈秀贞 是陈秀珍", "我奶奶的名字应该是陈秀珍"])
async def test_a_name_put_right_after_submitting_goes_to_the_staff_at_once(fake_backend, text: str) -> None:  # noqa: ANN001
    _with_members(fake_backend)
    dispatcher = CollectingDispatcher()
    slots = {"citizen_token": "citizen-token", "after_verify": "correct", "correction_said": text,
             "application_no": "JZ20261124000009", "phone_verified": True}
    events = await after_verify(dispatcher, plain_tracker(slots, text, "correct_application"))
    assert not any(e.get("event") == "followup" for e in events)  # never "哪里填错了，正确的应该是什么？"
    step = next(r for r in fake_backend.requests if r.url.path.endswith("/actions/request_change"))
    assert json.loads(step.content)["note"].startswith("姓名更正：陈秀贞改为陈秀珍（原话：")
    assert said(dispatcher.messages) == ["utter_correction_name_filed"]
    told = await spoken(dispatcher.messages[0], {})
    assert "名字要改成陈秀珍" in told and "已经转给经办的街道（乡镇）工作人员改，改好前申请JZ20261124000009上还是陈秀贞" in told


@pytest.mark.asyncio
async def test_a_name_said_to_the_correction_question_is_filed_the_same_way(fake_backend) -> None:  # noqa: ANN001
    _with_members(fake_backend)
    dispatcher = CollectingDispatcher()
    slots = {"citizen_token": "citizen-token", "correction_said": "我要改申请", "correction_text": "名字应该是陈秀珍",
             "application_no": "JZ20261124000009"}
    await ActionFileCorrection().run(dispatcher, plain_tracker(slots), {})
    assert json.loads(fake_backend.requests[-1].content)["note"].startswith("姓名更正：陈秀贞改为陈秀珍")
    assert "改好前申请JZ20261124000009上还是陈秀贞" in await spoken(dispatcher.messages[0], {})


@pytest.mark.asyncio
async def test_other_corrections_are_filed_as_before(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    slots = {"citizen_token": "citizen-token", "after_verify": "correct", "correction_said": "收入不是1200是800",
             "application_no": "JZ20261124000009", "phone_verified": True}
    await after_verify(dispatcher, plain_tracker(slots))
    assert json.loads(fake_backend.requests[-1].content)["note"] == "收入不是1200是800"
    assert said(dispatcher.messages) == ["utter_correction_filed"]


@pytest.mark.asyncio
async def test_a_name_put_right_at_the_read_back_is_taken(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "我奶奶名字填错了 是陈秀珍不是陈秀贞", GRANDSON)
    assert after["applicant_name"] == "陈秀珍" and "utter_not_understood" not in said(messages)


# 5. Whether it will be approved, asked at the read-back: answered honestly, then the read-back asks again.

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["她这情况能批下来吗", "那她1200超了770 还能办吗"])
async def test_an_eligibility_question_at_the_read_back_is_answered(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    after, messages = await turn(ValidateApplicationForm(), "confirmed", text, GRANDSON)
    assert after["confirmed"] is None and after["requested_slot"] == "confirmed"
    assert said(messages) == ["utter_readback_estimate"]
    told = await spoken(messages[0], after)
    assert "月人均收入1200元，不低于重庆市城市低保标准770元" in told and "可能符合低保边缘" in told
    assert "工作人员核实以后才定" in told
    body = json.loads(next(r for r in fake_backend.requests if r.url.path.endswith("/eligibility/precheck")).content)
    assert body["region"] == "渝中区七星岗街道" and [m["incomes"] for m in body["members"]] == [[{"kind": "收入", "monthly_amount": 1200.0}]]
    assert after.get("applicant_phone") is None and after["monthly_income"] == 1200.0  # nothing changed


@pytest.mark.asyncio
async def test_an_eligibility_question_read_as_a_policy_question_is_answered_the_same(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    text = "那她1200超了770 还能办吗"
    tracker = Tracker("t-1", {**GRANDSON, "requested_slot": "confirmed"}, {"text": text, "intent": {"name": "ask_policy"},
                      "entities": []}, [], False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    await ActionAnswerPolicy().run(dispatcher, tracker, {})
    assert said(dispatcher.messages) == ["utter_readback_estimate"]
    assert not any(r.url.path.endswith("/policy/answer") for r in fake_backend.requests)


@pytest.mark.asyncio
async def test_without_the_income_known_the_plain_rule_is_said(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {**GRANDSON, "monthly_income": 0.0, "skipped_slots": ["monthly_income"]}
    after, messages = await turn(ValidateApplicationForm(), "confirmed", "她这情况能批下来吗", slots)
    assert said(messages) == ["utter_readback_rule"] and after["requested_slot"] == "confirmed"
    told = await spoken(messages[0], after)
    assert "工作人员核实" in told and "人均收入超过标准的，一般批不了低保" in told and "临时救助" in told
    assert not any(r.url.path.endswith("/eligibility/precheck") for r in fake_backend.requests)


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["没有手机", "他没得手机号", "他没得手机"])
async def test_no_phone_for_her_ends_the_phone_question_at_once(fake_backend, text: str) -> None:  # noqa: ANN001
    # Round 2: a son filing for his father in 两路口 said "他没得手机" four times; each time "没有手机也能办" and then
    # "申请人的手机号是多少？" again, forever.
    install(fake_backend)
    helper = {k: v for k, v in GRANDSON.items() if k not in ("delegation_id", "consent_code", "held_for", "street",
                                                             "area_code", "hukou", "savings", "monthly_income",
                                                             "more_members", "members", "reason")}
    after, messages = await turn(ValidateApplicationForm(), "applicant_phone", text, helper)
    assert "utter_principal_no_phone" in said(messages)
    assert after["requested_slot"] != "applicant_phone" and after.get("applicant_phone") is None
    # Rasa may judge the next question on the tracker where her phone is still the question: never it again.
    still = plain_tracker({**helper, "principal_no_phone": True, "requested_slot": "applicant_phone"})
    assert "applicant_phone" not in await ValidateApplicationForm().required_slots([], CollectingDispatcher(), still, {})
    # 改手机 at the read-back still asks it (and a phone then given is taken)
    fixed, _ = await turn(ValidateApplicationForm(), "confirmed", "改手机", {**GRANDSON, "principal_no_phone": True,
                                                                         "delegation_id": None})
    assert fixed["requested_slot"] == "applicant_phone"
