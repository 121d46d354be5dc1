"""Economic check (信息核对): one adapter per data source, behind one interface.

The real adapters call the provincial and national exchange platforms; none is reachable from here,
so `SimulatedSource` answers for every source with realistic, stable values derived from the person,
for demonstration and tests. A deployment replaces `build_sources()`.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

SOURCES = ("户籍", "社保", "不动产", "车辆", "公积金", "银行存款", "证券", "婚姻", "工商")


@dataclass(frozen=True)
class PersonRef:
    person_id: int
    name: str
    lookup_hash: str  # keyed hash of the ID number: sources are queried by it, never by the number in logs


@dataclass
class SourceResult:
    source: str
    findings: dict[str, str | int | float] = field(default_factory=dict)
    monthly_income: float = 0.0  # income this source shows (社保 pensions and wages, 工商 business income)
    financial_assets: float = 0.0  # savings and securities
    homes: int = 0
    vehicles: int = 0


class DataSource(Protocol):
    name: str

    def query(self, person: PersonRef) -> SourceResult: ...


class SimulatedSource:
    def __init__(self, name: str):
        self.name = name

    def _n(self, person: PersonRef, salt: str, modulo: int) -> int:
        return int(hashlib.sha256(f"{self.name}:{salt}:{person.lookup_hash}".encode()).hexdigest()[:8], 16) % modulo

    def query(self, person: PersonRef) -> SourceResult:
        r = SourceResult(self.name)
        match self.name:
            case "户籍":
                r.findings = {"户籍状态": "正常", "与申报一致": "是"}
            case "社保":
                pension = [0, 0, 180, 180, 1650][self._n(person, "pension", 5)]
                wage = [0, 0, 0, 2300][self._n(person, "wage", 4)]
                r.findings = {"养老金（元/月）": pension, "在职缴费工资（元/月）": wage}
                r.monthly_income = float(wage + (pension if pension != 180 else 0))  # 城乡居民基础养老金 is not income
            case "不动产":
                r.homes = [0, 1, 1, 1, 2][self._n(person, "homes", 5)]
                r.findings = {"住房（套）": r.homes}
            case "车辆":
                r.vehicles = [0, 0, 0, 1][self._n(person, "cars", 4)]
                r.findings = {"机动车（辆）": r.vehicles}
            case "公积金":
                r.findings = {"公积金余额（元）": [0, 0, 3200, 15800][self._n(person, "fund", 4)]}
            case "银行存款":
                r.financial_assets = float([800, 2100, 5600, 26000][self._n(person, "bank", 4)])
                r.findings = {"存款余额（元）": r.financial_assets}
            case "证券":
                value = [0, 0, 0, 12000][self._n(person, "stock", 4)]
                r.financial_assets = float(value)
                r.findings = {"证券市值（元）": value}
            case "婚姻":
                r.findings = {"婚姻状况": ["已婚", "丧偶", "离异", "未婚"][self._n(person, "marriage", 4)]}
            case "工商":
                business = self._n(person, "biz", 10) == 0
                r.monthly_income = 3000.0 if business else 0.0
                r.findings = {"登记个体工商户": "有" if business else "无"}
        return r


def build_sources() -> list[DataSource]:
    return [SimulatedSource(name) for name in SOURCES]
