"""A tester playing a grid worker filing an application found three things (actions/said_ahead.py,
actions/answers/all_at_once.py, actions/readback.py):

1. "他一个人住 儿子在外地 每个月养老金一千二 没得存款" to the household question kept the household and lost the income
   and the savings, which were asked again: facts said for later questions of the form are kept, not asked again, and
   read back.
2. "收入不对" at the read-back re-asked the whole household and deleted the son she had entered: one field corrected is
   only that field, read back again; the members stay.
3. Everything at once in ~150 characters (name, ID, phone, street, household, income, reason) got "没太听懂": inside the
   form such a message is read for every fact, and the form goes on with what is still missing.
"""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers.all_at_once import found, is_all_at_once
from actions.answers.names import parse_name
from actions.forms import ValidateApplicationForm, ValidateEligibilityForm
from actions.journeys import ActionAskConfirmed, ActionLooseAnswer, readback_lines
from tests.actions.answers_helpers import DOMAIN_DICT, HER_ID, HIS_ID, install, plain_tracker, said, turn
from tests.actions.test_form_first import extracted

pytestmark = pytest.mark.usefixtures("remote_actions_in_process")  # tests/actions/conftest.py

# A grid worker, verified, filing for 王秀英.
GRID = {"assistance_type": "低保", "filing_for": "other", "helper_kind": "grid_worker", "helper_name": "李红",
        "citizen_token": "helper-token", "verified_phone": "13987654321", "phone_verified": True}
HER = {"applicant_name": "王秀英", "applicant_id": HER_ID, "applicant_phone": "13912345678", "consent_code": "ok", "delegation_id": 7.0}
STREET = {"street": "渝中区七星岗街道", "area_code": "500103001", "hukou": "城镇户口"}
HOUSEHOLD = "他一个人住 儿子在外地 每个月养老金一千二 没得存款"
# What the tester pasted at the name question, in one message (~150 characters).
ALL_AT_ONCE = (f"王秀英，女，七十六岁，身份证{HER_ID}，电话13912345678，住渝中区七星岗街道，一个人住，儿子在外地打工好几年没回来了，"
               "每个月养老金一千二，没得存款，老伴去年去世了，她有高血压和糖尿病，腿脚不方便，看病吃药花钱多，生活很困难，"
               "麻烦帮她申请低保，谢谢")


def noted(messages: list) -> str | None:
    return next((m["labels"] for m in messages if m.get("response") == "utter_noted_ahead"), None)


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "text", "before", "labels"), [
    # the tester's own words, to the household question (income and savings not asked yet)
    ("more_members", HOUSEHOLD, {**STREET}, "每月收入、存款"),
    ("monthly_income", HOUSEHOLD, {**STREET}, "家庭成员"),
    ("street", "住七星岗街道 " + HOUSEHOLD, {}, "每月收入、存款、家庭成员"),
])
async def test_facts_for_later_questions_are_kept_not_asked_again_and_read_back(fake_backend, slot: str, text: str, before: dict,
                                                                                labels: str) -> None:
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), slot, text, {**GRID, **HER, **before})
    assert (slots["monthly_income"], slots["savings"], slots["more_members"]) == (1200.0, 0.0, False)
    # A bare 养老金 of 1200 is no basic pension (每月一两百): counted unless she says so (round 7, actions/precheck.py).
    assert slots["income_excluded"] is None
    assert slots["requested_slot"] == "reason" and noted(messages) == labels
    assert "utter_not_understood" not in said(messages) and not slots.get("form_retries")
    lines = readback_lines(plain_tracker({**slots, "reason": "老伴去世了"}))
    assert {("每月收入", "1200元"), ("存款", "0元"), ("家庭成员", "无"), ("住址", "渝中区七星岗街道")} <= set(lines)


@pytest.mark.asyncio
async def test_hukou_said_outright_wins_over_the_streets_guess_and_a_household_of_three_asks_its_members(fake_backend) -> None:
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "street", "住七星岗街道，农村户口，家里三口人，每月收入八百", {**GRID, **HER})
    assert slots["hukou"] == "农村户口" and "utter_hukou_assumed" not in said(messages)
    assert slots["monthly_income"] == 800.0 and slots["more_members"] is True and slots["requested_slot"] == "savings"
    assert noted(messages) == "户口、每月收入、家庭成员"
    # After the street's guess too, 户口 said outright is taken (here with the savings); her son's is not hers.
    slots, messages = await turn(ValidateApplicationForm(), "savings", "存款没有 她是农村户口", {**GRID, **HER, **STREET, "monthly_income": 800.0})
    assert (slots["savings"], slots["hukou"], noted(messages)) == (0.0, "农村户口", "户口")
    slots, _ = await turn(ValidateApplicationForm(), "savings", "存款没有 儿子是农村户口", {**GRID, **HER, **STREET, "monthly_income": 800.0})
    assert slots["hukou"] == "城镇户口"


@pytest.mark.asyncio
async def test_only_what_is_surely_hers_is_kept(fake_backend) -> None:
    install(fake_backend)
    form = ValidateApplicationForm()
    # The son's earnings are not her income; an amount far above the usual is asked at its own question, not here.
    for text in ("住七星岗街道 儿子每个月挣三千", "住七星岗街道 每个月收入一百万"):
        slots, messages = await turn(form, "street", text, {**GRID, **HER})
        assert slots["street"] == "渝中区七星岗街道" and slots.get("monthly_income") is None, text
        assert slots["requested_slot"] == "monthly_income" and noted(messages) is None and "utter_amount_outlier" not in said(messages)
    # Two ID numbers (hers and her son's): which is which is asked, not guessed.
    assert "applicant_id" not in found(f"王秀英 {HER_ID} 儿子王强 {HIS_ID}", "other")
    # A question the form steps aside for (nothing filled: its rule answers it) is not read for facts either.
    text = "低保标准是多少 她每个月收入八百"
    tracker = Tracker("t", {**GRID, **HER, **STREET, "requested_slot": "monthly_income"},
                      {"text": text, "intent": {"name": "ask_policy", "confidence": 1.0}, "entities": []},
                      [{"event": "action", "name": "application_form"}], False, None, {"name": "application_form"}, "action_listen")
    events = await ValidateApplicationForm().run(CollectingDispatcher(), tracker, DOMAIN_DICT)
    assert "monthly_income" not in {e["name"] for e in events if e.get("event") == "slot"}


@pytest.mark.asyncio
async def test_everything_at_once_at_the_name_question_fills_every_question_it_answers(fake_backend) -> None:
    install(fake_backend)
    before = {**GRID}
    slots, messages = await turn(ValidateApplicationForm(), "applicant_name", ALL_AT_ONCE, before)
    assert (slots["applicant_name"], slots["applicant_id"], slots["applicant_phone"]) == ("王秀英", HER_ID, "13912345678")
    assert "/api/v1/delegations/consent-code" in [r.url.path for r in fake_backend.requests]  # her code, for her consent
    assert (slots["street"], slots["hukou"], slots["monthly_income"], slots["savings"], slots["more_members"]) == (
        "渝中区七星岗街道", "城镇户口", 1200.0, 0.0, False)
    assert slots["reason"].startswith("七十六岁，儿子在外地打工") and "生活很困难" in slots["reason"] and HER_ID not in slots["reason"]
    assert slots["requested_slot"] == "consent_code"  # what is still missing: her code
    assert "utter_not_understood" not in said(messages) and noted(messages) == "手机、住址、每月收入、存款、家庭成员、原因"
    slots, _ = await turn(ValidateApplicationForm(), "consent_code", "123456", slots)
    assert slots["requested_slot"] == "confirmed"
    lines = dict(readback_lines(plain_tracker(slots)))
    assert lines["申请人"] == "王秀英" and lines["每月收入"] == "1200元" and lines["存款"] == "0元" and lines["家庭成员"] == "无"


@pytest.mark.asyncio
async def test_everything_at_once_where_another_question_is_asked_is_kept_and_not_a_wrong_answer(fake_backend) -> None:
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "helper_name", ALL_AT_ONCE, {k: v for k, v in GRID.items() if k != "helper_name"})
    assert slots["helper_name"] is None and slots["requested_slot"] == "helper_name"  # his own name is still asked
    assert not slots.get("form_retries") and "utter_not_understood" not in said(messages)
    assert (slots["applicant_id"], slots["monthly_income"], slots["more_members"]) == (HER_ID, 1200.0, False)
    assert "applicant_name" not in slots  # "王秀英，女，…" has no cue (叫, 名字是, just before her ID): asked at its question


@pytest.mark.asyncio
@pytest.mark.parametrize(("slot", "intent"), [("applicant_name", "stop"), ("applicant_name", "ask_policy"),
                                               ("monthly_income", "report_emergency"), ("street", "request_human")])
async def test_everything_at_once_is_an_answer_whatever_the_nlu_read(slot: str, intent: str) -> None:
    """The form never steps aside for it (the global fallback's "没太听懂", a pause, a call-back): its question is answered."""
    assert (await extracted("application_form", slot, ALL_AT_ONCE, intent, {"assistance_type": "低保"})).get(slot) == ALL_AT_ONCE
    assert is_all_at_once(ALL_AT_ONCE) and not any(is_all_at_once(t) for t in ("八百", HOUSEHOLD[:5], "收入三百，存款没有", "找工作人员"))


@pytest.mark.asyncio
async def test_everything_said_in_the_opening_message_starts_the_form_with_all_of_it(fake_backend) -> None:
    """Her 老伴 named in her reason does not make her a helper; the form opens with every answer and asks her code."""
    install(fake_backend)
    text = (f"我想给我自己申请低保，我叫王秀英，身份证{HER_ID}，电话13912345678，住渝中区七星岗街道，一个人住，每个月养老金一千二，"
            "没得存款，老伴去年去世了，我有高血压腿脚不方便，生活很困难")
    entities = [{"entity": "assistance_type", "value": "低保"}]
    dispatcher = CollectingDispatcher()
    events = await ActionLooseAnswer().run(dispatcher, Tracker("t", {}, {"text": text, "intent": {"name": "inform"}, "entities": entities},
                                                               [], False, None, {}, "action_listen"), {})
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["filing_for"] == "self" and slots["applicant_name"] == "王秀英"
    # The form opens (Rasa validates what the opening message filled, with that message as the latest).
    opened = Tracker("t", slots, {"text": text, "intent": {"name": "inform"}, "entities": entities},
                     [{"event": "action", "name": "application_form"}, *({"event": "slot", "name": k, "value": v} for k, v in slots.items())],
                     False, None, {"name": "application_form"}, "action_listen")
    events = await ValidateApplicationForm().run(dispatcher, opened, DOMAIN_DICT)
    slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    assert (slots["applicant_phone"], slots["monthly_income"], slots["savings"], slots["more_members"]) == ("13912345678", 1200.0, 0.0, False)
    assert slots["reason"] == "老伴去年去世了，我有高血压腿脚不方便，生活很困难" and slots["requested_slot"] == "verify_code"


SON = {"name": "王强", "relation": "子女", "id_number": HIS_ID, "income": 0.0}
FILED = {**GRID, **HER, **STREET, "monthly_income": 1200.0, "savings": 0.0, "more_members": False, "members": [SON],
         "reason": "老伴去世了"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "changed", "asked"), [
    ("收入不对", {"monthly_income": None}, "monthly_income"),
    ("收入不对 是一千五", {"monthly_income": 1500.0}, "confirmed"),
    ("他收入不对 是一千五", {"monthly_income": 1500.0}, "confirmed"),  # a grid worker's 他 is the applicant
    ("她的收入不对", {"monthly_income": None}, "monthly_income"),
    ("存款写错了", {"savings": None}, "savings"),
    ("户口不对 是农村的", {"hukou": "农村户口"}, "confirmed"),
    # (hers stays, the household's total follows: tests/actions/test_readback_round7.py)
    ("王强的收入不对 是一千", {"members": [{**SON, "income": 1000.0}], "monthly_income": 2200.0}, "confirmed"),
])
async def test_one_field_corrected_at_the_readback_is_only_that_field(fake_backend, text: str, changed: dict, asked: str) -> None:
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "confirmed", text, FILED)
    assert slots["requested_slot"] == asked and slots["confirmed"] is None
    assert {k: slots[k] for k in FILED} == {**FILED, **changed}
    if asked != "confirmed":  # the one question asked again, then the read-back again with everything else as it was
        slots, _ = await turn(ValidateApplicationForm(), asked, "一千五" if asked == "monthly_income" else "没有", slots)
        assert slots["requested_slot"] == "confirmed" and slots["members"] == [SON] and slots["applicant_name"] == "王秀英"


@pytest.mark.asyncio
async def test_a_members_income_without_the_figure_asks_only_hers(fake_backend) -> None:
    install(fake_backend)
    form = ValidateApplicationForm()
    slots, _ = await turn(form, "confirmed", "他儿子的收入不对", FILED)
    assert slots["requested_slot"] == "member_income" and slots["member_name"] == "王强" and slots["monthly_income"] == 1200.0
    slots, _ = await turn(form, "member_income", "两千", slots)
    assert slots["members"] == [{**SON, "income": 2000.0}] and {k: slots[k] for k in HER} == HER


@pytest.mark.asyncio
@pytest.mark.parametrize("slot", ["applicant_name", "applicant_id", "street", "monthly_income", "reason"])
@pytest.mark.parametrize("text", ["继续", "不是急事 我就问一下", "算了", "查进度", "找工作人员"])
async def test_a_command_word_is_never_kept_as_her_name(fake_backend, slot: str, text: str) -> None:
    """An 81-year-old's "继续" after a call-back was refused as a name and kept as her name in the same turn: a name is
    only taken ahead with a cue (叫/名字是/姓名是, or just before her ID number), and a command is never a name."""
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), slot, text, {"assistance_type": "低保", "filing_for": "self"})
    assert slots.get("applicant_name") is None and noted(messages) is None
    assert parse_name(text) is None
    # With a cue the name is kept ahead as before.
    assert found(f"住七星岗街道 我叫王秀英 身份证{HER_ID}", "self")["applicant_name"] == "王秀英"


@pytest.mark.asyncio
async def test_not_right_it_is_an_amount_corrects_the_last_amount_asked_never_a_no(fake_backend) -> None:
    """An 81-year-old's "不对 是一千二" (no field named) was ignored after the income question and taken for 先不提交 at
    the read-back: it corrects the last amount asked (at the read-back, the income), then that question again."""
    install(fake_backend)
    form = ValidateApplicationForm()
    slots, messages = await turn(form, "confirmed", "不对 是一千二", {**FILED, "monthly_income": 800.0})
    assert (slots["monthly_income"], slots["confirmed"], slots["requested_slot"]) == (1200.0, None, "confirmed")
    slots, messages = await turn(form, "savings", "不对 是一千二", {**FILED, "monthly_income": 800.0, "savings": None})
    assert (slots["monthly_income"], slots["savings"], slots["requested_slot"]) == (1200.0, None, "savings")
    assert "utter_corrected" in said(messages)
    slots, _ = await turn(form, "confirmed", "不对 是农村的那个", FILED)  # not an amount: which one is asked, never a no
    assert slots["confirmed"] is None and {k: slots[k] for k in FILED} == FILED
    # In the pre-check: "不对 是一千二" to the question after the income is the income, not that answer.
    slots, messages = await turn(ValidateEligibilityForm(), "income_excluded", "不对 是一千二",
                                 {"household_size": 1, "monthly_income": 800.0}, form="eligibility_form")
    assert (slots["monthly_income"], slots["income_excluded"], slots["requested_slot"]) == (1200.0, None, "income_excluded")
    # Whatever the NLU read ("不对": deny), the form reads it.
    assert (await extracted("application_form", "confirmed", "不对 是一千二", "deny", FILED)).get("confirmed") == "不对 是一千二"


@pytest.mark.asyncio
async def test_not_right_after_a_members_income_asks_which_never_writes_her_savings(fake_backend) -> None:
    """A 79-year-old said her husband's "一千八", then "不对 是一千九": "存款改过来了" — 1900 saved as her savings."""
    install(fake_backend)
    before = {**FILED, "savings": 3000.0, "reason": None}
    slots, messages = await turn(ValidateApplicationForm(), "reason", "不对 是一千九", before)
    assert slots["savings"] == 3000.0 and slots["monthly_income"] == 1200.0 and slots["reason"] is None
    assert said(messages) == ["utter_which_wrong"]


@pytest.mark.asyncio
async def test_an_approximate_amount_is_noted_on_its_own_line_never_after_her_reason() -> None:
    """The read-back's 原因 line once ended "（大概数：存款2000多元，请工作人员核实）", as if she had said it."""
    slots = {**FILED, "savings": 2000.0, "amounts_said": {"savings": "2000多"},
             "members": [{**SON, "income": 2000.0, "income_said": "2000多"}]}
    lines = dict(readback_lines(plain_tracker(slots)))
    assert lines["原因"] == "老伴去世了" and "大概数" in lines["存款"] and "2000多元（大概数" in lines["王强每月收入"]
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmed().run(dispatcher, plain_tracker(slots), {})
    assert dispatcher.messages[0]["note"] == "" and dispatcher.messages[0]["lines"].endswith("原因：老伴去世了")


def test_no_user_text_says_the_internal_word_configured() -> None:
    """"渝中区民政局的值班电话我这里还没有配置": an internal word; she is told it is not registered here."""
    texts = [v.get("text") or "" for r in DOMAIN_DICT["responses"].values() for v in r]
    assert not [t for t in texts if "配置" in t] and any("还没有登记" in t for t in texts)


@pytest.mark.asyncio
async def test_a_fact_said_where_the_reason_is_asked_is_that_fact_not_the_reason(fake_backend) -> None:
    """"农村户口" to "简单说说为什么申请" was read back as 原因：农村户口 (a grid worker, the third round)."""
    install(fake_backend)
    slots, messages = await turn(ValidateApplicationForm(), "reason", "农村户口", {**FILED, "reason": None, "hukou": "城镇户口"})
    assert slots["hukou"] == "农村户口" and slots["reason"] is None
    slots, _ = await turn(ValidateApplicationForm(), "reason", "老伴走了 我是农村户口", {**FILED, "reason": None, "hukou": "城镇户口"})
    assert slots["hukou"] == "农村户口" and "老伴走了" in slots["reason"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "kept"), [("三千多", None), ("180", "180"), ("基础养老金180", "基础养老金180"), ("莫得", "没有")])
async def test_an_amount_larger_than_the_income_is_not_a_part_left_out_of_it(fake_backend, text, kept) -> None:  # noqa: ANN001
    """"三千多" (her savings, said early) to "有没有基础养老金…" was stored as an income line of kind "三千多" (the third
    round): a figure larger than the income just said is asked again; a part of it, or a kind, is kept."""
    install(fake_backend)
    slots, _ = await turn(ValidateEligibilityForm(), "income_excluded", text, {"household_size": 2, "monthly_income": 1900.0},
                          form="eligibility_form")
    assert slots["income_excluded"] == kept
