"""Geometry on 68-point landmarks (eye aspect ratio, yaw, nose parallax), stored encodings, and the
FaceEngine interface every engine (real or fake) implements."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from backend.facecheck.challenge import ENCODING_SIZE, ImageInput

def sharpness(grey: np.ndarray, side: int = 100) -> float:
    """Variance of the Laplacian of a grey face crop scaled to side×side: low means blurred.

    Scaling first makes the figure independent of how many pixels the face has; a crop that is already
    small is only scaled up, which blurs a little, so small sharp faces still score above blurred ones."""
    rows = np.linspace(0, grey.shape[0] - 1, side).round().astype(int)
    cols = np.linspace(0, grey.shape[1] - 1, side).round().astype(int)
    g = grey[np.ix_(rows, cols)].astype(float)
    lap = 4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]
    return float(lap.var())


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

    def id_card_encoding(self, image: ImageInput) -> np.ndarray:
        """As reference_encoding, for a photograph of an ID card: the one face must also be at least
        ID_PHOTO_MIN_FACE_PX high and sharp (FaceImageError face_too_small or blurred otherwise)."""
        ...

    def analyse_frame(self, image: ImageInput) -> FrameAnalysis:
        """Count faces; for one, its encoding, EARs, yaw and (if it can) 68 landmarks; FaceImageError(bad_image)
        if the image does not decode."""
        ...
