"""Policy answers: type × aspect × region, always computed from the data files, never hard-coded."""

from datetime import date

from backend.core.errors import NotFound
from backend.core.templates import cn_date, render_text
from backend.policy.schemas import PolicyAnswer
from backend.policy.standards import StandardsCatalogue

# 低保边缘 income line as a multiple of the 低保 standard (some cities use 2).
EDGE_FACTOR = 1.5
REGION_DEPENDENT_ASPECTS = {"标准"}


def answer(
    catalogue: StandardsCatalogue, *, assistance_type: str, aspect: str, region_name: str | None, on: date
) -> PolicyAnswer:
    known = [r.key for r in catalogue.regions]
    base = {"assistance_type": assistance_type, "aspect": aspect, "known_regions": known}
    if aspect not in REGION_DEPENDENT_ASPECTS or assistance_type not in {"低保", "特困", "低保边缘"}:
        text = render_text("policy/not_yet.txt.j2", assistance_type=assistance_type, aspect=aspect)
        return PolicyAnswer(answer=text, **base)
    region = catalogue.resolve(region_name)
    if region is None:
        return PolicyAnswer(answer=None, needs_region=True, **base)
    std = catalogue.in_force(region, on)
    if std is None:
        raise NotFound(f"{region.full_name}在{cn_date(on)}还没有可用的标准数据。", code="no_standard")
    effective = std.effective_label or (cn_date(std.effective_from) if std.effective_from else None)
    text = render_text(
        "policy/standard.txt.j2",
        assistance_type=assistance_type,
        region=region,
        std=std,
        effective=effective,
        edge_factor=EDGE_FACTOR,
    )
    return PolicyAnswer(answer=text, region=region.key, **base)
