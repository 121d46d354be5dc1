"""The household (共同生活的家庭成员), its income, deductions and assets, and obligors living elsewhere."""

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base
from backend.core.types import Timestamp
from backend.people.models import Person


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    # Rural or urban standard applies (农村/城市低保).
    is_rural: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Timestamp]

    members: Mapped[list["HouseholdMember"]] = relationship(back_populates="household", order_by="HouseholdMember.id")
    assets: Mapped[list["Asset"]] = relationship(order_by="Asset.id")
    obligors: Mapped[list["Obligor"]] = relationship(order_by="Obligor.id")


class HouseholdMember(Base):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))  # 本人, 配偶, 子女, 父母, 孙子女, 兄弟姐妹, 其他
    is_applicant: Mapped[bool] = mapped_column(Boolean, default=False)
    labour_ability: Mapped[str] = mapped_column(String(16), default="full")  # full | partial | none
    # Why, when nobody declared it: derived at filing ("按年龄推定（83岁，已满60周岁）"); None: as declared.
    labour_ability_basis: Mapped[str | None] = mapped_column(String(64))
    # Illness or disability as said in the chat (her words, not verified), shown on the member's row.
    health_said: Mapped[str | None] = mapped_column(String(100))
    disability_grade: Mapped[int | None] = mapped_column(Integer)  # 1..4
    disability_kind: Mapped[str | None] = mapped_column(String(8))  # 肢体 视力 听力 言语 智力 精神 多重
    serious_illness: Mapped[bool] = mapped_column(Boolean, default=False)
    # Of the 6 daily activities (eating, dressing, bed, toilet, walking indoors, bathing), how many are lost.
    self_care_lost: Mapped[int] = mapped_column(Integer, default=0)
    # Not counted: serving a sentence, compulsory rehabilitation, missing, clergy away 3+ years.
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    excluded_reason: Mapped[str | None] = mapped_column(String(64))
    # The birth year said for a member whose ID number is to come (身份证号待补): her age until the number says it.
    birth_year_said: Mapped[int | None] = mapped_column(Integer)

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()
    incomes: Mapped[list["IncomeItem"]] = relationship(order_by="IncomeItem.id")
    deductions: Mapped[list["Deduction"]] = relationship(order_by="Deduction.id")

    @property
    def birth_date(self) -> date | None:
        """The ID number's birth date; for a member whose number is to come, the middle of the year said."""
        return self.person.birth_date or said_birth_date(self.birth_year_said)


def said_birth_date(year: int | None) -> date | None:
    """A birth year said (no ID number yet) as a date the age rules can read: the middle of that year."""
    return date(year, 7, 1) if year else None


class IncomeItem(Base):
    __tablename__ = "income_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("household_members.id"), index=True)
    category: Mapped[str] = mapped_column(String(8))  # 工资性 经营净 财产净 转移净
    kind: Mapped[str] = mapped_column(String(32))  # e.g. 工资, 优抚金, 奖学金, 城乡居民基础养老金
    monthly_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class Deduction(Base):
    __tablename__ = "income_deductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("household_members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # 重病刚性支出, 残疾康复支出, 必要就业成本
    monthly_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class Asset(Base):
    __tablename__ = "household_assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # 存款 证券 房产 车辆 其他
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(String(128))


class Obligor(Base):
    """赡养/抚养/扶养义务人 who does not live with the applicant."""

    __tablename__ = "obligors"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    relation: Mapped[str] = mapped_column(String(16))
    able_to_support: Mapped[bool | None] = mapped_column(Boolean)

    person: Mapped[Person] = relationship()
