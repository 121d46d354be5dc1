"""A household member who cannot be added now: "那不加她了" leaves her out; "她身份证烧了 号码记不到" at the ID
question keeps her name for the caseworker ("身份证号待补") instead of asking for the number again and again
(seen by a tester: "您输入的是5位", "9位", "3位" to every way of saying it)."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.answers.kin import KIN, KIN_PATTERN, to_applicant
from actions.said_facts import KIND_SAID

MEMBER_SLOTS = ("member_name", "member_id", "member_relation", "member_income")
LATER = "members_later"  # [{"name", "relation"}]: in the household, ID number sent after filing (actions/member_ids.py)
# [{"relation", "income", "income_said"?, "income_words"}]: family members' incomes said in the income answer before they
# were listed (actions/household_incomes.py); each goes on his row when he is added.
NAMED = "incomes_named"
NOT_ADDING = re.compile(r"不加(了|她|他|这个|这位)|不用加|别加|莫加|不要加|算了不加|那就不加|不填(她|他)了")
NO_ID = re.compile(r"记不到|记不得|不记得|不晓得|不知道|忘了|烧了|丢了|掉了|没带|找不到|莫得身份证|没有身份证|没得身份证|以后补|后面补|回头补"
                   r"|再补|后头补|过后补|找到了?再|身份证(?:号|号码)?[^，,。\d]{0,6}?(?:没有|没得|莫得|冇得|不在|没在)")
# A member said whole at the household question: "有 我爷爷 李国华 84岁 身份证我手上没有", "爷爷 李国华 84了 身份证号现在没有".
AGE = re.compile(r"(?P<n>\d{1,3}|[一二三四五六七八九十]{1,4})\s*(?:岁|了)")
KIN_SAID = re.compile(r"(?:有的|有|还有|嗯)?\s*(?P<whose>我|她|他|老人|奶奶|爷爷|外婆|外公)?(?:的|家)?(?P<kin>" + KIN_PATTERN + r")")


def left_out(slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any] | None:
    """The slots when this answer leaves the member in progress out (or for later); None when it does not."""
    cleared = {s: None for s in MEMBER_SLOTS}
    if NOT_ADDING.search(text):
        dispatcher.utter_message(response="utter_member_left_out")
        return {**cleared, "more_members": None}
    if slot == "member_id" and NO_ID.search(text) and not re.search(r"\d{6,}", text):
        name = tracker.get_slot("member_name") or parsing.split_name_and_id(re.sub(r"身份证.*", "", text))[0] or "这位家人"
        return id_later({"name": name, "relation": tracker.get_slot("member_relation")}, dispatcher, tracker)
    return None


def id_later(member: dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """The member kept as one whose ID number is to come (身份证号待补), and whether there is another asked next."""
    dispatcher.utter_message(response="utter_member_id_later", name=member["name"])
    member, named = with_income(member, tracker)
    return {**{s: None for s in MEMBER_SLOTS}, LATER: [*(tracker.get_slot(LATER) or []), member], "more_members": None,
            **({NAMED: named} if tracker.get_slot(NAMED) else {})}


def with_income(member: dict[str, Any], tracker: Tracker) -> tuple[dict[str, Any], list[dict] | None]:
    """The member with his part of the income said before he was added (by what he is to her), and the parts left."""
    named = list(tracker.get_slot(NAMED) or [])
    part = next((p for p in named if member.get("relation") and p["relation"] == member["relation"]), None)
    if part is None:
        return member, named or None
    named.remove(part)
    found = {"income": part["income"], KIND_SAID: part["income_words"], **({"income_said": part["income_said"]}
                                                                          if part.get("income_said") else {})}
    return {**member, **found}, named or None


def relation_said(text: str, tracker: Tracker) -> str | None:
    """What a member is to the applicant. A helper's "我爷爷" (or "爷爷" when he calls her 奶奶: the same side) is seen
    from his side and turned to hers (kin.to_applicant); "她儿子", "老伴" are hers already."""
    m = KIN_SAID.search(text)
    helper = tracker.get_slot("helper_relation") if tracker.get_slot("filing_for") == "other" else None
    if m and helper and m.group("whose") in (None, "我"):
        his = KIN[m.group("kin")]
        if m.group("whose") == "我" or his == parsing.INVERSE.get(helper):
            return to_applicant(helper, his)
    return parsing.parse_relation(text)


def said_whole(text: str, tracker: Tracker) -> dict[str, Any] | None:
    """A member said in one message with no ID number at hand ("有 我爷爷 李国华 84岁 身份证我手上没有", in any order):
    {"name", "relation", "age"?}; None when the message is not that."""
    if not NO_ID.search(text) or re.search(r"\d{6,}", text):
        return None
    before_id = text.split("身份证")[0]  # "身份证号现在没有 我问问我姑": nothing after it is his name
    age = AGE.search(before_id)
    rest = KIN_SAID.sub(" ", AGE.sub(" ", before_id))
    name = parsing.split_name_and_id(rest)[0]
    if not name or not parsing.parse_name(name):
        return None
    member: dict[str, Any] = {"name": name, "relation": relation_said(text, tracker)}
    years = parsing.read_amount(age.group("n")) if age else None
    if years is not None and 0 < years.value <= 130:
        member["age"] = int(years.value)
    return member


def listed(tracker: Tracker) -> int:
    """The household as the application lists it: her, the members added, and those whose ID number is to be added
    later (they live with her all the same: a tester's son without his number was left out of 共N人)."""
    return 1 + len(tracker.get_slot("members") or []) + len(tracker.get_slot(LATER) or [])


def more_said(text: str, tracker: Tracker) -> bool | None:
    """Whether the answer to "家里还有一起生活的其他人吗" says someone more lives with her ("没有了 就她和儿子两个" before her
    son is listed: yes, him); None when the words do not say. Those listed already (ID number to come or not) are not more:
    "就她和儿子两个" once he is listed is a no."""
    said = parsing.household_said(text)
    if not said:
        return said
    size = parsing.parse_count(text)
    if size is not None:
        return size > listed(tracker)
    relation = parsing.parse_relation(text)
    known = [*(tracker.get_slot("members") or []), *(tracker.get_slot(LATER) or [])]
    return not (relation and any(m.get("relation") == relation for m in known))


def with_member(tracker: Tracker, income: float, *, said: str | None = None, skipped: bool = False) -> dict[str, Any]:
    """The member asked about kept in `members` with her income (`income_said` when approximate; `income_skipped` when
    she did not know it: 0 is filed, the read-back says so and the caseworker is told), and the member questions
    cleared to ask whether there is another."""
    member: dict[str, Any] = {"name": tracker.get_slot("member_name"), "relation": tracker.get_slot("member_relation"),
                              "id_number": tracker.get_slot("member_id"), "income": income}
    if said:
        member["income_said"] = said
    if skipped:
        member["income_skipped"] = True
    return {"members": [*(tracker.get_slot("members") or []), member], "more_members": None, **{s: None for s in MEMBER_SLOTS}}


# The income question asks the whole household's income ("全家一个月…", as the pre-check does); the family members'
# incomes are asked one by one after it. The applicant's own income line is what is left: never counted twice.
def members_income(members: list[dict] | None) -> float:
    return sum(float(m.get("income") or 0) for m in members or [])


def own_income(household: float | None, members: list[dict] | None) -> float:
    """The applicant's own monthly income as filed: the household's less the family members' (never below 0)."""
    return max(float(household or 0) - members_income(members), 0.0)


# Slot: the applicant's own part of the household's income, kept while a family member's income is asked again from the
# read-back's 改 button (actions/readback.py), for the total to follow when the answer comes (actions/forms.py). Its own
# slot: `amounts_said` is how amounts were said, one fact per slot.
OWN_KEPT = "own_income_kept"


def household_with(own: float, members: list[dict] | None) -> float:
    """The household's monthly income for the applicant's own part and the family members' (own_income's other way):
    a member's income or hers corrected at the read-back changes the total, never the other's part."""
    return float(own) + members_income(members)


def household_unknown(tracker: Tracker) -> bool:
    """The household's income is not known: not asked yet, or skipped ("不晓得", recorded as 0)."""
    income = tracker.get_slot("monthly_income")
    return income is None or (not income and "monthly_income" in (tracker.get_slot("skipped_slots") or []))


def household_short(tracker: Tracker, members: list[dict] | None, dispatcher: CollectingDispatcher,
                    household: float | None = None) -> bool:
    """Whether the family members' incomes add up to more than the household's income said (given here, or the one
    kept): said so kindly, and the household's income is then asked again. Never when it is not known."""
    if household is None and household_unknown(tracker):
        return False
    total = float(household if household is not None else tracker.get_slot("monthly_income") or 0)
    theirs = members_income(members)
    if theirs <= total:
        return False
    dispatcher.utter_message(response="utter_household_income_short", members=parsing.as_typed(theirs),
                             household=parsing.as_typed(total))
    return True


def listed_line(members: list[dict] | None, later: list[dict] | None) -> str:
    """The read-back's 家庭成员 line: each member with what she is to the applicant, those whose ID number is to come with
    their age said and 身份证号待补 ("李国华（配偶，84岁，身份证号待补）"); "无" only when there is no one."""
    def pending(m: dict) -> str:
        said = [m.get("relation") or "关系待核实", *([f"{m['age']}岁"] if m.get("age") else []), "身份证号待补"]
        return f"{m['name']}（{'，'.join(said)}）"
    return "、".join([*(f"{m['name']}（{m['relation']}）" for m in members or []), *map(pending, later or [])]) or "无"


async def principal_said(text: str, check_id: Any, dispatcher: Any, tracker: Any) -> dict[str, Any] | None:
    """The helper's name question answered with the principal's details ("我是她孙子小刘 奶奶叫刘淑芬身份证5001…电话139…"):
    her name and ID fill hers, his own name is taken where he said it ("我是…小刘"), and the phone in it — hers — is
    never taken for his (a tester's grandma got his code). None: an ordinary answer to the question asked."""
    _, id_text = parsing.split_name_and_id(text)
    if not id_text or len(id_text) != 18:
        return None
    slots: dict[str, Any] = {"helper_name": None}
    mine = re.search(r"我(?:是|叫)(?:她|他)?(?:的)?(?:" + parsing.KIN_PATTERN + r")?([\u4e00-\u9fa5]{2,3}?)(?=[\s，,。]|奶奶|爷爷|外婆|外公|妈|爸|$)", text)
    if mine and parsing.parse_name(mine.group(1)):
        slots["helper_name"] = mine.group(1)
    kin_named = re.finditer(r"(?:" + parsing.KIN_PATTERN + r")(?:叫|是|名字叫|的名字是)?([\u4e00-\u9fa5·]{2,5}?)"
                            r"(?=身份证|电话|手机|\d|[\s，,。]|$)", text)
    hers = next((m.group(1) for m in kin_named if parsing.parse_name(m.group(1)) and m.group(1) != slots["helper_name"]), None)
    if hers:
        slots["applicant_name"] = hers
        slots.update(await check_id("applicant_id", id_text, dispatcher, tracker))
    return slots


# Who the principal is, as a helper points at him: "他", "老人家", "我奶奶", "申请人".
WHO = r"(?:他|她|老人家|老人|老爷子|老太太|老太婆|老头|申请人|大爷|大妈|婆婆|爷爷|奶奶|(?:我|俺)?(?:的|家)?(?:" + parsing.KIN_PATTERN + r"))"
HIS_NAME_FIRST = re.compile(r"^" + WHO + r"(?:的)?(?:名字|姓名|全名)?(?:就|才)?(?:叫做|叫|是)\s*(?P<name>[^\s，,。.；;!！?？]+)")
HIS_NAME_AFTER = re.compile(r"(?P<name>[\u4e00-\u9fa5·]*?)\s*(?:就是|是)" + WHO + r"(?:的)?(?:名字|姓名|全名)")
# "陈德明是那个老人家", "刘淑芬是我奶奶" (never "王浩是孙子": the helper saying who he is).
HIS_ROLE = re.compile(r"(?P<name>[\u4e00-\u9fa5·]{2,5}?)(?:才|就)?是(?:那个|那位|这个|这位)?(?:老人家|老人|老爷子|老太太|老太婆|老头|申请人|"
                      r"大爷|大妈|婆婆|爷爷|奶奶|(?:我|俺)(?:的|家)?(?:" + parsing.KIN_PATTERN + r"))")


def principal_named(text: str) -> tuple[bool, str | None]:
    """Whether an answer says the name is the principal's ("他叫周德贵", "老人叫周德贵", "周德贵是老人的名字", "这是老人家的
    名字"), and the name in it, if any."""
    t = re.sub(r"^(不是|不对|没有|哦|啊|嗯)[，,。\s]*", "", text.strip())
    m = HIS_NAME_FIRST.match(t) or HIS_NAME_AFTER.search(t)
    name = parsing.parse_name(m.group("name")) if m else None
    if m is None and (m := HIS_ROLE.fullmatch(t)) and not (name := parsing.parse_name(m.group("name"))):
        return False, None
    return bool(m) and bool(name or re.search(r"名字|姓名", t)), name


def same_name(a: str | None, b: str | None) -> bool:
    """"周德贵" and "周德贵", or "德贵": the same person's name."""
    return bool(a and b) and (a == b or (min(len(a), len(b)) >= 2 and (a in b or b in a)))


def principal_for_helper(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any] | None:
    """The helper's own name asked, and the principal's given: the name he was given by her ("周德贵" again), or one she
    says is his ("他叫周德贵"), is never taken for hers; she is asked again for her own, and a name said to be his is
    kept as his. None: an answer to the question asked."""
    said, his = principal_named(text)
    name = his if said else parsing.split_name_and_id(text)[0]
    known = tracker.get_slot("applicant_name")
    if not name or not ((said and his) or same_name(name, known)):
        return None
    dispatcher.utter_message(response="utter_helper_name_is_principal", principal=name)
    return {"helper_name": None, **({} if known else {"applicant_name": name})}


def helper_name_was_his(text: str, tracker: Tracker) -> str | None:
    """At the applicant's question, the name taken for the helper's is said to be his ("不是，周德贵是老人的名字", "他叫
    周德贵", "这是老人家的名字" after "这是您自己的名字吧"): that name."""
    mine = tracker.get_slot("helper_name")
    said, his = principal_named(text)
    return mine if said and mine and (his is None or his == mine) else None


# Her own name said again, at any question, to put it right: "我叫张丽", "我是张丽", "我的名字是张丽", "代办人名字不对，是张丽"
# (never after 给/帮/让: "帮我叫个人来"); and what she is ("我是农村户口", "我是残疾人") is never her name.
HERS = re.compile(r"(?<![给帮让替喊请她他你您])我(?:的)?(?:名字|姓名)?(?:叫做|叫|是)\s*(?P<name>[^\s，,。.；;!！?？]+)"
                  r"|(?:代办人|帮办人|代理人)(?:的)?(?:名字|姓名)?[^\s，,。]{0,4}?[\s，,。:：]*(?:应该|其实)?(?:是|叫|改成|改为|写成)\s*"
                  r"(?P<role>[^\s，,。.；;!！?？]+)")
NOT_HERS = re.compile(r"户|农村|城镇|城市|人$|员$|工$|农民|老师|医生|单身|独生|子女|退休|残疾|社区|本地|外地")


def helper_renamed(text: str, tracker: Tracker) -> dict[str, Any] | None:
    """A helper putting her own name right ("我叫张丽 陈德明是那个老人家", "我刚才说错了 我叫张丽 申请人才是陈德明"): her name,
    and his when said with it; her name taken for his is asked again. None: no change of her name is said."""
    if tracker.get_slot("filing_for") != "other" or not tracker.get_slot("helper_name"):
        return None
    m = HERS.search(text)
    name = parsing.parse_name(m.group("name") or m.group("role")) if m else None
    if not m or not name or NOT_HERS.search(name):
        return None
    rest = re.split(r"[\s，,。；;!！]+", text[:m.start()] + " " + text[m.end():])
    his = next((n for said, n in map(principal_named, rest) if said and n and not same_name(n, name)), None)
    slots: dict[str, Any] = {"helper_name": name}
    if his:
        slots["applicant_name"] = his
    elif same_name(tracker.get_slot("applicant_name"), name):
        slots["applicant_name"] = None  # her name, taken for his: his is asked again
    return None if all(tracker.get_slot(k) == v for k, v in slots.items()) else slots
