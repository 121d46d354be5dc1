"""WeChat's API behind one small interface: the real one over HTTP (httpx, timeouts) and a local one.

The backend is the only caller of api.weixin.qq.com (the bot channel asks the backend), so there is one
access-token cache per process and no second owner.

Access token: fetched with `POST /cgi-bin/stable_token`, not the older `GET /cgi-bin/token`. Every call
of the older one issues a new token and retires the previous one within minutes, so a second backend
process (or the dispatcher worker) fetching its own token would break the others' calls at random. The
stable token is the same for every caller during its lifetime, so each process may fetch and cache it on
its own. It is kept until five minutes before it expires; when WeChat says it is no longer valid
(40001, 40014, 42001) it is fetched again — with `force_refresh` only if WeChat hands back the very token
it just refused (force_refresh retires the token of every other process, and is limited per day) — and
the call is tried once more.

Errors (`WeChatError`) say what a caller may do next: `refused` (the user does not follow the account or
refused the messages: send by SMS), `permanent` (retrying will not help), `unknown` (the request may have
reached WeChat: sending again could deliver twice), otherwise transient (nothing was sent; retry later).
"""

import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from backend.core.settings import Settings, get_settings

log = logging.getLogger(__name__)

TOKEN_INVALID = {40001, 40014, 42001}
# Not following the account (43004) or refused its messages (43101): the notice goes by SMS.
REFUSED = {43004, 43101}
# Errors that do not get better by retrying: bad OpenID, bad template, outside the 48-hour reply window,
# bad App ID or secret, IP not allowed, content refused.
PERMANENT = {40003, 40013, 40125, 40164, 40037, 41028, 41029, 45047, 45015, 47001, 43019, 87014}
TOKEN_MARGIN_S = 300
# A 客服消息 text may hold at most 2048 bytes of UTF-8.
TEXT_LIMIT_BYTES = 2048


class WeChatError(Exception):
    def __init__(self, message: str, *, errcode: int | None = None, permanent: bool = False, refused: bool = False,
                 unknown: bool = False):
        super().__init__(message)
        self.errcode = errcode
        self.permanent = permanent or refused
        self.refused = refused
        self.unknown = unknown


def mask_openid(openid: str) -> str:
    """What of an OpenID may reach a log."""
    return f"{openid[:4]}…{openid[-2:]}" if len(openid) > 8 else "…"


def split_text(text: str, limit: int = TEXT_LIMIT_BYTES) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut after a line break or sentence end where there is one."""
    pieces, rest = [], text.strip()
    while len(rest.encode()) > limit:
        cut = len(rest.encode()[:limit].decode(errors="ignore"))
        head = rest[:cut]
        best = max(head.rfind(mark) for mark in ("\n", "。", "！", "？", "；"))
        if best > cut // 2:
            cut = best + 1
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [p for p in pieces + [rest] if p]


class WeChatApi(Protocol):
    def send_text(self, openid: str, text: str) -> int:
        """Send a 客服消息 text (split if too long); the number of messages sent."""

    def send_template(self, openid: str, template_id: str, data: dict[str, str], url: str | None = None) -> str:
        """Send a template message; WeChat's message id."""


@dataclass
class LocalWeChatApi:
    """Prints and remembers what it would send (OpenIDs masked): development and tests, no account anywhere.
    `refusing` holds OpenIDs that answer 43004 (not following)."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    templates: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    refusing: set[str] = field(default_factory=set)
    quiet: bool = True

    def _refuse(self, openid: str) -> None:
        if openid in self.refusing:
            raise WeChatError("wechat 43004", errcode=43004, refused=True)

    def send_text(self, openid: str, text: str) -> int:
        self._refuse(openid)
        pieces = split_text(text)
        self.texts.extend((openid, p) for p in pieces)
        if not self.quiet:
            print(f"[微信 → {mask_openid(openid)}] {text}", file=sys.stderr, flush=True)
        return len(pieces)

    def send_template(self, openid: str, template_id: str, data: dict[str, str], url: str | None = None) -> str:
        self._refuse(openid)
        self.templates.append((openid, template_id, data))
        return f"local-{len(self.templates)}"


class HttpWeChatApi:
    def __init__(self, app_id: str, app_secret: str, api_base: str = "https://api.weixin.qq.com", timeout: float = 5.0):
        self._app_id, self._secret = app_id, app_secret
        self._http = httpx.Client(base_url=api_base.rstrip("/"), timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
                                  headers={"User-Agent": "jiuzhu-backend"})
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def close(self) -> None:
        self._http.close()

    # --- access token ------------------------------------------------------------------------------

    def _fetch_token(self, force: bool) -> tuple[str, int]:
        body = {"grant_type": "client_credential", "appid": self._app_id, "secret": self._secret, "force_refresh": force}
        answer = self._post_json("/cgi-bin/stable_token", body, sent_is_unknown=False)
        if "access_token" not in answer:
            raise _error("stable_token", answer)
        return answer["access_token"], int(answer.get("expires_in") or 7200)

    def access_token(self, *, rejected: str | None = None) -> str:
        """The cached token; a fresh one when it is close to expiry or WeChat just refused `rejected`."""
        with self._lock:
            if self._token and self._token != rejected and time.monotonic() < self._renew_at:
                return self._token
            token, expires_in = self._fetch_token(force=False)
            if token == rejected:
                token, expires_in = self._fetch_token(force=True)
            self._token, self._renew_at = token, time.monotonic() + max(expires_in - TOKEN_MARGIN_S, 60)
            return token

    # --- calls ---------------------------------------------------------------------------------------

    def _post_json(self, path: str, body: dict, *, params: dict | None = None, sent_is_unknown: bool = True) -> dict:
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            resp = self._http.post(path, params=params, content=data,
                                   headers={"Content-Type": "application/json; charset=utf-8"})
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached WeChat
            raise WeChatError(f"wechat unreachable: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:  # it may have arrived: the result is unknown
            raise WeChatError(f"wechat no answer: {type(exc).__name__}", unknown=sent_is_unknown) from exc
        if resp.status_code != 200:
            raise WeChatError(f"wechat http {resp.status_code}", unknown=sent_is_unknown and resp.status_code >= 500)
        try:
            return resp.json()
        except ValueError as exc:
            raise WeChatError("wechat answered no JSON", unknown=sent_is_unknown) from exc

    def _call(self, path: str, body: dict) -> dict:
        token = self.access_token()
        answer = self._post_json(path, body, params={"access_token": token})
        if answer.get("errcode") in TOKEN_INVALID:
            log.info("wechat access token refused (%s): fetching it again", answer.get("errcode"))
            answer = self._post_json(path, body, params={"access_token": self.access_token(rejected=token)})
        if answer.get("errcode", 0) != 0:
            raise _error(path, answer)
        return answer

    def send_text(self, openid: str, text: str) -> int:
        pieces = split_text(text)
        for piece in pieces:
            self._call("/cgi-bin/message/custom/send", {"touser": openid, "msgtype": "text", "text": {"content": piece}})
        return len(pieces)

    def send_template(self, openid: str, template_id: str, data: dict[str, str], url: str | None = None) -> str:
        body: dict[str, Any] = {"touser": openid, "template_id": template_id,
                                "data": {k: {"value": v} for k, v in data.items()}}
        if url:
            body["url"] = url
        return str(self._call("/cgi-bin/message/template/send", body).get("msgid", ""))


def _error(what: str, answer: dict) -> WeChatError:
    code = answer.get("errcode")
    return WeChatError(f"wechat {what} {code}", errcode=code, refused=code in REFUSED, permanent=code in PERMANENT)


_api: WeChatApi | None = None


def build_api(settings: Settings) -> WeChatApi | None:
    if not settings.wechat_configured:
        return None
    return HttpWeChatApi(settings.wechat_app_id, settings.wechat_app_secret, settings.wechat_api_base,
                         settings.wechat_timeout_seconds)


def get_wechat_api() -> WeChatApi | None:
    """The process's WeChat API, or None when WECHAT_APP_ID / WECHAT_APP_SECRET are not set."""
    global _api
    if _api is None:
        _api = build_api(get_settings())
    return _api


def set_wechat_api(api: WeChatApi | None) -> None:
    global _api
    _api = api
