"""A woman whose house just burnt, in the chat (panicky, short messages, typos): a named office's number from the
offices the backend has (never the fallback, never 12345 called the 民政局's), when the call is due after "好久来人",
fear inside the 急难 form heard as fear, the ID hint's side, corrections that say what is right, a phone beside an
ID number, and "验证码已经发到" only when one was sent."""

import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency, fallback, form_first, parsing
from actions.answers.names import parse_name
from actions.fallback import ActionFallback
from actions.forms import ValidateEmergencyForm, ValidateVerifyForm
from actions.requests import SAYS_WHAT_IS_RIGHT, ValidateCorrectionForm
from tests.actions.answers_helpers import HER_ID, install
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_promises_and_codes import NUMBER, VERIFIED, slot_values, validate
from tests.actions.test_retries import DOMAIN, turn

ID_NUMBER = HER_ID


async def fallback_says(text: str, slots: dict | None = None) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker(slots or {}, text=text, intent="nlu_fallback"), {})
    return dispatcher


# ---- 1. a named office's number ------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["七星岗街道值班电话", "七星岗街道电话", "七星岗街道的办公室电话"])
async def test_a_named_streets_number_is_the_real_one_on_file(fake_backend, text) -> None:  # noqa: ANN001
    dispatcher = await fallback_says(text)
    assert responses(dispatcher) == ["utter_callback_office"]
    assert dispatcher.messages[0]["office_phone"] == "023-00103001"


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["南坪街道电话", "南坪街道值班电话", "铜元局街道的值班电话", "东华门街道电话"])
async def test_a_street_without_a_number_is_said_plainly_with_12345_to_call(fake_backend, text) -> None:  # noqa: ANN001
    dispatcher = await fallback_says(text)
    said = responses(dispatcher)
    assert said == ["utter_office_phone_not_on_file", "utter_hotline_to_call"] and "utter_default" not in said
    hotline = DOMAIN.responses["utter_hotline_to_call"][0]["text"]
    assert "12345政务服务便民热线" in hotline and "打过去" in hotline


@pytest.mark.asyncio
async def test_the_district_office_number_is_given_when_the_street_has_none(monkeypatch) -> None:  # noqa: ANN001
    street = {"code": "500108004", "name": "铜元局街道", "level": "street", "district": "南岸区", "match": "exact",
              "office_name": "南岸区民政局社会救助科", "office_phone": None, "office_hours": None, "office_configured": False}
    district = {"code": "500108", "name": "南岸区", "level": "district", "district": None, "match": "exact",
                "office_name": "南岸区民政局社会救助科", "office_phone": "023-62988888", "office_hours": "工作日",
                "office_configured": True}

    class Client:
        async def search_areas(self, text: str, within: str | None = None, limit: int = 8) -> list[dict]:
            return [street] if "铜元局" in text else [district] if "南岸" in text else []

    monkeypatch.setattr(fallback, "get_client", Client)
    dispatcher = await fallback_says("铜元局街道的值班电话")
    assert responses(dispatcher) == ["utter_office_phone_not_on_file", "utter_callback_office", "utter_hotline_to_call"]
    assert dispatcher.messages[1]["office_phone"] == "023-62988888"
    dispatcher = await fallback_says("南岸区民政局电话")
    assert responses(dispatcher) == ["utter_callback_office"]


@pytest.mark.asyncio
async def test_the_hotline_is_never_called_the_city_offices_number(fake_backend) -> None:  # noqa: ANN001
    """"着急可以直接打市民政局社会救助科的电话12345": the city queue's office was the hotline."""
    created = {"reference": "HD000001", "caller": "市民政局社会救助科", "due_day": "今天", "office_name": "政务服务便民热线",
               "office_phone": "12345", "office_hours": "每天 24 小时"}
    booked = fallback.booked(created, "139****2411", True)["value"]
    assert booked["office_phone"] is None
    dispatcher = await fallback_says("有没得值班电话", {"callback_booked": booked})
    assert "utter_emergency_office_phone" not in responses(dispatcher)
    for name, variants in DOMAIN.responses.items():
        for v in variants:
            assert not re.search(r"民政局[^，。；]{0,12}12345", v.get("text") or ""), name


# ---- 2. "好久来人" after the report ----------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["好久来人", "都等了半个钟头了 还没人打电话"])
async def test_hurrying_after_the_report_is_told_when_and_it_is_urged_again(fake_backend, text) -> None:  # noqa: ANN001
    slots = {**VERIFIED, "application_no": NUMBER, "emergency_filed": True}
    dispatcher = await fallback_says(text, slots)
    assert responses(dispatcher) == ["utter_emergency_urged"]
    assert dispatcher.messages[0]["due"] == "11月27日（星期五）"
    assert fake_backend.requests[-1].url.path == f"/api/v1/applications/{NUMBER}/actions/add_information"
    urged = DOMAIN.responses["utter_emergency_urged"][0]["text"]
    assert "{due}" in urged and "120" in urged and "119" in urged and "110" in urged
    assert "到时候把这些情况" not in DOMAIN.responses["utter_emergency_added_call"][0]["text"]


# ---- 3. fear inside the form ---------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["emergency_what", "applicant_name", "applicant_id", "applicant_phone", "verify_code", "street"])
@pytest.mark.parametrize("text", ["呜呜", "救命", "娃儿在哭", "呜呜呜 咋个办嘛"])
async def test_fear_at_any_question_gets_a_warm_line_and_the_question_again(fake_backend, slot, text) -> None:  # noqa: ANN001
    slots = {"emergency_what": "房子烧了"} if slot != "emergency_what" else {}
    after, said = await turn(ValidateEmergencyForm(), slot, text, slots, "emergency_form")
    assert said == ["utter_emergency_calm"] and after[slot] is None and not after.get("form_retries")
    assert form_first.looks_like_answer(slot, text, "ask_policy", "emergency_form")  # the form hears it, not the fallback


def test_a_question_or_an_amount_is_never_a_name() -> None:
    assert parse_name("有好多钱") is None and parse_name("要多少") is None and parse_name("呜呜") is None
    assert parse_name("陈美兰") == "陈美兰" and parse_name("钱秀英") == "钱秀英"


@pytest.mark.asyncio
async def test_an_amount_question_at_the_name_is_not_saved_as_her_name(fake_backend) -> None:  # noqa: ANN001
    events, _ = await validate(ValidateEmergencyForm(), "applicant_name", "有好多钱", {"emergency_what": "房子烧了"}, "emergency_form")
    assert slot_values(events).get("applicant_name") is None


# ---- 4. the ID hint ------------------------------------------------------------------------------------

def test_the_id_number_is_on_the_front_with_the_photo() -> None:
    texts = [v.get("text") or "" for variants in DOMAIN.responses.values() for v in variants]
    assert not any("背面（有照片" in t for t in texts)
    assert any("正面（有照片" in t for t in texts)


# ---- 5. corrections ------------------------------------------------------------------------------------

def test_a_correction_that_says_what_is_right_is_taken_as_is() -> None:
    assert SAYS_WHAT_IS_RIGHT.search("名字写错了 我叫陈美兰")


@pytest.mark.parametrize("text", ["进度", "查进度", "找工作人员", "算了", "取消"])
def test_a_command_is_never_saved_as_the_correction(text) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    slots = ValidateCorrectionForm().validate_correction_text(text, dispatcher, tracker(), {})
    assert slots["correction_text"] is None and responses(dispatcher) == ["utter_correction_not_command"]


# ---- 6. a phone beside an ID number --------------------------------------------------------------------

@pytest.mark.asyncio
async def test_a_phone_beside_the_id_number_is_a_phone_not_a_bad_id(fake_backend) -> None:  # noqa: ANN001
    assert parsing.split_name_and_id(f"陈美兰 13900012411 铜元局街道 {ID_NUMBER}") == ("陈美兰", ID_NUMBER)
    assert parsing.split_name_and_id("13900012411")[1] is None
    install(fake_backend)
    after, said = await turn(ValidateEmergencyForm(), "applicant_name", f"陈美兰 13900012411 铜元局街道 {ID_NUMBER}",
                             {"emergency_what": "房子烧了"}, "emergency_form")
    assert after["applicant_name"] == "陈美兰" and after["applicant_id"] == ID_NUMBER
    assert after["applicant_phone"] == "13900012411"
    assert not any("位" in str(s) for s in said)  # no "身份证号码应该是18位，您输入的是11位"


# ---- 7. "验证码已经发到" only when one was sent -------------------------------------------------------------

@pytest.mark.asyncio
async def test_a_wrong_code_is_not_followed_by_code_sent(fake_backend) -> None:  # noqa: ANN001
    assert "已经发到" not in DOMAIN.responses["utter_ask_verify_code"][0]["text"]
    after, said = await turn(ValidateVerifyForm(), "verify_phone", "13900012411", {}, "verify_form")
    assert "utter_code_sent" in said
    after, said = await turn(ValidateVerifyForm(), "verify_code", "654321", {"verify_phone": "13900012411"}, "verify_form")
    assert "utter_code_wrong_or_old" in said and "utter_code_sent" not in said


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["呜呜", "呜呜呜 救命", "娃儿在哭"])
async def test_crying_outside_a_form_gets_a_calm_word_and_a_person_not_the_fallback(fake_backend, said) -> None:  # noqa: ANN001
    """"呜呜" after a report got "没太听懂…比如“重庆低保标准是多少”" (a tester, the third round)."""
    dispatcher = CollectingDispatcher()
    await fallback.ActionFallback().run(dispatcher, tracker({}, text=said, intent="nlu_fallback"), {})
    said_back = [m.get("response") for m in dispatcher.messages]
    assert said_back == ["utter_distress"]


@pytest.mark.asyncio
@pytest.mark.parametrize("said", ["医院要押金3000 莫得钱", "今晚住哪点"])
async def test_a_deposit_or_a_night_without_a_bed_at_the_name_question_is_heard_not_a_wrong_name(fake_backend, said) -> None:  # noqa: ANN001
    assert emergency.aside(said) == "more"
