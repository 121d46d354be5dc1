"""Drafts: save, list and drop a phone's half-filled forms (models.FormDraft says why they exist); and whether
someone else is already on a person's application when a helper starts one (`others`)."""

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.applications.models import Application
from backend.applications.service import still_open
from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_citizen
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import AppError, NotFound
from backend.core.idnumber import InvalidIdNumber, parse
from backend.delegations.models import Delegation
from backend.delegations.repository import active_delegation
from backend.drafts.models import FormDraft
from backend.households.models import HouseholdMember
from backend.people.models import Person
from backend.people.service import find_named, holds_phone

FORMS = {"application": "申请"}
DRAFT_DAYS = 30
MAX_DRAFTS = 10  # per phone and form: a grid worker's patch, not a store


def mask_name(name: str | None) -> str:
    """"刘淑芬" → "刘*芬", "王芳" → "王*": enough for the owner to tell drafts apart, no more."""
    name = (name or "").strip()
    if not name:
        return "姓名未填"
    return name[0] + "*" if len(name) <= 2 else name[0] + "*" * (len(name) - 2) + name[-1]


def _subject(id_number: str | None) -> str:
    """The applicant's ID number as a lookup hash; "" when none (or not a valid one) was said."""
    if not id_number:
        return ""
    try:
        return get_vault().lookup_hash(parse(id_number).value)
    except InvalidIdNumber:
        return ""


def _purge(session: Session) -> None:
    session.execute(delete(FormDraft).where(FormDraft.expires_at <= clock.now()))


def _out(d: FormDraft, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {"id": d.id, "form": d.form, "label": d.label, "updated_at": d.updated_at,
           "updated_said": say.day(d.updated_at.astimezone(clock.CHINA).date(), weekday=False),
           "kept_until_said": say.day(d.expires_at.astimezone(clock.CHINA).date(), weekday=False)}
    if answers is not None:
        out["answers"] = answers
    return out


def save(session: Session, actor: Actor, form: str, answers: dict[str, Any], *, kind: str | None,
         applicant_name: str | None, applicant_id: str | None) -> dict[str, Any]:
    """Keep (or replace) the caller's draft of this form for this applicant. A draft saved before the ID
    number was said is replaced by the one that says it."""
    require_citizen(actor)
    _purge(session)
    subject = _subject(applicant_id)
    now = clock.now()
    mine = select(FormDraft).where(FormDraft.owner_phone_hash == actor.phone_hash, FormDraft.form == form)
    draft = session.scalar(mine.where(FormDraft.subject_hash == subject))
    if draft is None and subject:
        draft = session.scalar(mine.where(FormDraft.subject_hash == ""))  # the same form, now with the ID
    if draft is None:
        draft = FormDraft(owner_phone_hash=actor.phone_hash, form=form)
        session.add(draft)
    draft.subject_hash = subject
    draft.label = f"{kind or FORMS[form]} · {mask_name(applicant_name)}"[:64]
    draft.answers_cipher = get_vault().encrypt(json.dumps(answers, ensure_ascii=False))
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=DRAFT_DAYS)
    session.flush()
    old = list(session.scalars(mine.order_by(FormDraft.updated_at.desc(), FormDraft.id.desc()).offset(MAX_DRAFTS)))
    for d in old:
        session.delete(d)
    audit(session, actor=actor.label, channel=actor.channel, action="draft.save", entity_type="form_draft",
          entity_id=draft.id, detail={"form": form})
    return _out(draft)


def mine(session: Session, actor: Actor, form: str) -> list[dict[str, Any]]:
    """The caller's drafts of this form, newest first, with their answers; the read is audited."""
    require_citizen(actor)
    _purge(session)
    rows = list(session.scalars(select(FormDraft).where(FormDraft.owner_phone_hash == actor.phone_hash, FormDraft.form == form)
                                .order_by(FormDraft.updated_at.desc(), FormDraft.id.desc())))
    audit(session, actor=actor.label, channel=actor.channel, action="draft.read", entity_type="form_draft_list",
          entity_id=form, detail={"ids": [d.id for d in rows]})
    vault = get_vault()
    return [_out(d, json.loads(vault.decrypt(d.answers_cipher))) for d in rows]


def drop(session: Session, actor: Actor, form: str, draft_id: int) -> None:
    """Throw one of the caller's drafts away (filed, or not wanted). Another phone's draft is not found."""
    require_citizen(actor)
    draft = session.get(FormDraft, draft_id)
    if draft is None or draft.form != form or draft.owner_phone_hash != actor.phone_hash:
        raise NotFound("没有找到这份没填完的表。", code="draft_not_found")
    session.delete(draft)
    audit(session, actor=actor.label, channel=actor.channel, action="draft.drop", entity_type="form_draft",
          entity_id=draft_id, detail={"form": form})


# What a helper starting a person's application is told when someone else is already on it: no name, no number,
# no type of anyone else's; a masked phone at most, and a person to call (the office sorts out who goes on).
OTHERS_SAID = {
    "application": "{name}已经有一件申请在办了{via}，同一件事不用再交。要核实或补充，说“找工作人员”，街道（乡镇）的同志会打电话给您；"
                   "要办的是别的救助，可以接着填。",
    "draft": "{name}的申请，另一位帮办人（{phone}）那边已经有一份没填完的。为了不重复办，最好先和对方说一声；"
             "要核实的话，说“找工作人员”，街道（乡镇）的同志会打电话给您。没问题的话可以接着填。",
    # The form's own type is already in hand, filed by someone else: the form closes (actions/drafts.py).
    "filed": "{name}的这件申请已经有人交上去了{via}，同一件事不用再交，这份表就不接着填了。{progress}"
             "要核实或补充情况，说“找工作人员”，街道（乡镇）的同志会打电话给您。",
}
# How the helper follows the case filed by someone else: with the person's consent to 查进度, or not at all.
PROGRESS_SAID = {True: "想看办到哪一步，说“查进度”（您有{name}的授权）。",
                 False: "想看办到哪一步，要先有{name}本人的授权（本人签字的委托书），才能查进度。"}


def _phone_of(session: Session, phone_hash: str | None) -> str | None:
    """The masked phone of whoever holds this phone hash on record (a helper known from a delegation), if anyone."""
    if not phone_hash:
        return None
    return session.scalar(select(Person.phone_masked).where(Person.phone_hash == phone_hash, Person.phone_masked.is_not(None))
                          .limit(1))


def _open_application(session: Session, actor: Actor, person: Person, kind: str | None = None) -> Application | None:
    """An open (or paying) case with this person in its household (of this type, if one is named) that the caller did
    not file herself."""
    query = (select(Application).join(HouseholdMember, HouseholdMember.household_id == Application.household_id)
             .where(HouseholdMember.person_id == person.id).order_by(Application.id.desc()))
    rows = session.scalars(query.where(Application.assistance_type == kind) if kind else query)
    return next((a for a in rows if still_open(a) and not _filed_by(session, actor, a)), None)


def _helper(session: Session, app: Application) -> Person | None:
    """Who filed it for the person, under her delegation (None: she, or a caseworker)."""
    d = session.get(Delegation, app.delegation_id) if app.delegation_id else None
    return d.helper if d is not None else None


def _filed_by(session: Session, actor: Actor, app: Application) -> bool:
    """The caller filed it (herself, or as the helper of the delegation it was filed under)."""
    helper = _helper(session, app)
    return app.filed_by.split(" ")[0] == actor.label or (helper is not None and holds_phone(helper, actor.phone_hash))


def filed_by_another(session: Session, helper: Actor, person: Person) -> Application | None:
    """The person's open case that someone other than this helper filed, of the type of the helper's own unfinished
    form for her (any type when he has none): "继续" would only be refused."""
    kind = None
    if helper.phone_hash and person.id_hash:
        draft = session.scalar(select(FormDraft).where(FormDraft.owner_phone_hash == helper.phone_hash,
                                                       FormDraft.subject_hash == person.id_hash)
                               .order_by(FormDraft.updated_at.desc()).limit(1))
        kind = json.loads(get_vault().decrypt(draft.answers_cipher)).get("assistance_type") if draft else None
    return _open_application(session, helper, person, kind if isinstance(kind, str) else None)


def others(session: Session, actor: Actor, form: str, *, applicant_name: str, applicant_id: str,
           kind: str | None = None) -> dict[str, Any]:
    """A helper starts this person's application: is someone else already on it — an open application (the name must
    be the one on record), or another phone's draft for the same ID number? Said in OTHERS_SAID's words, with the
    other helper's phone masked at most. With `kind` (the form's type, once a filing of it was refused as already
    open): an open case of that type filed by someone else is "filed", said with how the helper may follow it (查进度
    under the person's consent, or a person to call). The check is audited (it answers for an ID number)."""
    require_citizen(actor)
    _purge(session)
    try:
        person = find_named(session, name=applicant_name, id_number=applicant_id)
    except AppError:
        person = None  # a wrong name or number is said where it is used; here it learns nothing
    name = applicant_name.strip()  # as the helper said it: nothing on record is shown
    found: dict[str, Any] = {"others": None, "said": None, "phone_masked": None}
    herself = person is not None and holds_phone(person, actor.phone_hash)  # her own case is hers to know
    app = _open_application(session, actor, person, kind) if person is not None and not herself else None
    subject = _subject(applicant_id)
    draft = session.scalar(select(FormDraft).where(FormDraft.form == form, FormDraft.subject_hash == subject,
                                                   FormDraft.owner_phone_hash != actor.phone_hash)
                           .order_by(FormDraft.updated_at.desc()).limit(1)) if subject else None
    if app is not None:
        helper = _helper(session, app)
        masked = helper.phone_masked if helper is not None else None
        via = f"（是手机{masked}帮着交的）" if masked else ""
        found = {"others": "application", "said": OTHERS_SAID["application"].format(name=name, via=via), "phone_masked": masked}
        if kind:
            follows = active_delegation(session, principal_person_id=person.id, helper_phone_hash=actor.phone_hash or "",
                                        scope="query") is not None
            said = OTHERS_SAID["filed"].format(name=name, via=via, progress=PROGRESS_SAID[follows].format(name=name))
            found = {**found, "others": "filed", "said": said}
    elif draft is not None:
        masked = _phone_of(session, draft.owner_phone_hash)
        phone = f"手机{masked}" if masked else "用的是另一个手机号"
        found = {"others": "draft", "said": OTHERS_SAID["draft"].format(name=name, phone=phone), "phone_masked": masked}
    audit(session, actor=actor.label, channel=actor.channel, action="draft.others", entity_type="form_draft_subject",
          entity_id=form, detail={"found": found["others"]})
    return found
