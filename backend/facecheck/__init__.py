"""Face checks (生存认证, 刷脸授权): the engine, consent, references, one-time links and their sessions.

The engine is pure (no database, no HTTP):
- challenge: actions and prompts, reason codes and messages, LivenessChallenge (random actions in a
  random order, bound to a one-time nonce with an expiry), thresholds and the LivenessResult a
  caseworker can read;
- geometry: eye aspect ratio, yaw, nose parallax, stored encodings and the FaceEngine interface (a 128-d
  reference encoding from an image, and the analysis of one camera frame);
- engine: FaceRecognitionEngine (face_recognition on dlib; its models load only when it is built, through
  dlib_models); fake: FakeFaceEngine for API tests;
- verify: verify_challenge, which judges a sequence of frames.

The engine's callers own everything stateful: storing the reference encoding encrypted
(DataVault.encrypt_bytes(encoding_to_bytes(...))), remembering used nonces and the replay keys of
accepted sequences, consent, and the manual path (staff-assisted certification) that must always exist.

Sign convention. Actions are named from the person's point of view ("turn_left" = "向左转头", turn to
your own left). Frames are expected as the camera records them, not mirrored: when a person turns to
their own left, their nose moves to the image's right, so yaw = (nose tip x − eye-midpoint x) /
inter-ocular distance grows. turn_left therefore needs yaw to grow by turn_yaw from the first frame
(the rest pose), turn_right to shrink by as much. A client that uploads selfie-mirrored frames passes
mirrored=True.

Printouts. Yaw alone can be faked with a flat picture: rotating it in its plane swings the nose (which
sits below the eyes) sideways, and a strong tilt moves it a little. A turn therefore also needs nose
parallax: after fitting the homography that any flat picture obeys to the outline of the face, the
nose tip of a real head lands well off the prediction (see nose_parallax).

Verification is CPU-bound and synchronous: about 0.12 s a frame, 0.6 s for 5 frames on 2 cores. dlib
keeps the GIL while it works (measured: a worker thread stalls the main thread for up to ~115 ms per
frame), so under load a process pool keeps the event loop responsive better than a thread pool; each
process holds the models in about 120 MB. Datetimes are timezone-aware (backend.core.clock.now()).

The stateful part is service (consent, references, sessions, results) and router (the API and the
/face/{token} page). A check that passes publishes FaceCheckPassed (backend.facecheck.events); what it
means — a signature, a certification — belongs to the packages that subscribe. Importing this package
loads no model and touches no file: FaceRecognitionEngine() does that.
"""

from backend.facecheck.challenge import (
    ACTION_PROMPTS, DEFAULT_THRESHOLDS, PASSED_MESSAGE, REASON_MESSAGES, Action, FaceImageError, FaceModelsUnavailable,
    FrameScore, ImageInput, LivenessChallenge, LivenessResult, LivenessThresholds, Reason,
)
from backend.facecheck.engine import FaceRecognitionEngine, load_face_models
from backend.facecheck.fake import FakeFaceEngine
from backend.facecheck.geometry import FaceEngine, FrameAnalysis, encoding_from_bytes, encoding_to_bytes, nose_parallax
from backend.facecheck.verify import verify_challenge

__all__ = [
    "ACTION_PROMPTS",
    "DEFAULT_THRESHOLDS",
    "PASSED_MESSAGE",
    "REASON_MESSAGES",
    "Action",
    "FaceEngine",
    "FaceImageError",
    "FaceModelsUnavailable",
    "FaceRecognitionEngine",
    "FakeFaceEngine",
    "FrameAnalysis",
    "FrameScore",
    "ImageInput",
    "LivenessChallenge",
    "LivenessResult",
    "LivenessThresholds",
    "Reason",
    "encoding_from_bytes",
    "encoding_to_bytes",
    "load_face_models",
    "nose_parallax",
    "verify_challenge",
]
