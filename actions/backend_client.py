"""The one place the action server talks to the backend: HTTP with timeouts and a service credential,
its errors, and `call`, which turns those errors into something said to the person.

Configuration comes from the environment: BACKEND_URL, SERVICE_TOKEN, BACKEND_TIMEOUT_SECONDS,
OFFER_TTL_SECONDS (how long the backend's offer — regions, types, defaults — is kept).
"""

import logging
import os
import time
from collections.abc import Awaitable
from typing import Any, Protocol, TypeVar

import httpx

T = TypeVar("T")

log = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The backend did not answer in time or answered with a server error."""


class BackendError(Exception):
    """The backend refused the request; `message` is its Chinese explanation."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class Dispatcher(Protocol):
    def utter_message(self, text: str | None = None, response: str | None = None, **kwargs: Any) -> None: ...


async def call(dispatcher: Dispatcher, request: Awaitable[T], refused: list[str] | None = None) -> T | None:
    """Run a backend call from an action; say what went wrong in plain words and return None if it failed
    (the backend's error code is appended to `refused` when the caller wants to act on it)."""
    try:
        return await request
    except BackendUnavailable:
        dispatcher.utter_message(response="utter_backend_unavailable")
    except BackendError as err:
        dispatcher.utter_message(text=err.message)
        if refused is not None:
            refused.append(err.code)
    return None


class BackendClient:
    def __init__(self, base_url: str, token: str, timeout: float = 5.0, transport: httpx.AsyncBaseTransport | None = None,
                 offer_ttl: float = 300.0):
        self._offer_ttl = offer_ttl
        self._offer: tuple[float, dict[str, Any]] | None = None
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "jiuzhu-actions"},
            transport=transport,
        )

    @classmethod
    def from_env(cls) -> "BackendClient":
        return cls(
            os.environ.get("BACKEND_URL", "http://127.0.0.1:8000"),
            os.environ.get("SERVICE_TOKEN", ""),
            float(os.environ.get("BACKEND_TIMEOUT_SECONDS", "5")),
            offer_ttl=float(os.environ.get("OFFER_TTL_SECONDS", "300")),
        )

    async def _request(self, method: str, path: str, *, citizen_token: str | None = None, channel: str = "chat",
                       **kwargs: Any) -> Any:
        headers = {"X-Channel": channel, **kwargs.pop("headers", {})}
        if citizen_token:
            headers["X-Citizen-Token"] = citizen_token
        try:
            resp = await self._client.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("backend %s %s failed: %s", method, path, type(exc).__name__)
            raise BackendUnavailable(str(exc)) from exc
        if resp.status_code >= 500:
            raise BackendUnavailable(f"backend answered {resp.status_code}")
        if resp.status_code >= 400:
            try:
                err = resp.json()["error"]
                raise BackendError(resp.status_code, err["code"], err["message"], err.get("details"))
            except (ValueError, KeyError, TypeError):
                raise BackendError(resp.status_code, "unknown", "请求没有成功。") from None
        return resp.json() if resp.content else None

    async def offer(self) -> dict[str, Any]:
        """The default region, the types answered and filed online with their subtypes, and the defaults.
        The backend owns them; kept here for OFFER_TTL_SECONDS so a conversation turn does not ask each time."""
        if self._offer is not None and self._offer[0] > time.monotonic():
            return self._offer[1]
        body = await self._request("GET", "/policy/offer")
        self._offer = (time.monotonic() + self._offer_ttl, body)
        return body

    async def policy_answer(self, *, assistance_type: str, aspect: str, region: str | None,
                            area_code: str | None = None, said: str | None = None) -> dict[str, Any]:
        """`said`: the question as typed; a place named in it wins over `region` (the one held before)."""
        params = {"assistance_type": assistance_type, "aspect": aspect}
        if region:
            params["region"] = region
        if area_code:
            params["area_code"] = area_code
        if said:
            params["said"] = said
        return await self._request("GET", "/policy/answer", params=params)

    async def income_kind(self, said: str) -> dict[str, Any]:
        """Which kind of income a sentence names, and whether it counts (the backend's rules.yaml)."""
        return await self._request("GET", "/eligibility/income-kind", params={"said": said[:200]})

    async def illness(self, said: str) -> dict[str, Any]:
        """The illnesses a sentence names: serious ones (重病) and common chronic ones (the backend's rules.yaml)."""
        return await self._request("GET", "/eligibility/illness", params={"said": said[:200]})

    async def hukou(self, region: str, street: str | None = None) -> dict[str, Any]:
        """Whether urban/rural 户口 matters in this region, and what the street's name suggests."""
        params = {"region": region, **({"street": street} if street else {})}
        return await self._request("GET", "/eligibility/hukou", params=params)

    async def plausible(self, region: str, household_size: int, *, monthly_income: float | None = None,
                        savings: float | None = None) -> dict[str, Any]:
        """Whether an amount said is far above what households asking for assistance declare (asked again
        then), and whether it can be filed at all; the backend owns the ceiling (GET /eligibility/plausible)."""
        params: dict[str, Any] = {"region": region[:64], "household_size": max(1, min(int(household_size), 20))}
        if monthly_income is not None:
            params["monthly_income"] = monthly_income
        if savings is not None:
            params["savings"] = savings
        return await self._request("GET", "/eligibility/plausible", params=params)

    async def check_id(self, id_number: str) -> dict[str, Any]:
        return await self._request("POST", "/persons/check-id", json={"id_number": id_number})

    async def check_name(self, name: str, id_number: str) -> dict[str, Any]:
        """{"matches": true|false|null}: whether the name goes with the ID number on record (null: not recorded)."""
        return await self._request("POST", "/persons/check-name", json={"name": name, "id_number": id_number})

    async def search_areas(self, text: str, within: str | None = None, limit: int = 8,
                           near: str | None = None) -> list[dict[str, Any]]:
        """Places a person may have meant, best first; `within` (a code or a region name) ranks that region first;
        `near` (an area code, e.g. the ID number's first 6 digits) puts its places first, dropping none."""
        params = {"q": text[:64], "limit": min(limit, 8), **({"within": within} if within else {}),
                  **({"near": near} if near else {})}
        return await self._request("GET", "/areas/search", params=params)

    async def request_code(self, phone: str) -> dict[str, Any]:
        return await self._request("POST", "/auth/otp/request", json={"phone": phone})

    async def verify_code(self, phone: str, code: str) -> str:
        return (await self._request("POST", "/auth/otp/verify", json={"phone": phone, "code": code}))["access_token"]

    async def wechat_bind(self, openid: str, token: str, phone: str | None) -> dict[str, Any]:
        """Tie a WeChat OpenID to the phone just proved with a code; {"reply"} to show."""
        return await self._request("POST", "/wechat/bindings", citizen_token=token, channel="wechat",
                                   json={"openid": openid, "phone": phone})

    async def wechat_session(self, openid: str, phone: str | None = None) -> dict[str, Any]:
        """A bound OpenID's citizen token ({"citizen_token", "phone" masked, "reply"}); 404 when not bound
        (or, with `phone`, bound to another phone)."""
        return await self._request("POST", "/wechat/session", channel="wechat", json={"openid": openid, "phone": phone})

    async def precheck(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._request("POST", "/eligibility/precheck", json=body)

    async def send_consent_code(self, token: str, principal: dict, helper: dict) -> dict[str, Any]:
        return await self._request("POST", "/delegations/consent-code", citizen_token=token,
                                   json={"principal": principal, "helper": helper})

    async def create_delegation(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self._request("POST", "/delegations", citizen_token=token, json=body)

    async def held_delegation(self, token: str, principal: dict) -> dict[str, Any]:
        """{"status": "verified"|"pending", "delegation_id", "due_said"?} when the caller already holds the
        principal's delegation to apply (a paper form verified at the window); 404 no_delegation otherwise."""
        return await self._request("POST", "/delegations/held", citizen_token=token, json={"principal": principal})

    async def open_check(self, token: str, name: str, id_number: str, kind: str) -> None:
        """409 application_already_open (the backend's words name her case) when she has one of this type open."""
        await self._request("POST", "/applications/open-check", citizen_token=token,
                            json={"name": name, "id_number": id_number, "assistance_type": kind})

    async def revoke_delegation(self, token: str, delegation_id: int, reason: str) -> dict[str, Any]:
        """The helper (or the principal) withdraws a delegation, e.g. a paper form no longer needed."""
        return await self._request("POST", f"/delegations/{delegation_id}/revoke", citizen_token=token, json={"reason": reason})

    async def open_paper_link(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        """{"upload_url"}: where the chat page uploads the photo of the principal's signed 授权委托书."""
        return await self._request("POST", "/delegations/paper-link", citizen_token=token, json=body)

    async def save_draft(self, token: str, answers: dict[str, Any], *, kind: str | None, applicant_name: str | None,
                         applicant_id: str | None) -> dict[str, Any]:
        return await self._request("PUT", "/drafts/application", citizen_token=token,
                                   json={"answers": answers, "kind": kind, "applicant_name": applicant_name,
                                         "applicant_id": applicant_id})

    async def draft_others(self, token: str, applicant_name: str, applicant_id: str, kind: str | None = None) -> dict[str, Any]:
        """{"others", "said", "phone_masked"}: whether someone else is already on this person's application ("filed":
        her case of `kind` is in hand, filed by someone else)."""
        return await self._request("POST", "/drafts/application/others", citizen_token=token,
                                   json={"applicant_name": applicant_name, "applicant_id": applicant_id,
                                         **({"kind": kind} if kind else {})})

    async def my_drafts(self, token: str) -> list[dict[str, Any]]:
        return await self._request("GET", "/drafts/application", citizen_token=token)

    async def drop_draft(self, token: str, draft_id: int) -> None:
        await self._request("DELETE", f"/drafts/application/{draft_id}", citizen_token=token)

    async def submit_application(self, token: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        return await self._request("POST", "/applications", citizen_token=token, json=body, headers={"Idempotency-Key": key})

    async def my_applications(self, token: str) -> list[dict[str, Any]]:
        return await self._request("GET", "/applications/mine", citizen_token=token)

    async def application(self, token: str, number: str) -> dict[str, Any]:
        """One application as its applicant sees it, with the steps they may take now (`available_actions`)."""
        return await self._request("GET", f"/applications/{number}", citizen_token=token)

    async def take_step(self, token: str, number: str, action: str, note: str | None = None,
                        data: dict[str, Any] | None = None) -> dict[str, Any]:
        """A workflow step the applicant takes (withdraw, request_change); the backend checks who and when (and, for
        a correction, that the case is the one `data["meant_for"]` means)."""
        return await self._request("POST", f"/applications/{number}/actions/{action}", citizen_token=token,
                                   json={"note": note, "data": data or {}})

    async def add_member_id(self, token: str | None, number: str, person_id: int, id_number: str) -> dict[str, Any]:
        """The ID number of a household member filed without one (身份证号待补); the backend checks it and who asks."""
        return await self._request("POST", f"/applications/{number}/members/{person_id}/id-number", citizen_token=token,
                                   json={"id_number": id_number})

    async def progress(self, token: str, number: str) -> dict[str, Any]:
        return await self._request("GET", f"/applications/{number}/progress", citizen_token=token)

    async def payments(self, token: str, number: str) -> list[dict[str, Any]]:
        return await self._request("GET", f"/applications/{number}/payments", citizen_token=token)

    async def face_link(self, token: str, number: str, purpose: str) -> dict[str, Any]:
        return await self._request("POST", "/liveness/sessions", citizen_token=token,
                                   json={"purpose": purpose, "application_number": number})

    async def signature_ways(self, token: str, number: str) -> dict[str, Any]:
        """Each person who has not signed the 核对授权书 and their ways to sign (backend/authorizations/ways.py)."""
        return await self._request("GET", f"/liveness/applications/{number}/signatures/ways", citizen_token=token)

    async def id_photo_link(self, token: str, number: str, purpose: str) -> dict[str, Any]:
        """A one-time link where the chat page uploads the ID card photo of the person the face check is for."""
        return await self._request("POST", "/liveness/id-photo", citizen_token=token,
                                   json={"purpose": purpose, "application_number": number})

    async def send_scope_code(self, token: str, delegation_id: int, scope: str) -> dict[str, Any]:
        return await self._request("POST", f"/delegations/{delegation_id}/scope-code", citizen_token=token, json={"scope": scope})

    async def add_scope(self, token: str, delegation_id: int, scope: str, code: str) -> dict[str, Any]:
        return await self._request("POST", f"/delegations/{delegation_id}/scopes", citizen_token=token,
                                   json={"scope": scope, "consent": {"method": "otp", "code": code}})

    async def request_callback(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        return await self._request("POST", "/callbacks", citizen_token=token, json=body)

    async def on_duty(self, area_code: str | None) -> dict[str, Any]:
        """Whether the office answering for the area is at work now, when an urgent call would come, its duty mobile
        (backend/service_desk/when.py): "今天晚上有人管没得"."""
        return await self._request("GET", "/on-duty", params={"area_code": area_code} if area_code else None)

    async def add_found_id(self, token: str | None, reference: str, id_number: str, phone: str | None) -> dict[str, Any]:
        """An ID number found after a 急难 report that went as the urgent call-back `reference` (its reporter's phone)."""
        return await self._request("POST", f"/callbacks/{reference}/id-number", citizen_token=token,
                                   json={"id_number": id_number, "phone": phone})

    async def change_call_phone(self, token: str | None, reference: str, call_phone: str, contact: str | None,
                                phone: str | None) -> dict[str, Any]:
        """Another number to call on the call-back `reference` ("打我儿子电话嘛 135… 他叫吴磊")."""
        return await self._request("POST", f"/callbacks/{reference}/call-phone", citizen_token=token,
                                   json={"call_phone": call_phone, "contact": contact, "phone": phone})

    async def file_complaint(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        return await self._request("POST", "/complaints", citizen_token=token, json=body)

    async def my_complaint(self, token: str | None, reference: str, step: str, body: dict[str, Any]) -> dict[str, Any]:
        """Her own complaint (the phone it was filed with): step status | notes | withdraw (backend/service_desk/own.py)."""
        return await self._request("POST", f"/complaints/{reference}/{step}", citizen_token=token, json=body)

    async def my_requests(self, token: str | None, named: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Her call-backs (急难 reports among them) and complaints, each with a line to say: from her proven phone, and
        those named with the phone they were filed with (backend/service_desk/own.py)."""
        return await self._request("POST", "/service-desk/mine", citizen_token=token, json={"named": named})

    async def aclose(self) -> None:
        await self._client.aclose()


_client: BackendClient | None = None


def get_client() -> BackendClient:
    """One client per action-server process, created on first use (no I/O at import time)."""
    global _client
    if _client is None:
        _client = BackendClient.from_env()
    return _client


def set_client(client: BackendClient | None) -> None:
    """Tests swap in a client pointed at a fake backend."""
    global _client
    _client = client
