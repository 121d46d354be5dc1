"""Policy answers: type × aspect × region. The prose is `data/catalogue.yaml`; every figure in it comes
from the region's file read by `backend.eligibility.standards`, the same one the pre-check uses."""

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from backend.core.errors import NotFound
from backend.core import say
from backend.core.templates import render_text, text_env
from typing import get_args

from backend.applications.schemas import DEFAULT_SUBTYPES, EMERGENCY
from backend.applications.workflow import WorkflowCatalog
from backend.policy.schemas import (
    DEFAULT_ASPECT, DEFAULT_TYPE, Aspect, AssistanceType, EmergencyOut, FilingTypeOut, OfferOut, PolicyAnswer,
)
from backend.eligibility.standards import Region, StandardsCatalogue, StandardVersion
from backend.regions.offices import Office

CATALOGUE = Path(__file__).with_name("data") / "catalogue.yaml"


def _tidy(text: str) -> str:
    """Folded YAML leaves a space at each line break; Chinese does not want one after punctuation."""
    return re.sub(r"(?<=[，。；：、）])\s+", "", text.strip())


def _figures(region: Region, std: StandardVersion) -> dict:
    """What the templates may quote besides `std`: the 低保边缘 factor and lines, computed by eligibility."""
    return {
        "edge_factor": region.limits.edge_factor,
        "edge": {"urban": region.edge_line(std, rural=False), "rural": region.edge_line(std, rural=True)},
    }


@lru_cache
def policy_texts() -> dict:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def _with_window(entry: dict, text: str, office: Office | None) -> str:
    """Types not filed online end with where to apply (the person's street office when known) and a person."""
    return f"{text}\n{render_text('policy/window.txt.j2', office=office)}" if entry.get("at_window") else text


def answer(
    catalogue: StandardsCatalogue, *, assistance_type: str, aspect: str, region_name: str | None, on: date,
    office: Office | None = None,
) -> PolicyAnswer:
    known = [r.key for r in catalogue.regions]
    base = {"assistance_type": assistance_type, "aspect": aspect, "known_regions": known}
    entry = (policy_texts().get(assistance_type) or {}).get(aspect)
    if entry is None:
        text = render_text("policy/not_yet.txt.j2", assistance_type=assistance_type, aspect=aspect)
        return PolicyAnswer(answer=text, **base)
    if not entry.get("needs_region"):
        text = _tidy(text_env().from_string(entry["text"]).render())
        return PolicyAnswer(answer=_with_window(entry, text, office), **base)
    region = catalogue.resolve(region_name)
    if region is None:
        return PolicyAnswer(answer=None, needs_region=True, **base)
    std = catalogue.in_force(region, on)
    if std is None:
        raise NotFound(f"{region.full_name}在{say.full_date(on)}还没有可用的标准数据。", code="no_standard")
    effective = std.effective_label or (say.full_date(std.effective_from) if std.effective_from else None)
    if "text" in entry:
        text = _tidy(text_env().from_string(entry["text"]).render(region=region, std=std, **_figures(region, std)))
        return PolicyAnswer(answer=_with_window(entry, text, office), region=region.key, **base)
    text = render_text(
        entry["template"],
        assistance_type=assistance_type,
        region=region,
        std=std,
        effective=effective,
        **_figures(region, std),
    )
    return PolicyAnswer(answer=text, region=region.key, **base)


def offer(catalogue: StandardsCatalogue, workflows: WorkflowCatalog, *, region_name: str | None) -> OfferOut:
    """The regions, the types answered and filed online (from workflows.yaml) and every default."""
    filing: dict[str, list[str]] = {}
    for key in workflows.workflows:
        kind, _, subtype = key.partition("/")
        filing.setdefault(kind, []).extend([subtype] if subtype else [])
    region = catalogue.resolve(region_name) or catalogue.default
    return OfferOut(
        region=region.key, default_region=catalogue.default.key, regions=[r.key for r in catalogue.regions],
        question_types=list(get_args(AssistanceType)), aspects=list(get_args(Aspect)),
        default_type=DEFAULT_TYPE, default_aspect=DEFAULT_ASPECT,
        filing_types=[FilingTypeOut(assistance_type=k, subtypes=v, default_subtype=DEFAULT_SUBTYPES.get(k))
                      for k, v in filing.items()],
        emergency=EmergencyOut(assistance_type=EMERGENCY[0], subtype=EMERGENCY[1]),
    )
