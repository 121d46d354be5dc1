"""A grandson (北京) for his grandmother (重庆), signed in with her phone: at her phone question he was refused that
number, every way out was "手机号好像不对", his own number was taken as hers (her consent code to HIS phone), and
"等下 奶奶在找短信" at the code question was a wrong code. actions/principal_phone.py, actions/consent.py, codes.py."""

import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import form_first
from actions.callbacks import ActionRequestCallback
from actions.forms import ValidateApplicationForm

GRANDMA_PHONE, HIS_PHONE = "13983251746", "18611527309"
SLOTS = {"filing_for": "other", "citizen_token": "helper-token", "verified_phone": GRANDMA_PHONE, "helper_name": "张宇",
         "helper_kind": "relative", "helper_relation": "孙子", "applicant_name": "王淑珍",
         "applicant_id": "11010519491231002X", "requested_slot": "applicant_phone"}


def _tracker(slots: dict) -> Tracker:
    return Tracker("s9-g1", slots, {}, [], False, None, None, "action_listen")


def _responses(dispatcher: CollectingDispatcher) -> list:
    return [m.get("response") for m in dispatcher.messages]


@pytest.mark.asyncio
async def test_his_own_number_is_never_taken_as_hers(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    got = await ValidateApplicationForm().validate_applicant_phone(
        f"那咋弄 奶奶就这一个手机 我的号是北京的 {HIS_PHONE}", dispatcher, _tracker(SLOTS), {})
    assert got["applicant_phone"] is None and got["helper_own_phones"] == [HIS_PHONE]
    assert "utter_principal_phone_not_yours" in _responses(dispatcher)
    assert not any(r.url.path.endswith("/delegations/consent-code") for r in fake_backend.requests)  # no code to him


@pytest.mark.parametrize("said", ["这就是我奶奶的手机号啊 刚才验证码也是她念给我的", "就刚才那个 奶奶的号", "她就这一个手机 咋个办嘛"])
@pytest.mark.asyncio
async def test_the_number_he_signed_in_with_said_to_be_hers_gets_the_choices(fake_backend, said: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    got = await ValidateApplicationForm().validate_applicant_phone(said, dispatcher, _tracker(SLOTS), {})
    assert got["applicant_phone"] is None
    assert _responses(dispatcher) == ["utter_signed_in_with_principal_phone"]
    assert dispatcher.messages[0]["phone_masked"] == "139****1746"


@pytest.mark.asyncio
async def test_the_backends_refusal_of_his_login_phone_is_the_choices(fake_backend) -> None:  # noqa: ANN001
    route = fake_backend.route

    def refuse(request):  # noqa: ANN001, ANN202
        if request.url.path.endswith("/delegations/consent-code"):
            return httpx.Response(409, json={"error": {"code": "principal_phone_is_helper", "details": None,
                                                       "message": "授权验证码要发到本人的手机上，不能填您自己的号码。"}})
        return route(request)

    fake_backend.handler = refuse
    dispatcher = CollectingDispatcher()
    got = await ValidateApplicationForm().validate_applicant_phone(GRANDMA_PHONE, dispatcher, _tracker(SLOTS), {})
    assert got["applicant_phone"] is None
    assert _responses(dispatcher) == ["utter_signed_in_with_principal_phone"]


@pytest.mark.parametrize("said", ["那我用我自己手机重新验证行不行", "重新开始", "我要换个手机号登录", "换我的手机登录"])
@pytest.mark.asyncio
async def test_signing_in_again_keeps_every_answer(fake_backend, said: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    form = ValidateApplicationForm()
    got = await form.validate_applicant_phone(said, dispatcher, _tracker(SLOTS), {})
    assert "utter_phone_invalid" not in _responses(dispatcher)
    assert got["citizen_token"] is None and got["verify_phone"] is None and got["verified_phone"] is None
    assert "applicant_name" not in got and "applicant_id" not in got  # every answer kept
    after = {**SLOTS, **{k: v for k, v in got.items() if not k.startswith("_")}}
    required = await form.required_slots([], dispatcher, _tracker(after), {})
    assert "verify_phone" in required and "verify_code" in required


@pytest.mark.asyncio
async def test_she_applies_herself_with_her_phone(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    got = await ValidateApplicationForm().validate_applicant_phone("那让奶奶自己申请", dispatcher, _tracker(SLOTS), {})
    assert got["filing_for"] == "self" and got["applicant_phone"] == GRANDMA_PHONE


@pytest.mark.asyncio
async def test_the_phones_he_called_his_own_go_to_the_backend(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    slots = {**SLOTS, "verified_phone": HIS_PHONE, "helper_own_phones": ["13600001111"]}
    await ValidateApplicationForm().validate_applicant_phone(GRANDMA_PHONE, dispatcher, _tracker(slots), {})
    sent = next(r for r in fake_backend.requests if r.url.path.endswith("/delegations/consent-code"))
    assert json.loads(sent.content)["helper"]["own_phones"] == ["13600001111"]


@pytest.mark.parametrize("said", ["等下 奶奶在找短信 她不太会看", "稍等哈"])
@pytest.mark.asyncio
async def test_waiting_at_the_code_question_is_not_a_wrong_code(fake_backend, said: str) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    got = await ValidateApplicationForm().validate_verify_code(said, dispatcher, _tracker({"verify_phone": GRANDMA_PHONE}), {})
    assert got["verify_code"] is None
    assert _responses(dispatcher) == ["utter_code_wait"]
    assert not any(r.url.path.endswith("/auth/otp/verify") for r in fake_backend.requests)


@pytest.mark.asyncio
async def test_a_call_back_goes_to_the_number_he_asks_to_be_called_on(fake_backend) -> None:  # noqa: ANN001
    # Signed in with grandma's phone; "打我电话 … 打186…": the call-back is booked on his number, not hers.
    slots = {**SLOTS, "area_code": "500103001", "street": "七星岗街道", "requested_slot": None}
    message = {"text": f"能不能打我电话啊 奶奶耳朵不好 打{HIS_PHONE}", "intent": {"name": "request_human", "confidence": 1.0},
               "entities": []}
    t = Tracker("s9-g1", slots, message, [], False, None, None, "action_listen")
    await ActionRequestCallback().run(CollectingDispatcher(), t, {})
    booked = [json.loads(r.content) for r in fake_backend.requests if r.url.path == "/api/v1/callbacks"]
    assert [b["phone"] for b in booked] == [HIS_PHONE]


@pytest.mark.parametrize(("slot", "said", "intent"), [
    ("applicant_phone", "她自己申请", "apply_assistance"), ("applicant_phone", "重新开始", "stop"),
    ("applicant_phone", "我要换个手机号登录", "request_human"), ("verify_code", "等下 奶奶在找短信 她不太会看", "stop")])
def test_the_ways_out_and_a_wait_are_answers_whatever_the_nlu_read(slot: str, said: str, intent: str) -> None:
    assert form_first.looks_like_answer(slot, said, intent, "application_form", "低保")
