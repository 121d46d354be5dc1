"""The application read back before filing: one (label, value) per answer, as she will check it (ActionAskConfirmed in
actions/journeys.py says them; its 改 buttons are actions/corrections.py's)."""

from rasa_sdk import Tracker

from actions import drafts, parsing, readback, streets
from actions import health_said as health_words
from actions.amount_answers import SAID
from actions.forms import HELPER_KIND_NAMES
from actions.household_incomes import earning
from actions.members import LATER, listed, listed_line
from actions.precheck import NO_QUESTION


def _mask_id(number: str | None) -> str:
    return f"{number[:6]}********{number[-4:]}" if number and len(number) == 18 else "未填"


def _mask_phone(phone: str | None) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) == 11 else "未填"


def _answered(tracker: Tracker) -> dict[str, object]:
    """The skippable figures as they are now (a skip recorded 0; a correction since then holds the figure); a family
    member's income stays noted while someone's is not known."""
    unknown = any(m.get("income_skipped") for m in tracker.get_slot("members") or [])
    return {**{k: tracker.get_slot(k) for k in ("monthly_income", "savings")}, "member_income": not unknown}


def household_note(tracker: Tracker) -> str:
    """The household size the pre-check heard, when the application lists fewer people (for the caseworker)."""
    size = int((tracker.get_slot("precheck_heard") or {}).get("household_size") or 0)
    return f"（测算时说家里一共{size}口人）" if size > listed(tracker) else ""


def _said_amount(tracker: Tracker, slot: str) -> str:
    """An amount as the read-back says it: as said when approximate ("100多", "约三四百"), else the figure ("1200")."""
    said = (tracker.get_slot(SAID) or {}).get(slot)
    return readback.as_said(said) if said else parsing.as_typed(tracker.get_slot(slot))


def _figure_line(tracker: Tracker, slot: str) -> str:
    """"没说（工作人员会核实）" for a figure she did not know ("存款不晓得"), never "0元" under the truthfulness promise."""
    if slot in (tracker.get_slot("skipped_slots") or []) and not _answered(tracker).get(slot):
        return readback.NOT_SAID
    rough = readback.ROUGH if (tracker.get_slot(SAID) or {}).get(slot) else ""
    return f"{_said_amount(tracker, slot)}元{rough}"


def _phone_line(tracker: Tracker) -> str:
    s = tracker.get_slot
    if s(drafts.NO_PHONE):
        return "没有手机（交书面授权委托书）"
    if s("filing_for") == "other" and s("delegation_id") and not s("applicant_phone"):
        return "不用填（已有本人的授权委托）"  # a paper form verified before: no code, so no phone was asked
    return _mask_phone(s("applicant_phone"))


def readback_lines(tracker: Tracker) -> list[tuple[str, str]]:
    """(label, value) for each answer of the application, in the order they were asked."""
    s = tracker.get_slot
    members = s("members") or []
    lines = [("申请类型", str(s("assistance_type") or "未填"))]
    if s("filing_for") == "other":
        lines.append(("代办人", f"{s('helper_name')}（{HELPER_KIND_NAMES.get(s('helper_kind') or '', '帮办人')}）"))
    lines += [("申请人", str(s("applicant_name") or "未填")), ("身份证", _mask_id(s("applicant_id"))),
              ("手机", _phone_line(tracker)),
              ("住址", streets.address(tracker) or "未填")]
    if s("hukou") and s("hukou") != NO_QUESTION:
        lines.append(("户口", str(s("hukou"))))
    lines += [("家庭成员", listed_line(members, tracker.get_slot(LATER)) + household_note(tracker)),
              ("每月收入", readback.household_income(tracker, _figure_line(tracker, "monthly_income"))),
              *readback.member_income_lines([*members, *earning(s(LATER))]),
              ("存款", _figure_line(tracker, "savings")),
              ("原因", str(s("reason") or "未填")), *health_words.readback_line(tracker)]
    return lines
