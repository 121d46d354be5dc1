"""The caseworker's notes on an application: what the person skipped, and amounts said approximately."""

from actions.health_said import tidy


SKIPPED_NOTE = "（在线未答，请工作人员核实）"
SKIP_LABELS = {"monthly_income": "月收入", "savings": "存款", "member_income": "家人收入"}


def skipped_note(skipped: list[str], answered: dict[str, object] | None = None) -> str:
    """The caseworker's note for the questions the person skipped (the reason notes itself); one answered later
    (a figure at the read-back: "收入是一千一") is not noted as skipped any more."""
    answered = answered or {}
    labels = [SKIP_LABELS[s] for s in skipped if s in SKIP_LABELS and not answered.get(s)]
    return f"（在线未答：{'、'.join(dict.fromkeys(labels))}，请工作人员核实）" if labels else ""


def approximate_note(said: dict[str, str] | None, members: list[dict] | None = None) -> str:
    """The caseworker's (and the read-back's) note for amounts said approximately ("一百多"): as said."""
    parts = [f"{SKIP_LABELS[k]}{v}元" for k, v in (said or {}).items() if k in SKIP_LABELS and k != "member_income"]
    parts += [f"{m['name']}收入{m['income_said']}元" for m in members or [] if m.get("income_said")]
    return f"（大概数：{'、'.join(parts)}，请工作人员核实）" if parts else ""


def pension_note(unconfirmed: list[str]) -> str:
    """The caseworker's note for pensions said without which one ("养老金，不晓得是哪种"; actions/said_facts.py), filed as
    counted: "张秀英每月700元" each."""
    return f"（养老金没说是哪一种：{'、'.join(unconfirmed)}，已按退休金算进收入，请工作人员核实）" if unconfirmed else ""


def illness_note(said: str | None) -> str:
    """The caseworker's note for an illness said in the pre-check that is not 重病 by itself ("有高血压"; actions/precheck.py):
    as said, and that it was not counted."""
    return f"（测算时说的身体情况：{tidy(said)}，没有按重病算，请工作人员核实）" if said else ""
