"""Face checks over the API: consent first, a reference face, one-time links, verification and signatures.

Most tests use the engine's FakeFaceEngine (frames that say what they show); one uses the real
face_recognition engine with photographs fetched at test time.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from backend.authorizations.models import AuthorizationSignature
from backend.facecheck import FaceRecognitionEngine, FakeFaceEngine
from backend.facecheck.models import BiometricConsent, FaceReference, LivenessSession
from backend.facecheck.service import REFERENCE_CONSENT_VERSION, _hash, get_face_engine
from backend.notifications.models import Notice
from backend.people.models import Person
from tests.backend.world import STAFF_CONSENT, application_body, member


@pytest.fixture
def fake_engine(world):  # noqa: ANN001, ANN201
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine
    return FakeFaceEngine


def _session(world, purpose: str = "authorization", who: dict | None = None, reference: bytes | None = None,
             **extra) -> tuple[str, str]:  # noqa: ANN003
    """A face link for 王秀兰; a link is only issued once her reference face is on file, so it is enrolled first."""
    number = world.submit(application_body(members=[member("王秀兰", phone="13800001111"), member("王强", "子女", seq=2)]))["number"]
    _enrol(world, image=reference)
    resp = world.client.post("/api/v1/liveness/sessions", json={"purpose": purpose, "application_number": number, **extra},
                             headers=who or world.caseworker)
    assert resp.status_code == 201, resp.text
    return resp.json()["link"].rsplit("/", 1)[1], number


def _actions(world, token: str) -> list[str]:
    world.session.expire_all()
    return world.session.scalars(select(LivenessSession.challenge).where(LivenessSession.token_hash == _hash(token))).one()


def _enrol(world, person_name: str = "wang", image: bytes | None = None) -> None:
    person = world.session.scalars(select(Person).where(Person.name == "王秀兰")).one()
    resp = world.client.post(f"/api/v1/liveness/references/{person.id}",
                             files={"image": ("ref.jpg", image or FakeFaceEngine.frame(person_name))},
                             data={"source": "staff_selfie", **STAFF_CONSENT}, headers=world.caseworker)
    assert resp.status_code == 201, resp.text


def _upload(world, token: str, frames: list[bytes]):  # noqa: ANN202
    return world.client.post(f"/api/v1/liveness/sessions/{token}/frames",
                             files=[("frames", (f"f{i}.jpg", f, "image/jpeg")) for i, f in enumerate(frames)])


def test_the_link_page_and_the_sms(world, fake_engine) -> None:
    token, number = _session(world)
    page = world.client.get(f"/face/{token}")
    assert page.status_code == 200 and "不同意，请工作人员帮我办" in page.text and "min-height: 60px" in page.text
    info = world.client.get(f"/api/v1/liveness/sessions/{token}").json()
    assert info["needs_consent"] and info["person_name"] == "王秀兰" and len(info["prompts"]) == 3
    (sms,) = world.session.scalars(select(Notice).where(Notice.event == "authorization_requested")).all()
    assert token in sms.text and "王秀兰申请低保" in sms.text


def test_consent_comes_before_any_face_and_refusing_is_not_a_dead_end(world, fake_engine) -> None:
    token, _ = _session(world)
    early = _upload(world, token, FakeFaceEngine.performing("wang", _actions(world, token)))
    assert early.status_code == 409 and early.json()["error"]["code"] == "consent_required"
    refused = world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": False}).json()
    assert refused["next"] == "staff" and "工作人员" in refused["message"]
    consents = world.session.scalars(select(BiometricConsent).where(BiometricConsent.channel == "web")).all()
    assert [(c.agreed, c.text_version.startswith("人脸识别单独同意书")) for c in consents] == [(False, True)]


def test_a_genuine_check_signs_the_authorization_and_closes_the_link(world, fake_engine) -> None:
    token, number = _session(world)
    world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": True})
    result = _upload(world, token, FakeFaceEngine.performing("wang", _actions(world, token))).json()
    assert result["passed"] is True, result
    sig = world.session.scalars(select(AuthorizationSignature)).one()
    assert (sig.method, sig.channel) == ("face", "web") and sig.document_version.startswith("家庭经济状况核对授权书")
    status = world.client.get(f"/api/v1/liveness/applications/{number}/signatures", headers=world.applicant).json()
    assert [(s["name"], s["signed"]) for s in status["signers"]] == [("王秀兰", True), ("王强", False)]
    assert status["all_signed"] is False
    again = _upload(world, token, FakeFaceEngine.performing("wang", _actions(world, token)))
    assert again.status_code == 410  # a one-time link
    stored = world.session.scalars(select(FaceReference)).one()
    assert b"wang" not in stored.encoding_cipher and len(stored.encoding_cipher) > 1024  # encrypted, no image kept


def test_a_replayed_recording_is_refused(world, fake_engine) -> None:
    token, number = _session(world)
    world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": True})
    frames = FakeFaceEngine.performing("wang", _actions(world, token))
    assert _upload(world, token, frames).json()["passed"]
    resp = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.caseworker)
    second = resp.json()["link"].rsplit("/", 1)[1]
    world.session.execute(update(LivenessSession).where(LivenessSession.token_hash != "").values(challenge=_actions(world, token)))
    replay = _upload(world, second, frames).json()
    assert replay["passed"] is False and "replayed" in replay["reasons"]


@pytest.mark.parametrize(("who", "reason"), [("someone_else", "not_the_person"), ("wrong_order", "wrong_order")])
def test_failures_say_why_and_offer_another_try_then_a_person(world, fake_engine, who, reason) -> None:
    token, _ = _session(world)
    world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": True})
    for attempt in range(3):
        actions = _actions(world, token)
        frames = (FakeFaceEngine.performing("li", actions) if who == "someone_else"
                  else FakeFaceEngine.performing("wang", list(reversed(actions))))
        result = _upload(world, token, frames).json()
        assert result["passed"] is False and reason in result["reasons"]
        assert result["attempts_left"] == (2 - attempt if attempt < 2 else 0)
    assert _upload(world, token, frames).status_code == 410  # then the way is a person, not a fourth try
    row = world.session.scalars(select(LivenessSession)).one()
    assert row.result["last"]["reasons"][0] == reason  # kept for the caseworker


def test_an_expired_link_is_refused(world, fake_engine) -> None:
    token, _ = _session(world)
    world.session.execute(update(LivenessSession).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    world.session.expire_all()
    resp = world.client.get(f"/api/v1/liveness/sessions/{token}")
    assert resp.status_code == 410 and "失效" in resp.json()["error"]["message"]
    assert world.client.get("/api/v1/liveness/sessions/not-a-token").status_code == 410


def test_a_late_answer_to_the_challenge_is_refused_and_a_new_one_issued(world, fake_engine) -> None:
    token, _ = _session(world)
    world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": True})
    row = world.session.scalars(select(LivenessSession)).one()
    old_nonce = row.nonce
    # The link lasts a day; the challenge only two minutes.
    row.result = {**row.result, "challenge_expires_at": (datetime.now(UTC) - timedelta(seconds=1)).isoformat()}
    world.session.flush()
    late = _upload(world, token, FakeFaceEngine.performing("wang", _actions(world, token))).json()
    assert late["passed"] is False and "expired" in late["reasons"] and late["retry_prompts"]
    world.session.expire_all()
    assert world.session.scalars(select(LivenessSession)).one().nonce != old_nonce
    assert _upload(world, token, FakeFaceEngine.performing("wang", _actions(world, token))).json()["passed"] is True


def test_only_people_with_a_right_to_the_case_can_make_links(world, fake_engine) -> None:
    number = world.submit()["number"]
    applicant = world.session.scalars(select(Person)).first()
    assert world.client.post(f"/api/v1/liveness/references/{applicant.id}", files={"image": ("r.jpg", FakeFaceEngine.frame("zhang"))},
                             data=STAFF_CONSENT, headers=world.caseworker).status_code == 201
    body = {"purpose": "certification", "application_number": number}
    assert world.client.post("/api/v1/liveness/sessions", json=body, headers=world.stranger).status_code == 404
    assert world.client.post("/api/v1/liveness/sessions", json=body, headers=world.other_caseworker).status_code == 404
    assert world.client.post("/api/v1/liveness/sessions", json=body, headers=world.applicant).status_code == 201


def test_with_the_real_engine_and_real_photographs(world) -> None:
    from tests.backend import face_fixtures as ff

    world.client.app.dependency_overrides[get_face_engine] = FaceRecognitionEngine
    token, _ = _session(world, reference=ff.photo_bytes("obama2"))
    world.client.post(f"/api/v1/liveness/sessions/{token}/consent", json={"agree": True})
    maker = ff.FrameMaker("obama", seed=11)
    still = _upload(world, token, maker.still(5)).json()
    assert still["passed"] is False and "challenge_not_done" in still["reasons"]
    genuine = _upload(world, token, maker.performing(_actions(world, token))).json()
    assert genuine["passed"] is True, genuine


def test_a_staff_reference_photo_records_her_separate_consent_first(world, fake_engine) -> None:
    """As the chat's ID-photo flow does: the versioned text, agreed, before any face is looked at — here
    given in front of staff, so also who recorded it and who was present. Without it: refused."""
    world.submit(application_body(members=[member("王秀兰", phone="13800001111")]))
    person = world.session.scalars(select(Person).where(Person.name == "王秀兰")).one()

    def post(**consent):  # noqa: ANN003, ANN202
        return world.client.post(f"/api/v1/liveness/references/{person.id}", headers=world.caseworker,
                                 files={"image": ("ref.jpg", FakeFaceEngine.frame("wang"))}, data={**STAFF_CONSENT, **consent})

    refused = post(consent="false")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "consent_required"
    assert "本人已同意" in refused.json()["error"]["message"]
    old_text = post(consent_text_version="人脸参考信息单独同意书 v0")
    assert old_text.status_code == 400 and old_text.json()["error"]["code"] == "consent_text_changed"
    missing = world.client.post(f"/api/v1/liveness/references/{person.id}", headers=world.caseworker,
                                files={"image": ("ref.jpg", FakeFaceEngine.frame("wang"))})
    assert missing.status_code == 422
    world.session.expire_all()
    assert world.session.scalars(select(FaceReference)).all() == []
    assert world.session.scalars(select(BiometricConsent)).all() == []
    assert post(present="本人和儿子王强").status_code == 201
    (consent,) = world.session.scalars(select(BiometricConsent)).all()
    assert (consent.person_id, consent.agreed, consent.text_version, consent.channel, consent.present) == (
        person.id, True, REFERENCE_CONSENT_VERSION, "staff", "本人和儿子王强")
    assert consent.recorded_by_staff_id is not None and consent.session_id is None
