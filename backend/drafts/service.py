"""Drafts: save, list and drop a phone's half-filled forms (models.FormDraft says why they exist)."""

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.actor import Actor, require_citizen
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import NotFound
from backend.core.idnumber import InvalidIdNumber, parse
from backend.drafts.models import FormDraft

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
