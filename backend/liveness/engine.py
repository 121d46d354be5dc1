"""Face verification and liveness for 生存认证 and 刷脸授权: the pure engine, with no database and no HTTP.

This module owns:
- loading the face models safely (face_recognition quits the process when its models cannot load);
- the FaceEngine interface: a 128-d reference encoding from an image, and the analysis of one camera
  frame (how many faces, the face's encoding, eye aspect ratio of both eyes, head yaw);
- FaceRecognitionEngine (face_recognition on dlib, HOG, CPU) and FakeFaceEngine (for API tests);
- LivenessChallenge (random actions in a random order, bound to a one-time nonce with an expiry) and
  verify_challenge, which judges a sequence of frames into a LivenessResult a caseworker can read.

The caller owns everything stateful: storing the reference encoding encrypted
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
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import secrets
import threading
import time
import warnings
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import ModuleType
from typing import Protocol, runtime_checkable

import numpy as np

from backend.core import clock

ImageInput = bytes | bytearray | memoryview | np.ndarray
"""An encoded image (JPEG/PNG/... bytes) or an RGB uint8 array of shape (height, width, 3)."""

ENCODING_SIZE = 128
# A decoded frame larger than this is refused before decoding: a cheap guard against decompression bombs.
MAX_PIXELS = 40_000_000


# ---------------------------------------------------------------------------------------------------
# Actions, reason codes and the words the person sees
# ---------------------------------------------------------------------------------------------------


class Action(StrEnum):
    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


ACTION_PROMPTS: dict[str, str] = {
    Action.BLINK: "请眨一下眼睛。",
    Action.TURN_LEFT: "请慢慢向左转头，再转回来。",
    Action.TURN_RIGHT: "请慢慢向右转头，再转回来。",
}


class Reason(StrEnum):
    BAD_IMAGE = "bad_image"
    NO_FACE = "no_face"
    MANY_FACES = "many_faces"
    DIFFERENT_PEOPLE = "different_people"
    NOT_THE_PERSON = "not_the_person"
    CHALLENGE_NOT_DONE = "challenge_not_done"
    WRONG_ORDER = "wrong_order"
    IDENTICAL_FRAMES = "identical_frames"
    REPLAYED = "replayed"
    EXPIRED = "expired"
    NONCE_USED = "nonce_used"
    TOO_FEW_FRAMES = "too_few_frames"
    TOO_MANY_FRAMES = "too_many_frames"


PASSED_MESSAGE = "认证通过。"

REASON_MESSAGES: dict[str, str] = {
    Reason.BAD_IMAGE: "照片打不开，请重新拍一次。",
    Reason.NO_FACE: "没有检测到人脸，请把脸放在框里，光线亮一点。",
    Reason.MANY_FACES: "画面里不止一张脸，请一个人单独拍。",
    Reason.DIFFERENT_PEOPLE: "前后画面不像同一个人，请本人重新做一次。",
    # Face recognition must never be the only way (个人信息保护法; domain.md §8): point to the manual path.
    Reason.NOT_THE_PERSON: "和登记的照片对不上。请本人来做，或者找工作人员当面认证。",
    Reason.CHALLENGE_NOT_DONE: "没有看到要求的动作，请按提示眨眼、转头。",
    Reason.WRONG_ORDER: "动作顺序不对，请按提示的顺序重新做一次。",
    Reason.IDENTICAL_FRAMES: "画面完全一样，请重新拍摄。",
    Reason.REPLAYED: "这段画面已经用过了，请重新拍摄。",
    Reason.EXPIRED: "认证已超时，请重新开始。",
    Reason.NONCE_USED: "这次认证已经提交过了，请重新开始。",
    Reason.TOO_FEW_FRAMES: "拍到的画面太少，请重新做一次。",
    Reason.TOO_MANY_FRAMES: "拍到的画面太多，请重新做一次。",
}


class FaceModelsUnavailable(RuntimeError):
    """The face models cannot be loaded: face verification is down, offer the manual path."""


class FaceImageError(ValueError):
    """An image that cannot be used: it does not decode, or it does not show exactly one face."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.message = REASON_MESSAGES[code]
        super().__init__(f"{code}: {detail or self.message}")


# ---------------------------------------------------------------------------------------------------
# Geometry: eye aspect ratio and yaw from 68-point landmarks
# ---------------------------------------------------------------------------------------------------

Point = tuple[float, float]


def eye_aspect_ratio(eye: Sequence[Point]) -> float:
    """EAR of one eye from its 6 landmarks (corner, 2 upper, corner, 2 lower): about 0.22–0.32 open."""
    p = np.asarray(eye, dtype=float)
    width = np.linalg.norm(p[0] - p[3])
    if width <= 0:
        return 0.0
    return float((np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2.0 * width))


def head_yaw(left_eye: Sequence[Point], right_eye: Sequence[Point], nose_tip: Point) -> float:
    """(nose tip x − eye-midpoint x) / inter-ocular distance, in image coordinates (see the module docstring).

    Alone it is fooled by a picture rotated in its plane (the nose sits below the eyes, so it swings
    sideways); verify_challenge pairs it with nose_parallax, which a flat picture cannot produce.
    """
    a = np.mean(np.asarray(left_eye, dtype=float), axis=0)  # dlib's left_eye: the one on the image's left
    b = np.mean(np.asarray(right_eye, dtype=float), axis=0)
    distance = float(np.linalg.norm(a - b))
    if distance <= 0:
        return 0.0
    return float((nose_tip[0] - (a[0] + b[0]) / 2.0) / distance)


# Points that lie roughly on one surface and do not move in a blink: jaw line, brows, eye corners,
# mouth corners. The nose tip (30) stands out of that surface by about half the inter-ocular distance.
_PLANE_POINTS = [*range(27), 36, 39, 42, 45, 48, 54]
_NOSE_TIP = 30


def nose_parallax(rest: np.ndarray, moved: np.ndarray) -> float:
    """How far the nose tip left the plane of the rest of the face between two frames, / inter-ocular distance.

    Any view of a flat picture (shifted, scaled, rotated in its plane, tilted towards or away from the
    camera) is a homography of any other view, so after fitting one to the face's outer points the nose
    of a photo lands about where predicted; a real head that turns moves its nose off that prediction.
    Measured on synthetic frames: turns of 15° give 0.13–0.2, 18° 0.16–0.25; printouts tilted ±30°
    and/or rotated ±15° give 0.07 (90th percentile), at most 0.125. Tilted 40–45° the landmarks of a
    face already turned at rest drift (dlib's shape model forces 3-D-looking shapes) up to 0.2.
    Signed along the eye line of `moved`: positive when the nose went towards the image's right. NaN
    if no fit is possible.
    """
    rest = np.asarray(rest, dtype=float)
    moved = np.asarray(moved, dtype=float)
    try:
        h = _homography(rest[_PLANE_POINTS], moved[_PLANE_POINTS])
        predicted = h @ np.array([*rest[_NOSE_TIP], 1.0])
        predicted = predicted[:2] / predicted[2]
    except (np.linalg.LinAlgError, FloatingPointError, ZeroDivisionError):
        return math.nan
    axis = moved[42:48].mean(axis=0) - moved[36:42].mean(axis=0)
    squared = float(axis @ axis)
    if squared <= 0 or not np.all(np.isfinite(predicted)):
        return math.nan
    return float((moved[_NOSE_TIP] - predicted) @ axis / squared)


def _homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3×3 homography taking src points to dst (least squares, normalised DLT)."""

    def normalise(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        centre = points.mean(axis=0)
        spread = np.mean(np.linalg.norm(points - centre, axis=1))
        if spread <= 0:
            raise ZeroDivisionError("all points coincide")
        k = math.sqrt(2) / spread
        t = np.array([[k, 0, -k * centre[0]], [0, k, -k * centre[1]], [0, 0, 1]])
        return np.c_[points, np.ones(len(points))] @ t.T, t

    a, ta = normalise(src)
    b, tb = normalise(dst)
    rows = []
    for (x, y, _), (u, v, _) in zip(a, b, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    h = np.linalg.svd(np.asarray(rows))[2][-1].reshape(3, 3)
    h = np.linalg.inv(tb) @ h @ ta
    if abs(h[2, 2]) < 1e-12:
        raise ZeroDivisionError("degenerate homography")
    return h / h[2, 2]


def encoding_to_bytes(encoding: np.ndarray) -> bytes:
    """1024 bytes (128 little-endian float64), ready for DataVault.encrypt_bytes."""
    array = np.asarray(encoding, dtype="<f8").reshape(-1)
    if array.size != ENCODING_SIZE:
        raise ValueError(f"a face encoding has {ENCODING_SIZE} numbers, got {array.size}")
    return array.tobytes()


def encoding_from_bytes(data: bytes) -> np.ndarray:
    array = np.frombuffer(bytes(data), dtype="<f8")
    if array.size != ENCODING_SIZE:
        raise ValueError(f"a stored face encoding has {ENCODING_SIZE * 8} bytes, got {len(data)}")
    return array.astype(float)


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, dtype=float) - np.asarray(b, dtype=float)))


# ---------------------------------------------------------------------------------------------------
# The engine interface
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameAnalysis:
    """What one frame shows. Encoding and eye/yaw values are set only when exactly one face was found."""

    face_count: int
    encoding: np.ndarray | None = field(default=None, repr=False)
    ear_left: float | None = None  # the eye on the image's left (dlib's "left_eye": the person's right)
    ear_right: float | None = None
    yaw: float | None = None
    landmarks: np.ndarray | None = field(default=None, repr=False)  # 68×2, dlib order; None if not known
    box: tuple[int, int, int, int] | None = None  # (top, right, bottom, left) in the analysed image
    size: tuple[int, int] = (0, 0)  # (width, height) analysed, after any downscaling
    millis: float = 0.0

    @property
    def ear(self) -> float | None:
        if self.ear_left is None or self.ear_right is None:
            return None
        # The mean of both eyes, as in Soukupová & Čech: steadier than either eye's landmarks alone.
        return (self.ear_left + self.ear_right) / 2.0


@runtime_checkable
class FaceEngine(Protocol):
    def reference_encoding(self, image: ImageInput) -> np.ndarray:
        """The 128-d encoding of the one face in a reference photo; FaceImageError otherwise."""
        ...

    def analyse_frame(self, image: ImageInput) -> FrameAnalysis:
        """Count faces; for one, its encoding, EARs, yaw and (if it can) 68 landmarks; FaceImageError(bad_image)
        if the image does not decode."""
        ...


# ---------------------------------------------------------------------------------------------------
# Model loading and the real engine
# ---------------------------------------------------------------------------------------------------

_MODELS_LOCK = threading.Lock()
_face_recognition: ModuleType | None = None
# dlib's HOG detector keeps its scan buffers in the detector object and the encoder network keeps its
# layer outputs in the network object; face_recognition holds one global instance of each, so calls
# from the API's worker threads are serialised. dlib holds the GIL anyway, so nothing is lost.
_DLIB_LOCK = threading.Lock()

_INSTALL_HINT = (
    "install them into the backend venv: "
    'pip install dlib-bin numpy Pillow "setuptools<82" && '
    "pip install --no-deps -r backend/requirements-face.txt"
)


def load_face_models() -> ModuleType:
    """Import face_recognition safely and return its api module; FaceModelsUnavailable if it cannot work.

    face_recognition imports face_recognition_models, which needs pkg_resources (gone in setuptools 82);
    when that import fails face_recognition prints a hint and calls quit(), ending the process with
    code 0. So the models package is imported and its files checked first, and SystemExit is caught.
    """
    global _face_recognition
    with _MODELS_LOCK:
        if _face_recognition is not None:
            return _face_recognition
        try:
            with warnings.catch_warnings():
                # setuptools 67–81 warns that pkg_resources is deprecated; that is known and harmless here.
                warnings.simplefilter("ignore")
                import face_recognition_models
        except Exception as exc:
            raise FaceModelsUnavailable(
                f"face_recognition_models cannot be imported ({exc!r}); it needs setuptools<82 "
                f"for pkg_resources; {_INSTALL_HINT}"
            ) from exc
        try:
            paths = [
                face_recognition_models.pose_predictor_model_location(),
                face_recognition_models.pose_predictor_five_point_model_location(),
                face_recognition_models.face_recognition_model_location(),
                face_recognition_models.cnn_face_detector_model_location(),
            ]
        except Exception as exc:
            raise FaceModelsUnavailable(
                f"face model paths cannot be resolved ({exc!r}); {_INSTALL_HINT}"
            ) from exc
        missing = [p for p in paths if not _is_file(p)]
        if missing:
            raise FaceModelsUnavailable(f"face model files are missing: {missing}; {_INSTALL_HINT}")
        try:
            from face_recognition import api
        except SystemExit as exc:
            raise FaceModelsUnavailable(
                f"face_recognition tried to exit while loading; {_INSTALL_HINT}"
            ) from exc
        except Exception as exc:
            raise FaceModelsUnavailable(
                f"face_recognition cannot be loaded ({exc!r}); {_INSTALL_HINT}"
            ) from exc
        _face_recognition = api
        return api


def _is_file(path: str) -> bool:
    return os.path.isfile(path) and os.path.getsize(path) > 0


def decode_image(image: ImageInput, max_side: int) -> np.ndarray:
    """An RGB uint8 array no larger than max_side on its longest side; FaceImageError(bad_image) otherwise.

    Phone photos carry their orientation in EXIF, so it is applied; large JPEGs are decoded at a
    reduced scale directly (draft mode), which is much cheaper than decoding and then shrinking.
    """
    from PIL import Image, ImageOps

    if isinstance(image, np.ndarray):
        array = image
        if array.ndim == 2:
            array = np.stack([array] * 3, axis=-1)
        if array.ndim != 3 or array.shape[2] not in (3, 4) or array.dtype != np.uint8:
            raise FaceImageError(
                Reason.BAD_IMAGE, f"expected an RGB uint8 array, got {array.shape} {array.dtype}"
            )
        array = array[:, :, :3]
        if max(array.shape[:2]) <= max_side:
            return np.ascontiguousarray(array)
        picture = Image.fromarray(array)
    else:
        try:
            picture = Image.open(io.BytesIO(bytes(image)))
            if picture.width * picture.height > MAX_PIXELS:
                raise FaceImageError(Reason.BAD_IMAGE, f"{picture.width}×{picture.height} is too large")
            picture.draft("RGB", (max_side, max_side))
            picture = ImageOps.exif_transpose(picture).convert("RGB")
        except FaceImageError:
            raise
        except Exception as exc:
            raise FaceImageError(Reason.BAD_IMAGE, repr(exc)) from exc
    if max(picture.size) > max_side:
        scale = max_side / max(picture.size)
        picture = picture.resize(
            (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))), Image.BILINEAR
        )
    return np.asarray(picture, dtype=np.uint8)


class FaceRecognitionEngine:
    """The real engine: face_recognition (dlib HOG detector, 68-point landmarks, ResNet encoder) on CPU.

    Speed: HOG at upsample 0 takes 25–29 ms on a 640×480 frame against ~110 ms at upsample 1, and a
    selfie face is far larger than the ~80 px upsample 0 needs, so frames are shrunk to at most
    frame_max_side and scanned at upsample 0; upsample 1 is tried only when nothing was found (that
    costs time only on frames that would fail anyway). The encoding (~80 ms) is computed once per frame,
    only when there is exactly one face.
    """

    def __init__(
        self,
        *,
        frame_max_side: int = 640,
        reference_max_side: int = 1024,
        upsample: int = 0,
        retry_upsample: int | None = 1,
        reference_jitters: int = 1,
    ):
        self.frame_max_side = frame_max_side
        self.reference_max_side = reference_max_side
        self.upsample = upsample
        self.retry_upsample = retry_upsample
        self.reference_jitters = reference_jitters
        self._fr = load_face_models()

    def _locate(self, rgb: np.ndarray) -> list[tuple[int, int, int, int]]:
        boxes = self._fr.face_locations(rgb, self.upsample, "hog")
        if not boxes and self.retry_upsample is not None and self.retry_upsample > self.upsample:
            boxes = self._fr.face_locations(rgb, self.retry_upsample, "hog")
        return boxes

    def reference_encoding(self, image: ImageInput) -> np.ndarray:
        rgb = decode_image(image, self.reference_max_side)
        with _DLIB_LOCK:
            boxes = self._locate(rgb)
            if not boxes:
                raise FaceImageError(Reason.NO_FACE)
            if len(boxes) > 1:
                raise FaceImageError(Reason.MANY_FACES, f"{len(boxes)} faces")
            # model="small" (5 landmarks) is what face_recognition uses for encodings by default, so
            # distances stay comparable with its published 0.6 tolerance.
            encodings = self._fr.face_encodings(rgb, boxes, num_jitters=self.reference_jitters, model="small")
        return np.asarray(encodings[0], dtype=float)

    def analyse_frame(self, image: ImageInput) -> FrameAnalysis:
        started = time.perf_counter()
        rgb = decode_image(image, self.frame_max_side)
        size = (int(rgb.shape[1]), int(rgb.shape[0]))
        with _DLIB_LOCK:
            boxes = self._locate(rgb)
            if len(boxes) != 1:
                return FrameAnalysis(
                    face_count=len(boxes), size=size, millis=(time.perf_counter() - started) * 1000
                )
            # The raw 68 points in dlib's order (face_landmarks() regroups the lips out of order).
            shape = self._fr._raw_face_landmarks(rgb, boxes, "large")[0]
            encoding = self._fr.face_encodings(rgb, boxes, num_jitters=1, model="small")[0]
        points = np.array([(p.x, p.y) for p in shape.parts()], dtype=float)
        return FrameAnalysis(
            face_count=1,
            encoding=np.asarray(encoding, dtype=float),
            ear_left=eye_aspect_ratio(points[36:42]),
            ear_right=eye_aspect_ratio(points[42:48]),
            # Point 30, the tip of the nose, stands furthest out of the face, so it moves most in a turn.
            yaw=head_yaw(points[36:42], points[42:48], points[30]),
            landmarks=points,
            box=tuple(int(v) for v in boxes[0]),
            size=size,
            millis=(time.perf_counter() - started) * 1000,
        )


class FakeFaceEngine:
    """A stand-in for API tests: each "image" is JSON bytes that says what the frame shows.

    FakeFaceEngine.frame("wang", yaw=0.2) makes one; FakeFaceEngine.performing("wang", actions) makes a
    sequence that performs a challenge. Each person gets a fixed pseudo-random encoding; two people are
    about 0.9 apart, one person 0.
    """

    OPEN_EAR = 0.3
    TURN_YAW = 0.22

    @staticmethod
    def frame(person: str = "person", *, ear: float = OPEN_EAR, yaw: float = 0.0, faces: int = 1) -> bytes:
        # The random token makes every frame distinct, as real camera frames are.
        return json.dumps(
            {"person": person, "ear": ear, "yaw": yaw, "faces": faces, "n": secrets.token_hex(4)}
        ).encode()

    @classmethod
    def performing(cls, person: str, actions: Sequence[str], *, mirrored: bool = False) -> list[bytes]:
        sign = -1.0 if mirrored else 1.0
        frames = [cls.frame(person)]
        for action in actions:
            if action == Action.BLINK:
                frames += [cls.frame(person, ear=cls.OPEN_EAR / 2), cls.frame(person)]
            elif action == Action.TURN_LEFT:
                frames.append(cls.frame(person, yaw=sign * cls.TURN_YAW))
            elif action == Action.TURN_RIGHT:
                frames.append(cls.frame(person, yaw=-sign * cls.TURN_YAW))
            else:
                raise ValueError(f"unknown action {action!r}")
        return frames

    @staticmethod
    def encoding_of(person: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(person.encode()).digest()[:8], "big")
        vector = np.random.default_rng(seed).normal(size=ENCODING_SIZE)
        return vector / np.linalg.norm(vector) * 0.65

    @staticmethod
    def _read(image: ImageInput) -> dict:
        try:
            return json.loads(bytes(image))
        except Exception as exc:
            raise FaceImageError(Reason.BAD_IMAGE, "not a fake frame") from exc

    def reference_encoding(self, image: ImageInput) -> np.ndarray:
        data = self._read(image)
        faces = data.get("faces", 1)
        if faces != 1:
            raise FaceImageError(Reason.NO_FACE if faces == 0 else Reason.MANY_FACES)
        return self.encoding_of(data["person"])

    def analyse_frame(self, image: ImageInput) -> FrameAnalysis:
        data = self._read(image)
        if data.get("faces", 1) != 1:
            return FrameAnalysis(face_count=data["faces"], size=(640, 480))
        ear = float(data.get("ear", self.OPEN_EAR))
        return FrameAnalysis(
            face_count=1,
            encoding=self.encoding_of(data["person"]),
            ear_left=ear,
            ear_right=ear,
            yaw=float(data.get("yaw", 0.0)),
            box=(100, 400, 400, 100),
            size=(640, 480),
        )


# ---------------------------------------------------------------------------------------------------
# Challenges and their verification
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LivenessThresholds:
    """Every number the verdict depends on, kept with each result so a decision can be re-read later."""

    match_distance: float = 0.5  # to the reference; lower is stricter (face_recognition's default is 0.6)
    same_person_distance: float = 0.6  # between any two frames of one sequence
    blink_ratio: float = 0.75  # closed: EAR below this × the open baseline
    reopen_ratio: float = 0.9  # open again: EAR at or above this × the baseline
    # A turn: yaw moved this far from the first frame (the rest pose) in the asked direction; a 20° turn
    # moves it about 0.2 (measured 0.13–0.25 at 18°), a printout tilted ±30° up to 0.07, but one
    # rotated in its plane by 15–20° up to 0.2: hence also ...
    turn_yaw: float = 0.12
    # ... the nose leaving the plane of the rest of the face (nose_parallax): measured 0.16–0.25 for
    # turns of 18°, and at most 0.13 for printouts tilted ±30° and/or rotated ±15°.
    turn_parallax: float = 0.12
    min_frames: int = 2
    max_frames: int = 20  # bounds the CPU one request can use (~0.1 s a frame)


DEFAULT_THRESHOLDS = LivenessThresholds()


@dataclass(frozen=True)
class LivenessChallenge:
    """What the person is asked to do, in order, and the one-time nonce that binds the answer to it."""

    nonce: str
    actions: tuple[str, ...]
    issued_at: datetime
    expires_at: datetime

    def __post_init__(self) -> None:
        unknown = [a for a in self.actions if a not in set(Action)]
        if unknown or not self.actions:
            raise ValueError(
                f"a challenge needs known actions {[a.value for a in Action]}, got {self.actions}"
            )

    @classmethod
    def new(
        cls,
        *,
        now: datetime | None = None,
        ttl: timedelta = timedelta(seconds=90),
        actions: Sequence[str] | None = None,
        count: int = 3,
    ) -> LivenessChallenge:
        """A fresh challenge: `count` distinct actions in a random order (from the OS's secure random)."""
        issued = now or clock.now()
        if actions is None:
            pool = [a.value for a in Action]
            secrets.SystemRandom().shuffle(pool)
            actions = pool[:count]
        return cls(
            nonce=secrets.token_urlsafe(16),
            actions=tuple(str(a) for a in actions),
            issued_at=issued,
            expires_at=issued + ttl,
        )

    @property
    def prompts(self) -> list[str]:
        return [ACTION_PROMPTS[a] for a in self.actions]

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class FrameScore:
    """One frame as the verdict saw it (no encoding: scores only, safe to keep in an audit record)."""

    index: int
    face_count: int
    # open / closed / left / right (the person's own left and right), or flat: the yaw changed like a
    # turn but the face moved as a flat picture does. "" when the frame was not judged.
    state: str = ""
    distance: float | None = None  # to the reference encoding
    ear_left: float | None = None
    ear_right: float | None = None
    ear: float | None = None
    yaw: float | None = None  # as measured in the image, before any mirroring correction
    turn: float | None = None  # yaw change since the first frame; positive = towards the person's left
    parallax: float | None = None  # nose_parallax since the first frame, same sign; None if not known
    millis: float = 0.0


@dataclass(frozen=True)
class LivenessResult:
    passed: bool
    reasons: tuple[str, ...]  # failure codes, most important first; empty when passed
    nonce: str
    challenge: tuple[str, ...]
    observed: tuple[str, ...] = ()  # the actions seen, in order
    frames: tuple[FrameScore, ...] = ()
    match_distance: float | None = None  # median distance of the frames to the reference
    worst_pair_distance: float | None = None  # largest distance between two frames of the sequence
    ear_baseline: float | None = None
    ear_min: float | None = None
    sequence_hash: str = ""
    frame_hashes: tuple[str, ...] = ()
    mirrored: bool = False
    thresholds: LivenessThresholds = DEFAULT_THRESHOLDS
    analysis_ms: float = 0.0
    total_ms: float = 0.0

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else "ok"

    @property
    def message(self) -> str:
        return REASON_MESSAGES[self.reasons[0]] if self.reasons else PASSED_MESSAGE

    @property
    def messages(self) -> list[str]:
        return [REASON_MESSAGES[r] for r in self.reasons]

    @property
    def replay_keys(self) -> tuple[str, ...]:
        """Store these when a result is accepted and pass them back as seen_replay_keys next time."""
        return (self.sequence_hash, *self.frame_hashes) if self.sequence_hash else ()

    def to_dict(self) -> dict:
        """JSON-ready scores and reasons for the case file; never contains an encoding or an image."""
        data = asdict(self)
        data["reason"] = self.reason
        data["message"] = self.message
        data["messages"] = self.messages
        return data


def frame_hash(frame: ImageInput) -> str:
    digest = hashlib.sha256()
    if isinstance(frame, np.ndarray):
        digest.update(f"{frame.shape}{frame.dtype}".encode())
        digest.update(np.ascontiguousarray(frame).tobytes())
    else:
        digest.update(bytes(frame))
    return digest.hexdigest()


def sequence_hash(frame_hashes: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(frame_hashes).encode()).hexdigest()


def verify_challenge(
    engine: FaceEngine,
    reference_encoding: np.ndarray | bytes,
    challenge: LivenessChallenge,
    frames: Sequence[ImageInput],
    *,
    now: datetime | None = None,
    nonce_used: bool = False,
    seen_replay_keys: Container[str] = frozenset(),
    mirrored: bool = False,
    thresholds: LivenessThresholds = DEFAULT_THRESHOLDS,
) -> LivenessResult:
    """Judge whether `frames` show the reference person, alive, doing the challenge in order.

    nonce_used: the caller has already consumed this challenge's nonce. seen_replay_keys: the
    replay_keys of earlier accepted results (a set or any container). Checks that cost nothing (nonce,
    expiry, frame count, identical frames, replay) run first and stop the verdict before any face work.
    """
    started = time.perf_counter()
    t = thresholds
    reference = (
        encoding_from_bytes(reference_encoding)
        if isinstance(reference_encoding, bytes | bytearray | memoryview)
        else np.asarray(reference_encoding, dtype=float).reshape(-1)
    )
    if reference.size != ENCODING_SIZE:
        raise ValueError(f"a reference encoding has {ENCODING_SIZE} numbers, got {reference.size}")
    hashes = tuple(frame_hash(f) for f in frames)
    seq_hash = sequence_hash(hashes)
    base = {
        "nonce": challenge.nonce,
        "challenge": tuple(challenge.actions),
        "sequence_hash": seq_hash,
        "frame_hashes": hashes,
        "mirrored": mirrored,
        "thresholds": t,
    }

    def done(reasons: list[str], **scores) -> LivenessResult:
        return LivenessResult(
            passed=not reasons,
            reasons=tuple(reasons),
            **base,
            **scores,
            total_ms=(time.perf_counter() - started) * 1000,
        )

    # 1. The cheap checks. All are reported together; any of them stops the verdict here.
    reasons: list[str] = []
    if nonce_used:
        reasons.append(Reason.NONCE_USED)
    if challenge.is_expired(now or clock.now()):
        reasons.append(Reason.EXPIRED)
    if len(frames) < t.min_frames:
        reasons.append(Reason.TOO_FEW_FRAMES)
    elif len(frames) > t.max_frames:
        reasons.append(Reason.TOO_MANY_FRAMES)
    if len(set(hashes)) < len(hashes):
        reasons.append(Reason.IDENTICAL_FRAMES)
    if seq_hash in seen_replay_keys or any(h in seen_replay_keys for h in hashes):
        reasons.append(Reason.REPLAYED)
    if reasons:
        return done(reasons)

    # 2. Faces, frame by frame; the first unusable frame ends the work (the person must retake anyway).
    analysis_started = time.perf_counter()
    analyses: list[FrameAnalysis] = []
    scores: list[FrameScore] = []
    for index, frame in enumerate(frames):
        try:
            analysis = engine.analyse_frame(frame)
        except FaceImageError as exc:
            scores.append(FrameScore(index=index, face_count=0))
            return done([exc.code], frames=tuple(scores), analysis_ms=_ms_since(analysis_started))
        if analysis.face_count != 1 or analysis.encoding is None:
            scores.append(FrameScore(index=index, face_count=analysis.face_count, millis=analysis.millis))
            code = Reason.NO_FACE if analysis.face_count == 0 else Reason.MANY_FACES
            return done([code], frames=tuple(scores), analysis_ms=_ms_since(analysis_started))
        analyses.append(analysis)
        scores.append(FrameScore(index=index, face_count=1, millis=analysis.millis))
    analysis_ms = _ms_since(analysis_started)

    # 3. Identity: one person throughout, and that person is the reference.
    encodings = np.stack([a.encoding for a in analyses])
    distances = np.linalg.norm(encodings - reference, axis=1)
    pairwise = np.linalg.norm(encodings[:, None, :] - encodings[None, :, :], axis=2)
    worst_pair = float(pairwise.max())
    # The median, not the worst frame: a turned or closed-eye frame is legitimately further away, and a
    # single swapped-in frame of someone else is caught by the pairwise check instead.
    match = float(np.median(distances))
    if worst_pair > t.same_person_distance:
        reasons.append(Reason.DIFFERENT_PEOPLE)
    if match > t.match_distance:
        reasons.append(Reason.NOT_THE_PERSON)

    # 4. Liveness: the actions seen, in order, against the challenge.
    judged, observed, baseline, ear_min = _observe_actions(analyses, mirrored, t)
    required, seen = Counter(challenge.actions), Counter(observed)
    if tuple(observed) != tuple(challenge.actions):
        if not observed or any(seen[a] < n for a, n in required.items()):
            reasons.append(Reason.CHALLENGE_NOT_DONE)
        else:
            # Everything asked for was done, but in another order or with extra moves: a recording made
            # for a fixed sequence, or one that performs several orders, must not pass.
            reasons.append(Reason.WRONG_ORDER)

    scored = tuple(
        FrameScore(
            index=i,
            face_count=1,
            state=state,
            distance=round(float(distances[i]), 4),
            ear_left=_r(a.ear_left),
            ear_right=_r(a.ear_right),
            ear=_r(a.ear),
            yaw=_r(a.yaw),
            turn=_r(turn),
            parallax=_r(parallax),
            millis=round(a.millis, 1),
        )
        for i, (a, (state, turn, parallax)) in enumerate(zip(analyses, judged, strict=True))
    )
    return done(
        reasons,
        observed=tuple(observed),
        frames=scored,
        match_distance=round(match, 4),
        worst_pair_distance=round(worst_pair, 4),
        ear_baseline=_r(baseline),
        ear_min=_r(ear_min),
        analysis_ms=round(analysis_ms, 1),
    )


def _observe_actions(
    analyses: Sequence[FrameAnalysis], mirrored: bool, t: LivenessThresholds
) -> tuple[list[tuple[str, float, float | None]], list[str], float, float]:
    """Each frame's (state, turn, parallax), the ordered actions they add up to, the EAR baseline and minimum.

    The first frame is the rest pose (the client asks "请正对镜头" before the actions), so a person
    whose face is a little turned at rest still turns far enough each way. A frame is a turn when its
    yaw moved turn_yaw from the rest pose AND its nose left the face's plane by turn_parallax in the same
    direction; a turn counts once per run of such frames. The open-eye baseline is the person's own:
    the 80th percentile of EAR over the frames not turned (turning changes the eyes' apparent shape), so
    one or two closed frames do not drag it down. A blink counts when EAR falls below blink_ratio ×
    baseline and a later frame is open again.
    """
    sign = -1.0 if mirrored else 1.0  # the person's left is the image's right unless mirrored
    rest = analyses[0]
    turns = [sign * (float(a.yaw or 0.0) - float(rest.yaw or 0.0)) for a in analyses]
    parallaxes: list[float | None] = []
    for a in analyses:
        if a.landmarks is None or rest.landmarks is None:
            parallaxes.append(None)  # an engine without landmarks (the fake) is judged on yaw alone
        else:
            parallaxes.append(sign * nose_parallax(rest.landmarks, a.landmarks))
    ears = [float(a.ear or 0.0) for a in analyses]
    frontal = [e for e, turn in zip(ears, turns, strict=True) if abs(turn) < t.turn_yaw] or ears
    baseline = float(np.percentile(frontal, 80))
    ear_min = min(frontal)

    judged: list[tuple[str, float, float | None]] = []
    events: list[tuple[int, str]] = []
    closed_at: int | None = None
    previous = ""
    for i, (ear, turn, parallax) in enumerate(zip(ears, turns, parallaxes, strict=True)):
        direction = 1 if turn >= t.turn_yaw else -1 if turn <= -t.turn_yaw else 0
        # NaN (no fit possible) compares False: such a frame is never a turn.
        solid = parallax is None or direction * parallax >= t.turn_parallax
        if direction and solid:
            state = "left" if direction > 0 else "right"
        elif direction:
            state = "flat"
        elif ear < t.blink_ratio * baseline:
            state = "closed"
        else:
            state = "open"
        if state in ("left", "right") and state != previous:
            events.append((i, Action.TURN_LEFT if state == "left" else Action.TURN_RIGHT))
        if state == "closed" and closed_at is None:
            closed_at = i
        elif closed_at is not None and ear >= t.reopen_ratio * baseline:
            events.append((closed_at, Action.BLINK))
            closed_at = None
        judged.append((state, turn, parallax))
        previous = state
    events.sort(key=lambda e: e[0])
    return judged, [str(action) for _, action in events], baseline, ear_min


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _r(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)
