"""Labour ability when nobody declared it (the chat never asks it): derived at filing from the birth date in the ID
number and the disability or serious illness declared, and marked as derived, so a caseworker knows it was not
declared. The rule is the eligibility rules' (rules.yaml `special_hardship`, domain.md §5): no labour ability at 60
or over, under 16, or with a 1–3级 intellectual/mental, 1–2级 physical or 1级 visual disability. Another disability
or a serious illness is a partial loss, for the caseworker to confirm. A declared ability is kept as declared."""

from datetime import date

from backend.applications.schemas import MemberIn
from backend.core.idnumber import age_on
from backend.eligibility.service import MemberFacts, get_rules


def labour_ability(m: MemberIn, born: date | None, on: date, *, age_said: bool = False) -> tuple[str, str | None]:
    """(full | partial | none, why when derived: "按年龄推定：83岁，已满60周岁"); the reason is None when declared.
    `born`: the ID number's birth date, or (`age_said`) the year said for a member whose number is to come."""
    if m.labour_ability is not None:
        return m.labour_ability, None
    rules = get_rules()
    said = SAID_AGE if age_said else ""
    by_age = rules.lacks_labour_ability(MemberFacts(m.name, m.relation or "", birth_date=born), on)
    if by_age is not None:
        return "none", f"按年龄推定：{by_age}{said}"
    by_disability = rules.lacks_labour_ability(MemberFacts(m.name, m.relation or "", disability_grade=m.disability_grade,
                                                           disability_kind=m.disability_kind), on)
    if by_disability is not None:
        return "none", f"按残疾等级推定：{by_disability}"
    if m.disability_grade is not None:
        return "partial", f"按残疾推定：{m.disability_kind or ''}残疾{m.disability_grade}级，请核实"
    if m.serious_illness:
        return "partial", "按重病推定，请核实"
    if born is None:
        return "full", "没有申报，请核实"
    return "full", f"按年龄推定：{age_on(born, on)}岁{said}"


SAID_AGE = "（年龄是申请时说的，身份证号待补，请核实）"
