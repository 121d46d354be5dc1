"""The face verification and liveness engine on real photographs and synthetic camera frames.

No database and no HTTP: these tests use neither the `session` nor the `client` fixture, so they run
once. The photographs are fetched by tests/backend/face_fixtures.py; if that fails, the tests fail.
"""

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from backend.core.clock import CHINA
from backend.facecheck import (
    FaceImageError,
    FaceModelsUnavailable,
    FaceRecognitionEngine,
    FakeFaceEngine,
    LivenessChallenge,
    encoding_from_bytes,
    encoding_to_bytes,
    load_face_models,
    nose_parallax,
    verify_challenge,
)
from tests.backend import face_fixtures as ff

REPO = Path(__file__).resolve().parents[2]
ISSUED = datetime(2025, 3, 1, 9, 0, tzinfo=CHINA)
NOW = ISSUED + timedelta(seconds=20)
ORDER = ("blink", "turn_left", "turn_right")


def challenge(actions=ORDER) -> LivenessChallenge:
    return LivenessChallenge.new(now=ISSUED, actions=actions)


@pytest.fixture(scope="module")
def engine() -> FaceRecognitionEngine:
    return FaceRecognitionEngine()


@pytest.fixture(scope="module")
def obama_reference(engine) -> np.ndarray:
    # A different photograph from the one the frames are made of, as at a real enrolment.
    return engine.reference_encoding(ff.photo_bytes("obama2"))


@pytest.fixture(scope="module")
def obama() -> ff.FrameMaker:
    return ff.FrameMaker("obama", seed=7)


@pytest.fixture(scope="module")
def genuine(obama) -> list[bytes]:
    return obama.performing(ORDER)


@pytest.fixture(scope="module")
def genuine_result(engine, obama_reference, genuine):
    return verify_challenge(engine, obama_reference, challenge(), genuine, now=NOW)


def test_face_models_load() -> None:
    """Fails loudly, with the install command, when face_recognition_models cannot load."""
    api = load_face_models()
    assert callable(api.face_encodings)


def test_a_broken_models_package_raises_instead_of_exiting_the_process() -> None:
    # Without pkg_resources (setuptools >= 82) face_recognition would print a hint and exit with code 0.
    code = (
        "import sys; sys.modules['pkg_resources'] = None\n"
        "from backend.facecheck import FaceModelsUnavailable, load_face_models\n"
        "try:\n    load_face_models()\n"
        "except FaceModelsUnavailable as exc:\n    print('guarded:', exc); sys.exit(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "setuptools<82" in done.stdout
    assert FaceModelsUnavailable.__mro__[1] is RuntimeError


def test_reference_encodings_tell_people_apart(engine, obama_reference) -> None:
    same = engine.reference_encoding(ff.photo_bytes("obama"))
    other = engine.reference_encoding(ff.photo_bytes("biden"))
    assert np.linalg.norm(same - obama_reference) < 0.45
    assert np.linalg.norm(other - obama_reference) > 0.7
    stored = encoding_to_bytes(obama_reference)
    assert len(stored) == 1024
    assert np.array_equal(encoding_from_bytes(stored), obama_reference)
    with pytest.raises(FaceImageError) as no_face:
        engine.reference_encoding(ff.empty_frame())
    assert no_face.value.code == "no_face"
    with pytest.raises(FaceImageError) as bad:
        engine.reference_encoding(b"not a picture")
    assert bad.value.code == "bad_image"


def test_turn_sign_convention(engine, obama) -> None:
    # Turning to one's own left moves the nose to the image's right: positive yaw.
    rest = engine.analyse_frame(obama.neutral())
    assert abs(rest.yaw) < 0.06
    left, right = engine.analyse_frame(obama.turned(+22)), engine.analyse_frame(obama.turned(-22))
    assert left.yaw > 0.14 and right.yaw < -0.14
    assert nose_parallax(rest.landmarks, left.landmarks) > 0.12
    assert nose_parallax(rest.landmarks, right.landmarks) < -0.12


def test_a_face_turned_at_rest_still_passes(engine) -> None:
    # obama3.jpg looks about 7° aside: turns are measured from the first frame, not from straight ahead.
    reference = engine.reference_encoding(ff.photo_bytes("obama"))
    order = ("turn_right", "turn_left", "blink")
    frames = ff.FrameMaker("obama3", seed=5).performing(order, turn_degrees=20)
    result = verify_challenge(engine, reference, challenge(order), frames, now=NOW)
    assert result.passed, result.to_dict()
    assert result.frames[0].yaw > 0.1


def test_genuine_challenge_passes(genuine_result) -> None:
    result = genuine_result
    assert result.passed, result.to_dict()
    assert result.reason == "ok" and result.message == "认证通过。"
    assert result.observed == ORDER
    assert [f.state for f in result.frames] == ["open", "closed", "open", "left", "right"]
    assert result.match_distance < 0.5
    assert result.ear_min < 0.75 * result.ear_baseline
    assert result.total_ms > 0 and all(f.millis > 0 for f in result.frames)
    record = json.loads(json.dumps(result.to_dict()))  # fit for the case file
    assert record["reasons"] == [] and "encoding" not in json.dumps(record)


def test_another_order_passes(engine, obama_reference, obama) -> None:
    order = ("turn_right", "blink", "turn_left")
    result = verify_challenge(engine, obama_reference, challenge(order), obama.performing(order), now=NOW)
    assert result.passed, result.to_dict()


def test_a_different_person_is_rejected(engine, obama_reference) -> None:
    frames = ff.FrameMaker("biden", seed=3).performing(ORDER)
    result = verify_challenge(engine, obama_reference, challenge(), frames, now=NOW)
    assert result.reasons == ("not_the_person",), result.to_dict()
    assert "工作人员" in result.message  # the manual path is offered
    assert result.match_distance > 0.6


def test_a_frame_of_someone_else_is_rejected(engine, obama_reference, obama) -> None:
    frames = obama.performing(ORDER)
    frames[2] = ff.FrameMaker("biden", seed=4).neutral()
    result = verify_challenge(engine, obama_reference, challenge(), frames, now=NOW)
    assert result.reason == "different_people", result.to_dict()


def test_a_still_photo_is_rejected(engine, obama_reference, obama) -> None:
    result = verify_challenge(engine, obama_reference, challenge(), obama.still(5), now=NOW)
    assert result.reasons == ("challenge_not_done",), result.to_dict()
    assert result.observed == ()
    assert result.match_distance < 0.5  # it is the right face, just not alive


def test_identical_frames_are_rejected_before_any_face_work(engine, obama_reference, obama) -> None:
    frame = obama.neutral()
    result = verify_challenge(engine, obama_reference, challenge(), [frame] * 5, now=NOW)
    assert result.reasons == ("identical_frames",)
    assert result.frames == () and result.analysis_ms == 0


def test_a_tilted_flat_photo_is_not_a_turn(engine, obama_reference, obama) -> None:
    order = ("turn_left", "turn_right")
    frames = obama.printout(order, tilt=30)
    result = verify_challenge(engine, obama_reference, challenge(order), frames, now=NOW)
    assert result.reasons == ("challenge_not_done",), result.to_dict()
    assert result.observed == ()
    assert max(abs(f.parallax) for f in result.frames) < 0.12


def test_a_photo_rotated_in_its_plane_is_not_a_turn(engine, obama_reference, obama) -> None:
    # Rotating a printout swings the nose sideways (yaw changes like a turn) but the face stays flat.
    order = ("turn_left", "turn_right")
    frames = obama.printout(order, tilt=0, roll=20)
    result = verify_challenge(engine, obama_reference, challenge(order), frames, now=NOW)
    assert result.reasons == ("challenge_not_done",), result.to_dict()
    assert [f.state for f in result.frames] == ["open", "flat", "flat"]
    assert min(abs(f.turn) for f in result.frames[1:]) >= 0.12


def test_the_wrong_order_is_rejected(engine, obama_reference, obama) -> None:
    frames = obama.performing(("turn_left", "blink", "turn_right"))
    result = verify_challenge(engine, obama_reference, challenge(ORDER), frames, now=NOW)
    assert result.reasons == ("wrong_order",), result.to_dict()
    assert result.observed == ("turn_left", "blink", "turn_right")


def test_an_expired_challenge_is_rejected(engine, obama_reference, genuine) -> None:
    late = ISSUED + timedelta(minutes=5)
    result = verify_challenge(engine, obama_reference, challenge(), genuine, now=late)
    assert result.reasons == ("expired",)
    assert result.message == "认证已超时，请重新开始。"


def test_a_used_nonce_is_rejected(engine, obama_reference, genuine) -> None:
    result = verify_challenge(engine, obama_reference, challenge(), genuine, now=NOW, nonce_used=True)
    assert result.reasons == ("nonce_used",)


def test_a_replayed_sequence_is_rejected(engine, obama_reference, genuine, genuine_result, obama) -> None:
    seen = set(genuine_result.replay_keys)
    again = verify_challenge(engine, obama_reference, challenge(), genuine, now=NOW, seen_replay_keys=seen)
    assert again.reasons == ("replayed",)
    # One accepted frame slipped into an otherwise new sequence is a replay too.
    mixed = [*obama.performing(ORDER)[:4], genuine[4]]
    assert verify_challenge(
        engine, obama_reference, challenge(), mixed, now=NOW, seen_replay_keys=seen
    ).reasons == ("replayed",)


def test_frames_without_exactly_one_face_are_rejected(engine, obama_reference, obama) -> None:
    empty = [obama.neutral(), ff.empty_frame(), obama.neutral()]
    result = verify_challenge(engine, obama_reference, challenge(("turn_left",)), empty, now=NOW)
    assert result.reasons == ("no_face",)
    assert [f.face_count for f in result.frames] == [1, 0]  # stops at the first unusable frame

    crowded = [ff.two_faces_frame(), obama.neutral()]
    result = verify_challenge(engine, obama_reference, challenge(("turn_left",)), crowded, now=NOW)
    assert result.reasons == ("many_faces",)

    broken = [obama.neutral(), b"\xff\xd8 not really a jpeg"]
    result = verify_challenge(engine, obama_reference, challenge(("turn_left",)), broken, now=NOW)
    assert result.reasons == ("bad_image",)


def test_mirrored_frames_and_the_fake_engine() -> None:
    fake = FakeFaceEngine()
    reference = fake.reference_encoding(FakeFaceEngine.frame("wang"))
    order = ("turn_left", "blink", "turn_right")
    # A selfie-mirrored upload shows a turn to the left as the nose moving to the image's left.
    frames = FakeFaceEngine.performing("wang", order, mirrored=True)
    assert verify_challenge(fake, reference, challenge(order), frames, now=NOW, mirrored=True).passed
    assert verify_challenge(fake, reference, challenge(order), frames, now=NOW).reason == "wrong_order"
    other = FakeFaceEngine.performing("li", order)
    assert verify_challenge(fake, reference, challenge(order), other, now=NOW).reason == "not_the_person"


def test_challenges_are_random_and_checked() -> None:
    orders = {LivenessChallenge.new().actions for _ in range(60)}
    assert len(orders) > 1 and all(sorted(o) == sorted(ORDER) for o in orders)
    fresh = LivenessChallenge.new(now=ISSUED)
    assert fresh.expires_at > ISSUED and len(fresh.nonce) >= 20
    assert fresh.prompts[0].startswith("请")
    with pytest.raises(ValueError):
        LivenessChallenge.new(actions=["smile"])
