"""Face verification and liveness (生存认证, 刷脸授权): the pure engine, no database and no HTTP.

The code lives in backend.liveness.engine; the names the API layer needs are re-exported here.
Importing this package loads no model and touches no file: FaceRecognitionEngine() does that.
"""

from backend.liveness.engine import (
    ACTION_PROMPTS,
    DEFAULT_THRESHOLDS,
    PASSED_MESSAGE,
    REASON_MESSAGES,
    Action,
    FaceEngine,
    FaceImageError,
    FaceModelsUnavailable,
    FaceRecognitionEngine,
    FakeFaceEngine,
    FrameAnalysis,
    FrameScore,
    ImageInput,
    LivenessChallenge,
    LivenessResult,
    LivenessThresholds,
    Reason,
    encoding_from_bytes,
    encoding_to_bytes,
    load_face_models,
    nose_parallax,
    verify_challenge,
)

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
