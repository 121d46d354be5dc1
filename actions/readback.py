"""The read-back and corrections for the application form: only a clear yes submits; "X不对，是Y" corrects X
through its own question's validator and reads back again, also while another question is being asked
("身份证打错了 是420106…" at the phone question); "改X" asks X again; a bare "不对" asks which one.
Labels and words of the fields: actions/corrections.py."""

import inspect
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import amount_answers, corrections, fallback, members as household, parsing, readback_asides
from actions import streets
from actions.answers.amounts import Amount
from actions.backend_client import BackendError, BackendUnavailable, get_client
from actions.drafts import NO_PHONE
from actions.household_incomes import earning
from actions.precheck import income_lines, parse_hukou
from actions.retry import NEUTRAL
from actions.said_facts import left_out_said

Slots = dict[str, Any]
# A clear yes to "信息对吗？对的话我就提交了": nothing else submits ("还是申请特困吧" holds a 是 too).
CONFIRMS = re.compile(r"^(对|对的|对头|是|是的|没错|没问题|确认|提交|确认提交|可以|好|好的|行|要得|嗯|嗯嗯|都对|全对|对了|对着呢|"
                      r"没得问题|莫得问题|冇得问题|系|系啊|中|ok|OK)(的|滴|个|咧|嘞|哈|嘛|啊|呀|噻|撒|哦|了|咯|喔|哟|噢)*"
                      r"[，,。.!！ ]*(提交|提交吧|交吧|确认|对的)?[。.!！]*$")


UNCLEAR = -1  # a family member is meant, not said which
MEMBER_INCOME = "每月收入"  # a family member's income line at the read-back: "李四每月收入：800元", its button "改李四每月收入"
ROUGH = "（大概数，请工作人员核实）"
NOT_SAID = "没说（工作人员会核实）"  # a figure she did not know ("不晓得"), never "0元" under the truthfulness promise


def as_said(said: str) -> str:
    """An approximate amount as the read-back says it: as said ("100多", "约三四百": a range is the rough figure it is)."""
    return said if re.search(r"约|大概|左右|多|来", said) else f"约{said}"


def member_income_lines(members: list[dict]) -> list[tuple[str, str]]:
    """Each family member's income on its own line, after the applicant's (a tester's read-back showed only hers)."""
    return [(f"{m['name']}{MEMBER_INCOME}", NOT_SAID if m.get("income_skipped") else f"{as_said(m['income_said'])}元{ROUGH}"
             if m.get("income_said") else f"{parsing.as_typed(m.get('income') or 0)}元") for m in members]


def household_income(tracker: Tracker, figure: str) -> str:
    """The income line's value: the household's income as said and, with family members listed, the applicant's own
    part as filed (the rest: "全家一共1500元，其中张秀英自己700元"); with a member's income not known, whose the rest is.
    A part the rules leave out is said plainly with it: "高龄补贴每月200元（不算收入）" (a tester's vanished)."""
    listed = [*(tracker.get_slot("members") or []), *earning(tracker.get_slot(household.LATER))]  # his part said with hers
    if household.household_unknown(tracker):
        return figure
    own = household.own_income(tracker.get_slot("monthly_income"), listed)
    left_out = left_out_said(own, tracker.get_slot("income_excluded"))
    if left_out and not listed and left_out[1] >= own:
        return f"{left_out[0]}每月{figure.replace('元', '元（不算收入）', 1)}"  # all of it
    said_left_out = f"（{left_out[0]}每月{parsing.as_typed(left_out[1])}元不算收入）" if left_out else ""
    if not listed:
        return figure + said_left_out
    rough = "约" if (tracker.get_slot(amount_answers.SAID) or {}).get("monthly_income") or any(
        m.get("income_said") for m in listed) else ""
    names = [tracker.get_slot("applicant_name") or "申请人", *(m["name"] for m in listed if m.get("income_skipped"))]
    whose = f"{names[0]}自己" if len(names) == 1 else f"{'和'.join(names)}加起来"
    return f"全家一共{figure}，其中{whose}{rough}{parsing.as_typed(own)}元{said_left_out}"


def member_fixed(text: str, tracker: Tracker) -> int | None:
    """Which member's income line a 改 button asks again ("改李四每月收入"), else None."""
    named = re.fullmatch(r"改(.+)" + MEMBER_INCOME, text.strip())
    members = tracker.get_slot("members") or []
    return next((i for i, m in enumerate(members) if named and m.get("name") == named.group(1)), None)


def member_meant(text: str, tracker: Tracker) -> int | None:
    """Which family member a correction speaks of (her place in `members`): by her name, by what she is to the
    applicant ("儿子的收入"), or, filing for oneself with one member, "她/他". None: the applicant's own answer — for a
    helper "他/她" is the applicant (a grid worker's "他收入不对" once re-asked the whole household and lost the son)."""
    members = tracker.get_slot("members") or []
    named = [i for i, m in enumerate(members) if m.get("name") and m["name"] in text]
    if len(named) == 1:
        return named[0]
    helper = tracker.get_slot("filing_for") == "other"
    own_kin = helper and re.search(r"我(的|家)?(" + parsing.KIN_PATTERN + ")", text)  # "我妈": the applicant, from his side
    relation = None if own_kin else parsing.parse_relation(text)
    related = [i for i, m in enumerate(members) if relation and m.get("relation") == relation]
    if len(related) == 1:
        return related[0]
    if members and (len(named) > 1 or len(related) > 1 or (not helper and re.search(r"她|他", text))):
        return 0 if len(members) == 1 else UNCLEAR
    return None


# Her own part of the household's income said at the read-back ("我的是七百嘛 咋个变成六百五了", "我自己的收入是六百",
# "我的收入不对 是六百"; a helper's "奶奶自己的是六百", "她的收入是六百"): her part changes, the total follows.
_OWN_PART = (r"(?P<lead>(?:自己|个人|本人)?(?:的)?(?:每个?月|一个月|月)?(?:的)?(?:收入|工资|退休金|养老金|钱|那份|那部分|那块)?(?:的)?"
             r"(?:不对|错了|搞错了|填错了|写错了|说错了|算错了)?[\s，,]*(?:不是[^\s，,。是]*[\s，,]*)?)"
             r"(?P<verb>(?:应该是|其实是|就是|才是|只有|只|才|是|有|挣|拿)+)\s*"
             r"(?P<amount>(?:约|大概|差不多)?[\d一二两三四五六七八九十几百千万零点.]+(?:多|来)?(?:块钱|块|元)?(?:多|左右|的样子)?)"
             r"(?=[\s，,。!！?？]|(?:嘛|啊|哦|呀|了|的|哈|噻|撒|呢|吧)|$)")
OWN_SELF = re.compile(r"(?:我|本人)" + _OWN_PART)
OWN_HELPER = re.compile(r"(?<![她他])" + household.WHO + _OWN_PART)
# "她这情况能批下来吗", "那她1200超了770 还能办吗": whether it will be approved, asked at the read-back (never a correction).
ASKS_ELIGIBLE = re.compile(r"(?:能|可以|可不可以|能不能|还能|会不会)(?:批|办|申请|吃|享受|拿到|领到|过|通过|评上)|批(?:得|不)?下来|批不批|"
                           r"(?:符合|够)(?:不|条件|标准)|够不够|有没有(?:戏|希望|可能)|合不合格|超了|超过")
QUESTION = re.compile(r"吗|么|不[？?。]*$|没有?[？?。]*$|呢|？|\?|能不能|可不可以|会不会|够不够|有没有|批不批|合不合格|咋|怎么|啥")


# The figure a correction says it is not ("不是九百"): left out when reading the one it is.
NOT_THIS = re.compile(r"不是[^\s，,。是]*")


def member_unsaid(text: str, tracker: Tracker) -> int | None:
    """The one family member whose income is the figure said not to be ("不是八百 是九百五" when his is 800)."""
    not_this = [a for m in NOT_THIS.finditer(text) if (a := parsing.read_amount(m.group(0)[2:])) is not None]
    members = tracker.get_slot("members") or []
    hit = [i for i, m in enumerate(members) for a in not_this if m.get("income") is not None and float(m["income"]) == a.value]
    return hit[0] if len(hit) == 1 else None


def own_part(text: str, tracker: Tracker) -> str | None:
    """The amount said as the applicant's own income, not the household's or a family member's; None otherwise."""
    if member_meant(text, tracker) is not None:
        return None
    m = (OWN_HELPER if tracker.get_slot("filing_for") == "other" else OWN_SELF).search(text)
    # An income it is: said of hers ("我的是…", "收入…", "一个月…") or earned ("才", "挣"); never "我是1950年的".
    if not m or not (re.search(r"的|收入|工资|退休金|养老金|钱|月|那份|那部分|那块", m.group("lead"))
                     or re.search(r"只|才|挣|拿", m.group("verb"))):
        return None
    return m.group("amount") if parsing.read_amount(m.group("amount"), per_month=True) is not None else None


def asks_eligibility(text: str) -> bool:
    return bool(ASKS_ELIGIBLE.search(text) and QUESTION.search(text))


def _said_total(tracker: Tracker, total: float, approximate: bool) -> dict[str, str] | None:
    """`amounts_said` with the household's total changed: still approximate when it or a part of it was."""
    said = dict(tracker.get_slot(amount_answers.SAID) or {})
    if approximate or said.get("monthly_income"):
        said["monthly_income"] = f"约{parsing.as_typed(total)}"
    return said or None


async def answer_eligibility(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> None:
    """Whether it will be approved: the office decides after checking, said plainly. For 低保, with the household's income
    known, the backend's pre-check on what the read-back holds (per head against the local standard, and other help that
    may fit); otherwise the plain rule."""
    kind = parsing.canonical_type(text) or tracker.get_slot("assistance_type") or "低保"
    result = await _estimate(tracker) if kind == "低保" and not household.household_unknown(tracker) else None
    rows = (result or {}).get("results") or []
    row = next((r for r in rows if r["assistance_type"] == kind), None)
    if result is None or result.get("standard") is None or row is None:
        dispatcher.utter_message(response="utter_readback_rule")
        return
    others = [r["assistance_type"] for r in rows if r["eligible"] and r["assistance_type"] != kind]
    other = f"可能符合{'、'.join(others)}。" if others else "" if row["eligible"] else "不符合低保的，也可能有别的帮助，比如临时救助。"
    dispatcher.utter_message(response="utter_readback_estimate", reason=row["reason"], other=other)


async def _estimate(tracker: Tracker) -> dict | None:
    """POST /eligibility/precheck with the household as read back (nothing is saved there); None when it cannot say."""
    s = tracker.get_slot
    listed = s("members") or []
    own = household.own_income(s("monthly_income"), listed)
    members = [{"name": s("applicant_name") or "申请人", "relation": "本人", "incomes": income_lines(own, s("income_excluded"))},
               *({"name": m["name"], "relation": m.get("relation") or "其他",
                  "incomes": [{"kind": "收入", "monthly_amount": float(m.get("income") or 0)}]} for m in listed)]
    client = get_client()
    try:
        region = s("street") or s("region") or (await client.offer())["default_region"]
        return await client.precheck({"region": region[:32], "members": members, "savings": s("savings") or 0,
                                      "hukou": parse_hukou(s("hukou"))})
    except (BackendError, BackendUnavailable):
        return None


def _phone_said(text: str, tracker: Tracker) -> str | None:
    """A phone number said at the read-back, in any words ("手机还是填上吧 我奶奶的139…"): hers. A helper's "我的手机…" is
    his own, not hers."""
    phone = parsing.parse_phone(text)
    if phone and tracker.get_slot("filing_for") == "other" and re.search(r"(?<![她他])我(?:自己)?的?(?:手机|电话|号)", text):
        return None
    return phone


def _shown(key: str, value: Any) -> str:
    """An answer said back in chat: an ID or phone number masked as the read-back shows it."""
    text = str(value)
    if key == "applicant_id" and len(text) == 18:
        return f"{text[:6]}********{text[-4:]}"
    return f"{text[:3]}****{text[-4:]}" if key == "applicant_phone" and len(text) == 11 else text


class ReadBack:
    """Mixed into the application form's validation action (which has the validate_<slot> methods)."""

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict]:
        """An answer already given, corrected while another question is asked: corrected, then that question again."""
        requested = tracker.get_slot("requested_slot")
        text = str((tracker.latest_message or {}).get("text") or "")
        field, said = corrections.read_correction(text) if requested not in (None, "confirmed") else (None, None)
        if field is None or field.key == requested or tracker.get_slot(field.key) in (None, ""):
            return await super().get_validation_events(dispatcher, tracker, domain)  # type: ignore[misc]
        fixed = await self._correct(field, said, dispatcher, tracker, domain)
        fixed.pop("confirmed", None)
        fixed.pop(NEUTRAL, None)
        if fixed.get(field.key) is not None:
            dispatcher.utter_message(response="utter_corrected", label=field.label)
        tracker.slots[requested] = None
        return [SlotSet(k, v) for k, v in fixed.items()] + [SlotSet(requested, None)]

    async def validate_confirmed(self, value, dispatcher, tracker, domain) -> Slots:  # noqa: ANN001
        if isinstance(value, bool):
            return {"confirmed": value}
        text = str(value or "").strip()
        if amount_answers.ASKS_WHAT_COUNTS.search(text) and await fallback.answered_from_words(dispatcher, text):
            return {"confirmed": None, NEUTRAL: True}  # "等下 退休金算不算收入啊" at the read-back: answered, read back again
        if (added := streets.detail_added(text, tracker)) is not None:
            return added  # "住址加一下 中山三路": the road added to the street, read back again (actions/streets.py)
        if (fixed := member_fixed(text, tracker)) is not None:
            return await self._correct_member_income(fixed, None, dispatcher, tracker)  # her income asked again
        if asks_eligibility(text):
            await answer_eligibility(dispatcher, tracker, text)  # "她这情况能批下来吗": answered, then asked again
            return {"confirmed": None, NEUTRAL: True}
        if (own := own_part(text, tracker)) is not None:
            return await self._correct_own_income(own, dispatcher, tracker)
        field, said = corrections.read_correction(text)
        who = member_meant(text, tracker) if field is not None and field.key == "monthly_income" else None
        if who is not None:
            # "她的收入不是一千，是一千一": a family member's income, not the applicant's; only hers is changed.
            return await self._correct_member_income(who, said, dispatcher, tracker)
        if field is not None:
            return await self._correct(field, said, dispatcher, tracker, domain)
        whose = member_meant(text, tracker)
        whose = whose if whose is not None else member_unsaid(text, tracker)
        if whose is not None and parsing.read_amount(NOT_THIS.sub("", text)) is not None:
            # "他的退休金是九百五 不是九百", "老头儿的不对 是九百五": his figure said again (its "不是" once read as 先不提交).
            return await self._correct_member_income(whose, NOT_THIS.sub("", text), dispatcher, tracker)
        if (phone := _phone_said(text, tracker)) is not None:
            return await self._correct(corrections.BY_LABEL["手机"], phone, dispatcher, tracker, domain)
        if (bare := corrections.bare_answer(text)) is not None:
            # "不对 是一千二" at the read-back: the income said again (it was once taken for 先不提交); never a no.
            if parsing.read_amount(bare) is not None:
                return await self._correct(corrections.BY_LABEL["每月收入"], bare, dispatcher, tracker, domain)
            dispatcher.utter_message(response="utter_which_wrong")
            return {"confirmed": None, NEUTRAL: True}
        named = parsing.canonical_type(text)
        if named and named != tracker.get_slot("assistance_type"):
            # "还是申请特困吧" at the read-back changes the type and reads back again; never a yes (it once submitted).
            return await self._correct(corrections.BY_LABEL["申请类型"], named, dispatcher, tracker, domain)
        if corrections.is_vague_no(text) or corrections.says_wrong(text):
            dispatcher.utter_message(response="utter_which_wrong")
            return {"confirmed": None, NEUTRAL: True}
        if not CONFIRMS.match(text) and await readback_asides.answered(dispatcher, tracker, text):
            # "好久有人来我屋头看嘛": answered, then one short line (never "没太明白", never the whole read-back).
            return {"confirmed": None, NEUTRAL: True, readback_asides.READBACK_SHORT: True}
        if CONFIRMS.match(text) or text == "/affirm":
            return {"confirmed": True}
        return {"confirmed": False if parsing.parse_yes_no(text) is False else None}

    async def _correct_member_income(self, who: int, said: str | None, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        """One family member's income corrected: to the figure said with it, or her income asked again (she is kept,
        and so is everyone else)."""
        again: Slots = {"confirmed": None, NEUTRAL: True}
        members = [dict(m) for m in tracker.get_slot("members") or []]
        if who == UNCLEAR:
            dispatcher.utter_message(response="utter_which_member", names="、".join(m["name"] for m in members),
                                     example=members[0]["name"])
            return again
        member = members[who]
        found = parsing.read_amount(said, per_month=True) if said else None
        taken = await amount_answers.take({"member_income": found}, dispatcher, tracker) if found is not None else {}
        if taken.get("member_income") is not None:
            unknown = bool(member.get("income_skipped"))  # "不晓得" before: the household's total held his part
            member["income"] = taken["member_income"]
            member.pop("income_said", None)
            member.pop("income_skipped", None)
            if found is not None and found.approximate:
                member["income_said"] = found.said or f"约{parsing.as_typed(found.value)}"
            if not unknown and not household.household_unknown(tracker):
                # Hers stays as it was; the household's total follows ("他的收入不对 是八百五" once cut hers to keep 1500).
                total = household.household_with(household.own_income(tracker.get_slot("monthly_income"), tracker.get_slot("members")),
                                                 members)
                dispatcher.utter_message(response="utter_income_part_corrected", who=member["name"],
                                         amount=f"{as_said(member['income_said'])}" if member.get("income_said")
                                         else parsing.as_typed(member["income"]), total=parsing.as_typed(total))
                return {"members": members, "monthly_income": total, amount_answers.TO_CONFIRM: None,
                        amount_answers.SAID: _said_total(tracker, total, bool(found and found.approximate)), **again}
            dispatcher.utter_message(response="utter_corrected", label=f"{member['name']}的收入")
            if household.household_short(tracker, members, dispatcher):
                # More than the household's income said: that is asked again (hers is the rest), then the read-back.
                return {"members": members, amount_answers.TO_CONFIRM: None, "monthly_income": None, "confirmed": None}
            return {"members": members, amount_answers.TO_CONFIRM: None, **again}
        # Her income asked again (an amount far above the usual is asked there too): she goes back to the member questions.
        # The applicant's own part is kept for when the answer comes (forms.py): the 改 button once cut hers to keep the total.
        kept_own = {household.OWN_KEPT: None if household.household_unknown(tracker) or member.get("income_skipped")
                    else household.own_income(tracker.get_slot("monthly_income"), members)}
        return {"members": members[:who] + members[who + 1:], "member_name": member["name"], "member_id": member["id_number"],
                "member_relation": member["relation"], "member_income": None, "more_members": True, **kept_own,
                **{k: v for k, v in taken.items() if k == amount_answers.TO_CONFIRM}, **again}

    async def _correct_own_income(self, said: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Slots:
        """The applicant's own income corrected ("我的是七百嘛"): the family members' stay, the household's total follows.
        An amount far above the usual is asked again there (the household's question)."""
        found = parsing.read_amount(said, per_month=True)
        listed = tracker.get_slot("members") or []
        total = household.household_with(found.value, listed)
        approximate = found.approximate or any(m.get("income_said") for m in listed)
        taken = await amount_answers.take({"monthly_income": Amount(total, approximate=found.approximate, negative=found.negative,
                                                                    said=f"约{parsing.as_typed(total)}")},
                                          dispatcher, tracker, household_size=1 + len(listed))
        if taken.get("monthly_income") is None:
            return {"monthly_income": None, "confirmed": None, **{k: v for k, v in taken.items() if k == amount_answers.TO_CONFIRM}}
        name = tracker.get_slot("applicant_name") or "申请人"
        dispatcher.utter_message(response="utter_income_part_corrected", who=f"{name}自己",
                                 amount=as_said(found.said or parsing.as_typed(found.value)) if found.approximate
                                 else parsing.as_typed(found.value), total=parsing.as_typed(total))
        skipped = [s for s in tracker.get_slot("skipped_slots") or [] if s != "monthly_income"]
        return {"monthly_income": total, amount_answers.SAID: _said_total(tracker, total, approximate),
                amount_answers.TO_CONFIRM: None, "skipped_slots": skipped or None, "confirmed": None, NEUTRAL: True}

    async def _correct(self, field: corrections.Field, said: str | None, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> Slots:
        """One answer corrected at the read-back: the new answer said with it goes through that question's own
        validator; without one (or one it cannot use) that question is asked again. Then the read-back again."""
        again: Slots = {"confirmed": None, NEUTRAL: True}
        if said and field.key != "more_members":
            checked = getattr(self, f"validate_{field.key}")(said, dispatcher, tracker, domain)
            checked = await checked if inspect.isawaitable(checked) else checked
            same_street_new_road = field.key == "street" and checked.get(streets.DETAIL) not in (None, tracker.get_slot(streets.DETAIL))
            if checked.get(field.key) not in (None, tracker.get_slot(field.key)) or checked.get(field.key) and same_street_new_road:
                return {**checked, **again}  # "住址不对 就是渝中区大溪沟街道人和街": the road put right at once
            if checked.get(field.key) is not None:
                # "身份证号…重新报一遍：5001…0019，以这个为准" with the number filed: said back, never asked again.
                dispatcher.utter_message(response="utter_correction_same", label=field.label,
                                         value=_shown(field.key, checked[field.key]))
                return again
        # That question next (the form's required slots keep a phone it would not need while it is asked).
        no_phone_again = {NO_PHONE: None} if field.key == "applicant_phone" else {}  # 改手机: asked, even after "没有手机"
        return {**{slot: None for slot in field.clears}, **again, **no_phone_again, "requested_slot": field.key}
