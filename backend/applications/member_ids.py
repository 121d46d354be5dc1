"""A household member's ID number added after filing (身份证号待补).

A member whose ID card is not at hand is filed by name (schemas.MemberIn without `id_number`): counted in the household
and its income per head all the same, shown to the caseworker as "身份证号待补", and pending on the 核对授权书 until the
number comes (people.service.require_id_number). The number is added here — by the applicant or her helper (the chat,
POST /applications/{number}/members/{person_id}/id-number) or by staff of the case's district (the case page) —
checked by its check digit, kept as every ID number is (people.service.give_id_number: keyed hash, encrypted, masked)
and audited. A number already on record is that person: the member becomes that person (the name must be theirs), never
someone already in the household, and never someone in another open case of this type."""

from sqlalchemy.orm import Session

from backend.applications.access import workflow_roles
from backend.applications.labour import labour_ability
from backend.applications.schemas import MemberIn
from backend.applications.service import get_by_number, none_open, still_open
from backend.audit.service import record as audit
from backend.auth.actor import Actor
from backend.core import clock
from backend.core.errors import AppError, Conflict, Forbidden, NotFound
from backend.households.models import HouseholdMember
from backend.households.service import people_of
from backend.people.service import give_id_number

# Who adds a member's number: the applicant (or a helper filing for her), the caseworker or the reviewer of the district.
ADDS = {"applicant", "caseworker", "reviewer"}


class DuplicateMember(AppError):
    status_code = 422
    code = "duplicate_member"


def add_member_id(session: Session, actor: Actor, number: str, person_id: int, id_number: str, *,
                  relation: str | None = None) -> HouseholdMember:
    """The ID number (and, when said, the relation) of a member filed without one; the member as now recorded."""
    app = get_by_number(session, number)
    if not workflow_roles(session, actor, app) & ADDS:  # strangers and other districts: 404 there
        raise Forbidden("补身份证号要由申请人、受托帮办人或本辖区工作人员来办。", code="not_allowed")
    member = next((m for m in app.household.members if m.person_id == person_id), None)
    if member is None:
        raise NotFound("这个人不在这件申请的家庭成员里。")
    pending = member.person
    if not pending.id_pending:
        raise Conflict(f"{pending.name}的身份证号已经登记了。要改请联系街道（乡镇）工作人员。", code="id_number_known")
    if not still_open(app):
        raise Conflict("这件申请已经办结了，不能再补。有需要请联系街道（乡镇）工作人员。", code="application_closed")
    person = give_id_number(session, pending, id_number, who=f"{pending.name}的")
    if person.id != pending.id:
        # On record already (another application named her): the member is that person, once in the household.
        if person.id in {p.id for p in people_of(session, app.household_id)}:
            raise DuplicateMember(f"这个身份证号是这户里{person.name}的，请核对{pending.name}的号码。")
        none_open(session, [person], app.assistance_type, app.subtype)
        member.person_id, member.person = person.id, person
    if relation:
        member.relation = relation
    member.birth_year_said = None  # the number says her age now
    if member.labour_ability_basis is not None:  # derived, not declared: derived again from the number's birth date
        facts = MemberIn.model_construct(name=person.name, relation=member.relation, labour_ability=None,
                                         disability_grade=member.disability_grade, disability_kind=member.disability_kind,
                                         serious_illness=member.serious_illness)
        member.labour_ability, member.labour_ability_basis = labour_ability(facts, person.birth_date, clock.today())
    session.flush()
    audit(session, actor=actor.label, channel=actor.channel, action="application.add_member_id", entity_type="application",
          entity_id=app.number, detail={"person": person.id, "id_masked": person.id_masked,
                                        **({"filed_as": pending.id} if person.id != pending.id else {}),
                                        **({"relation": relation} if relation else {})})
    return member
