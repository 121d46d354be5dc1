"""A chat card in words, for whatever shows only text: the chat API's `text`, an SMS, a WeChat message.

Rasa sends a response's custom payload (`{"upload": "/api/v1/liveness/id-photo/<token>"}`, `{"link": "…/face/…"}`)
as a message of its own. The web chat page shows it as a card; everywhere else it has to be words and an address a
phone can open: for an upload link, its own page (/photo/id/<token>, /photo/paper/<token>: backend/chat/photo_pages.py),
never the API address, which a phone's browser shows as JSON.

The one owner of that wording: the backend's chat relay (backend/chat/router.py) and the bot's SMS and WeChat
channels (bot/channels/twilio_sms.py, bot/channels/wechat.py) all call `readable`. The bot runs in its own Python
(3.10, with Rasa) and imports this one file of the backend, so it uses the standard library only; bot/Dockerfile
copies it into the bot's image.
"""

import re
from collections.abc import Mapping
from typing import NamedTuple


class Upload(NamedTuple):
    api: str  # this backend's one-time upload link, without its token: the page posts the photo there
    page: str  # the phone page of the same link
    words: str  # what a text says before the page's address


UPLOADS = {
    "id_photo": Upload("/api/v1/liveness/id-photo/", "/photo/id/", "拍身份证照片，请打开这个网页："),
    "paper": Upload("/api/v1/delegations/paper-link/", "/photo/paper/", "拍委托书照片，请打开这个网页："),
}
LINK_WORDS = "请打开这个链接："
# A token as the backend makes them (secrets.token_urlsafe, Fernet): never a path, a query or a scheme.
_TOKEN = re.compile(r"^[A-Za-z0-9_=-]{1,2000}$")


def upload_of(url: object) -> tuple[Upload, str] | None:
    """The upload and its token when `url` is one of this backend's upload links (and nothing else)."""
    if not isinstance(url, str):
        return None
    for upload in UPLOADS.values():
        if url.startswith(upload.api) and _TOKEN.match(url[len(upload.api):]):
            return upload, url[len(upload.api):]
    return None


def _absolute(url: str, base_url: str) -> str | None:
    if url.startswith("/") and not url.startswith("//"):
        return f"{base_url.rstrip('/')}{url}"
    return url if url.startswith(("https://", "http://")) else None


def readable(custom: object, base_url: str, said: str = "") -> str | None:
    """The words of a card (`custom`, a response's custom payload) with an address a phone opens, absolute on
    `base_url` (the backend's public address). None for a payload that is no card, and for a card whose address
    `said` (what was already said with it) carries: a face link's response has it in its text already."""
    if not isinstance(custom, Mapping):
        return None
    found = upload_of(custom.get("upload"))
    if found is not None:
        upload, token = found
        url, words = _absolute(f"{upload.page}{token}", base_url), upload.words
    elif isinstance(custom.get("link"), str):
        url, words = _absolute(custom["link"], base_url), LINK_WORDS
    else:
        return None
    if url is None or url in said:
        return None
    return f"{words}{url}"
