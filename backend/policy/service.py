"""Policy answers: type × aspect × region. The prose is `data/catalogue.yaml`; every figure in it comes
from the region's file read by `backend.eligibility.standards`, the same one the pre-check uses."""

import re
from dataclasses import dataclass
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
from backend.eligibility.service import get_rules
from backend.policy import aspects, house, needs, together, visits
from backend.policy.privacy import TOPIC as PRIVACY, get_privacy
from backend.policy.terms import ASKS_COUNTED, get_glossary
from backend.policy.schemas import (
    DEFAULT_ASPECT, DEFAULT_TYPE, Aspect, AssistanceType, EmergencyOut, FilingTypeOut, OfferOut, PolicyAnswer,
)
from backend.eligibility.standards import Region, StandardsCatalogue, StandardVersion
from backend.regions import service as areas
from backend.regions.gazetteer import get_gazetteer
from backend.regions.offices import Office

CATALOGUE = Path(__file__).with_name("data") / "catalogue.yaml"


def _tidy(text: str) -> str:
    """Folded YAML leaves a space at each line break; Chinese does not want one after punctuation."""
    return re.sub(r"(?<=[，。；：、）])\s+", "", text.strip())


def _figures(region: Region, std: StandardVersion) -> dict:
    """What the templates may quote besides `std`: the 低保边缘 factor and lines and the asset limits, computed by
    eligibility (the same numbers the pre-check uses)."""
    return {
        "edge_factor": region.limits.edge_factor,
        "edge": {"urban": region.edge_line(std, rural=False), "rural": region.edge_line(std, rural=True)},
        "limits": region.limits,
        "assets": {"urban": region.financial_assets_limit(std, rural=False),
                   "rural": region.financial_assets_limit(std, rural=True)},
        # 临时救助's cap where the region's file holds a published rule; None: set case by case, no figure said.
        "relief_cap": {"urban": region.relief_cap(std, rural=False), "rural": region.relief_cap(std, rural=True)}
        if region.relief else None,
    }


@dataclass(frozen=True)
class Unserved:
    """A real place a person named that has no local figures here, and who answers for it."""
    name: str
    office: Office


def _unserved(name: str, codes: list[str]) -> Unserved:
    """One place: its full name and office; several of that name (鼓楼, 朝阳): the name as said and the hotline."""
    if len(codes) == 1:
        return Unserved(get_gazetteer().full_name(codes[0]), areas.office_for(codes[0]))
    return Unserved(name, areas.office_for(None))


def _city_named_in(said: str) -> Unserved | None:
    """A 省 or 市 named inside a sentence ("成都低保标准是多少"), the longest name first. Only these levels:
    a county's or street's name inside a sentence is too often part of something else (秀英, 光明)."""
    g = get_gazetteer()
    for size in range(min(len(said), 9), 1, -1):
        for i in range(len(said) - size + 1):
            name = said[i:i + size]
            codes = [c for c in g.admin_names.get(name, ()) if g.places[c].level in ("province", "city")]
            if codes:
                return _unserved(name, codes)
    return None


def _place_answering_to(name: str) -> Unserved | None:
    """A place named on its own ("成都", "成华区", "我在北京"), through the areas service."""
    exact = [f for f in areas.search(name) if f.match == "exact"]
    if not exact:
        return None
    return _unserved(name.strip(), [f.place.code for f in exact])


# "他有个儿子在广东": where a relative lives or works is not where the question is about.
ELSEWHERE = re.compile(r"(儿子|女儿|子女|孩子|娃儿?|伢|老伴儿?|老公|媳妇|孙子|孙女|哥哥|姐姐|弟弟|妹妹|亲戚|女婿|儿媳)"
                       r"(?:在|去了?|到|跑|跑到)[^\s，,。；;！!？?]{1,12}")


def locate(catalogue: StandardsCatalogue, *, region_name: str | None, said: str | None,
           area_code: str | None = None) -> Region | Unserved | None:
    """Where the question is about. A place named in this message (`said`) wins over the region the conversation
    held, and that over the person's street (`area_code`); a place without data here is an `Unserved`, never the
    figures of another region."""
    if said:
        cleaned = ELSEWHERE.sub(" ", said)
        if region_name and region_name in said and region_name not in cleaned:
            region_name = None  # the NLU's place was the son's ("儿子在广东")
        said = cleaned
        if region_name and region_name in said:
            # The place the NLU found in this very message: as before, it is the one asked about.
            found = catalogue.resolve(region_name) or _place_answering_to(region_name)
            if found is not None:
                return found
        named = catalogue.resolve(said) or _city_named_in(said)
        if named is not None:
            return named
    if region_name:
        return catalogue.resolve(region_name) or _place_answering_to(region_name)
    if area_code and areas.known(area_code):
        served = areas.standards_region(area_code)
        return catalogue.resolve(served) if served else _unserved(area_code, [area_code])
    return None


def _office_of(region: Region, office: Office | None) -> Office:
    """The person's street office when known, else whoever answers for the region (its office or the hotline)."""
    return office or areas.office_for(areas.area_code_of(region.key))


@lru_cache
def policy_texts() -> dict:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def _with_window(entry: dict, text: str, office: Office | None) -> str:
    """Types not filed online end with where to apply (the person's street office when known) and a person."""
    return f"{text}\n{render_text('policy/window.txt.j2', office=office)}" if entry.get("at_window") else text


def _income_kind_asked(said: str | None) -> str | None:
    """"退休金算不算收入": the rules' answer for the kind named, with the lists it comes from; None otherwise."""
    if not said or not ASKS_COUNTED.search(said):
        return None
    rules = get_rules()
    kind = rules.income_kind(said)
    if kind == said.strip():
        return None  # no kind named
    income = rules.raw["income"]
    return render_text("policy/income_kind.txt.j2", kind=kind, counted=rules.counts(kind), deductible=rules.deducts(kind),
                       excluded=income["excluded_kinds"], deductible_kinds=income["deductible_kinds"])


RELIEF, MONEY = "临时救助", "标准"  # a need's amount question ("好多钱嘛 能不能够交三千押金") is 临时救助's amount
MEANING = "是什么"  # the catalogue's entry saying what a type is ("临时救助是啥子")
# "临时救助是啥子", "啥叫低保": the type's name right before (or after) the question, nothing else asked.
ASKS_WHAT = r"(?:到底|究竟|又)?(?:是个?|是一个)?(?:啥子?|什么|哪样|么子)(?:意思|东西|救助)?|(?:是)?(?:啥子?|什么|哪样)意思|是干啥|是干什么"
ENDING = r"[呀啊哦嘛呢哈吗嗦喃？?。！!，,\s]*$"
BEFORE = r"^(?:请问|那|那个|你说的|这个|啥子|你们说的)*"


def _type_words() -> list[tuple[str, str]]:
    """(word, type) for every way the catalogue names a type, the longest word first."""
    pairs = [(w, t) for t, entry in policy_texts().items() for w in (entry.get(MEANING) or {}).get("words", ())]
    return sorted(pairs, key=lambda p: -len(p[0]))


def types_named(said: str | None) -> list[str]:
    """The types a question names, each word taken once (低保边缘 is not also 低保)."""
    text, found = re.sub(r"\s+", "", said or ""), []
    for word, kind in _type_words():
        if word in text:
            text = text.replace(word, " ")
            found.append(kind)
    return list(dict.fromkeys(found))


def _type_asked_what(said: str | None) -> str | None:
    """"临时救助是啥子", "什么叫低保": the type whose meaning is asked; None for "临时救助的条件是什么"."""
    text = re.sub(r"\s+", "", said or "")
    for word, kind in _type_words():
        w = re.escape(word)
        if re.search(f"{BEFORE}{w}(?:{ASKS_WHAT}){ENDING}", text) or \
                re.search(f"{BEFORE}(?:什么是|什么叫|啥叫|啥子叫|啥子是)(?:个)?{w}{ENDING}", text):
            return kind
    return None


def answer(
    catalogue: StandardsCatalogue, *, assistance_type: str, aspect: str, region_name: str | None, on: date,
    office: Office | None = None, said: str | None = None, area_code: str | None = None,
) -> PolicyAnswer:
    known = [r.key for r in catalogue.regions]
    base = {"assistance_type": assistance_type, "aspect": aspect, "known_regions": known}
    private = get_privacy().answer(said)
    if private is not None:
        # "委托书照片哪些人看得到" (read as a question about 材料): who sees her data, how long it is kept, her rights.
        return PolicyAnswer(answer=private, term=PRIVACY, **base)
    urgent = needs.answer(said, office or areas.office_for(area_code))
    if urgent is not None:
        # "今晚住哪点 娃儿还小": where to sleep (or eat) tonight, and whom to call now — before any rule. "好多钱嘛 能不能够交
        # 三千押金": how much 临时救助 gives too (a need is met by it), from the same answer as "临时救助能给好多钱".
        if MONEY in aspects.asked(said):
            amount = _aspect(catalogue, assistance_type=RELIEF, aspect=MONEY, region_name=region_name, on=on,
                             office=office, said=said, area_code=area_code)
            urgent = "\n".join(filter(None, (urgent, amount.answer or amount.national)))
        return PolicyAnswer(answer=urgent, term=needs.TOPIC, **base)
    visit = visits.answer(said, assistance_type)
    if visit is not None:
        # "入户核查啥时候来": when the visit comes, from the procedure's time limits (a case's own: its progress).
        return PolicyAnswer(answer=visit, term=visits.TERM, **base)
    both = together.answer(said)
    if both is not None:
        # "低保和特困能一起拿不": whether the two go together, never one type's amount; the pre-check offered after.
        return PolicyAnswer(answer=both, term=together.TOPIC, **{**base, "offer_precheck": True})
    repair = house.answer(said, office)
    if repair is not None:
        # "修房子有没得补助" (after a 急难 report too): what helps repair a house, by how it was damaged, and where to apply.
        return PolicyAnswer(answer=repair, term=house.TOPIC, **base)
    term = get_glossary().meaning(said)
    if term is not None:
        # "受理是啥子意思": what the word means, whatever type or aspect the question was read as.
        return PolicyAnswer(answer=term.text, term=term.key, **base)
    kind = _income_kind_asked(said)
    if kind is not None:
        return PolicyAnswer(answer=kind, term="收入种类", **base)
    asked = _type_asked_what(said)
    if asked is not None:
        # "临时救助是啥子": what the type is, for whom — not its amount.
        text = _tidy(policy_texts()[asked][MEANING]["text"])
        return PolicyAnswer(answer=text, term=asked, **{**base, "assistance_type": asked, "aspect": MEANING})
    named = types_named(said)
    if assistance_type not in named and len(named) == 1:
        # "急难的能给好多钱" came as the default type: the type the question names is the one asked about.
        assistance_type = base["assistance_type"] = named[0]
    # "临时救助能给好多钱嘛 好久能拿到": every aspect the question names, in one answer (the NLU read one of them).
    asked_aspects = [a for a in aspects.asked(said) if a in (policy_texts().get(assistance_type) or {})]
    wanted = asked_aspects if len(asked_aspects) > 1 else [aspect]
    parts = [_aspect(catalogue, assistance_type=assistance_type, aspect=a, region_name=region_name, on=on, office=office,
                     said=said, area_code=area_code) for a in wanted]
    return parts[0] if len(parts) == 1 else _joined(parts)


def _joined(parts: list[PolicyAnswer]) -> PolicyAnswer:
    """Several aspects' answers as one. Where one needs the place, all of them go as the national rule said first."""
    first = parts[0]
    if any(p.needs_region for p in parts):
        national = "\n".join(filter(None, (p.national if p.needs_region else p.answer for p in parts)))
        return first.model_copy(update={"answer": None, "needs_region": True, "national": national or None})
    return first.model_copy(update={
        "answer": "\n".join(filter(None, (p.answer for p in parts))), "aspect": "、".join(p.aspect for p in parts),
        "region": next((p.region for p in parts if p.region), None), "place": next((p.place for p in parts if p.place), None),
        "offer_precheck": any(p.offer_precheck for p in parts)})


def _aspect(
    catalogue: StandardsCatalogue, *, assistance_type: str, aspect: str, region_name: str | None, on: date,
    office: Office | None, said: str | None, area_code: str | None,
) -> PolicyAnswer:
    """One type's answer on one aspect, for the place asked about."""
    known = [r.key for r in catalogue.regions]
    base = {"assistance_type": assistance_type, "aspect": aspect, "known_regions": known}
    entry = (policy_texts().get(assistance_type) or {}).get(aspect)
    if entry is None:
        text = render_text("policy/not_yet.txt.j2", assistance_type=assistance_type, aspect=aspect)
        return PolicyAnswer(answer=text, **base)
    base["offer_precheck"] = bool(entry.get("precheck"))
    if not entry.get("needs_region"):
        text = _tidy(text_env().from_string(entry["text"]).render())
        return PolicyAnswer(answer=_with_window(entry, text, office), **base)
    where = locate(catalogue, region_name=region_name, said=said, area_code=area_code)
    if where is None:
        national = _tidy(entry["national"]) if entry.get("national") else None
        return PolicyAnswer(answer=None, needs_region=True, national=national, **base)
    if isinstance(where, Unserved):
        text = render_text("policy/no_local_data.txt.j2", place=where.name, assistance_type=assistance_type,
                           aspect=aspect, known=known, national=_tidy(entry["national"]), office=where.office)
        return PolicyAnswer(answer=text, place=where.name, **base)
    region = where
    std = catalogue.in_force(region, on)
    if std is None:
        raise NotFound(f"{region.full_name}在{say.full_date(on)}还没有可用的标准数据。", code="no_standard")
    effective = std.effective_label or (say.full_date(std.effective_from) if std.effective_from else None)
    context = {"region": region, "std": std, "national": _tidy(entry["national"]), "office": _office_of(region, office),
               **_figures(region, std)}
    if "text" in entry:
        text = _tidy(text_env().from_string(entry["text"]).render(**context))
        return PolicyAnswer(answer=_with_window(entry, text, office), region=region.key, **base)
    text = render_text(entry["template"], assistance_type=assistance_type, effective=effective, **context)
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
        privacy_cue=get_privacy().cue,
    )
