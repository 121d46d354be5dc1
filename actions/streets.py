"""Where the applicant lives, as people say it: one exact street is taken; a near miss (a typo, a
homophone) is confirmed first; several streets of one name are chosen by their full names; a district
alone gets the question which street in it. The gazetteer and the offices are the backend's
(GET /areas/search); where a street's 户口 matters is too (GET /eligibility/hukou)."""

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import parsing
from actions.answers.names import COMMON_SURNAMES
from actions.backend_client import BackendError, BackendUnavailable, call, get_client
from actions.precheck import HUKOU_ONLY, HUKOU_SAID, NO_QUESTION, parse_hukou
from actions.retry import NEUTRAL

PLACE_SUFFIX = re.compile(r"(街道|镇|乡|社区|村)$")

Slots = dict[str, Any]
MAX_CHOICES = 6
DETAIL = "address_detail"  # the road and door said after the street (detail_after)
HOTLINE = ("政务服务便民热线", "12345", "每天 24 小时")  # to call; it does not call back
KEPT = ("code", "name", "full_name", "district", "standards_region", "office_name", "office_phone", "office_hours",
        "office_configured")


def _chosen(text: str, candidates: list[dict]) -> dict | None:
    """The candidate this answer picks: a full name (a button), a part of one, or 是 to a single one."""
    t = text.strip()
    named = [c for c in candidates if t and (t == c["full_name"] or (len(t) >= 3 and t in c["full_name"]))]
    if len(named) == 1:
        return named[0]
    if len(candidates) == 1 and parsing.parse_yes_no(t) is True:
        return candidates[0]
    return None


async def read_street(text: str, dispatcher: CollectingDispatcher, tracker: Tracker, *, hukou: bool) -> Slots:
    """The slots one answer to the street question fills; `hukou`: also find out whether 户口 matters there."""
    candidates = tracker.get_slot("street_candidates") or []
    if candidates:
        chosen = _chosen(text, candidates)
        if chosen:
            return await _take(chosen, dispatcher, tracker, hukou=hukou)
        if parsing.parse_yes_no(text) is False and len(text) <= 8:  # 不是，重新说
            return {"street": None, "street_candidates": None, NEUTRAL: True}
    if HUKOU_ONLY.match(text.strip()):
        # "城镇" to the street question is her 户口, never a place (it once matched 河北's 城镇街道): kept, street asked again.
        kind = HUKOU_SAID.get(parse_hukou(text) or "")
        return {"street": None, NEUTRAL: True, **({"hukou": kind} if kind and hukou else {})}
    found = await _search(text, tracker.get_slot("region"), dispatcher, near=_near(tracker))
    if found is None:
        return {"street": None}
    streets = [a for a in found if a["level"] == "street"]
    exact = [a for a in streets if a["match"] == "exact"]
    if len(exact) == 1:
        return await _take(exact[0], dispatcher, tracker, hukou=hukou, said=text)
    if exact:
        shown = exact[:MAX_CHOICES]
        dispatcher.utter_message(response="utter_street_which",
                                 buttons=[{"title": a["full_name"], "payload": a["full_name"]} for a in shown])
        return {"street": None, "street_candidates": [_kept(a) for a in shown], NEUTRAL: True}
    if streets:
        close = streets[0]
        dispatcher.utter_message(response="utter_street_confirm", full_name=close["full_name"],
                                 buttons=[{"title": "是", "payload": "是"}, {"title": "不是，重新说", "payload": "不是"}])
        return {"street": None, "street_candidates": [_kept(close)], NEUTRAL: True}
    wider = next((a for a in found if a["level"] in ("district", "city")), None)
    if wider:
        dispatcher.utter_message(response="utter_street_in_area", area=wider["full_name"], example=await _example(wider))
        return {"street": None, "street_candidates": None, NEUTRAL: True}
    dispatcher.utter_message(response="utter_street_unknown")
    return {"street": None, "street_candidates": None}


def _near(tracker: Tracker) -> str | None:
    """Where the person's ID number was issued (its 6-digit area code, GB 11643): "南坪" from someone whose ID
    starts 500108 lists 重庆南岸 first, the others after."""
    id_number = str(tracker.get_slot("applicant_id") or "")
    return id_number[:6] if re.fullmatch(r"\d{17}[\dXx]", id_number) else None


async def _search(text: str, within: str | None, dispatcher: CollectingDispatcher,
                  near: str | None = None) -> list[dict] | None:
    """The search, ranked inside the region the conversation knows (and the ID's area first); a region the
    gazetteer does not know (the policy slot can hold any place name) is no reason to fail: searched without it."""
    if within:
        try:
            return await get_client().search_areas(text, within, near=near)
        except BackendError:
            pass
    return await call(dispatcher, get_client().search_areas(text, near=near))


def _kept(area: dict) -> dict:
    return {k: area.get(k) for k in KEPT}


async def _example(area: dict) -> str:
    """One street of the district (or city) named, to show how to answer; a made-up one if none comes."""
    try:
        inside = await get_client().search_areas("街道", area["code"], limit=1)
    except (BackendUnavailable, BackendError):
        inside = []
    street = next((a for a in inside if a["level"] == "street"), None)
    return f"{area['name']}{street['name']}" if street else f"{area['name']}××街道"


# The road and door said after the street ("渝中区两路口街道中山三路12号"): kept as the address detail the caseworker sees
# (sent as the application's address, backend ApplicationIn.address); a tester's "中山三路" was dropped. A clause that is
# no address ("具体门牌我明天去看了补", "不晓得门牌") ends it; never an ID- or phone-like run of digits.
NOT_ADDRESS = re.compile(r"我|你|他|她|不|没|明天|再补|晓得|知道|清楚|看了|吧|嘛|呢|吗|[?？]")
# Another fact said after the street ("人和街 城镇户口 养老金900 存款5000左右 一个人住"): its own question's, never the address
# (a tester's read back as 住址 "…人和街 城镇户口 养老金900 存款5000左右 一个人"); the detail ends before it.
OTHER_FACT = re.compile(r"户口|户籍|城镇|农村|农业|养老|退休|工资|收入|存款|存折|积蓄|补贴|低保|特困|一个人|独居|口人|岁|"
                        r"\d+\s*(?:块|元|万)")
DETAIL_MAX = 100


def detail_after(text: str, area: dict) -> str | None:
    """What follows the street's name in the answer, if it is an address."""
    names = (area.get("name") or "", PLACE_SUFFIX.sub("", area.get("name") or ""))
    at = next(((text.find(n), n) for n in names if len(n) >= 2 and n in text), None)
    if at is None:
        return None
    kept: list[str] = []
    for clause in re.split(r"[\s，,。、；;]+", text[at[0] + len(at[1]):]):
        if NOT_ADDRESS.search(clause) or OTHER_FACT.search(clause):
            break
        if clause:
            kept.append(clause)
    detail = " ".join(kept).strip("的在住 ")
    if not detail or not re.search(r"[\u4e00-\u9fa5]", detail) or re.search(r"\d{7,}", detail):
        return None
    return detail[:DETAIL_MAX]


# "住址加一下 中山三路 具体门牌我明天去看了补" at the read-back: the road added to the street (it heard "没太明白").
ADDED = re.compile(r"^(?:住址|地址|住的地方|家庭住址)(?:后面|上|里)?(?:再)?(?:加|补|添|写)(?:上|一下|个|点)?(?:是|在|[:：，,])?"
                   r"\s*(?P<rest>.+)$")


def detail_added(text: str, tracker: Tracker) -> Slots | None:
    """The detail added to the street at the read-back, read back again; None: not that."""
    m = ADDED.match(text.strip())
    if m is None or not tracker.get_slot("street"):
        return None
    detail = detail_after("@@" + m.group("rest"), {"name": "@@"})
    return {DETAIL: detail, "confirmed": None, NEUTRAL: True} if detail else None


def address(tracker: Tracker) -> str | None:
    """The street and the detail said after it, as the read-back and the application say it."""
    street = tracker.get_slot("street")
    return f"{street}{tracker.get_slot(DETAIL) or ''}" if street else None


async def _take(area: dict, dispatcher: CollectingDispatcher, tracker: Tracker, *, hukou: bool, said: str = "") -> Slots:
    if not area.get("standards_region"):
        # Not open online there yet: the office, kindly, and the form asks again (another street, or a person).
        # An office without a real number on file is not named with the hotline's number: the hotline is.
        known = bool(area.get("office_phone"))
        response = "utter_street_not_online" if area.get("office_configured") and known else "utter_street_not_online_no_office"
        office = (area.get("office_name"), area["office_phone"], area.get("office_hours")) if known else HOTLINE
        dispatcher.utter_message(response=response, full_name=area["full_name"], office_name=office[0] or "政务服务便民热线",
                                 office_phone=office[1], office_hours=office[2] or "工作日")
        return {"street": None, "street_candidates": None, NEUTRAL: True}
    slots: Slots = {"street": f"{area.get('district') or ''}{area['name']}", "area_code": area["code"], "street_candidates": None}
    if detail := detail_after(said, area):
        slots[DETAIL] = detail
    elif tracker.get_slot(DETAIL) and tracker.get_slot("area_code") != area["code"]:
        slots[DETAIL] = None  # another street: the road said for the first is not on it
    said = HUKOU_SAID.get((tracker.get_slot("precheck_heard") or {}).get("hukou") or "")
    if said and tracker.get_slot("hukou") == said:
        return slots  # 户口 as the person said it in the pre-check: the street's name guesses nothing over it
    if hukou and not (tracker.get_slot("hukou") and tracker.get_slot("area_code") == area["code"]):
        slots["hukou"] = await _hukou(area)  # the same street again (the form resuming) keeps a corrected 户口
        if slots["hukou"] in HUKOU_SAID.values():
            # A guess from the street's name, said at once, not only at the read-back: one word corrects it.
            other = next(v for v in HUKOU_SAID.values() if v != slots["hukou"])
            dispatcher.utter_message(response="utter_hukou_assumed", place=area["name"], hukou=slots["hukou"], other=other)
    return slots


def hukou_said_instead(text: str, tracker: Tracker) -> Slots | None:
    """"是农村户口" said to the next question, after the street's guess: the 户口 is changed and that question
    asked again (None: the message answers the question asked)."""
    if not HUKOU_ONLY.match(text.strip()) or tracker.get_slot("hukou") in (None, NO_QUESTION):
        return None
    kind = HUKOU_SAID.get(parse_hukou(text) or "")
    return {"hukou": kind, NEUTRAL: True} if kind else None


async def _hukou(area: dict) -> str | None:
    """What the form records for 户口: "不用问" where it does not matter, what the street's name suggests
    (read back, correctable), or None: then the form asks."""
    try:
        need = await get_client().hukou(area["standards_region"], area["name"])
    except (BackendUnavailable, BackendError):
        return None
    if not need["matters"]:
        return NO_QUESTION
    return HUKOU_SAID.get(need.get("suggested") or "")


async def names_a_place(name: str | None, near: str | None = None) -> bool:
    """Whether a "name" is a street's or town's ("七星岗" said where the applicant's name was asked, a tester's kept): only
    for a name without a common surname, and quietly False when the backend does not answer."""
    if not name or len(name) > 4 or name[0] in COMMON_SURNAMES:
        return False
    try:
        places = await get_client().search_areas(name, near=near, limit=3)
    except (BackendError, BackendUnavailable):
        return False
    return any(p.get("match") == "exact" and PLACE_SUFFIX.sub("", p.get("name") or "") == name for p in places)
