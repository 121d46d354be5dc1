"""Personas as data: tests/personas/data/*.yaml, a list of people per file.

A persona is who she is (`who`, for the reader), her `facts` (name, ID number, phone, street …), the first
thing she says (`start`), what she says to each kind of question the bot asks (`answers`, by the kinds of
tests/personas/questions.py; a list is said in turn when the question comes again), and what she does besides
answering (`deviations`: at the nth time a question is asked she interrupts, corrects, pauses, resumes, asks
something else; each step says a thing and checks the reply). `outcome` is what the conversation must end in
and `saved` what the backend must then hold. Any text may name a fact: "我叫{name}" says her name.

Special answers: <code> (the newest one-time code sent to the phone being verified), <consent_code> (the one
sent to the applicant's phone for a helper), <wrong_code> (six digits that are not it), <answer> (in a
deviation step: answer the question asked, as the persona would), button:跳过 (tap the button titled so).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
OUTCOMES = {"submitted", "emergency", "callback", "complaint", "withdrawn", "none"}
# The kinds a persona may leave out: the harness answers them as anyone would.
DEFAULT_ANSWERS = {"street_confirm": "对", "yes_no": "对", "code": "<code>", "consent_code": "<consent_code>",
                   "resume_offer": "继续", "name": "{name}", "id": "{id}", "helper_name": "{helper_name}"}


@dataclass(frozen=True)
class Step:
    say: str
    expect: list[str] = field(default_factory=list)  # regular expressions the reply must contain (each)
    reject: list[str] = field(default_factory=list)  # … and must not


@dataclass(frozen=True)
class Deviation:
    on: str  # the question kind being asked when she does it (`at:` in the YAML: YAML reads `on` as true)
    steps: list[Step]
    nth: int = 1  # the nth time that question is asked
    asks: list[str] | None = None  # the questions the last step's reply may end on: by default the one interrupted
    note: str = ""


@dataclass(frozen=True)
class Persona:
    id: str
    who: str
    start: Step
    facts: dict[str, Any]
    answers: dict[str, Any]
    outcome: str
    deviations: list[Deviation] = field(default_factory=list)
    then: list[Step] = field(default_factory=list)  # after the outcome: e.g. withdrawing what she filed
    saved: dict[str, Any] = field(default_factory=dict)
    done_when: list[str] = field(default_factory=list)  # regexes ending the conversation (outcome "none")
    heard: list[str] = field(default_factory=list)  # regexes some reply of the conversation must have (each)
    turns_max: int | None = None
    fast: bool = False
    source: str = ""

    def fill(self, text: str) -> str:
        """A text with the persona's facts put in: "我叫{name}" → "我叫刘淑芬"."""
        return re.sub(r"\{(\w+)\}", lambda m: str(self.facts[m.group(1)]) if m.group(1) in self.facts else m.group(0), text)

    def answer(self, kind: str, nth: int) -> str | None:
        """What she says the nth time (1-based) the question `kind` is asked, or None when she has nothing to say."""
        said = self.answers.get(kind, DEFAULT_ANSWERS.get(kind))
        if said is None and kind in ("phone", "applicant_phone"):
            # her own phone, and a helper's own when the bot asks "您的手机号"
            said = "{helper_phone}" if kind == "phone" and "helper_phone" in self.facts else "{phone}"
            said = said if said.strip("{}") in self.facts else None
        if said is None or (isinstance(said, str) and said.strip("{}") in ("name", "id", "helper_name")
                            and said.strip("{}") not in self.facts):
            return None
        if isinstance(said, list):
            said = said[min(nth, len(said)) - 1]
        return self.fill(str(said))

    def phones(self) -> list[str]:
        return [str(v) for k, v in self.facts.items() if k.endswith("phone") and v]


def _steps(raw: Any) -> list[Step]:
    items = raw if isinstance(raw, list) else [raw]
    return [Step(say=str(s["say"]), expect=[str(e) for e in s.get("expect", [])], reject=[str(r) for r in s.get("reject", [])])
            if isinstance(s, dict) else Step(say=str(s)) for s in items]


def _persona(raw: dict[str, Any], source: str) -> Persona:
    unknown = set(raw) - {"id", "who", "start", "facts", "answers", "outcome", "deviations", "then", "saved",
                          "done_when", "turns_max", "fast", "heard"}
    if unknown:
        raise ValueError(f"{source}: persona {raw.get('id')} has unknown keys {sorted(unknown)}")
    if raw["outcome"] not in OUTCOMES:
        raise ValueError(f"{source}: persona {raw['id']}: outcome must be one of {sorted(OUTCOMES)}")
    deviations = [Deviation(on=d["at"], steps=_steps(d["steps"]), nth=int(d.get("nth", 1)),
                            asks=[d["asks"]] if isinstance(d.get("asks"), str) else d.get("asks"),
                            note=d.get("note", "")) for d in raw.get("deviations") or []]
    return Persona(id=raw["id"], who=raw["who"], start=_steps(raw["start"])[0], facts=dict(raw.get("facts") or {}),
                   answers=dict(raw.get("answers") or {}), outcome=raw["outcome"], deviations=deviations,
                   then=_steps(raw["then"]) if raw.get("then") else [], saved=dict(raw.get("saved") or {}),
                   done_when=[str(d) for d in raw.get("done_when") or []], heard=[str(h) for h in raw.get("heard") or []], turns_max=raw.get("turns_max"),
                   fast=bool(raw.get("fast")), source=source)


def load_all(folder: Path = DATA) -> list[Persona]:
    people: list[Persona] = []
    for path in sorted(folder.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            people.append(_persona(raw, path.name))
    return people
