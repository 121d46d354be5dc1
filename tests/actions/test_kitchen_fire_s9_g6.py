"""A man of 66 in 渝北 reports a kitchen fire at 04:20 (his wife's hand burnt, in hospital), session 9, helper G6:

1. "打我儿子电话嘛 13594412807 他叫吴磊" after filing got "没太听懂"; "电话不对 打13594412807" a correction of his
   application; "我儿子的电话改好没得" still his own number. Now the call-back's number to call changes and is said back.
2. Filing said "值班同志会尽快打电话" at night, the next turn "要12月8日一上班": now the backend's one promise at filing.
4. "咋个办嘛" got "这个我帮不上忙", "火早就灭了 你咋个一直喊我打119" the fallback, 119 said after the fire was out; and
   "一上班是几点嘛" "这个我帮不上忙". Now what happens next for his case, the office's hours, and no 119 once it is out.
"""

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import emergency_booked
from actions.emergency_next import ActionOutOfScope
from actions.emergency_readback import READ_BACK
from actions.emergency_report import ActionReadEmergency, ActionSubmitEmergency
from actions.fallback import ActionFallback
from actions.journeys import ActionLooseAnswer
from actions.requests import ActionStartChange
from tests.actions.test_desk_findings_s8 import texts
from tests.actions.test_emergency_findings import ASKED
from tests.actions.test_forms_and_journeys import responses, tracker
from tests.actions.test_night_flood_s9_j import NIGHT_PROMISE, posted, reported

SONS = "13594412807"


def slot_values(events: list) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def with_callback(extra: dict | None = None) -> dict:
    """His report as the urgent call-back HD000001 (callback_booked kept as the chat keeps it)."""
    slots = reported()
    return {**slots, "callback_booked": {"reference": "HD000001", "caller": "七星岗街道社会救助窗口", "due_day": "今天",
                                         "promise": "今天", "phone_masked": "139****2411"}, **(extra or {})}


# ---- 1. a number to call instead ------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_his_sons_number_goes_on_the_call_back_never_the_fallback(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, tracker(with_callback(), text="我手机快没电了 充电器也烧了 打我儿子电话嘛 13594412807 他叫吴磊",
                                                            intent="nlu_fallback"), {})
    [changed] = posted(fake_backend, "/api/v1/callbacks/HD000001/call-phone")
    assert changed["call_phone"] == SONS and changed["contact"] == "吴磊（儿子）"
    assert responses(dispatcher) == ["utter_call_phone_changed"]
    assert "好，工作人员会打135****2807找吴磊" in await texts(dispatcher)
    kept = slot_values(events)
    assert kept[emergency_booked.SLOT]["phone_masked"] == "135****2807" and kept["callback_booked"]["phone_masked"] == "135****2807"
    dispatcher = CollectingDispatcher()
    await ActionFallback().run(dispatcher, tracker({**with_callback(), **kept}, text="我儿子的电话改好没得", intent="nlu_fallback"), {})
    assert responses(dispatcher) == ["utter_call_phone_is"] and "135****2807" in await texts(dispatcher)


@pytest.mark.asyncio
async def test_phone_wrong_call_this_one_is_never_a_correction_of_the_application(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionStartChange().run(dispatcher, tracker(with_callback({"citizen_token": "t", "phone_verified": True}),
                                                      text="电话不对 打13594412807", intent="correct_application"), {})
    assert posted(fake_backend, "/api/v1/callbacks/HD000001/call-phone")
    assert responses(dispatcher) == ["utter_call_phone_changed"]
    assert not [r for r in fake_backend.requests if "/actions/" in r.url.path]


# ---- 2. one truth at filing ------------------------------------------------------------------------------------------

@pytest.mark.asyncio
async def test_filing_at_night_says_when_the_office_calls_never_soon(fake_backend) -> None:  # noqa: ANN001
    fake_backend.night = True
    slots = {**ASKED, "street": "渝中区七星岗街道", "area_code": "500103001", READ_BACK: True}
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitEmergency().run(dispatcher, tracker(slots), {})
    assert responses(dispatcher)[0] == "utter_emergency_submitted_night"
    text = await texts(dispatcher)
    assert NIGHT_PROMISE in text and "尽快" not in text and "值班同志" not in text
    assert slot_values(events)[emergency_booked.SLOT]["due"] == NIGHT_PROMISE


# ---- 4. "咋个办嘛", the fire out, when the office opens -----------------------------------------------------------

@pytest.mark.asyncio
async def test_what_now_inside_his_case_says_what_happens_next(fake_backend) -> None:  # noqa: ANN001
    fake_backend.night = True
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, tracker(reported(), text="咋个办嘛", intent="out_of_scope"), {})
    said = responses(dispatcher)
    assert "utter_out_of_scope" not in said and said[0] == "utter_emergency_next_night" and "utter_emergency_tonight" in said
    assert NIGHT_PROMISE in await texts(dispatcher)


@pytest.mark.asyncio
async def test_once_the_fire_is_out_119_is_not_said_again(fake_backend) -> None:  # noqa: ANN001
    fake_backend.night = True
    dispatcher = CollectingDispatcher()
    events = await ActionFallback().run(dispatcher, tracker(reported(), text="火早就灭了 你咋个一直喊我打119", intent="nlu_fallback"), {})
    assert "utter_default" not in responses(dispatcher) and responses(dispatcher)[0] == "utter_emergency_fire_out"
    out = {**reported(), **slot_values(events)}
    assert out[emergency_booked.SLOT]["fire_out"]
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, tracker(out, text="咋个办嘛", intent="out_of_scope"), {})
    dispatcher2 = CollectingDispatcher()
    await ActionFallback().run(dispatcher2, tracker(out, text="好久来人", intent="nlu_fallback"), {})
    for d in (dispatcher, dispatcher2):
        assert "119" not in await texts(d)


@pytest.mark.asyncio
async def test_the_fire_out_said_as_more_hears_no_119(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    slots = reported(application="JZ20261124000009")
    await ActionReadEmergency().run(dispatcher, tracker(slots, text="火已经灭了消防走了", intent="report_emergency"), {})
    assert "utter_emergency_fire" not in responses(dispatcher) and "119" not in await texts(dispatcher)


@pytest.mark.asyncio
async def test_when_the_office_opens_is_its_hours(fake_backend) -> None:  # noqa: ANN001
    fake_backend.night = True
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, tracker(reported(), text="一上班是几点嘛 我等不到那个时候", intent="out_of_scope"), {})
    said = responses(dispatcher)
    assert said[0] == "utter_emergency_office_opens" and "utter_after_hours_hotline" in said
    assert "工作日 9:00-17:30" in await texts(dispatcher)


@pytest.mark.asyncio
async def test_out_of_scope_without_a_report_is_still_said_so(fake_backend) -> None:  # noqa: ANN001
    dispatcher = CollectingDispatcher()
    await ActionOutOfScope().run(dispatcher, tracker({}, text="帮我买张火车票", intent="out_of_scope"), {})
    assert responses(dispatcher) == ["utter_out_of_scope"]


@pytest.mark.asyncio
async def test_his_sons_number_read_as_inform_goes_on_the_call_back_too(fake_backend) -> None:  # noqa: ANN001
    """A run-through after the fixes: the NLU read "打我儿子电话嘛 135… 他叫吴磊" as inform (its phone and name), and
    the loose answer said "没太听懂" — the fallback's follow-ups were not its own."""
    dispatcher = CollectingDispatcher()
    await ActionLooseAnswer().run(dispatcher, tracker(with_callback(), text="我手机快没电了 充电器也烧了 打我儿子电话嘛 13594412807 他叫吴磊",
                                                      intent="inform"), {})
    [changed] = posted(fake_backend, "/api/v1/callbacks/HD000001/call-phone")
    assert changed["call_phone"] == SONS and responses(dispatcher) == ["utter_call_phone_changed"]


def test_a_fire_said_out_in_the_report_gets_no_119_and_a_deposit_no_bare_medical_aid_line() -> None:
    """A run-through after the fixes: the report said "火已经灭了…老婆手烧伤了在医院 要交两千押金"; the filing still said
    "火还没灭、有人困在里面，请马上打119" and "看病、住院的钱，还可以问问医疗救助" (the deposit was answered already)."""
    what = "屋头着火了；火已经灭了 厨房和卧室烧了 老婆手烧伤了在医院 要交两千押金 今晚没得地方睡"
    assert emergency_booked.emergency_advice(what) == []
    assert emergency_booked.emergency_advice("屋头着火了") == ["utter_emergency_fire"]  # not out: 119
    assert "utter_emergency_medical_aid" in emergency_booked.emergency_advice("老伴住院了 莫得钱交住院费")
