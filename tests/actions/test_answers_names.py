"""Issue 20, item 1: a name answer is a name. Asked "申请人的姓名和身份证号码是多少？", an ID number alone fills
the ID (and only the name is asked next); a mistyped ID is said to be wrong, never kept as the name;
"我不晓得", "我老伴", "她们" are never names. What is submitted is checked, not only what is said."""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.forms import ValidateApplicationForm, ValidateEmergencyForm
from actions.journeys import ActionSubmitApplication
from tests.actions.answers_helpers import BAD_ID, HER_ID, HIS_ID, install, plain_tracker, said, turn, wording

NAMES = [
    ("张秀英", "张秀英"), ("我叫王秀英", "王秀英"), ("她叫李桂兰", "李桂兰"), ("他叫刘建国", "刘建国"), ("名字是刘淑芬", "刘淑芬"),
    ("名字叫陈大伟", "陈大伟"), ("姓名：赵淑芬", "赵淑芬"), ("我是孙强", "孙强"), ("我奶奶叫张秀英", "张秀英"), ("她的名字是钱玉珍", "钱玉珍"),
    ("申请人叫王德明", "王德明"), ("阿依古丽·买买提", "阿依古丽·买买提"), ("阿依古丽•买买提", "阿依古丽·买买提"), ("欧阳娜娜", "欧阳娜娜"),
    ("王一", "王一"), ("张秀英。", "张秀英"), (" 李红 ", "李红"), ("爱新觉罗·溥仪", "爱新觉罗·溥仪"),
]
NOT_NAMES = [
    HER_ID, BAD_ID, "500103194403", "张3", "王５", "我不晓得", "不晓得", "不知道", "我也不知道", "记不得了", "说不清", "我老伴", "老伴",
    "我奶奶", "我妈", "他", "她", "她们", "他们", "我", "你", "人家", "是的", "对", "好的", "嗯嗯", "跳过", "王", "·", "张·", "李婆婆", "王大爷",
    "申请低保", "我要申请", "不对", "老汉", "一二三四五六七八九十一二三四五六七八九十一",
    "娃儿还小", "孩子还小", "小孩生病",  # "今晚住哪点 娃儿还小" at the 急难 name question was kept as her name (checked in Chromium)
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_names_as_people_give_them(text: str, name: str) -> None:
    assert parsing.parse_name(text) == name


@pytest.mark.parametrize("text", NOT_NAMES)
def test_what_is_never_a_name(text: str) -> None:
    assert parsing.parse_name(text) is None


@pytest.mark.parametrize(("text", "name", "number"), [
    (f"张秀英 {HER_ID}", "张秀英", HER_ID), (f"我叫阿依古丽·买买提，身份证{HER_ID}", "阿依古丽·买买提", HER_ID),
    (f"{HER_ID}", None, HER_ID), (f"身份证号码是{HER_ID}", None, HER_ID), (f"{HER_ID} 张秀英", "张秀英", HER_ID),
    ("张秀英", "张秀英", None), (f"{HER_ID[:6]} {HER_ID[6:14]} {HER_ID[14:]}", None, HER_ID),
])
def test_name_and_id_either_or_both(text: str, name: str | None, number: str | None) -> None:
    assert parsing.split_name_and_id(text) == (name, number)


BASE = {"assistance_type": "低保", "filing_for": "self", "citizen_token": "citizen-token", "verified_phone": "13812345678"}


@pytest.mark.asyncio
async def test_an_id_number_alone_fills_the_id_and_then_only_the_name_is_asked(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    form = ValidateApplicationForm()
    assert "姓名和身份证号码" in await wording("utter_ask_applicant_name", BASE)
    slots, messages = await turn(form, "applicant_name", HER_ID, BASE)
    assert slots["applicant_name"] is None and slots["applicant_id"] == HER_ID
    assert slots["requested_slot"] == "applicant_name"  # the name is what is asked next …
    assert await wording("utter_ask_applicant_name", slots) == "申请人叫什么名字？"  # … and only the name
    slots, messages = await turn(form, "applicant_name", "张秀英", slots)
    assert slots["applicant_name"] == "张秀英" and slots["applicant_id"] == HER_ID
    # What is filed: the name in the name, the ID in the ID.
    filed = {**slots, "applicant_phone": "13812345678", "street": "渝中区七星岗街道", "area_code": "500103001", "monthly_income": 300.0,
             "savings": 0.0, "more_members": False, "reason": "生活困难", "confirmed": True, "submission_key": "names-1"}
    await ActionSubmitApplication().run(CollectingDispatcher(), plain_tracker(filed), {})
    applicant = fake_backend.submitted["names-1"]["members"][0]
    assert (applicant["name"], applicant["id_number"]) == ("张秀英", HER_ID)


@pytest.mark.asyncio
async def test_a_mistyped_id_alone_is_said_to_be_wrong_and_never_becomes_the_name(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", BAD_ID, BASE)
    assert slots["applicant_name"] is None and slots["applicant_id"] is None
    assert any("校验位" in m for m in said(messages))


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我不晓得", "不知道", "他", "她们", "我奶奶", "是的"])
async def test_an_answer_that_is_not_a_name_is_asked_again(fake_backend, text: str) -> None:  # noqa: ANN001
    install(fake_backend)
    for form in (ValidateApplicationForm(), ValidateEmergencyForm()):
        slots, messages = await turn(form, "applicant_name", text, BASE)
        assert slots["applicant_name"] is None, form.name()
        assert said(messages) and said(messages)[0] in ("utter_name_unknown", "utter_name_unclear")


@pytest.mark.asyncio
async def test_the_person_who_does_not_know_the_name_is_told_where_to_find_it(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    _, messages = await turn(ValidateApplicationForm(), "applicant_name", "我不晓得", BASE)
    assert said(messages) == ["utter_name_unknown"]
    assert "身份证" in await wording("utter_name_unknown", BASE) and "找工作人员" in await wording("utter_name_unknown", BASE)


@pytest.mark.asyncio
async def test_a_member_named_by_relation_keeps_the_relation_and_asks_the_name(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    form = ValidateApplicationForm()
    slots = {**BASE, "applicant_name": "张秀英", "applicant_id": HER_ID, "applicant_phone": "13812345678", "street": "渝中区七星岗街道",
             "area_code": "500103001", "hukou": "城镇户口", "monthly_income": 300.0, "savings": 0.0, "more_members": True}
    slots, messages = await turn(form, "member_name", "我老伴", slots)
    assert slots["member_name"] is None and slots["member_relation"] == "配偶"
    assert [m["response"] for m in messages] == ["utter_name_not_relation"]
    assert "配偶" in await wording("utter_name_not_relation", slots, relation="配偶")
    slots, _ = await turn(form, "member_name", f"李建国 {HIS_ID}", slots)
    assert (slots["member_name"], slots["member_id"], slots["member_relation"]) == ("李建国", HIS_ID, "配偶")
    assert slots["requested_slot"] == "member_income"  # the relation is not asked again


@pytest.mark.asyncio
async def test_a_helper_is_not_named_by_a_pronoun(fake_backend) -> None:  # noqa: ANN001
    install(fake_backend)
    slots = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "relative"}
    for text in ("我", "我是她孙子", "不告诉你"):
        after, _ = await turn(ValidateApplicationForm(), "helper_name", text, slots)
        assert after["helper_name"] is None, text
    after, _ = await turn(ValidateApplicationForm(), "helper_name", "我叫李红", slots)
    assert after["helper_name"] == "李红"


@pytest.mark.parametrize(("text", "name"), [("帮我奶奶张秀英申请低保", "张秀英"), ("帮我妈不晓得的申请", None), ("我奶奶他们的", None)])
def test_a_first_message_names_the_applicant_only_with_a_name(text: str, name: str | None) -> None:
    assert parsing.first_message_slots(text).get("applicant_name") == name


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [f"张秀英 {HER_ID} 13912345678", f"我叫张秀英，身份证{HER_ID}，电话13912345678",
                                  f"张秀英{HER_ID}手机139 1234 5678"])
async def test_a_phone_said_with_the_name_and_id_is_taken_with_its_code(fake_backend, text: str) -> None:  # noqa: ANN001
    """A tester gave all three at once; the phone was asked again as if never said."""
    install(fake_backend)
    fresh = {"assistance_type": "低保", "filing_for": "self"}
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", text, fresh)
    assert (slots["applicant_name"], slots["applicant_id"], slots["applicant_phone"]) == ("张秀英", HER_ID, "13912345678")
    assert slots["verify_phone"] == "13912345678" and slots["requested_slot"] != "applicant_phone"
    assert any(r.url.path == "/api/v1/auth/otp/request" for r in fake_backend.requests)  # the code went out


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["我是她孙子小刘 奶奶叫刘淑芬身份证11010519491231002X电话13900000821住沙坪坝小龙坎",
                                  "我是小刘 我奶奶刘淑芬 11010519491231002X 13900000821"])
async def test_the_principals_details_said_to_the_helper_question_are_hers_not_his(fake_backend, text: str) -> None:  # noqa: ANN001
    """A tester's run-on answer to "您怎么称呼" sent "his" code to grandma's phone and took her phone for his."""
    install(fake_backend)
    slots = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "relative", "helper_relation": "孙子女"}
    after, _ = await turn(ValidateApplicationForm(), "helper_name", text, slots)
    assert after["helper_name"] == "小刘"
    assert after["applicant_name"] == "刘淑芬" and after["applicant_id"] == "11010519491231002X"
    assert after.get("verify_phone") in (None, "") and not any(r.url.path == "/api/v1/auth/otp/request"
                                                               for r in fake_backend.requests)


# The fifth tester round (2026-12-07): a 网格员's whole answer to "申请人的姓名和身份证号码是多少？" read back "申请人：有糖尿病";
# "帮老人代办的" named the applicant "老人代"; a fire victim's voice-typed "身份正号码" became his name.
@pytest.mark.parametrize(("text", "name"), [
    (f"申请人周德贵，身份证{HIS_ID}，现住民生路租的房子，一个人，收入只有农村养老金一百多块一个月，没有存款，有糖尿病，走路都困难", "周德贵"),
    (f"老人周德贵 {HIS_ID}", "周德贵"), (f"胡建国 身份正号码{HIS_ID}", "胡建国"), (f"身份正号码{HIS_ID}", None),
    (f"{HIS_ID}，有糖尿病，走路都困难", None), (f"申请人是周德贵 {HIS_ID} 患中风 瘫痪在床", "周德贵"),
])
def test_a_whole_answer_names_only_the_person(text: str, name: str | None) -> None:
    assert parsing.split_name_and_id(text) == (name, HIS_ID)


@pytest.mark.parametrize("text", ["有糖尿病", "糖尿病", "有高血压", "中风了", "瘫痪在床", "身份正", "身份正号", "老人代", "帮老人代",
                                  "租的房子", "耳朵背", "走路困难"])
def test_illnesses_and_misheard_id_words_are_never_names(text: str) -> None:
    assert parsing.parse_name(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("我叫邓丽，是帮老人代办的。老人叫周德贵，71岁", {"helper_name": "邓丽", "applicant_name": "周德贵"}),
    ("你好，我是解放碑街道的网格员邓丽，帮辖区一位老人周德贵申请特困",
     {"helper_name": "邓丽", "applicant_name": "周德贵", "street": "解放碑街道"}),
])
def test_a_helpers_first_message_names_each_one_right(text: str, expected: dict) -> None:
    slots = parsing.first_message_slots(text)
    assert {k: slots.get(k) for k in expected} == expected
