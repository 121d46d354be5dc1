"""A link where the chat page uploads the photo of a signed 授权委托书, for a principal with no phone.

The chat (the action server, with the helper's verified citizen token) asks for the link with the whole
delegation it would file; the backend checks it as an upload would (the helper is the caller, the name goes
with the ID number, the district is known) and seals it into the link: encrypted with the data key, so the
URL carries no name, ID number or phone a log could show, and it expires after LINK_MINUTES. The browser
posts the photo to the link; the form is then pending exactly like one a helper submits through the API
(service.submit_paper): no rights until a caseworker of the principal's district verifies it.
"""

import json
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backend.auth.actor import Actor, require_citizen
from backend.core import clock, say
from backend.core.crypto import get_vault
from backend.core.errors import AppError, Conflict
from backend.delegations import paper, repository, service
from backend.delegations.models import PENDING, Delegation
from backend.delegations.schemas import DelegationIn, PaperConsent
from backend.documents.storage import Photo
from backend.people.service import find_named

LINK_MINUTES = 60


class LinkGone(AppError):
    status_code = 410
    code = "link_expired"
    message = "这个上传链接已经过期了。请回到对话里说“继续”，我再给您一个；或者把委托书带到社区或街道（乡镇）的社会救助窗口。"


def open_link(session: Session, actor: Actor, body: DelegationIn) -> tuple[str, datetime]:
    """Check the delegation the photo will carry, then seal it into a link only this helper's upload can use."""
    require_citizen(actor)
    if not isinstance(body.consent, PaperConsent):
        raise AppError("这里只收书面授权委托书。", code="paper_only")
    service.helper_is_caller(actor, body.helper)
    service.room_for_paper(session, actor)  # said before the helper photographs a form that would be refused
    service.correct_own_name(session, actor, name=body.principal.name, id_number=body.principal.id_number)
    principal = find_named(session, name=body.principal.name, id_number=body.principal.id_number, who="被帮办人的")
    if principal is not None:
        service.submitted_district(session, principal, body.consent)
    elif not body.consent.area_code:
        raise AppError("请先说本人住在哪个街道（乡镇），书面授权由那里的工作人员核验。", code="area_required")
    expires = clock.now() + timedelta(minutes=LINK_MINUTES)
    sealed = {"sub": actor.phone_hash, "body": body.model_dump(mode="json"), "exp": expires.timestamp()}
    return get_vault().encrypt(json.dumps(sealed, ensure_ascii=False)), expires


def read_link(token: str) -> tuple[Actor, DelegationIn]:
    """The helper (as the caller who opened the link) and the delegation; an expired or forged link is gone."""
    try:
        sealed = json.loads(get_vault().decrypt(token))
    except ValueError:
        raise LinkGone() from None
    if sealed["exp"] < clock.now().timestamp():
        raise LinkGone()
    return Actor(kind="citizen", channel="chat", phone_hash=sealed["sub"]), DelegationIn.model_validate(sealed["body"])


def info(token: str) -> dict[str, object]:
    """What the upload card shows (the same shape as the ID-photo card's)."""
    _, body = read_link(token)
    return {"person_name": body.principal.name, "needs_consent": False, "consent_text": "",
            "who_line": f"要拍的是：{body.principal.name}签了字的授权委托书（按手印也行）",
            "shoot_label": "拍委托书照片",
            "note": "把委托书放平，签字和手印要拍清楚，整张纸都在画面里。"}


def received(session: Session, token: str) -> Delegation | None:
    """This helper's form for this principal that still counts (waiting for a caseworker, or verified and in force):
    the link's photo has arrived, by this link or another. The page says so; another photo is not taken."""
    return _in_hand(session, *read_link(token))


def _in_hand(session: Session, actor: Actor, body: DelegationIn) -> Delegation | None:
    try:
        principal = find_named(session, name=body.principal.name, id_number=body.principal.id_number, who="被帮办人的")
    except AppError:
        return None  # a name that no longer goes with the number: said by the upload (service.submit_paper)
    if principal is None:
        return None
    return repository.paper_in_hand(session, principal_person_id=principal.id, helper_phone_hash=actor.phone_hash or "",
                                    scope=body.scope)


def said_received(d: Delegation) -> str:
    """What the page and a second upload say once the form is in."""
    if d.status == PENDING:
        return (f"{d.principal.name}的授权委托书已经收到了，不用再拍。工作人员会在{say.by_day(paper.due_on(d))}核对，"
                "核对好了发短信告诉您。")
    return f"{d.principal.name}的授权委托书已经收到，也核对好了，不用再拍。请回到刚才的对话里接着办。"


def upload(session: Session, token: str, photo: Photo) -> Delegation:
    """The photo (checked, not yet written) is handed in: a pending paper delegation, once per link (a second
    tap, or a form already verified, is told it arrived, and nothing is written)."""
    actor, body = read_link(token)
    found = _in_hand(session, actor, body)
    if found is not None:
        raise Conflict(said_received(found), code="already_uploaded")
    return service.submit_paper(session, actor, body, photo)


def said(d: Delegation) -> str:
    return (f"收到了。{d.principal.name}的授权委托书会由工作人员在{say.by_day(paper.due_on(d))}核对，核对好了发短信告诉您。"
            "到时候在对话里说“继续”，我就把申请交上去。")
