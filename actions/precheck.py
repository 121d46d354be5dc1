"""The pre-check (智能研判): reading the answers the rules care about and asking the backend.

Two answers need more than a number: income the rules do not count (养老金, 优抚金, 奖学金 …), read from
the income answer itself when it says so ("每月有100多块养老金") or asked once after it; and 城镇/农村
户口, asked only where the region's two standards differ. Which kinds count and where 户口 matters are
the backend's (GET /eligibility/income-kind, /eligibility/hukou); this module only converses.
"""

import copy
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import corrections, health_said, parsing, precheck_result
from actions.answers.amounts import figures, labeled_clauses
from actions.backend_client import BackendError, BackendUnavailable, call, get_client
from actions.neutral import NEUTRAL

# An illness said to the 重病或残疾 question that is not 重病 by itself ("有高血压"): as said, for the caseworker's note.
ILLNESS_SAID = "illness_said"
PRECHECK_SLOTS = ("household_size", "monthly_income", "income_excluded", "savings", "applicant_age",
                  "illness_or_disability", "has_supporter", "hukou", "pension_assumed", ILLNESS_SAID)
# In what the pre-check heard when its place had no figures ("上海"): the next message naming a place that has them
# ("我奶奶在重庆") gives the result with every answer kept (a tester's "我在重庆" got "没太听懂", "帮我测一测" started over).
PLACE_MISSING = "place_missing"
# "我在上海的", "我人在外地": where the one talking is.
HELPER_HERE = r"我(?:人|现在|目前|自己|本人)?(?:是)?(?:在|住在|人在)"
# "我在北京上班不跟他们住": his work there, or living apart from them, says the place is his own, no kin word needed.
HELPER_APART = re.compile(r"上班|打工|工作|读书|上学|做事|(不|没)(跟|和)(他们|她们|他|她|老人)|(不|没)(住|在)一起|分开住")
NO_QUESTION = "不用问"  # the slot's value when a question does not apply
NONE_EXCLUDED = "没有"
HUKOU_SAID = {"urban": "城镇户口", "rural": "农村户口"}
# 户口 said alone ("城镇户口", "不对，是农村的"): to another question, or after the pre-check's result.
HUKOU_ONLY = re.compile(r"^(不是|不对|错了|是|我是|我们是|她是|他是|其实是|我家是|户口是)?[，, ]*(是|应该是|其实是)?"
                        r"(城镇|农村|城市|农业|非农业?|居民)(户口|户籍|的)?(户口)?(哦|嘛|哈|的|哟|噻)?[。.!！]?$")
UNSURE = re.compile(r"不晓得|不知道|不清楚|搞不清|说不清|记不得|不记得|不确定")


def parse_hukou(text: str | None) -> str | None:
    """"农村户口" → rural, "城镇的" / "非农" → urban; anything else (or "不用问") → None. Never a guess: "不晓得是城镇还是
    农村" names both and is None (a tester's "没有" went on as 城镇)."""
    t = (text or "").strip()
    if not t or t == NO_QUESTION or UNSURE.search(t) or re.search(r"不是(城|农|非农|居民)", t):
        return None  # "不是城镇户口": what it is not, not what it is ("不是，城镇户口" is a correction)
    urban = "非农" in t or "城" in t or "居民户口" in t
    rural = "农" in t.replace("非农", "") or "乡" in t or "村" in t
    return "urban" if urban and not rural else "rural" if rural and not urban else None


def read_hukou(value: object, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    """The 户口 question's answer, for every form: 城镇 or 农村 as said; anything else ("没有", "不晓得") is asked again
    kindly with how to tell and the two buttons (the pre-check cannot take "unknown": the backend would count it 城镇)."""
    if value == NO_QUESTION:
        return {"hukou": NO_QUESTION}  # the form resuming re-checks filled slots
    if value in (None, ""):
        return {"hukou": None}  # cleared, not answered
    kind = parse_hukou(str(value or ""))
    if kind is None:
        dispatcher.utter_message(response="utter_hukou_not_guessed")
        return {"hukou": None, "ask_style": "help"}
    return {"hukou": HUKOU_SAID[kind]}


# "有残疾没有", "高血压算不算", "啥子算重病": asked back at the illness question, never a yes or a no.
ILLNESS_ASKED = re.compile(r"^有[^\s，,。别其]{1,8}(没有|没得|莫得|冇得|没)[吗嘛啊呀哦喃呢]?[？?。.!！]*$|算不算|算吗|算不|咋个算|怎么算|"
                           r"(啥子|啥|什么|哪些|哪种|哪样)(算|叫|样的)|是指|指的是|包不包括|吗[？?。.!！]*$|[？?]\s*$")


# Words about an illness or disability ("有高血压 别的没有", "老伴糖尿病"), whatever follows them ("别的没有") and whatever the
# NLU made of them; "没得高血压", "残疾没有" name none. Which of them count as 重病 is the backend's (rules.yaml `illness`,
# GET /eligibility/illness: read_illness); this list only finds them (said_facts.py), and stands in when the backend is out.
ILLNESS_NAMED = re.compile(r"高血压|糖尿病|心脏病|冠心病|癌|肿瘤|白血病|尿毒症|透析|瘫|中风|脑梗|脑溢血|残疾|残废|精神病|智障|"
                           r"失明|截肢|肾衰|肝硬化|帕金森|痴呆|重病|大病")
NONE_BEFORE = re.compile(r"(没有|没得|莫得|冇得|没|无|不是|不算)[^\s，,。]{0,2}$")
NONE_AFTER = re.compile(r"^[^\s，,。]{0,2}(没有|没得|莫得|冇得)")


NOTHING_WRONG = re.compile(r"没(有|得)?(啥|什么)?(毛病|问题)|都好|好得很|没得事|没事")


def _said_positively(text: str, found: "re.Match[str]") -> bool:
    return not NONE_BEFORE.search(text[:found.start()]) and not NONE_AFTER.match(text[found.end():])


def names_illness(text: str) -> bool:
    return any(_said_positively(text, m) for m in ILLNESS_NAMED.finditer(text))


async def read_illness(text: str) -> tuple[list[str], list[str]] | None:
    """(serious, chronic): the illnesses said, not denied ("没得高血压"), as the backend's rules sort them; None when the
    backend cannot say."""
    try:
        found = await get_client().illness(text)
    except (BackendUnavailable, BackendError):
        return None
    said = [w for w in (*found["serious"], *found["chronic"]) if any(_said_positively(text, m) for m in re.finditer(re.escape(w), text))]
    return [w for w in found["serious"] if w in said], [w for w in found["chronic"] if w in said]


# "有女儿能不能吃低保", "儿子有工作 我还能办不": whether having children (or other kin) stands in the way, asked in the pre-check.
FAMILY_ASKED = re.compile(r"(儿|女|娃|孙|孩子|亲戚|兄弟|姐妹).{0,12}(能不能|可不可以|可以不|能(吃|拿|领|办|申请)|可以(吃|拿|领|办|申请)|"
                          r"影响|会不会|行不行|得不得行|还能|算不算)|(能不能|可不可以).{0,8}(儿|女|孩子)")


def asks_about_family(text: str) -> bool:
    return bool(FAMILY_ASKED.search(text)) and not re.search(r"\d", text)


class PrecheckAnswers:
    """Mixin for the pre-check's validator: the illness question asked back, and 户口 (read_hukou)."""

    async def validate_illness_or_disability(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                             domain: dict) -> dict[str, Any]:
        # The words, not the NLU's affirm/deny (the slot's intent mappings make "有残疾没有" a bool before it gets here).
        text = str((tracker.latest_message or {}).get("text") or "").strip()
        if tracker.get_slot("requested_slot") == "illness_or_disability" and ILLNESS_ASKED.search(text):
            dispatcher.utter_message(response="utter_illness_what_counts")
            return {"illness_or_disability": None, NEUTRAL: True}
        asked = tracker.get_slot("requested_slot") == "illness_or_disability"
        found = await read_illness(text) if asked and text and not text.startswith("/") else None
        if found and found[1] and not found[0]:
            # "有高血压": common chronic illnesses are not 重病 by themselves (a tester's made 特困 look met); kept as said
            # for the caseworker (the application's note), never counted.
            # Everything said, as said ("腿不好，要拄拐；高血压"), never only the illness's name (actions/health_said.py).
            dispatcher.utter_message(response="utter_illness_chronic_noted", illness=health_said.tidy(text) or "、".join(found[1]))
            return {"illness_or_disability": False, ILLNESS_SAID: text[:100]}
        if found is not None and not found[0] and health_said.names_body(text) and not NOTHING_WRONG.search(text):
            # "腿不好 要拄拐": kept as said for the caseworker and said back, not counted here (no "没太明白").
            dispatcher.utter_message(response="utter_health_noted", said=health_said.tidy(text))
            return {"illness_or_disability": False, ILLNESS_SAID: text[:100]}
        if asked and (found[0] if found else names_illness(text)):
            return {"illness_or_disability": True, ILLNESS_SAID: None}
        if isinstance(value, bool):
            return {"illness_or_disability": value}
        return {"illness_or_disability": parsing.parse_yes_no(str(value or "").strip())}

    def validate_hukou(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict[str, Any]:
        return read_hukou(value, dispatcher)


def income_lines(income: float, excluded_said: str | None) -> list[dict[str, Any]]:
    """The applicant's income as lines: what was said about the excluded part becomes its own line, named
    in the person's words (the backend recognises the kind), for its amount or, with none, the whole income."""
    said = (excluded_said or "").strip()
    if income <= 0 or not said or said in (NONE_EXCLUDED, NO_QUESTION) or parsing.parse_yes_no(said) is False:
        return [{"kind": "收入", "monthly_amount": income}]
    part = parsing.parse_amount(said) if re.search(r"\d|[一二两三四五六七八九十百千]", said) else None
    excluded = min(part, income) if part else income
    lines = [{"kind": said[:32], "monthly_amount": excluded}]
    if income - excluded > 0:
        lines.insert(0, {"kind": "收入", "monthly_amount": income - excluded})
    return lines


class ActionReadIncomeKind(Action):
    """Slot mapping of `income_excluded`, run on the income answer: "每月有100多块养老金" says it all, and
    "没有" needs no second question; otherwise the form asks."""

    def name(self) -> str:
        return "action_read_income_kind"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        excluded = await read_excluded(tracker.latest_message.get("text") or "")
        return [SlotSet("income_excluded", excluded)] if excluded else []


# 城乡居民基础养老金 is "每月一两百" in the regions served (重庆 2025: about 190 a month with the personal account; the
# question's button says so). A bare "养老金" of more than this is not that one unless she says so: it may be a work
# unit's 退休金, which counts (a tester's "我有七百块养老金" was left out of the income and a household over the standard
# was promised 低保). The one figure for it; the backend's rules say which kinds count (GET /eligibility/income-kind).
BASIC_PENSION_MOST = 300
# Words that say which pension it is: a 养老金 with none of them is "bare" (the backend reads a bare one as the basic).
PENSION_NAMED = re.compile(r"基础|居民|农村|农保|补贴|职工|企业|单位|退休|厂|机关|事业|优抚|抚恤")


def pension_unsettled(text: str, amount: float | None) -> bool:
    """Whether an income answer says "养老金" without which one, for more than the basic pension comes to
    ("我有七百块养老金"): asked once, never guessed ("养老金一百多" is the basic one, its amount says so)."""
    return ("养老金" in text and not PENSION_NAMED.search(text) and amount is not None and amount > BASIC_PENSION_MOST
            and figures(text) == 1)


async def read_excluded(text: str) -> str | None:
    """What an income answer says about income the rules do not count: the answer itself when it names
    such income ("每月有100多块养老金"), "没有" when there is no income at all, None when it does not say
    (nor when a bare "养老金" is too large to be the basic one: pension_unsettled). Of an answer that says the savings too
    ("就高龄补贴一个月200 没得存款"), the income's own words."""
    said = labeled_clauses(text).get("monthly_income") or []
    text = said[0] if len(said) == 1 and labeled_clauses(text).get("savings") else text
    amount = parsing.parse_amount(text)
    if amount == 0 and re.search(r"没|莫得|^无|^[0零]$", text.strip()):
        return NONE_EXCLUDED
    if amount is None or figures(text) > 1 or pension_unsettled(text, amount):
        return None  # several figures ("工资一千五 养老金一百八"): which one is which is the question's to find out
    try:
        kind = await get_client().income_kind(text)
    except (BackendUnavailable, BackendError):
        return None
    return text if kind["recognized"] and not kind["counted"] else None


class ActionReadHukouNeed(Action):
    """Slot mapping of `hukou`, run when a pre-check starts: where 城镇 and 农村 standards are the same,
    the question is not asked."""

    def name(self) -> str:
        return "action_read_hukou_need"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if tracker.active_loop_name not in (None, "eligibility_form"):
            return []  # another form is asking (a reason that sounds like "能办不"): the 户口 already given stays
        client = get_client()
        try:
            region = tracker.get_slot("region") or (await client.offer())["default_region"]
            need = await client.hukou(region, tracker.get_slot("street"))
        except (BackendUnavailable, BackendError):
            return [SlotSet("hukou", None)]
        return [SlotSet("hukou", None if need["matters"] else NO_QUESTION)]


def helper_place(tracker: Tracker) -> list[EventType]:
    """"两个 我奶奶跟我爷爷一起住 我在上海的": a grandson's own place while he does the pre-check for his grandmother is
    not hers (a tester's went on as 上海, which has no figures): the region is left to the default, or to what is said
    after. Only this turn's events reach the action server, so a place said before this message is not restored."""
    place = tracker.get_slot("region")
    text = str((tracker.latest_message or {}).get("text") or "")
    if not place or "region" not in tracker.slots_to_validate() or not re.search(HELPER_HERE + re.escape(str(place)), text):
        return []  # no place in this message, or not where the one talking is
    if (tracker.get_slot("filing_for") != "other" and parsing.helper_relation(text) not in ("孙子女", "子女")
            and not HELPER_APART.search(text)):
        return []  # her own place ("我跟老伴两个 我在重庆"), or nobody else named
    return [SlotSet("region", None)]


async def place_with_figures(text: str, missing: str) -> str | None:
    """A place the pre-check has figures for, named in the message ("我奶奶在重庆渝中区两路口的" → 重庆), never the one
    without ("不是 我在上海 …")."""
    try:
        regions = (await get_client().offer())["regions"]
    except (BackendUnavailable, BackendError):
        return None
    return next((r for r in regions if r in text and r != missing), None)


def heard(tracker: Tracker) -> dict[str, Any] | None:
    """The pre-check's answers an application needs, as they were said: household size, income (with the
    part the rules do not count), savings, 户口 (urban/rural, only when asked), approximate amounts."""
    s = tracker.get_slot
    size = s("household_size")
    facts = {"household_size": size, "monthly_income": s("monthly_income"), "savings": s("savings"),
             # whether others live with her: the application's household question, not asked again (journeys.CARRIED)
             "more_members": size > 1 if isinstance(size, (int, float)) else None,
             "income_excluded": s("income_excluded"), "hukou": parse_hukou(s("hukou")), "said": s("amounts_said"),
             # for the result again with one amount corrected ("不对 是一千二", actions/journeys.py)
             "applicant_age": s("applicant_age"), "illness_or_disability": s("illness_or_disability"),
             "has_supporter": s("has_supporter"), "pension_assumed": s("pension_assumed"), ILLNESS_SAID: s(ILLNESS_SAID)}
    facts = {k: v for k, v in facts.items() if v not in (None, {}, "")}
    return facts or None


# A child who gives nothing ("一分钱都不拿回来"), and whether the answer says he could ("他有钱 就是一分钱都不给").
GIVES_NOTHING = re.compile(r"一分(?:钱)?都(?:不|没|莫)|(?:不|没|莫得?|没得)(?:拿|寄|给)(?:钱|回来|过钱)|从来不给|啥子都不给")
ABLE_SAID = re.compile(r"有钱|有工作|上班|有能力|条件好|挣|赚|工资")


class AsksSupporter:
    """Mixin for the pre-check's validator: 特困 is for people with no one able to support them (义务人), so where
    特困 is in play (living alone, and old, a minor, or ill or disabled) that is asked; "有" makes 特困 not met."""

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        s = tracker.get_slot
        # Only validated values: while an answer is being read, its slot still holds the words ("我一个人住").
        size, age, ill = s("household_size"), s("applicant_age"), s("illness_or_disability")
        numbers = isinstance(size, (int, float)) and isinstance(age, (int, float)) and isinstance(ill, bool)
        in_play = numbers and size == 1 and (ill or age >= 60 or age < 16)
        return [d for d in domain_slots if d != "has_supporter" or in_play]

    def validate_has_supporter(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"has_supporter": value}
        text = str(value or "")
        if re.search(r"(没|莫|冇|无)(得|有)?(儿|女|子女|娃|亲人)|管不了|养不起|也困难|没得能力|莫得能力|没有能力|自己都顾不", text):
            return {"has_supporter": False}  # no children, or children unable themselves: 特困 is in play
        if GIVES_NOTHING.search(text) and not ABLE_SAID.search(text):
            # "儿子在广东 一分钱都不拿回来": no support comes, his means unsaid: the estimate goes on without one, said so
            # (the street checks whether he could); never asked again, never an emergency (actions/not_urgent.py).
            dispatcher.utter_message(response="utter_supporter_gives_nothing")
            return {"has_supporter": False}
        if re.search(r"不管|不给|不来往|不养", text):
            # "有个儿 他不管我": able but unwilling is still an able supporter (特困 needs none able), which a tester
            # found was taken the other way; asked again with what counts, never guessed.
            dispatcher.utter_message(response="utter_supporter_unwilling")
            return {"has_supporter": None, "ask_style": "help"}
        if re.search(r"(儿|女|娃|孙).{0,8}(给|管|养|寄|照顾)", text):
            return {"has_supporter": True}  # "儿子每个月给我钱"
        return {"has_supporter": parsing.parse_yes_no(text)}


class ActionPrecheck(Action):
    def name(self) -> str:
        return "action_precheck"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        size = int(tracker.get_slot("household_size") or 1)
        income = float(tracker.get_slot("monthly_income") or 0)
        ill = bool(tracker.get_slot("illness_or_disability"))
        members = [{"name": "申请人", "age": int(tracker.get_slot("applicant_age") or 40),
                    "incomes": income_lines(income, tracker.get_slot("income_excluded")),
                    "labour_ability": "none" if ill else "full"}]
        members += [{"name": f"家人{i}", "relation": "其他"} for i in range(1, size)]
        events: list[EventType] = [SlotSet(s, None) for s in PRECHECK_SLOTS]
        # What was heard stays for an application in this conversation (ActionStartApplication): not asked again.
        events += [SlotSet("precheck_heard", heard(tracker)), SlotSet("amounts_said", None), SlotSet("amount_to_confirm", None)]
        offer = await call(dispatcher, get_client().offer())
        if offer is None:
            return events
        body = {"region": tracker.get_slot("region") or offer["default_region"], "members": members,
                "savings": tracker.get_slot("savings") or 0, "hukou": parse_hukou(tracker.get_slot("hukou")),
                "obligors_able_to_support": 1 if tracker.get_slot("has_supporter") else 0}
        result = await call(dispatcher, get_client().precheck(body))
        if result is None:
            return events
        eligible = [r for r in result["results"] if r["eligible"]]
        first = result["results"][0]  # 低保: the reason with the figures (income against the standard)
        if not eligible and result.get("standard") is None:
            # No figures for that place: nothing was measured, so nothing is "不符合" (a tester was told so).
            dispatcher.utter_message(text=first["reason"])
            dispatcher.utter_message(response="utter_precheck_no_figures")
            kept = {**(heard(tracker) or {}), PLACE_MISSING: body["region"]}
            return events + [SlotSet("precheck_why", None), SlotSet("region", None), SlotSet("precheck_heard", kept)]
        if tracker.get_slot("pension_assumed"):
            # A pension of a kind not known ("不晓得是哪种"), as large as it is: counted, and said so (never dropped).
            dispatcher.utter_message(response="utter_precheck_pension_assumed")
        lines = members[0]["incomes"]
        if len(lines) > 1 or lines[0]["kind"] != "收入":
            # "咋个是0元": the part the rules leave out is said before the figures (a tester's 180元 pension "vanished").
            dispatcher.utter_message(response="utter_precheck_excluded", excluded=lines[-1]["kind"])
        # Why each type is not met, as the backend said it: "为啥子不符合" is answered from these (action_explain_result).
        why = [f"【{r['assistance_type']}】{r['reason']}" for r in result["results"] if not r["eligible"]]
        events += [SlotSet("precheck_why", why or None), SlotSet(precheck_result.LAST, precheck_result.kept(result["results"]))]
        if not eligible:
            dispatcher.utter_message(response="utter_precheck_result", assistance_type=first["assistance_type"],
                                     reason=first["reason"])
            dispatcher.utter_message(response="utter_precheck_none")
            return events
        plainly = precheck_result.say_dibao_first(dispatcher, result["results"])  # "按您说的，每月1100元，比低保标准770元高…"
        for r in eligible:  # then what each met type means and gives (plainly, after that line)
            dispatcher.utter_message(**({"text": precheck_result.said_line(r)} if plainly else
                                        {"response": "utter_precheck_result", "assistance_type": r["assistance_type"], "reason": r["reason"]}))
        # Offer the first matching type the assistant can file online, by name (a tester's grandmother was filed for
        # 特困 without being told which).
        online = {t["assistance_type"] for t in offer["filing_types"]}
        asked = tracker.get_slot("assistance_type")  # the type she asked about ("能办特困不"), when she may have it
        first = asked if asked in online and any(r["assistance_type"] == asked for r in eligible) else next(
            (r["assistance_type"] for r in eligible if r["assistance_type"] in online), None)
        if (better := more_than_dibao(eligible, online)) is not None:
            # 特困 pays more than 低保: said once, plainly, and she picks; the type she chose (or none) stays as it was
            # (a tester who asked for 低保 was read back 特困 with no word why).
            dispatcher.utter_message(response="utter_offer_which_type", **better, buttons=[
                {"title": f"申请{t}", "payload": f'/apply_assistance{{"assistance_type":"{t}"}}'} for t in ("特困", "低保")])
            return events + ([] if asked in ("低保", "特困") else [SlotSet("assistance_type", None)])
        if first:
            dispatcher.utter_message(response="utter_offer_apply_type", assistance_type=first)
        elif not any(r["assistance_type"] == "低保" for r in eligible):
            precheck_result.offer_anyway(dispatcher)  # 低保边缘 alone: she may still apply for 低保, or ask a person
        else:
            dispatcher.utter_message(response="utter_offer_apply")
        return events + ([SlotSet("assistance_type", first)] if first else [])


def more_than_dibao(eligible: list[dict], online: set[str]) -> dict[str, str] | None:
    """Both 低保 and 特困 met and 特困 pays more a month: the two amounts, as the backend computed them."""
    amounts = {r["assistance_type"]: r.get("monthly_amount") for r in eligible}
    tekun, dibao = amounts.get("特困"), amounts.get("低保")
    if not {"特困", "低保"} <= online or tekun is None or "低保" not in amounts or float(tekun) <= float(dibao or 0):
        return None
    return {"tekun": parsing.as_typed(float(tekun)), "dibao": parsing.as_typed(float(dibao or 0))}


# A case of one's own named ("我那申请呢", "她的申请"), or a question ("还能申请啥子", "能不能申请特困"): never a wish to
# apply now.
OWN_CASE = re.compile(r"(我|俺|额|咱|她|他)(们)?(的)?那(个|份|件)?申请|(我|俺|额|咱|她|他)(们)?的申请|"
                      r"能不能|可不可以|能否|能(申请|办)|啥|什么|哪|吗|怎|咋|[？?]")


def applies_after(tracker: Tracker) -> bool:
    """"那申请嘛" (重庆话: then let's apply) after a pre-check's result, however the NLU read it (a progress query, an
    answer): the application, with what the pre-check heard. Only while that pre-check is the conversation's news (heard,
    no application started or filed since: a filing clears it), never a question about a case ("查下申请嘛", "我那申请呢")."""
    text = tracker.latest_message.get("text") or ""
    started = any(tracker.get_slot(s) for s in ("applicant_name", "applicant_id", "street", "filing_for"))
    return (bool(tracker.get_slot("precheck_heard")) and not started and bool(parsing.APPLY_WORDS.search(text))
            and not parsing.asks_progress(text) and not OWN_CASE.search(text))


async def precheck_corrected(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """After a pre-check's result, one of its answers said again, and the result again with everything else as heard:
    "不对 是一千二" (the income its result quoted) or "城镇户口" (a tester's got "没太听懂"). None when the message is not that."""
    heard = tracker.get_slot("precheck_heard") or {}
    text = (tracker.latest_message.get("text") or "").strip()
    if heard.get(PLACE_MISSING) and (place := await place_with_figures(text, heard[PLACE_MISSING])):
        again = copy.copy(tracker)
        again.slots = {**tracker.slots, **{k: heard.get(k) for k in PRECHECK_SLOTS}, "hukou": HUKOU_SAID.get(heard.get("hukou") or ""),
                       "amounts_said": heard.get("said"), "region": place}
        dispatcher.utter_message(response="utter_precheck_place_now", place=place)
        return [SlotSet("region", place), *await ActionPrecheck().run(dispatcher, again, {})]
    said = corrections.bare_answer(text)
    found = parsing.read_amount(said, per_month=True) if said and heard else None
    hukou = parse_hukou(text) if heard and found is None and HUKOU_ONLY.match(text) else None
    if found is None and hukou is None:
        return None
    if hukou is not None and hukou == heard.get("hukou"):
        dispatcher.utter_message(response="utter_precheck_hukou_same", hukou=HUKOU_SAID[hukou])  # nothing changes: said so
        return []
    again = copy.copy(tracker)
    again.slots = {**tracker.slots, **{k: heard.get(k) for k in PRECHECK_SLOTS}, "hukou": HUKOU_SAID.get(hukou or heard.get("hukou") or ""),
                   "monthly_income": float(found.value) if found else heard.get("monthly_income"),
                   "amounts_said": None if found else heard.get("said")}
    dispatcher.utter_message(response="utter_corrected", label="每月收入" if found else "户口")
    return await ActionPrecheck().run(dispatcher, again, {})


class ActionExplainResult(Action):
    """"为啥子不符合": the reasons of the pre-check just made, with what they are (an estimate; she may apply all
    the same; a person). Without one in this conversation, where each result's reasons are found."""

    def name(self) -> str:
        return "action_explain_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if precheck_result.answered(dispatcher, tracker, tracker.latest_message.get("text") or ""):
            return []  # "那我吃得到低保不": the kept result's plain lines
        why = tracker.get_slot("precheck_why") or []
        named = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == "assistance_type"]
        chosen = [w for w in why if any(w.startswith(f"【{t}】") for t in named)] or why
        if not chosen:
            dispatcher.utter_message(response="utter_why_which")
            return []
        dispatcher.utter_message(response="utter_precheck_why", reasons="\n".join(chosen))
        dispatcher.utter_message(response="utter_precheck_estimate")
        return []
