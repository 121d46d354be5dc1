"""The phone page of each upload link: the web chat's photo card on a page of its own, for whoever got the link as
text (the chat API, SMS, WeChat: backend/chat/cards.py says it with this page's address, never the API's).

Built like the face page (/face/{token}, backend/facecheck/router.py): a jinja2 page, this site's own scripts (the
card's backend/static/chat/idphoto.js, wired by photo_page.js), the photo posted by the script to the link's existing
API (POST /api/v1/liveness/id-photo/{token}, POST /api/v1/delegations/paper-link/{token}). The server fills in what
the card shows from the same info the card reads (whose photo, what to photograph, the consent text where there is
one). A link that has expired or been used gets a page that says what to do instead (410). The paper page reopened
after its form arrived (waiting for a caseworker, or verified) says so, with no photo button: a tester reopened it and
was asked to photograph the form again.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from backend.chat.cards import UPLOADS
from backend.core.db import SessionDep
from backend.core.templates import html_env
from backend.delegations import paper_link
from backend.facecheck.router import id_photo_info
from backend.facecheck.service import LinkInvalid

router = APIRouter(include_in_schema=False)
ID_PHOTO, PAPER = UPLOADS["id_photo"], UPLOADS["paper"]
# After the ID card photo, the face check it was for: what to say in the chat for its link (the bot's own examples).
SAY_NEXT = {"certification": "我要刷脸认证", "authorization": "我要签授权"}
NO_STORE = {"Cache-Control": "no-store"}  # a person's name behind a one-time link


def _page(status_code: int = 200, **context: object) -> HTMLResponse:
    page = html_env().get_template("chat/photo.html").render(**{"gone": None, "upload": None, "next": None,
                                                                "received": None, **context})
    return HTMLResponse(page, status_code=status_code, headers=NO_STORE)


@router.get(f"{ID_PHOTO.page}{{token}}", response_class=HTMLResponse)
def id_photo_page(token: str, session: SessionDep) -> HTMLResponse:
    title = "拍身份证照片"
    try:
        info = id_photo_info(token, session)
    except LinkInvalid as gone:
        return _page(410, title=title, gone=gone.message)
    said = SAY_NEXT.get(info.purpose or "")
    return _page(title=title, upload=f"{ID_PHOTO.api}{token}", card=info.model_dump(),
                 next=f"请回到刚才的对话里说“{said}”，接着刷脸。" if said else "请回到刚才的对话里接着办。")


@router.get(f"{PAPER.page}{{token}}", response_class=HTMLResponse)
def paper_page(token: str, session: SessionDep) -> HTMLResponse:
    title = "拍授权委托书"
    try:
        info = paper_link.info(token)
        found = paper_link.received(session, token)
    except paper_link.LinkGone as gone:
        return _page(410, title=title, gone=gone.message)
    if found is not None:
        return _page(title=title, received=paper_link.said_received(found))
    return _page(title=title, upload=f"{PAPER.api}{token}", card=info)
