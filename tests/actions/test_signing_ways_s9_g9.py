"""How someone still signs the 核对授权书, asked (actions/signing_ways.py; session 9, helper G9). A grandson for his
bedridden grandfather 李国华 with no phone heard "您的授权里还不包括代为刷脸签核对授权书…" with a button to send a code
to a man with no phone, and "核对授权书怎么签" asked again sent it. Now each unsigned person is answered by name from the
backend's ways read, and a question never sends a code nor asks for a face link."""

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet, UserUtteranceReverted

from actions import signing_ways
from actions.journeys import ActionAfterVerify, ActionStartVerifiedQuery

NUMBER = "JZ20261124000009"
WAYS = f"/liveness/applications/{NUMBER}/signatures/ways"
GRANDPA = {"person_id": 3, "name": "李国华", "id_pending": False, "has_phone": False, "has_reference": False,
           "ways": ["face_helper_phone", "staff_home_visit", "staff_window"], "said": []}
PENDING = {"person_id": 4, "name": "李小军", "id_pending": True, "has_phone": False, "has_reference": False, "ways": [],
           "said": ["先补上身份证号，才能签"]}
NO_SCOPE = httpx.Response(403, json={"error": {"code": "no_delegation", "message": "您的授权里不包括代为刷脸，需要申请人另外授权。",
                                               "details": {"delegation_id": 7, "missing_scope": "sign"}}})


def tracker(text: str, slots: dict | None = None, intent: str = "sign_authorization") -> Tracker:
    base = {"citizen_token": "t", "phone_verified": True, "application_no": NUMBER}
    return Tracker("web-g9", {**base, **(slots or {})}, {"text": text, "intent": {"name": intent, "confidence": 1.0},
                                                           "entities": []}, [], False, None, {}, "action_listen")


def _with(fake_backend, unsigned: list[dict]) -> None:  # noqa: ANN001
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        if path == WAYS:
            return httpx.Response(200, json={"unsigned": unsigned})
        if path in ("/liveness/sessions", "/delegations/7/scope-code"):
            return NO_SCOPE if path == "/liveness/sessions" else httpx.Response(201, json={"phone_masked": "138****0000"})
        return fake_backend.route(request)
    fake_backend.handler = handler


async def _ask(dispatcher, text: str, slots: dict | None = None) -> list:  # noqa: ANN001
    """The rule's two steps for sign_authorization with the phone verified: start, then answer."""
    t = tracker(text, slots)
    events = await ActionStartVerifiedQuery().run(dispatcher, t, {})
    if any(isinstance(e, dict) and e.get("event") == "rewind" for e in events):
        return events
    t.slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
    return events + await ActionAfterVerify().run(dispatcher, t, {})


def _paths(fake_backend) -> list[str]:  # noqa: ANN001
    return [f"{r.method} {r.url.path.removeprefix('/api/v1')}" for r in fake_backend.answers()]


@pytest.mark.asyncio
@pytest.mark.parametrize("text", ["刚才说要签核对授权书 爷爷没有手机 也走不了路 咋签啊", "核对授权书怎么签",
                                  "入户的时候让他在纸上签字按手印行不行"])
async def test_a_question_is_answered_by_name_from_the_ways_and_sends_nothing(fake_backend, dispatcher, text) -> None:
    _with(fake_backend, [GRANDPA])
    # scope_offered as after the first "咋签": before, asking again sent the code to a man with no phone.
    events = await _ask(dispatcher, text, {"scope_offered": {"delegation_id": 7, "scope": "sign"}})
    said = [(m.get("response"), m.get("name")) for m in dispatcher.messages]
    assert ("utter_signing_home_visit", "李国华") in said and ("utter_signing_helper_phone", "李国华") in said
    assert dispatcher.messages[0]["response"] == "utter_signing_unsigned" and dispatcher.messages[0]["names"] == "李国华"
    helper = next(m for m in dispatcher.messages if m.get("response") == "utter_signing_helper_phone")
    assert "身份证" in helper["photo"]  # no face on file: the ID card photo comes first
    assert "utter_scope_offer" not in [m.get("response") for m in dispatcher.messages]
    assert f"GET {WAYS}" in _paths(fake_backend)
    assert not [p for p in _paths(fake_backend) if p.startswith("POST")]  # no face link, no code
    assert SlotSet("after_verify", signing_ways.MODE) in events


@pytest.mark.asyncio
async def test_a_member_whose_id_number_is_to_come_is_told_to_add_it_first(fake_backend, dispatcher) -> None:
    _with(fake_backend, [GRANDPA, PENDING])
    await _ask(dispatcher, "他们两个咋签授权书")
    assert dispatcher.messages[0]["names"] == "李国华、李小军"
    assert ("utter_signing_id_first", "李小军") in [(m.get("response"), m.get("name")) for m in dispatcher.messages]


@pytest.mark.asyncio
async def test_unverified_the_phone_comes_first_and_then_the_ways(fake_backend, dispatcher) -> None:
    events = await ActionStartVerifiedQuery().run(dispatcher, tracker("爷爷没手机 授权书咋签", {"phone_verified": False}), {})
    assert SlotSet("after_verify", signing_ways.MODE) in events and SlotSet("after_verify", "authorization") not in events


@pytest.mark.asyncio
async def test_before_filing_signing_comes_after_it(fake_backend, dispatcher) -> None:
    _with(fake_backend, [])
    fake_backend.mine = []
    await _ask(dispatcher, "核对授权书在哪签")
    assert [m.get("response") for m in dispatcher.messages][:1] == ["utter_signing_after_filing"]
    assert not [p for p in _paths(fake_backend) if p.startswith("POST")]


@pytest.mark.asyncio
async def test_while_the_paper_form_is_to_come_it_is_answered_and_the_photo_reminded(fake_backend, dispatcher) -> None:
    events = await _ask(dispatcher, "授权书咋签 爷爷走不了路", {"principal_no_phone": True, "applicant_name": "李国华"})
    assert events == [UserUtteranceReverted()]
    assert [m.get("response") for m in dispatcher.messages] == ["utter_signing_after_filing", "utter_paper_still_missing"]


@pytest.mark.parametrize("text,after,asked", [
    ("那爷爷的呢 他没手机", "authorization", True), ("能不能上门啊", signing_ways.MODE, True),
    ("那爷爷的呢 他没手机", None, False), ("刷脸签", "authorization", False), ("/sign_authorization", None, False),
    ("委托书要怎么传", None, False), ("我要刷脸签", signing_ways.MODE, False)])
def test_what_counts_as_the_question(text, after, asked) -> None:
    assert signing_ways.asks(tracker(text, {"after_verify": after}), text) is asked
