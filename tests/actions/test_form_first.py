"""Issue 20 item 2, form first: while a form asks, a message is that question's answer before any global
intent. Rasa's own slot extraction (ActionExtractSlots, the real domain) runs here, with its remote custom
action answered by our action server's code in process, so the test sees what Rasa would fill."""

import re
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered, ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import form_first
from actions.corrections import read_correction
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from tests.actions.test_retries import turn as retry_turn

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "bot" / "domain.yml"))
RULES = yaml.safe_load((ROOT / "bot" / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]


pytestmark = pytest.mark.usefixtures("remote_actions_in_process")  # tests/actions/conftest.py


async def extracted(form: str, slot: str, text: str, intent: str, slots: dict | None = None) -> dict:
    events = [SlotSet(k, v) for k, v in (slots or {}).items()]
    events += [ActionExecuted(form), ActiveLoop(form), SlotSet("requested_slot", slot), ActionExecuted("action_listen"),
               UserUttered(text, {"name": intent, "confidence": 0.9}, [])]
    tracker = DialogueStateTracker.from_events("t", events, slots=DOMAIN.slots)
    out = await ActionExtractSlots(None).run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(DOMAIN.responses), tracker, DOMAIN)
    return {e.key: e.value for e in out if isinstance(e, SlotSet)}


@pytest.mark.asyncio
@pytest.mark.parametrize(("form", "slot", "text", "intent"), [
    # everyday answers the NLU reads as something else: each is the answer to the question asked
    ("application_form", "monthly_income", "八百块钱", "query_payment"),
    ("application_form", "monthly_income", "两千块钱", "ask_policy"),
    ("application_form", "reason", "没钱", "query_payment"),
    ("application_form", "reason", "老伴住院了，莫得钱交住院费", "report_emergency"),
    ("application_form", "reason", "老伴去世了，我身体不好，没有收入", "apply_assistance"),  # seen live: read as an application
    ("application_form", "reason", "一个人住，养老金太少了不够用", "stop"),
    ("application_form", "reason", "手残疾了做不了重活", "stop"),  # seen by the persona harness: read as stop
    ("application_form", "monthly_income", "我要申请低保", "apply_assistance"),  # the same type again: not a way out
    ("application_form", "more_members", "要得", "affirm"),
    ("application_form", "applicant_name", "我叫王秀英", "apply_assistance"),
    ("application_form", "savings", "没有", "nlu_fallback"),
    ("application_form", "confirmed", "名字不对，我叫刘淑芬", "stop"),
    ("application_form", "street", "我住两路口那边", "ask_policy"),
    ("application_form", "verify_code", "没收到", "nlu_fallback"),
    ("application_form", "verify_code", "重发", "stop"),
    ("application_form", "assistance_type", "我要申请特困", "apply_assistance"),
    ("emergency_form", "emergency_what", "家里失火了", "report_emergency"),
    ("emergency_form", "emergency_what", "屋头着火了", "report_emergency"),
    ("complaint_form", "complaint_text", "社区的人老是不接电话", "complain"),
    ("application_form", "monthly_income", "继续", "resume"),
])
async def test_an_answer_fills_the_question_asked_whatever_the_nlu_says(form: str, slot: str, text: str, intent: str) -> None:
    assert (await extracted(form, slot, text, intent, {"assistance_type": "低保"})).get(slot) in (text, True)


@pytest.mark.asyncio
@pytest.mark.parametrize(("form", "slot", "text", "intent"), [
    ("application_form", "monthly_income", "停一下 我去找下户口本", "stop"),
    ("application_form", "applicant_name", "算了", "stop"),
    ("application_form", "monthly_income", "找个工作人员跟我说", "request_human"),
    ("application_form", "monthly_income", "低保标准是多少", "ask_policy"),
    ("application_form", "savings", "我要申请特困", "apply_assistance"),
    ("application_form", "applicant_phone", "屋头着火了", "report_emergency"),
    ("application_form", "reason", "算了不填了", "stop"),
    ("application_form", "reason", "/request_human", "request_human"),
    ("eligibility_form", "household_size", "你是机器人吗", "bot_challenge"),
])
async def test_a_clear_interruption_leaves_the_question_empty_for_its_rule(form: str, slot: str, text: str, intent: str) -> None:
    assert slot not in await extracted(form, slot, text, intent, {"assistance_type": "低保"})


def test_the_interruptions_are_one_list() -> None:
    """Every form slot's from_text mapping leaves out exactly the interruptions, and only they run the action."""
    for name, slot in DOMAIN.as_dict()["slots"].items():
        for mapping in slot["mappings"]:
            if mapping["type"] == "from_text":
                assert tuple(mapping["not_intent"]) == form_first.INTERRUPTIONS, name
            if mapping.get("action") == "action_read_answer":
                assert tuple(mapping["intent"]) == form_first.INTERRUPTIONS


def test_every_interruption_has_a_rule_in_every_form_and_no_fallback_inside_a_form() -> None:
    forms = list(DOMAIN.as_dict()["forms"])
    own = {f: form_first.OWN_TOPIC.get(f, ()) for f in forms}
    covered: set[tuple[str, str]] = set()
    for rule in RULES:
        loops = [c["active_loop"] for c in rule.get("condition", []) if "active_loop" in c]
        intents = [s["intent"] for s in rule["steps"] if "intent" in s]
        if loops and loops[0] and intents:
            covered.add((loops[0], intents[0]))
        if intents == ["nlu_fallback"]:
            assert loops == [None], "the global fallback never answers inside a form"
    missing = [(f, i) for f in forms for i in form_first.INTERRUPTIONS
               if (f, i) not in covered and i not in own[f] and not (f == "emergency_form" and i == "apply_assistance")]
    assert missing == []


@pytest.mark.asyncio
async def test_continue_asks_the_question_again_without_counting_a_wrong_answer() -> None:
    tracker = Tracker("t", {"assistance_type": "低保", "requested_slot": "monthly_income", "monthly_income": "那继续吧"},
                      {"text": "那继续吧", "intent": {"name": "resume", "confidence": 1.0}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "monthly_income", "value": "那继续吧"}],
                      False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["monthly_income"] is None and not slots.get("form_retries") and dispatcher.messages == []


@pytest.mark.parametrize(("text", "field", "value"), [
    ("名字不对，我叫刘淑芬", "applicant_name", "我叫刘淑芬"),
    ("收入不是800，是1200", "monthly_income", "1200"),
    ("存款写错了 应该是三千", "savings", "三千"),
    ("身份证号错了 500103194403150021", "applicant_id", "500103194403150021"),
    ("住址不对，是七星岗街道", "street", "七星岗街道"),
    ("改每月收入", "monthly_income", None),
    ("名字不对", "applicant_name", None),
    ("电话号码错了 13812345678", "applicant_phone", "13812345678"),
    # A tester's reason was saved as "那里 下，是老伴住院": her own words are kept whole, the instruction goes.
    ("原因那里改下，是老伴住院了", "reason", "老伴住院了"),
    ("原因那里改下 老伴住院了没钱交费", "reason", "老伴住院了没钱交费"),
    ("原因要改一下，写老伴住院了", "reason", "老伴住院了"),
    ("把原因改成：老伴住院了", "reason", "老伴住院了"),
    ("原因那块写错了 其实是儿子出车祸了", "reason", "儿子出车祸了"),
    ("原因那里改一下", "reason", None),
    ("收入那里改一下，一千二", "monthly_income", "一千二"),
])
def test_a_correction_names_its_field_and_the_new_answer(text: str, field: str, value: str | None) -> None:
    named, said = read_correction(text)
    assert named is not None and named.key == field and said == value


def test_saying_continue_is_not_a_pause() -> None:
    assert all(form_first.is_resume(t) for t in ("继续", "那继续吧", "接着填", "好，继续"))
    assert not any(form_first.is_resume(t) for t in ("算了", "先不填了", "继续不下去了，太难了"))
    assert re.search("继续", DOMAIN.as_dict()["responses"]["utter_stopped"][0]["text"])


FILLED = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "刘淑英", "applicant_id": "11010519491231002X",
          "applicant_phone": "13812345678", "citizen_token": "t", "verified_phone": "13812345678", "street": "两路口街道",
          "hukou": "城镇", "more_members": False, "members": [], "monthly_income": 800.0, "savings": 2000.0, "reason": "老伴去世了"}


async def at_readback(text: str, intent: str = "inform") -> tuple[dict, list]:
    slots = {**FILLED, "requested_slot": "confirmed", "confirmed": text}
    tracker = Tracker("t", slots, {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "confirmed", "value": text}],
                      False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
    after = {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    return after, [m.get("response") or m.get("text") for m in dispatcher.messages]


@pytest.mark.asyncio
async def test_one_field_corrected_at_the_readback_keeps_every_other_answer(fake_backend) -> None:
    after, said = await at_readback("名字不对，我叫刘淑芬", "stop")
    assert after["applicant_name"] == "刘淑芬" and after["confirmed"] is None and after["requested_slot"] == "confirmed"
    assert {k: after[k] for k in FILLED if k != "applicant_name"} == {k: v for k, v in FILLED.items() if k != "applicant_name"}
    after, _ = await at_readback("收入不是800，是1200")
    assert after["monthly_income"] == 1200.0 and after["savings"] == 2000.0 and after["confirmed"] is None
    after, _ = await at_readback("改每月收入")
    assert after["monthly_income"] is None and after["requested_slot"] == "monthly_income" and after["applicant_name"] == "刘淑英"
    after, said = await at_readback("不对", "deny")
    assert said == ["utter_which_wrong"] and after["confirmed"] is None and not after.get("form_retries")
    assert {k: after[k] for k in FILLED} == FILLED
    # Something wrong said in her own words is never 先不提交 (a tester's "不对 我女儿不住一起" paused the form).
    after, said = await at_readback("不对 我女儿不住一起", "deny")
    assert said == ["utter_which_wrong"] and after["confirmed"] is None and {k: after[k] for k in FILLED} == FILLED
    after, said = await at_readback("不对 先不提交", "deny")
    assert after["confirmed"] is False


@pytest.mark.asyncio
async def test_the_readback_is_one_answer_a_line_each_with_its_fix_button_on_the_web() -> None:
    from actions.journeys import ActionAskConfirmed
    for channel, buttons in (("rest", True), ("twilio", False)):
        tracker = Tracker("t", dict(FILLED), {"text": "x", "intent": {"name": "inform"}}, [
            {"event": "user", "text": "x", "input_channel": channel}], False, None, {"name": "application_form"}, "action_listen")
        dispatcher = CollectingDispatcher()
        await ActionAskConfirmed().run(dispatcher, tracker, {})
        readback = dispatcher.messages[0]
        assert readback["response"] == "utter_readback" and len(dispatcher.messages) == 1  # one message: its buttons stay live
        lines = readback["lines"].split("\n")
        assert "申请人：刘淑英" in lines and "每月收入：800元" in lines and "存款：2000元" in lines and "户口：城镇" in lines
        titles = [b["title"] for b in readback.get("buttons") or []]
        if buttons:
            assert {"改申请人", "改每月收入", "改存款", "改住址", "改原因"} <= set(titles)
            assert all(f"{t[1:]}：" in readback["lines"] for t in titles)  # every button has its line
        else:
            assert titles == []
    sms = next(v for v in DOMAIN.as_dict()["responses"]["utter_readback"] if v.get("channel") == "twilio")
    assert "名字不对" in sms["text"] and "buttons" not in sms


@pytest.mark.asyncio
async def test_not_submitting_keeps_the_answers_for_later() -> None:
    from actions.journeys import ActionSubmitApplication
    tracker = Tracker("t", {**FILLED, "confirmed": False}, {"text": "先不提交", "intent": {"name": "deny"}}, [], False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitApplication().run(dispatcher, tracker, {})
    assert {e["name"]: e["value"] for e in events} == {"confirmed": None, "paused_form": "application_form"}


@pytest.mark.asyncio
async def test_a_lock_out_pause_is_resumed_by_continue() -> None:
    from actions.drafts import ActionPauseForm
    tracker = Tracker("t", {"requested_slot": "verify_code"}, {"text": "000000", "intent": {"name": "inform"}}, [], False, None,
                      {"name": "application_form"}, "action_listen")
    events = await ActionPauseForm().run(CollectingDispatcher(), tracker, {})
    assert {"event": "slot", "timestamp": None, "name": "paused_form", "value": "application_form"} in events


@pytest.mark.asyncio
async def test_a_used_up_code_says_how_to_get_a_new_one_and_is_not_one_more_wrong_answer(fake_backend) -> None:
    from actions.forms import ValidateVerifyForm
    import httpx
    route = fake_backend.handler
    fake_backend.handler = lambda r: httpx.Response(400, json={"error": {"code": "code_used_up", "message": "这个验证码已经输错5次，作废了。说“重发”，我再给您发一个新的。", "details": None}}) if r.url.path.endswith("/otp/verify") else route(r)
    tracker = Tracker("t", {"verify_phone": "13812345678", "requested_slot": "verify_code", "verify_code": "111111",
                            "form_retries": {"verify_code": 2}}, {"text": "111111", "intent": {"name": "inform"}, "entities": []},
                      [{"event": "action", "name": "verify_form"}, {"event": "slot", "name": "verify_code", "value": "111111"}],
                      False, None, {"name": "verify_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, tracker, DOMAIN.as_dict())
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert [m.get("response") for m in dispatcher.messages] == ["utter_code_used_up"]
    assert "form_retries" not in slots and "utter_retry_offer" not in [m.get("response") for m in dispatcher.messages]


@pytest.mark.asyncio
@pytest.mark.parametrize(("said", "name", "phone"), [("王浩 我是她孙子", "王浩", None), ("李红，电话13908230021", "李红", "13908230021"),
                                                      ("李红", "李红", None)])
async def test_the_helper_name_said_with_more_keeps_the_name_and_the_phone(fake_backend, said: str, name: str, phone: str | None) -> None:
    """Seen by testers: "王浩 我是她孙子" was saved whole and went out in the consent SMS; "李红，电话139…" was refused."""
    tracker = Tracker("t", {"assistance_type": "低保", "filing_for": "other", "helper_kind": "relative", "requested_slot": "helper_name",
                            "helper_name": said}, {"text": said, "intent": {"name": "inform"}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "helper_name", "value": said}],
                      False, None, {"name": "application_form"}, "action_listen")
    events = await ValidateApplicationForm().run(CollectingDispatcher(), tracker, DOMAIN.as_dict())
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["helper_name"] == name and slots.get("verify_phone") == phone


@pytest.mark.asyncio
async def test_only_a_clear_yes_submits_and_another_type_is_a_correction(fake_backend) -> None:
    """Seen by a tester: "等下 还是申请特困吧 特困钱多点" at the read-back submitted the 低保 application."""
    after, _ = await at_readback("等下 还是申请特困吧 特困钱多点")
    assert after["confirmed"] is None and after["assistance_type"] == "特困"
    for yes in ("对", "对，提交", "是的", "没问题", "确认提交", "要得"):
        assert (await at_readback(yes))[0]["confirmed"] is True, yes
    for unclear in ("还是算了吧我再想想", "我还是觉得有点问题"):
        assert (await at_readback(unclear))[0]["confirmed"] is not True, unclear


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text"), [("filing_for", "找工作人员"), ("applicant_name", "转人工"), ("helper_kind", "我要找工作人员")])
async def test_asking_for_a_person_is_never_an_answer(slot: str, text: str) -> None:
    """Seen by a tester: 找工作人员 at 给自己/帮别人 was taken as the helper's kind (工作人员)."""
    assert slot not in await extracted("application_form", slot, text, "request_human", {"assistance_type": "低保"})


@pytest.mark.asyncio
async def test_too_many_codes_pauses_the_form_once_instead_of_asking_for_the_phone_again(fake_backend) -> None:
    """Seen by testers: "验证码发送太频繁了，请56分钟后再试" and at once "请告诉我您的手机号" again, in a loop."""
    import httpx
    from actions.forms import ValidateVerifyForm
    route = fake_backend.handler
    fake_backend.handler = lambda r: httpx.Response(429, json={"error": {"code": "too_many_requests", "message": "请求太频繁了",
                                                                          "details": {"retry_after_seconds": 3360}}}) \
        if r.url.path.endswith("/otp/request") else route(r)
    tracker = Tracker("t", {"requested_slot": "verify_phone", "verify_phone": "13812345678"},
                      {"text": "13812345678", "intent": {"name": "inform"}, "entities": []},
                      [{"event": "action", "name": "verify_form"}, {"event": "slot", "name": "verify_phone", "value": "13812345678"}],
                      False, None, {"name": "verify_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateVerifyForm().run(dispatcher, tracker, DOMAIN.as_dict())
    assert [m.get("response") for m in dispatcher.messages] == ["utter_code_requests_locked"]
    assert dispatcher.messages[0]["minutes"] == 56
    assert {"event": "followup", "name": "action_pause_form", "timestamp": None} in events


@pytest.mark.asyncio
async def test_an_earlier_answer_corrected_while_another_question_is_asked(fake_backend) -> None:
    """Seen by a tester: "不对不对 身份证打错了 是11010519491231002X" at the phone question → "手机号好像不对"."""
    text = "不对不对 身份证打错了 是11010519491231002X"
    slots = {"assistance_type": "低保", "filing_for": "self", "applicant_name": "陈建国", "applicant_id": "500110197005030048",
             "requested_slot": "applicant_phone", "applicant_phone": text}
    tracker = Tracker("t", slots, {"text": text, "intent": {"name": "correct_application"}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "applicant_phone", "value": text}],
                      False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
    after = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert after["applicant_id"] == "11010519491231002X" and after["applicant_phone"] is None
    assert [m.get("response") for m in dispatcher.messages] == ["utter_corrected"] and after["requested_slot"] == "applicant_phone"


@pytest.mark.asyncio
async def test_a_member_without_her_id_number_is_kept_for_later_or_left_out(fake_backend) -> None:
    """Seen by a tester: "我老婆 她身份证烧了 号码记不到", "不晓得 以后补行不行", "那不加她了" all got "您输入的是N位"."""
    base = {**FILLED, "more_members": True, "member_name": "李秀珍", "requested_slot": "member_id"}
    for text, later in (("她身份证烧了 号码记不到", True), ("那不加她了", False)):
        tracker = Tracker("t", {**base, "member_id": text}, {"text": text, "intent": {"name": "inform"}, "entities": []},
                          [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "member_id", "value": text}],
                          False, None, {"name": "application_form"}, "action_listen")
        dispatcher = CollectingDispatcher()
        events = await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
        after = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        assert after["member_name"] is None and after["requested_slot"] == "more_members"
        assert (after.get("members_later") == [{"name": "李秀珍", "relation": None}]) is later
    from actions.journeys import ActionSubmitApplication
    await ActionSubmitApplication().run(CollectingDispatcher(), Tracker("t", {**FILLED, "confirmed": True, "submission_key": "later-1",
        "members_later": [{"name": "李秀珍", "relation": None}]}, {}, [], False, None, None, "action_listen"), {})
    # Filed as a member whose ID number is to come (counted in the household by the backend), not only a note.
    assert fake_backend.submitted["later-1"]["members"][-1] == {"name": "李秀珍"}
    assert "李秀珍" not in (fake_backend.submitted["later-1"]["reason"] or "")


@pytest.mark.asyncio
async def test_the_nlus_yes_alone_never_submits(fake_backend) -> None:
    """Seen in the persona harness: "不对，是农村户口" read as affirm submitted the application (the confirmed slot had a
    from_intent affirm mapping). Only the read-back's validator decides, from what was said."""
    mappings = DOMAIN.as_dict()["slots"]["confirmed"]["mappings"]
    assert [m["type"] for m in mappings] == ["from_text"]
    after, _ = await at_readback("不对，是农村户口", "affirm")
    assert after["confirmed"] is None and after["hukou"] == "农村户口"
    assert (await at_readback("/affirm", "affirm"))[0]["confirmed"] is True


@pytest.mark.asyncio
async def test_a_reason_that_sounds_like_a_precheck_keeps_the_hukou(fake_backend) -> None:
    """Seen in the persona harness: "我妈残疾，我爸一个人的养老金不够两个人用" read as check_eligibility ran the pre-check's
    户口 mapping inside the application and cleared the 城镇户口 the street had given."""
    from actions.precheck import ActionReadHukouNeed
    tracker = Tracker("t", {**FILLED, "requested_slot": "reason"}, {"text": "x", "intent": {"name": "check_eligibility"}, "entities": []},
                      [], False, None, {"name": "application_form"}, "action_listen")
    assert await ActionReadHukouNeed().run(CollectingDispatcher(), tracker, {}) == []


@pytest.mark.asyncio
async def test_a_members_income_corrected_at_the_readback_is_not_the_applicants(fake_backend) -> None:
    """Seen by a tester: "她的收入不是一千，是一千一" changed the applicant's own income from 3200 to 1100. Deliberately
    changed (a grid worker's "他收入不对" lost the son she had entered): only that member's income changes, nobody is
    asked again (tests/actions/test_said_ahead.py). The income asked is the household's: her own part (2200) stays and
    the total follows (tests/actions/test_readback_round7.py)."""
    members = [{"name": "刘凤英", "relation": "配偶", "id_number": "420102195708150020", "income": 1000.0}]
    slots = {**FILLED, "monthly_income": 3200.0, "members": members, "more_members": False, "requested_slot": "confirmed"}
    text = "她的收入不是一千，是一千一"
    tracker = Tracker("t", {**slots, "confirmed": text}, {"text": text, "intent": {"name": "inform"}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "confirmed", "value": text}],
                      False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
    after = {**slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    assert after["monthly_income"] == 3300.0 and after["members"] == [{**members[0], "income": 1100.0}]
    assert after["confirmed"] is None and after["requested_slot"] == "confirmed"
    assert [m.get("response") for m in dispatcher.messages] == ["utter_income_part_corrected"]


@pytest.mark.asyncio
async def test_a_volunteers_slips_are_caught(fake_backend) -> None:
    """Seen by a tester: her own name given for the applicant was filed; "申请人写成我了，应该是奶奶，黄桂兰" saved 写成我."""
    text = "赵敏"
    tracker = Tracker("t", {"assistance_type": "低保", "filing_for": "other", "helper_name": "赵敏", "requested_slot": "applicant_name",
                            "applicant_name": text}, {"text": text, "intent": {"name": "inform"}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "applicant_name", "value": text}],
                      False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}["applicant_name"] is None
    assert "utter_applicant_is_helper" in [m.get("response") for m in dispatcher.messages]
    after, _ = await at_readback("啊，申请人写成我了，应该是奶奶，黄桂兰")
    assert after["applicant_name"] == "黄桂兰"


@pytest.mark.asyncio
async def test_a_question_while_the_id_is_asked_is_not_counted_in_digits(fake_backend) -> None:
    """Seen by a tester: "不是 你先回答我的问题啊 临时救助和医疗救助哪个适合我家" → "您输入的是26位"."""
    text = "不是 你先回答我的问题啊 临时救助和医疗救助哪个适合我家"
    tracker = Tracker("t", {"assistance_type": "临时救助", "filing_for": "self", "applicant_name": "陈小燕", "requested_slot": "applicant_id",
                            "applicant_id": text}, {"text": text, "intent": {"name": "check_eligibility"}, "entities": []},
                      [{"event": "action", "name": "application_form"}, {"event": "slot", "name": "applicant_id", "value": text}],
                      False, None, {"name": "application_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    await ValidateApplicationForm().run(dispatcher, tracker, DOMAIN.as_dict())
    assert [m.get("response") for m in dispatcher.messages][0] == "utter_id_not_said"
    assert "/persons/check-id" not in " ".join(fake_backend.paths())


@pytest.mark.asyncio
@pytest.mark.parametrize("yes", ["是的咧", "对个", "要得嘛", "对头", "系啊", "中", "对的，提交"])
async def test_a_yes_in_dialect_submits(fake_backend, yes: str) -> None:
    """Seen in the persona harness: 武汉 "是的咧" and 常州 "对个" were asked four times at the read-back."""
    assert (await at_readback(yes))[0]["confirmed"] is True


@pytest.mark.asyncio
async def test_a_case_already_open_ends_the_form_with_the_backends_answer(fake_backend) -> None:  # noqa: ANN001
    """A tester's second 低保 for the same grandmother was filed as a new case. The backend now refuses it and
    names the open one; the bot says so and closes the form (a 确认 again would only be refused again)."""
    import httpx

    from actions.journeys import ActionSubmitApplication

    said = "刘淑英已经有一件低保申请正在办理（编号JZ20261124000009），不用再交一次。想看办到哪一步了，说“查进度”。"
    route = fake_backend.route

    def refuse(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/applications" and request.method == "POST":
            return httpx.Response(409, json={"error": {"code": "application_already_open", "message": said,
                                                       "details": {"number": "JZ20261124000009"}}})
        return route(request)

    fake_backend.handler = refuse
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitApplication().run(dispatcher, Tracker("t", {**FILLED, "confirmed": True, "submission_key": "again-1"},
                                                 {}, [], False, None, None, "action_listen"), {})
    assert dispatcher.messages[-1]["text"] == said
    after = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert after["applicant_id"] is None and after["submission_key"] is None and after["confirmed"] is None


@pytest.mark.asyncio
@pytest.mark.parametrize("emergency", [False])  # a 急难 report is filed all the same (test_emergency_night_flood_s9_i.py)
async def test_a_name_that_is_not_the_one_on_record_is_asked_again_with_the_id(fake_backend, emergency: bool) -> None:  # noqa: ANN001
    """A tester's 急难 report ended in "姓名和身份证号对不上" with no way to say the name again."""
    import httpx

    from actions.emergency_report import ActionSubmitEmergency
    from actions.journeys import ActionSubmitApplication

    route = fake_backend.route

    def mismatch(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/applications" and request.method == "POST":
            return httpx.Response(422, json={"error": {"code": "name_mismatch", "details": None,
                                                       "message": "申请人的姓名和身份证号对不上，请核对姓名（要和身份证上一样）和号码。"}})
        return route(request)

    fake_backend.handler = mismatch
    slots = {**FILLED, "confirmed": True, "submission_key": "mismatch-1", "area_code": "500103004", "emergency_what": "屋头着火了"}
    action = ActionSubmitEmergency() if emergency else ActionSubmitApplication()
    events = await action.run(CollectingDispatcher(), Tracker("t", slots, {}, [], False, None, None, "action_listen"), {})
    after = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert after["applicant_name"] is None and after["applicant_id"] is None
    form = "emergency_form" if emergency else "application_form"
    assert {"event": "followup", "name": form, "timestamp": None} in events
    assert "emergency_what" not in after and "street" not in after  # everything else kept


@pytest.mark.asyncio
async def test_every_button_a_form_offers_is_handled_there_never_the_fallback() -> None:
    """An 81-year-old's "先不用" (/deny) to the pre-check's offer got "没太听懂": each intent button of a form's question is
    read by that form's slot mapping (or a rule for that form answers it), and each button of the pre-check's offer has a
    rule or story after it."""
    domain = DOMAIN.as_dict()
    stories = yaml.safe_load((ROOT / "bot" / "data" / "stories.yml").read_text(encoding="utf-8"))["stories"]
    for form, spec in domain["forms"].items():
        for slot in spec["required_slots"]:
            for variation in domain["responses"].get(f"utter_ask_{slot}", []):
                for button in variation.get("buttons") or []:
                    intent = button["payload"].removeprefix("/")
                    if not button["payload"].startswith("/"):
                        continue
                    ruled = any(c.get("active_loop") == form for r in RULES for c in r.get("condition", [])) and any(
                        s.get("intent") == intent for r in RULES if any(c.get("active_loop") == form for c in r.get("condition", []))
                        for s in r["steps"])
                    filled = (await extracted(form, slot, button["payload"], intent)).get(slot) is not None
                    assert filled or ruled, (form, slot, button)
    after_precheck = [[s.get("intent") for s in steps[steps.index({"action": "action_precheck"}) + 1:] if "intent" in s][:1]
                      for steps in (r["steps"] for r in [*RULES, *stories]) if {"action": "action_precheck"} in steps]
    for response in ("utter_offer_apply", "utter_offer_apply_type"):
        for button in domain["responses"][response][0]["buttons"]:
            assert [button["payload"].removeprefix("/")] in after_precheck, button


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text", "explained"), [
    ("verify_code", "啥子验证码哦", "短信"), ("verify_code", "这个是啥子意思", "6位数字"),
    ("monthly_income", "这个是啥子意思", "收入"), ("income_excluded", "什么意思", "退休工资"),
])
async def test_what_does_this_mean_explains_the_question_asked_and_asks_it_again(slot: str, text: str, explained: str) -> None:
    """An 81-year-old's "这个是啥子意思" / "啥子验证码哦" at a question got the 低保 standard: whatever the NLU read, the
    question's explaining wording answers it, and it is asked again (not a wrong answer)."""
    form = "eligibility_form" if slot == "income_excluded" else "application_form"
    slots = {"assistance_type": "低保", "filing_for": "self", "verify_phone": "13912345678", "household_size": 1.0, "monthly_income": 800.0}
    assert (await extracted(form, slot, text, "ask_policy", slots)).get(slot) == text
    validator = ValidateEligibilityForm() if form == "eligibility_form" else ValidateApplicationForm()
    after, messages = await retry_turn(validator, slot, text, {k: v for k, v in slots.items() if k != slot}, form)
    assert after[slot] is None and not after.get("form_retries")
    if "码" in text:  # a question about the code: its validator explains (utter_code_what)
        assert messages == ["utter_code_what"]
        return
    # Its simpler wording (bot/domain.yml `ask_style: simple`, session 9: "啥子哦" got the question word for word).
    assert after["ask_style"] == "simple" and messages == []
    responses = DOMAIN.as_dict()["responses"]
    simple_text = next(v["text"] for v in responses.get(f"utter_ask_{form}_{slot}") or responses[f"utter_ask_{slot}"]
                       if any(c.get("value") == "simple" for c in v.get("condition") or []))
    assert explained in simple_text
