"""Eligibility and amount: per-capita income against the standard in force, with reasons in Chinese.

Used by the county decision (amount = gap to the standard) and by the assistant's pre-check. Every
result carries a sentence a caseworker could read to the applicant.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from backend.core.idnumber import age_on
from backend.core.money import CENT, to_cents
from backend.core.money import yuan
from backend.core import say
from backend.eligibility.standards import StandardsCatalogue, StandardVersion, get_catalogue

RULES_FILE = Path(__file__).with_name("data") / "rules.yaml"


@dataclass
class IncomeLine:
    kind: str
    monthly_amount: Decimal


@dataclass
class MemberFacts:
    name: str
    relation: str
    birth_date: date | None = None
    labour_ability: str = "full"  # full | partial | none
    disability_grade: int | None = None
    disability_kind: str | None = None
    serious_illness: bool = False
    counted: bool = True
    is_applicant: bool = False
    incomes: list[IncomeLine] = field(default_factory=list)
    deductions: list[IncomeLine] = field(default_factory=list)


@dataclass
class HouseholdFacts:
    region: str
    is_rural: bool
    members: list[MemberFacts]
    assets: list[tuple[str, Decimal]] = field(default_factory=list)  # (kind, value)
    obligors_able_to_support: int = 0


@dataclass
class TypeResult:
    assistance_type: str
    eligible: bool
    reason: str
    monthly_amount: Decimal | None = None
    # The same result in plain words for the applicant, said first in the chat ("按您说的，每月1100元，比低保标准770元高…").
    plain: str | None = None


@dataclass
class Assessment:
    on: date
    household_size: int
    monthly_income: Decimal
    per_capita_income: Decimal
    standard: Decimal | None
    standard_source: str | None
    results: list[TypeResult]

    def result(self, assistance_type: str) -> TypeResult | None:
        return next((r for r in self.results if r.assistance_type == assistance_type), None)


class EligibilityRules:
    def __init__(self, raw: dict, catalogue: StandardsCatalogue):
        self.raw = raw
        self.catalogue = catalogue
        self.excluded = set(raw["income"]["excluded_kinds"])
        self.deductible = set(raw["income"]["deductible_kinds"])
        names = raw["income"].get("names") or {}
        # name → kind, longest first: the one reading of what a person calls an income.
        self._names = sorted(((n, kind) for kind, ns in names.items() for n in [kind, *ns]), key=lambda x: -len(x[0]))

    @classmethod
    def from_file(cls, path: Path = RULES_FILE, catalogue: StandardsCatalogue | None = None) -> "EligibilityRules":
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")), catalogue or get_catalogue())

    def income_kind(self, said: str) -> str:
        """The kind an income line is ("养老金", "每月100多块养老金" → 城乡居民基础养老金); unknown: as said."""
        said = (said or "").strip()
        found = [(name, kind) for name, kind in self._names if name in said]
        if not found:
            return said
        # "退休金不就是养老金嘛": of names as long as the longest, a counted kind wins (never a promise of money
        # on a pension that counts).
        longest = max(len(name) for name, _ in found)
        kinds = [kind for name, kind in found if len(name) == longest]
        return next((k for k in kinds if k not in self.excluded), kinds[0])

    def counts(self, kind: str) -> bool:
        """Whether an income of this kind (or so called) counts towards household income."""
        return self.income_kind(kind) not in self.excluded

    def deducts(self, kind: str) -> bool:
        return self.income_kind(kind) in self.deductible

    def illness_named(self, said: str) -> tuple[list[str], list[str]]:
        """(serious, chronic): the illnesses of rules.yaml `illness` named in what was said, in the order said ("有高血压
        老伴中风了" → (["中风"], ["高血压"])); a word inside a longer one of the lists is that one's ("偏瘫", not "瘫")."""
        lists = self.raw.get("illness") or {}
        words = sorted(((w, group) for group in ("serious", "chronic") for w in lists.get(group) or []), key=lambda x: -len(x[0]))
        text, found = said or "", []
        for word, group in words:
            at = text.find(word)
            while at >= 0:
                found.append((at, word, group))
                text = text[:at] + "　" * len(word) + text[at + len(word):]
                at = text.find(word)
        found.sort()
        return ([w for _, w, g in found if g == "serious"], [w for _, w, g in found if g == "chronic"])

    def member_income(self, m: MemberFacts) -> Decimal:
        counted = sum((i.monthly_amount for i in m.incomes if self.counts(i.kind)), Decimal(0))
        deducted = sum((d.monthly_amount for d in m.deductions if self.deducts(d.kind)), Decimal(0))
        return counted - deducted

    def hukou_matters(self, region_name: str, on: date) -> bool:
        """Whether urban or rural 户口 changes anything here: the region's two standards differ on that day."""
        region = self.catalogue.resolve(region_name)
        std = self.catalogue.in_force(region, on) if region else None
        return bool(std) and (std.dibao.urban != std.dibao.rural
                              or bool(std.tekun and std.tekun.urban != std.tekun.rural))

    def plausible_ceilings(self, region_name: str | None, household_size: int, on: date) -> tuple[Decimal, Decimal] | None:
        """Above these a declared monthly income and savings are asked again (rules.yaml `plausible`): the
        region's higher 低保 standard times the household, times the factors. None without a standard."""
        region = self.catalogue.resolve(region_name) or self.catalogue.default
        std = self.catalogue.in_force(region, on)
        if std is None:
            return None
        factors = self.raw["plausible"]
        per_person = max(region.dibao(std, rural=False), region.dibao(std, rural=True))
        household = per_person * max(household_size, 1)
        income = to_cents(household * Decimal(str(factors["income_times_standard"])))
        assets = to_cents(household * region.limits.financial_assets_months * Decimal(str(factors["assets_times_limit"])))
        return income, assets

    def lacks_labour_ability(self, m: MemberFacts, on: date) -> str | None:
        sh = self.raw["special_hardship"]
        if m.birth_date is not None:
            age = age_on(m.birth_date, on)
            if age >= sh["age_at_least"]:
                return f"{age}岁，已满{sh['age_at_least']}周岁"
            if age < sh["age_below"]:
                return f"{age}岁，未满{sh['age_below']}周岁"
        worst = sh["disability"].get(m.disability_kind or "")
        if m.disability_grade is not None and worst is not None and m.disability_grade <= worst:
            return f"{m.disability_kind}残疾{m.disability_grade}级"
        if m.labour_ability == "none":
            return "经认定无劳动能力"
        return None

    def assess(self, h: HouseholdFacts, on: date) -> Assessment:
        members = [m for m in h.members if m.counted]
        size = max(len(members), 1)
        income = max(sum((self.member_income(m) for m in members), Decimal(0)), Decimal(0))
        per_capita = (income / size).quantize(CENT, ROUND_HALF_UP)
        region = self.catalogue.resolve(h.region)
        std: StandardVersion | None = self.catalogue.in_force(region, on) if region else None
        if std is None:
            msg = f"暂时没有{h.region}在{say.full_date(on)}执行的标准数据，无法测算，请咨询街道（乡镇）社会救助窗口。"
            return Assessment(on, size, income, per_capita, None, None, [TypeResult("低保", False, msg)])

        # Where both standards are the same (常州), "城市" would only confuse a rural applicant.
        area = ("农村" if h.is_rural else "城市") if std.dibao.urban != std.dibao.rural else ""
        standard = region.dibao(std, rural=h.is_rural)
        limits = region.limits
        results: list[TypeResult] = []

        financial = sum((v for k, v in h.assets if k in ("存款", "证券")), Decimal(0))
        homes = sum(1 for k, _ in h.assets if k == "房产")
        asset_limit = region.financial_assets_limit(std, rural=h.is_rural, size=size)
        asset_problem = None
        if financial > asset_limit:
            asset_problem = f"家庭存款和证券共{yuan(financial)}，超过了{yuan(asset_limit)}的限额"
        elif homes > limits.max_homes:
            asset_problem = f"家庭有{homes}套住房，超过了规定"

        head = f"家庭{size}人，月人均收入{yuan(per_capita)}"
        if per_capita < standard and asset_problem is None:
            gap = (standard - per_capita).quantize(CENT, ROUND_HALF_UP)
            amount = (gap * size).quantize(CENT, ROUND_HALF_UP)
            results.append(TypeResult(
                "低保", True,
                f"{head}，低于{region.full_name}{area}低保标准{yuan(standard)}；按差额每人{yuan(gap)}，全家每月{yuan(amount)}。",
                amount, f"按您说的，{_monthly(size, per_capita)}，比低保标准{yuan(standard)}低，低保有希望，估算全家每月{yuan(amount)}。",
            ))
        else:
            why = asset_problem or f"不低于{region.full_name}{area}低保标准{yuan(standard)}"
            plain = asset_problem or (f"{_monthly(size, per_capita)}，比低保标准{yuan(standard)}高" if per_capita > standard
                                      else f"{_monthly(size, per_capita)}，跟低保标准{yuan(standard)}一样多（要比它低才行）")
            results.append(TypeResult("低保", False, f"{head}，{why}，不符合低保条件。", None, f"按您说的，{plain}，低保一般批不下来。"))

        factor, edge_line = limits.edge_factor, region.edge_line(std, rural=h.is_rural)
        if not results[0].eligible and asset_problem is None and per_capita < edge_line:
            results.append(TypeResult(
                "低保边缘", True,
                f"{head}，低于低保边缘收入线{yuan(edge_line)}（低保标准的{say.times(factor)}），可以享受医疗、教育等专项救助。",
                None, f"您这种算“低保边缘”：收入比低保标准高一点、又不到{yuan(edge_line)}的困难家庭。不发低保金，"
                      "但看病、娃儿读书这些可以申请医疗、教育等专项救助。",
            ))
        else:
            why = "已符合低保条件" if results[0].eligible else (asset_problem or f"不低于低保边缘收入线{yuan(edge_line)}")
            results.append(TypeResult("低保边缘", False, f"{why}，不按低保边缘认定。"))

        results.append(self._special_hardship(h, members, std, region.full_name, on, asset_problem))
        return Assessment(on, size, income, per_capita, standard, std.source, results)

    def _special_hardship(self, h: HouseholdFacts, members: list[MemberFacts], std: StandardVersion, place: str, on: date,
                          asset_problem: str | None = None) -> TypeResult:
        applicant = next((m for m in members if m.is_applicant), members[0] if members else None)
        if applicant is None or std.tekun is None:
            return TypeResult("特困", False, f"暂时没有{place}的特困供养标准数据，请咨询街道（乡镇）社会救助窗口。")
        basic = to_cents(std.tekun.rural if h.is_rural else std.tekun.urban)
        no_ability = self.lacks_labour_ability(applicant, on)
        own_income = self.member_income(applicant)
        if no_ability is None:
            return TypeResult("特困", False, f"{applicant.name}有劳动能力，不符合特困人员条件。")
        if own_income >= basic:
            return TypeResult("特困", False, f"{applicant.name}每月收入{yuan(own_income)}，不低于特困供养标准{yuan(basic)}。")
        if asset_problem is not None:
            # 特困人员认定办法: property must meet the local rules too (a tester's 2万 savings were ignored for 特困).
            return TypeResult("特困", False, f"{asset_problem}；特困也要看财产，不符合特困人员条件。")
        supporters = [
            m for m in members
            if m is not applicant and (self.lacks_labour_ability(m, on) is None or self.member_income(m) >= basic)
        ]
        if h.obligors_able_to_support > 0 or supporters:
            return TypeResult("特困", False, f"{applicant.name}有具备赡养（抚养、扶养）能力的义务人，不符合特困人员条件。")
        return TypeResult(
            "特困", True,
            f"{applicant.name}{no_ability}，无劳动能力、无生活来源、无有能力的义务人，可按特困供养标准每月{yuan(basic)}。",
            basic,
        )


def _monthly(size: int, per_capita: Decimal) -> str:
    """"每月1100元" for one person; "全家平均每人每月550元" for more."""
    return f"每月{yuan(per_capita)}" if size == 1 else f"全家平均每人每月{yuan(per_capita)}"


@lru_cache
def get_rules() -> EligibilityRules:
    return EligibilityRules.from_file()
