"""The face_recognition models, loaded safely: importing this module is loading them.

Only backend.facecheck.engine.load_face_models imports it (through importlib, when the real engine is
first built), so the API, the tests with the fake engine and the CLIs never pay for dlib. A failed import
is not cached by Python: the next attempt tries again.

face_recognition imports face_recognition_models, which needs pkg_resources (gone in setuptools 82);
when that import fails face_recognition prints a hint and calls quit(), ending the process with code 0.
So the models package is imported and its files checked first, and SystemExit is caught.
"""

import os
import warnings

from backend.facecheck.challenge import FaceModelsUnavailable

INSTALL_HINT = (
    "install them into the backend venv: "
    'pip install dlib-bin numpy Pillow "setuptools<82" && '
    "pip install --no-deps -r backend/requirements-face.txt"
)


def _is_file(path: str) -> bool:
    return os.path.isfile(path) and os.path.getsize(path) > 0


try:
    with warnings.catch_warnings():
        # setuptools 67–81 warns that pkg_resources is deprecated; that is known and harmless here.
        warnings.simplefilter("ignore")
        import face_recognition_models
except Exception as exc:
    raise FaceModelsUnavailable(
        f"face_recognition_models cannot be imported ({exc!r}); it needs setuptools<82 for pkg_resources; {INSTALL_HINT}"
    ) from exc

try:
    _paths = [
        face_recognition_models.pose_predictor_model_location(),
        face_recognition_models.pose_predictor_five_point_model_location(),
        face_recognition_models.face_recognition_model_location(),
        face_recognition_models.cnn_face_detector_model_location(),
    ]
except Exception as exc:
    raise FaceModelsUnavailable(f"face model paths cannot be resolved ({exc!r}); {INSTALL_HINT}") from exc
_missing = [p for p in _paths if not _is_file(p)]
if _missing:
    raise FaceModelsUnavailable(f"face model files are missing: {_missing}; {INSTALL_HINT}")

try:
    from face_recognition import api  # noqa: F401  (what load_face_models returns)
except SystemExit as exc:
    raise FaceModelsUnavailable(f"face_recognition tried to exit while loading; {INSTALL_HINT}") from exc
except Exception as exc:
    raise FaceModelsUnavailable(f"face_recognition cannot be loaded ({exc!r}); {INSTALL_HINT}") from exc
