"""The workflow catalogue: `data/workflows.yaml` read into statuses, transitions and region rules.

Status names live in the YAML only; code asks the catalogue by flag (`initial`, `publicity`, `pays`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from backend.applications.models import Application
from backend.core.errors import Conflict

DATA_FILE = Path(__file__).with_name("data") / "workflows.yaml"
# Who asked, on a step the applicant's side takes (更正, 补充情况) through a helper: "帮办人（李敏）" (change_requests.py).
ASKED_BY = "asked_by"


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    owner: str | None
    due_workdays: int | None
    final: bool
    open: bool
    initial: bool = False    # where a new application starts
    publicity: bool = False  # 公示 runs in it: its step is due when the 公示 ends
    pays: bool = False       # recipients in it are paid monthly and certified (待遇资格认证)
    summary: str | None = None  # the progress summary's paragraph; None: the label and the next step


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays, only the procedure's state changes
    roles: tuple[str, ...]
    guards: tuple[str, ...]
    effects: tuple[str, ...]


@dataclass(frozen=True)
class Workflow:
    key: str
    statuses: dict[str, Status]
    transitions: dict[str, Transition]
    publicity_days: int | None
    spot_check_ratio: float | None

    @property
    def open_statuses(self) -> frozenset[str]:
        return frozenset(k for k, s in self.statuses.items() if s.open)

    @property
    def one_off(self) -> bool:
        """Paid once (临时救助), not monthly: no action leads to a status the monthly run pays."""
        return not any(t.target and self.statuses[t.target].pays for t in self.transitions.values())

    @property
    def advance(self) -> tuple[int | None, int | None] | None:
        """先行救助 (急难型): the time limits of the first step (help first) and of the paperwork after it, from the
        statuses the 先行救助 action leaves and leads to; None for a type without it."""
        aid = self.transitions.get("emergency_aid")
        if aid is None:
            return None
        first = next(iter(sorted(aid.sources)))
        return self.statuses[first].due_workdays, self.statuses[aid.target].due_workdays if aid.target else None

    @property
    def initial_status(self) -> str:
        return next(k for k, s in self.statuses.items() if s.initial)


@dataclass(frozen=True)
class RegionRules:
    case_limit_workdays: int | None = None
    publicity_in_workdays: bool = False
    publicity_days: dict[str, int] = field(default_factory=dict)
    review_delegated: bool = False


class WorkflowCatalog:
    def __init__(self, raw: dict[str, Any]):
        self.case_limits = raw["case_limits"]
        self.action_labels: dict[str, str] = raw.get("action_labels", {})
        self.owner_labels: dict[str, str] = raw.get("owner_labels", {})
        self.notices: dict[str, str | None] = raw.get("notices", {})
        self.workflows: dict[str, Workflow] = {}
        for key, spec in raw["types"].items():
            statuses = {
                name: Status(
                    key=name, label=s["label"], owner=s.get("owner"), due_workdays=s.get("due_workdays"),
                    final=bool(s.get("final", False)), open=bool(s.get("open", not s.get("final", False))),
                    initial=bool(s.get("initial", False)), publicity=bool(s.get("publicity", False)),
                    pays=bool(s.get("pays", False)), summary=s.get("summary"),
                )
                for name, s in spec["statuses"].items()
            }
            open_set = {k for k, s in statuses.items() if s.open}
            transitions = {}
            for t in spec["transitions"]:
                sources: set[str] = set()
                for src in t["from"] if isinstance(t["from"], list) else [t["from"]]:
                    sources |= open_set if src == "open" else {src}
                roles = t["role"] if isinstance(t["role"], list) else [t["role"]]
                transitions[t["action"]] = Transition(
                    action=t["action"], sources=frozenset(sources), target=t.get("to"), roles=tuple(roles),
                    guards=tuple(t.get("guards", [])), effects=tuple(t.get("effects", [])),
                )
            for t in transitions.values():
                unknown = ({t.target} - {None} | t.sources) - set(statuses)
                if unknown:
                    raise ValueError(f"workflow {key}: action {t.action} names unknown statuses {unknown}")
            if sum(s.initial for s in statuses.values()) != 1:
                raise ValueError(f"workflow {key}: exactly one status must be initial")
            self.workflows[key] = Workflow(
                key=key, statuses=statuses, transitions=transitions,
                publicity_days=spec.get("publicity_days"), spot_check_ratio=spec.get("spot_check_ratio"),
            )
        self.regions = {
            name: RegionRules(**{k: v for k, v in (r or {}).items()}) for name, r in (raw.get("regions") or {}).items()
        }

    def check_names(self, guards: Iterable[str], effects: Iterable[str]) -> "WorkflowCatalog":
        """Every guard and effect the data names must exist in code (the engine checks, once, with steps.py's)."""
        guards, effects = set(guards), set(effects)
        for wf in self.workflows.values():
            for t in wf.transitions.values():
                missing = (set(t.guards) - guards) | (set(t.effects) - effects)
                if missing:
                    raise ValueError(f"workflow {wf.key}: action {t.action} names unknown guards/effects {missing}")
        return self

    @classmethod
    def from_file(cls, path: Path = DATA_FILE) -> "WorkflowCatalog":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    @staticmethod
    def key_for(assistance_type: str, subtype: str | None) -> str:
        return f"{assistance_type}/{subtype}" if subtype else assistance_type

    def for_application(self, app: Application) -> Workflow:
        return self.get(app.assistance_type, app.subtype)

    def get(self, assistance_type: str, subtype: str | None) -> Workflow:
        key = self.key_for(assistance_type, subtype)
        if key not in self.workflows:
            raise Conflict(f"暂不支持在线办理“{key}”，请到街道（乡镇）社会救助窗口申请。", code="unsupported_type")
        return self.workflows[key]

    def event_label(self, action: str, data: dict[str, Any] | None = None) -> str:
        """A timeline entry's label: "申请人要求更正", or, asked by her helper, "帮办人（李敏）要求更正"."""
        label = self.action_labels.get(action, action)
        asked_by = (data or {}).get(ASKED_BY)
        if isinstance(asked_by, str) and asked_by and label.startswith("申请人"):
            return asked_by + label.removeprefix("申请人")
        return label

    def region(self, name: str) -> RegionRules:
        return self.regions.get(name, RegionRules())

    def case_limit(self, region: RegionRules) -> int:
        """The whole procedure's time limit in working days from acceptance: the region's, else the national one."""
        if region.case_limit_workdays:
            return region.case_limit_workdays
        return self.case_limits["delegated_workdays"] if region.review_delegated else self.case_limits["workdays"]

    @property
    def paying_statuses(self) -> frozenset[str]:
        """Statuses, across every type, whose recipients the monthly payment run pays."""
        return frozenset(s.key for wf in self.workflows.values() for s in wf.statuses.values() if s.pays)


@lru_cache
def get_catalog() -> WorkflowCatalog:
    return WorkflowCatalog.from_file()
