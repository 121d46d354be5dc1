"""A tester played 何静, a daughter in 成都 at 00:57, reporting a flood at her father's house in 重庆綦江 for him, without
his ID number at first. Four findings in the 急难 report:

1. His ID number with the name people call him ("何老汉 500222194203060034") was checked against the number only at
   "报上去", and "对不上" looped: the report could not be filed. A 称呼 is never checked; a real-looking name that does not
   match is said once, when the number is given, and which is right asked; filing never loops (at worst the report goes
   with the number noted as not matching, for the caseworker).
2. "我爸屋头遭水淹了" was not a report for someone else: his ID number was asked five times as if he reported.
3. The street's record called her 邻居, gave her phone as "本人手机", said "没有身份证号" although she gave it, and left out
   her name.
4. The description became "急事求助" (the chat's button), and "谁：上的" was read back.
"""

import json
import re

import httpx
import pytest
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency, parsing
from actions.emergency_name_check import ActionAskEmergencyName
from actions.emergency_readback import READ_BACK, ActionAskEmergencyConfirmed
from actions.emergency_report import ActionReadEmergency, ActionSubmitEmergency
from actions.forms import ValidateEmergencyForm
from tests.actions.answers_helpers import install, said, turn, wording
from tests.actions.test_forms_and_journeys import responses, tracker

HIS_ID = "500222194203060034"
HIS_ID_MASKED = "500222********0034"
HER_PHONE = "13982301157"
FLOOD = "我爸屋头遭水淹了"


def routes(fake, registered: dict[str, str] | None = None) -> None:  # noqa: ANN001
    """ID numbers checked by their check digit; names checked against `registered` ({number: name}) as POST
    /persons/check-name and the application's own check do; an ID number put on a call-back is taken."""
    install(fake)
    route = fake.handler

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == "/persons/check-name":
            body = json.loads(request.content)
            name = (registered or {}).get(body["id_number"])
            return httpx.Response(200, json={"matches": None if name is None else name == body["name"]})
        if re.fullmatch(r"/callbacks/HD\d+/id-number", path):
            number = json.loads(request.content)["id_number"]
            return httpx.Response(200, json={"reference": "HD000001", "id_masked": f"{number[:6]}********{number[-4:]}"})
        if path == "/applications" and request.method == "POST":
            member = json.loads(request.content)["members"][0]
            if (registered or {}).get(member["id_number"], member["name"]) != member["name"]:
                return httpx.Response(422, json={"error": {"code": "name_mismatch", "details": None, "message":
                                                           "姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"}})
        return route(request)

    fake.handler = handler


def sent(fake, path: str) -> list[dict]:  # noqa: ANN001
    return [fake.body(i) for i, r in enumerate(fake.requests) if r.url.path == f"/api/v1{path}"]


async def first(text: str) -> dict:
    """The slots after the report's first message."""
    events = await ActionReadEmergency().run(CollectingDispatcher(), tracker(text=text, intent="report_emergency"), {})
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def answers(slots: dict, *steps: tuple[str, str]) -> tuple[dict, list[list]]:
    form, heard = ValidateEmergencyForm(), []
    for slot, text in steps:
        assert slots.get("requested_slot", slot) == slot, (slot, text, heard)
        slots, words = await turn(form, slot, text, slots, "emergency_form")
        heard.append(said(words))
    return slots, heard


async def file(slots: dict) -> tuple[list, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitEmergency().run(dispatcher, tracker(slots), {})
    return events, dispatcher


# ---- 2. "我爸屋头遭水淹了": for someone else ----------------------------------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("text", [FLOOD, "我妈家里着火了", "我老汉屋头遭水淹了 咋个办", "我爷爷家里着火了"])
async def test_a_relatives_trouble_is_reported_for_him_and_his_id_may_be_unknown_at_once(fake_backend, text) -> None:  # noqa: ANN001
    routes(fake_backend)
    slots = await first(text)
    assert slots["emergency_for"] == "other" and slots["emergency_what"] == text
    slots, heard = await answers(slots, ("applicant_name", "何德明"), ("applicant_id", "不晓得"))
    assert heard[1] == ["utter_emergency_no_id"] and not slots.get("form_retries")  # at once, never asked again
    assert slots["requested_slot"] == "contact_phone" and slots["verify_code"] == emergency.UNCONFIRMED


@pytest.mark.asyncio
@pytest.mark.parametrize("button", ["家里出急事了，要帮忙", "急事求助"])
async def test_the_urgent_button_is_not_what_happened_and_the_answer_to_what_happened_says_whose(fake_backend, button) -> None:  # noqa: ANN001
    slots = await first(button)
    assert not slots.get("emergency_what")  # then asked: "出了啥事"
    slots, _ = await answers(slots, ("emergency_what", FLOOD))
    assert slots["emergency_what"] == FLOOD and slots["emergency_for"] == "other"
    assert slots["emergency_about"]["reporter"] == "子女" and slots["requested_slot"] == "applicant_name"


@pytest.mark.asyncio
async def test_his_own_household_trouble_stays_his_own_report(fake_backend) -> None:  # noqa: ANN001
    assert "emergency_for" not in await first("我老伴住院了 莫得钱交住院费")


# ---- 1. a 称呼 with his ID number; a name that does not match it ---------------------------------------------------------

@pytest.mark.asyncio
async def test_a_nickname_with_his_id_is_never_checked_and_the_report_is_filed_with_the_number(fake_backend) -> None:  # noqa: ANN001
    routes(fake_backend, {HIS_ID: "何德明"})
    slots, heard = await answers(await first(FLOOD), ("applicant_name", f"何老汉 {HIS_ID}"), ("contact_phone", HER_PHONE),
                                 ("street", "綦江古南街道"), (READ_BACK, "报上去"))
    assert heard[0] == ["utter_emergency_called"] and slots["applicant_id"] == HIS_ID
    assert slots["emergency_what"] == FLOOD  # his number is never in the words the street reads
    assert not sent(fake_backend, "/persons/check-name")  # a 称呼 is nobody's registered name
    events, dispatcher = await file(slots)
    assert not sent(fake_backend, "/applications") and FollowupAction("emergency_form") not in events  # filed, no loop
    [callback] = sent(fake_backend, "/callbacks")
    assert f"身份证{HIS_ID_MASKED}" in callback["topic"] and HIS_ID not in callback["topic"] and "没有身份证号" not in callback["topic"]
    assert sent(fake_backend, "/callbacks/HD000001/id-number") == [{"id_number": HIS_ID, "phone": HER_PHONE}]  # whole, apart
    assert responses(dispatcher)[0] == "utter_emergency_unconfirmed_filed"


@pytest.mark.asyncio
async def test_a_name_that_does_not_match_is_said_once_when_the_number_is_given_and_the_right_one_taken(fake_backend) -> None:  # noqa: ANN001
    routes(fake_backend, {HIS_ID: "何德明"})
    slots, heard = await answers(await first(FLOOD), ("applicant_name", f"何德民 {HIS_ID}"))
    assert slots["applicant_name"] is None and slots["applicant_id"] == HIS_ID and slots["requested_slot"] == "applicant_name"
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyName().run(dispatcher, tracker(slots), {})  # the name question, asked as "which is right"
    assert responses(dispatcher) == ["utter_emergency_name_differs"]
    assert dispatcher.messages[0]["name"] == "何德民" and dispatcher.messages[0]["masked"] == HIS_ID_MASKED
    right, heard = await answers(slots, ("applicant_name", "何德明"))
    assert right["applicant_name"] == "何德明" and right["emergency_about"]["id_check"] == "ok" and heard == [[]]
    assert right["requested_slot"] == "applicant_phone"


@pytest.mark.asyncio
async def test_not_knowing_which_is_right_files_the_report_with_the_number_noted_never_a_loop(fake_backend) -> None:  # noqa: ANN001
    routes(fake_backend, {HIS_ID: "何德明"})
    slots, heard = await answers(await first(FLOOD), ("applicant_name", f"何德民 {HIS_ID}"), ("applicant_name", "不晓得"),
                                 ("applicant_phone", f"打我电话 {HER_PHONE}"), ("street", "綦江古南街道"), (READ_BACK, "报上去"))
    assert heard[1] == ["utter_emergency_id_unverified"] and slots["applicant_name"] == "何德民"
    # corrected at the read-back to another name that does not match either: not asked again
    again, heard = await answers({**slots, "requested_slot": READ_BACK, READ_BACK: None}, (READ_BACK, "名字不对，是何德敏"))
    assert again["applicant_name"] == "何德敏" and again["requested_slot"] == READ_BACK
    events, dispatcher = await file(slots)
    assert not sent(fake_backend, "/applications") and FollowupAction("emergency_form") not in events
    [callback] = sent(fake_backend, "/callbacks")
    assert f"身份证{HIS_ID_MASKED}（和说的名字对不上，请核实）" in callback["topic"] and callback["phone"] == HER_PHONE


@pytest.mark.asyncio
async def test_a_mismatch_found_only_at_filing_files_the_report_all_the_same(fake_backend) -> None:  # noqa: ANN001
    routes(fake_backend, {"11010519491231002X": "张秀英"})
    slots = {"emergency_what": "屋头遭水淹了", "applicant_name": "张秀云", "applicant_id": "11010519491231002X",
             "applicant_phone": "13812345678", "verify_code": "ok", "citizen_token": "citizen-token", "verified_phone": "13812345678",
             "street": "綦江区古南街道", "area_code": "500110003", READ_BACK: True}  # the check was not reachable then
    events, dispatcher = await file(slots)
    assert FollowupAction("emergency_form") not in events  # never back to the name and ID questions
    assert "utter_emergency_id_unverified" in responses(dispatcher) and not any("请核对" in str(m) for m in responses(dispatcher))
    [callback] = sent(fake_backend, "/callbacks")
    assert "对不上" in callback["topic"] and "屋头遭水淹了" in callback["topic"]
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["emergency_filed"] is True


# ---- 3. what the street reads: her tie as said, her name, her phone as hers, his ID as it is ---------------------------

@pytest.mark.asyncio
async def test_the_record_says_who_she_is_her_name_her_phone_and_his_id_as_given(fake_backend) -> None:  # noqa: ANN001
    routes(fake_backend)
    slots, heard = await answers(await first(FLOOD), ("applicant_name", "我是他女儿何静"), ("applicant_name", "何德明"),
                                 ("applicant_id", "不晓得 是楼下邻居打电话告诉我的"),
                                 ("contact_phone", f"我找到他身份证的照片了 {HIS_ID}"), ("contact_phone", HER_PHONE),
                                 ("street", "綦江古南街道"), (READ_BACK, "对"))
    assert heard[0] == ["utter_emergency_reporter_noted"] and not slots.get("form_retries")  # hers, not his name
    assert heard[3] == ["utter_emergency_id_taken"] and slots["applicant_id"] == HIS_ID
    await file(slots)
    [callback] = sent(fake_backend, "/callbacks")
    topic = callback["topic"]
    assert topic.startswith("【急难·女儿代报") and "报告人是当事人的女儿何静，回电打报告人这个号" in topic
    assert "邻居" not in topic.split("｜")[0] and "本人手机" not in topic and "没有身份证号" not in topic
    assert f"当事人何德明；身份证{HIS_ID_MASKED}（代报人给的，未核实）" in topic and callback["phone"] == HER_PHONE


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["留我的号码", f"打我电话 {HER_PHONE}", f"我的手机{HER_PHONE}", "本人没有手机"])
async def test_her_own_phone_where_his_was_asked_is_the_one_called_never_his(fake_backend, text) -> None:  # noqa: ANN001
    routes(fake_backend)
    slots, heard = await answers(await first(FLOOD), ("applicant_name", f"何德明 {HIS_ID}"), ("applicant_phone", text))
    assert heard[1] == ["utter_emergency_unconfirmed"] and not slots.get("applicant_phone")
    assert slots["verify_code"] == emergency.UNCONFIRMED and not sent(fake_backend, "/auth/otp/request")  # no code for "his"
    assert slots["requested_slot"] == ("street" if parsing.parse_phone(text) else "contact_phone")


@pytest.mark.asyncio
async def test_his_phone_question_offers_her_own_for_someone_else_only() -> None:
    assert "留我的号码" in await wording("utter_ask_emergency_form_applicant_phone", {"emergency_for": "other"})
    assert await wording("utter_ask_emergency_form_applicant_phone", {}) == "申请人的手机号是多少？进度和到账都会发短信到这个号。"


# ---- 4. what happened as said; "谁" only a name, a 称呼 or a relation ---------------------------------------------------

@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["身份证上的名字我不晓得", "就是身份证上的那个"])
async def test_words_about_his_id_are_never_his_name(fake_backend, text) -> None:  # noqa: ANN001
    slots, _ = await answers(await first(FLOOD), ("applicant_name", text))
    assert not slots.get("applicant_name")
    dispatcher = CollectingDispatcher()
    await ActionAskEmergencyConfirmed().run(dispatcher, tracker({**slots, "applicant_name": slots.get("applicant_name")}), {})
    assert "谁：上的" not in dispatcher.messages[0]["lines"] and "谁：就是" not in dispatcher.messages[0]["lines"]


@pytest.mark.asyncio
async def test_what_happened_reaches_the_street_whole_however_much_else_is_said(fake_backend) -> None:  # noqa: ANN001
    routes(fake_backend)
    what = ("我爸屋头遭水淹了 水都淹到床那么高了 他一个人住 八十多岁了 腿脚不方便 手机也泡水了打不通 楼下邻居说他现在在楼梯间坐起的 "
            "晚上冷得很 药也泡了 降压药没得吃了 我在成都 明天一早才赶得回来 求求你们找个人去看一下他 他住古南街道綦齿社区那个老楼 "
            "三单元一楼 门口有棵黄葛树 他耳朵有点背 要大声喊他")
    slots = {"emergency_what": what, "emergency_for": "other", "applicant_name": "何老汉", "applicant_id": HIS_ID,
             "verify_code": emergency.UNCONFIRMED, "contact_phone": HER_PHONE, "street": "綦江区古南街道", "area_code": "500110003",
             "emergency_about": {"called": True, "reporter": "女儿", "reporter_said": True, "reporter_name": "何静",
                                 "needs": "今晚没得地方睡 药也泡了 降压药没得吃了"}, READ_BACK: True}
    await file(slots)
    [callback] = sent(fake_backend, "/callbacks")
    assert 150 < len(what) and callback["topic"].endswith(f"｜说的：{what}") and len(callback["topic"]) <= 255
    assert callback["topic"].startswith("【急难·女儿代报，本人未确认】当事人何老汉")  # the lines before it give way
