"""上传身份证照片: an ID card's photo becomes the reference face, after its own consent, only for a person
the caller acts for; and no face link (nor face page) before a reference exists.

The card photos are composed here from public photographs (tests/backend/face_fixtures.py fetches them
from PyPI; nothing is committed): a face pasted onto a larger card-like picture with grey "text" lines.
"""

import io

import pytest
from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import select, update

from backend.audit.models import AuditEntry
from backend.facecheck import FaceRecognitionEngine, FakeFaceEngine
from backend.facecheck.models import BiometricConsent, FaceReference, LivenessSession
from backend.facecheck.service import REFERENCE_CONSENT_VERSION, get_face_engine
from backend.people.models import Person
from tests.backend import face_fixtures as ff
from tests.backend.world import STAFF_CONSENT, application_body, member

LINK = "/api/v1/liveness/id-photo"


def id_card(*faces: str, face_width: int = 300, blur: float = 0, size: tuple[int, int] = (1000, 630)) -> bytes:
    """A JPEG like a phone's photo of the photo side of an ID card: each named face pasted on the card."""
    card = Image.new("RGB", size, (214, 226, 236))
    draw = ImageDraw.Draw(card)
    for row in range(5):  # name, sex, birth, address lines
        draw.rectangle((60, 90 + row * 80, 520, 120 + row * 80), fill=(90, 90, 100))
    spots = [(size[0] - face_width - 40, 100), (40, 100)]
    for name, (x, y) in zip(faces, spots, strict=False):
        photo = Image.open(io.BytesIO(ff.photo_bytes(name))).convert("RGB")
        photo = photo.resize((face_width, round(face_width * photo.height / photo.width)))
        if blur:
            photo = photo.filter(ImageFilter.GaussianBlur(blur))
        card.paste(photo, (x, y))
    out = io.BytesIO()
    card.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def real_engine(world):  # noqa: ANN001, ANN201
    world.client.app.dependency_overrides[get_face_engine] = FaceRecognitionEngine


@pytest.fixture
def fake_engine(world):  # noqa: ANN001, ANN201
    world.client.app.dependency_overrides[get_face_engine] = FakeFaceEngine


def _case(world) -> tuple[str, Person]:  # noqa: ANN001
    number = world.submit(application_body(members=[member("张秀英", phone="13800001111"), member("王强", "子女", seq=2)]))["number"]
    return number, world.session.scalars(select(Person).where(Person.name == "张秀英")).one()


def _link(world, number: str, who: dict, purpose: str = "certification", **extra):  # noqa: ANN001, ANN003, ANN202
    return world.client.post(LINK, json={"purpose": purpose, "application_number": number, **extra}, headers=who)


def _token(resp) -> str:  # noqa: ANN001
    assert resp.status_code == 201, resp.text
    return resp.json()["upload_url"].rsplit("/", 1)[1]


def _send(world, token: str, photo: bytes):  # noqa: ANN001, ANN202
    return world.client.post(f"{LINK}/{token}", files={"image": ("card.jpg", photo, "image/jpeg")})


def _references(world) -> list[FaceReference]:  # noqa: ANN001
    world.session.expire_all()
    return world.session.scalars(select(FaceReference)).all()


def test_no_reference_means_no_face_link_and_the_ways_on(world, fake_engine) -> None:
    number, _ = _case(world)
    resp = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.applicant)
    assert resp.status_code == 409
    error = resp.json()["error"]
    assert error["code"] == "no_reference" and "身份证照片" in error["message"] and "工作人员上门" in error["message"]
    assert error["details"]["ways"] == ["id_card_photo", "staff_visit", "street_window"]
    assert world.session.scalars(select(LivenessSession)).all() == []  # no link was made


def test_the_face_page_says_so_before_any_camera_step(world, fake_engine) -> None:
    number, her = _case(world)
    world.client.post(f"/api/v1/liveness/references/{her.id}", files={"image": ("r.jpg", FakeFaceEngine.frame("zhang"))},
                      data=STAFF_CONSENT, headers=world.caseworker)
    link = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.applicant).json()["link"]
    # The reference is withdrawn after the link went out (a caseworker found it wrong).
    world.session.execute(update(FaceReference).values(active=False))
    info = world.client.get(f"/api/v1/liveness/sessions/{link.rsplit('/', 1)[1]}")
    assert info.status_code == 409 and info.json()["error"]["code"] == "no_reference"


def test_an_id_card_photo_becomes_the_reference_after_its_own_consent(world, real_engine) -> None:
    number, her = _case(world)
    token = _token(_link(world, number, world.applicant))
    info = world.client.get(f"{LINK}/{token}").json()
    assert info["needs_consent"] and info["person_name"] == "张秀英" and info["purpose"] == "certification"
    assert info["consent_text_version"] == REFERENCE_CONSENT_VERSION and "照片本身不保存" in info["consent_text"]

    card = id_card("obama2")
    early = _send(world, token, card)
    assert early.status_code == 409 and early.json()["error"]["code"] == "consent_required"
    assert _references(world) == []
    agreed = world.client.post(f"{LINK}/{token}/consent", json={"agree": True}).json()
    assert agreed["next"] == "photo"

    kept = _send(world, token, card)
    assert kept.status_code == 201, kept.text
    assert kept.json()["next"] == "certification"
    (ref,) = _references(world)
    assert (ref.person_id, ref.source, ref.verified_by_staff_id) == (her.id, "id_card", None)
    assert card[:4096] not in ref.encoding_cipher and len(ref.encoding_cipher) < 4096  # an encrypted encoding, no image
    consent = world.session.scalars(select(BiometricConsent)).one()
    assert (consent.person_id, consent.agreed, consent.text_version) == (her.id, True, REFERENCE_CONSENT_VERSION)
    assert world.session.scalars(select(AuditEntry).where(AuditEntry.action == "face.set_reference")).one()
    assert _send(world, token, card).status_code == 410  # one-time

    # Now the face link is issued, and the person's own face (another photograph) passes against the card.
    face = world.client.post("/api/v1/liveness/sessions", json={"purpose": "certification", "application_number": number},
                             headers=world.applicant)
    assert face.status_code == 201, face.text
    face_token = face.json()["link"].rsplit("/", 1)[1]
    assert world.client.get(f"{LINK}/{face_token}").status_code == 410  # a face link is no upload link
    world.client.post(f"/api/v1/liveness/sessions/{face_token}/consent", json={"agree": True})
    world.session.expire_all()
    actions = world.session.scalars(select(LivenessSession.challenge).where(LivenessSession.purpose == "certification")).one()
    frames = ff.FrameMaker("obama", seed=3).performing(actions)
    result = world.client.post(f"/api/v1/liveness/sessions/{face_token}/frames",
                               files=[("frames", (f"f{i}.jpg", f, "image/jpeg")) for i, f in enumerate(frames)]).json()
    assert result["passed"] is True, result


def test_bad_photos_get_a_clear_message_and_lose_nothing(world, real_engine) -> None:
    number, _ = _case(world)
    token = _token(_link(world, number, world.applicant))
    world.client.post(f"{LINK}/{token}/consent", json={"agree": True})
    cases = [
        (b"this is not a photo", "bad_image", "打不开"),
        (id_card(), "no_face", "没有检测到人脸"),
        (id_card("obama2", "biden"), "many_faces", "不止一张脸"),
        (id_card("obama2", face_width=90), "face_too_small", "太小"),
    ]
    for photo, code, words in cases:
        resp = _send(world, token, photo)
        assert resp.status_code == 400, resp.text
        assert resp.json()["error"]["code"] == code and words in resp.json()["error"]["message"]
        assert _references(world) == []
    too_big = _send(world, token, b"\xff\xd8" + b"0" * (8 * 1024 * 1024 + 10))
    assert too_big.status_code == 413 and "太大" in too_big.json()["error"]["message"]
    # The fifth unusable photo closes the link, with the way to a person.
    blurred = _send(world, token, id_card("obama2", blur=4))
    assert blurred.json()["error"]["code"] == "blurred" and "工作人员上门" in blurred.json()["error"]["message"]
    assert _send(world, token, id_card("obama2")).status_code == 410
    # Consent is kept: a new link takes the good photo at once.
    again = _token(_link(world, number, world.applicant))
    assert world.client.get(f"{LINK}/{again}").json()["needs_consent"] is False
    assert _send(world, again, id_card("obama2")).status_code == 201
    assert len(_references(world)) == 1


def test_nobody_sets_the_reference_of_a_person_they_do_not_act_for(world, fake_engine) -> None:
    number, her = _case(world)
    # A verified phone that is not hers, without a delegation: not found, and no link exists.
    assert _link(world, number, world.stranger).status_code == 404
    # Her own phone, but for her son (a member with no delegation to her): refused.
    son = world.session.scalars(select(Person).where(Person.name == "王强")).one()
    refused = _link(world, number, world.applicant, person_id=son.id)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_acting_for"
    assert world.session.scalars(select(LivenessSession)).all() == [] and _references(world) == []

    # Her own link cannot be turned into anyone else's: the person is fixed when the link is made.
    token = _token(_link(world, number, world.applicant))
    world.client.post(f"{LINK}/{token}/consent", json={"agree": True})
    assert _send(world, token, FakeFaceEngine.frame("zhang")).status_code == 201
    assert [r.person_id for r in _references(world)] == [her.id]
    # A card photo never replaces a reference on file (a helper must not swap in his own face).
    again = _link(world, number, world.applicant)
    assert again.status_code == 409 and again.json()["error"]["code"] == "reference_exists"


def test_a_helper_under_a_delegation_uploads_for_the_principal(world, fake_engine) -> None:
    number, her = _case(world)
    query_only = world.client.post("/api/v1/delegations", headers=world.caseworker, json={
        "principal": {"name": "张秀英", "id_number": member("张秀英")["id_number"]},
        "helper": {"name": "李红", "phone": "13900002222", "kind": "relative", "relation": "女儿"},
        "scope": ["query"], "consent": {"method": "paper", "form_reference": "渝中七星岗-2026-0031"}})
    assert query_only.status_code == 201, query_only.text
    refused = _link(world, number, world.helper)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_acting_for"
    world.client.post(f"/api/v1/delegations/{query_only.json()['id']}/revoke", json={}, headers=world.caseworker)
    world.client.post("/api/v1/delegations", headers=world.caseworker, json={
        "principal": {"name": "张秀英", "id_number": member("张秀英")["id_number"]},
        "helper": {"name": "李红", "phone": "13900002222", "kind": "relative", "relation": "女儿"},
        "scope": ["apply", "query"], "consent": {"method": "paper", "form_reference": "渝中七星岗-2026-0032"}})
    token = _token(_link(world, number, world.helper))
    # The consent is the principal's (the helper shows her the text and she answers).
    world.client.post(f"{LINK}/{token}/consent", json={"agree": True})
    assert _send(world, token, FakeFaceEngine.frame("zhang", small=True)).json()["error"]["code"] == "face_too_small"
    assert _send(world, token, FakeFaceEngine.frame("zhang")).status_code == 201
    (ref,) = _references(world)
    assert ref.person_id == her.id
    row = world.session.scalars(select(LivenessSession).where(LivenessSession.purpose == "id_photo")).one()
    assert row.delegation_id is not None


def test_refusing_the_consent_keeps_nothing_and_offers_a_person(world, fake_engine) -> None:
    number, _ = _case(world)
    token = _token(_link(world, number, world.applicant))
    refused = world.client.post(f"{LINK}/{token}/consent", json={"agree": False}).json()
    assert refused["next"] == "staff" and "工作人员上门" in refused["message"]
    assert _send(world, token, FakeFaceEngine.frame("zhang")).status_code == 409
    assert _references(world) == []
