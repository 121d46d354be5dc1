"""Real face photographs for the liveness tests, and synthetic camera frames made from them.

Photographs: the face-recognition 1.3.0 source package on PyPI carries tests/test_images/obama.jpg,
obama2.jpg, obama3.jpg and biden.jpg. They are fetched with pip at test time into a cache outside git
(JIUZHU_FACE_CACHE, or ~/.cache/jiuzhu-test-faces), checked against a pinned SHA-256, and never
committed. If they cannot be fetched, FaceFixtureUnavailable is raised: the tests fail, they do not skip.

Frames (480×640 JPEG bytes, like a phone's upload) are made with numpy and Pillow only:
- a blink: the eyelid region of both eyes is warped vertically so the lids meet;
- a head turn: the face is treated as an ellipsoid with a raised nose, rotated about the vertical axis
  and projected orthographically, so the nose moves further than the eyes (a flat warp cannot do that);
- a flat photo tilted about its vertical axis (a perspective warp of the whole picture) and/or rotated
  in its plane: a printout held at an angle, which must not count as a turn;
- every frame gets its own small shift, scale, brightness change and sensor noise, so genuine frames
  are never identical.
Positive turn angles are to the person's own left: the nose moves toward the image's right.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import math
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

SDIST_REQUIREMENT = "face-recognition==1.3.0"
SDIST_NAME = "face_recognition-1.3.0.tar.gz"
# Pinned so the photographs are exactly the ones the thresholds were measured on.
SDIST_SHA256 = "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec"
PHOTOS = ("obama", "obama2", "obama3", "biden")

FRAME_WIDTH = 480
FRAME_HEIGHT = 640


class FaceFixtureUnavailable(RuntimeError):
    """The test photographs could not be fetched: a test failure, never a skip."""


# ---------------------------------------------------------------------------------------------------
# Fetching the photographs
# ---------------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    return Path(os.environ.get("JIUZHU_FACE_CACHE") or Path.home() / ".cache" / "jiuzhu-test-faces")


def photos_dir() -> Path:
    """The directory holding obama.jpg, obama2.jpg, obama3.jpg and biden.jpg, fetched on first use."""
    root = cache_dir()
    target = root / "face_recognition-1.3.0"
    if all((target / f"{name}.jpg").is_file() for name in PHOTOS):
        return target
    root.mkdir(parents=True, exist_ok=True)
    # A lock, so two test processes starting together do not both download and write half files.
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all((target / f"{name}.jpg").is_file() for name in PHOTOS):
            return target
        with tempfile.TemporaryDirectory(dir=root) as tmp:
            archive = _download_sdist(Path(tmp))
            staging = Path(tmp) / "photos"
            staging.mkdir()
            _extract_photos(archive, staging)
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    return target


def _download_sdist(into: Path) -> Path:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        "--disable-pip-version-check",
        "-d",
        str(into),
        SDIST_REQUIREMENT,
    ]
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FaceFixtureUnavailable(f"cannot run {' '.join(command)}: {exc!r}") from exc
    archive = into / SDIST_NAME
    if done.returncode != 0 or not archive.is_file():
        raise FaceFixtureUnavailable(
            f"pip could not download {SDIST_REQUIREMENT} (exit {done.returncode}); the liveness tests need "
            f"its photographs.\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        raise FaceFixtureUnavailable(f"{SDIST_NAME} has SHA-256 {digest}, expected {SDIST_SHA256}")
    return archive


def _extract_photos(archive: Path, into: Path) -> None:
    wanted = {f"face_recognition-1.3.0/tests/test_images/{name}.jpg": f"{name}.jpg" for name in PHOTOS}
    # Only the named members are read, and written under our own names: no path from the archive is used.
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                (into / wanted.pop(member.name)).write_bytes(tar.extractfile(member).read())
    if wanted:
        raise FaceFixtureUnavailable(f"{SDIST_NAME} lacks {sorted(wanted)}")


def photo_bytes(name: str) -> bytes:
    """The original photograph's JPEG bytes (for reference encodings)."""
    return (photos_dir() / f"{name}.jpg").read_bytes()


# ---------------------------------------------------------------------------------------------------
# A selfie-framed crop with its landmarks
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selfie:
    """A photograph cropped and scaled like a front-camera frame, and its 68 landmarks in that frame."""

    name: str
    rgb: np.ndarray
    marks: dict[str, np.ndarray]

    def eye(self, which: str) -> np.ndarray:
        return self.marks[which]

    @property
    def interocular(self) -> float:
        return float(np.linalg.norm(self.marks["left_eye"].mean(0) - self.marks["right_eye"].mean(0)))


@cache
def selfie(name: str) -> Selfie:
    from backend.facecheck import load_face_models

    fr = load_face_models()
    picture = Image.open(io.BytesIO(photo_bytes(name))).convert("RGB")
    scale = min(1.0, 1024 / max(picture.size))
    small = np.asarray(picture.resize((round(picture.width * scale), round(picture.height * scale))))
    boxes = fr.face_locations(small, 1, "hog")
    if len(boxes) != 1:
        raise FaceFixtureUnavailable(f"{name}.jpg: expected one face, found {len(boxes)}")
    top, right, bottom, left = (v / scale for v in boxes[0])
    face = right - left
    # Framing like a selfie held at arm's length: the face about 40 % of the frame's width.
    # A photograph too narrow for that framing (obama2) gives a closer selfie instead.
    crop_w = min(face * 2.5, picture.width, picture.height * FRAME_WIDTH / FRAME_HEIGHT)
    crop_h = crop_w * FRAME_HEIGHT / FRAME_WIDTH
    cx, cy = (left + right) / 2, (top + bottom) / 2 + 0.35 * face
    x0 = min(max(0.0, cx - crop_w / 2), picture.width - crop_w)
    y0 = min(max(0.0, cy - crop_h / 2), picture.height - crop_h)
    crop = picture.resize((FRAME_WIDTH, FRAME_HEIGHT), Image.LANCZOS, box=(x0, y0, x0 + crop_w, y0 + crop_h))
    rgb = np.asarray(crop, dtype=np.uint8)
    marks = fr.face_landmarks(rgb, fr.face_locations(rgb, 0, "hog")[:1], "large")
    if not marks:
        raise FaceFixtureUnavailable(f"{name}.jpg: no landmarks in the selfie crop")
    return Selfie(name=name, rgb=rgb, marks={k: np.asarray(v, dtype=float) for k, v in marks[0].items()})


# ---------------------------------------------------------------------------------------------------
# Warps: each maps output pixel coordinates (u, v) to source coordinates (x, y)
# ---------------------------------------------------------------------------------------------------


def _sample(rgb: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear sampling with edges clamped."""
    h, w = rgb.shape[:2]
    x = np.clip(x, 0, w - 1.001)
    y = np.clip(y, 0, h - 1.001)
    x0 = np.floor(x).astype(np.int32)
    y0 = np.floor(y).astype(np.int32)
    fx = (x - x0)[..., None].astype(np.float32)
    fy = (y - y0)[..., None].astype(np.float32)
    img = rgb.astype(np.float32)
    top = img[y0, x0] * (1 - fx) + img[y0, x0 + 1] * fx
    bottom = img[y0 + 1, x0] * (1 - fx) + img[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _smoothstep(edge0: float, edge1: float, value: np.ndarray) -> np.ndarray:
    t = np.clip((value - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _close_eyes(face: Selfie, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower each upper eyelid onto the lower one, as in a blink; also returns a shade for the lash line.

    Above the lower lid, the output samples the skin of the upper lid and above it, stretched down so
    that it covers the opening; a dark line is drawn where the lids meet. Below the lower lid and
    outside the eye corners nothing moves. dlib's landmarks then give an EAR of 0.13–0.17 (open:
    0.21–0.26 on these photographs).
    """
    y_out = y.copy()
    shade = np.ones_like(x)
    for which in ("left_eye", "right_eye"):
        eye = face.eye(which)
        width = float(np.linalg.norm(eye[0] - eye[3]))
        opening = max(float(eye[[4, 5], 1].mean() - eye[[1, 2], 1].mean()), 1.0)
        upper_pts, lower_pts = eye[[0, 1, 2, 3]], eye[[0, 5, 4, 3]]
        upper = np.interp(x, upper_pts[:, 0], upper_pts[:, 1]) - 0.1 * opening  # just above the lashes
        seam = np.interp(x, lower_pts[:, 0], lower_pts[:, 1])
        reach = 0.45 * width  # stays below the eyebrow
        cx = float(eye[:, 0].mean())
        across = 1.0 - _smoothstep(0.5 * width, 0.8 * width, np.abs(x - cx))
        band = (y <= seam) & (y >= seam - reach)
        # Output row seam − reach keeps its own pixel; output row seam shows the skin just above the lid.
        source = upper - (seam - y) * (upper - (seam - reach)) / reach
        y_out = np.where(band, y_out + across * (source - y_out), y_out)
        lashes = np.exp(-0.5 * ((y - seam) / 1.5) ** 2) * (np.abs(x - cx) < 0.5 * width)
        shade *= 1 - 0.7 * across * lashes
    return x, y_out, shade


def _turn_head(face: Selfie, degrees: float, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An ellipsoid head with a raised nose, rotated about the vertical axis (orthographic projection)."""
    m = face.marks
    theta = math.radians(degrees)
    d_eyes = face.interocular
    eye_mid = (m["left_eye"].mean(0) + m["right_eye"].mean(0)) / 2
    chin = m["chin"]
    top = eye_mid[1] - 1.6 * d_eyes
    cx = (chin[0, 0] + chin[16, 0]) / 2
    cy = (top + chin[8, 1]) / 2
    a = (chin[16, 0] - chin[0, 0]) / 2 * 1.15
    b = (chin[8, 1] - top) / 2 * 1.05
    c = a
    bridge, tip = m["nose_bridge"][0], m["nose_bridge"][-1]
    nose_height = 0.65 * d_eyes

    h, w = face.rgb.shape[:2]
    src_x = np.arange(w, dtype=float)
    rows = np.arange(h, dtype=float)
    sx, sy = np.meshgrid(src_x, rows)
    ex, ey = (sx - cx) / a, (sy - cy) / b
    r2 = ex**2 + ey**2
    depth = c * np.sqrt(np.clip(1 - r2, 0, None))
    # The nose: a ridge rising from the bridge to the tip, narrow across and fading below the tip.
    along = np.clip((sy - bridge[1]) / max(tip[1] - bridge[1], 1.0), 0, 1)
    beyond = np.where(sy > tip[1], (sy - tip[1]) / (0.18 * d_eyes), 0) + np.where(
        sy < bridge[1], (bridge[1] - sy) / (0.15 * d_eyes), 0
    )
    ridge_x = bridge[0] + along * (tip[0] - bridge[0])
    depth += (
        nose_height
        * (0.35 + 0.65 * along)
        * np.exp(-0.5 * ((sx - ridge_x) / (0.2 * d_eyes)) ** 2)
        * np.exp(-0.5 * beyond**2)
    )
    moved = (sx - cx) * math.cos(theta) + depth * math.sin(theta) + cx
    # Blend into the untouched background across the head's outline.
    weight = 1 - _smoothstep(0.85, 1.1, np.sqrt(r2))
    forward = sx + weight * (moved - sx)
    # Where the surface folds over itself (the far side of the nose), the nearer part hides the farther.
    forward = (
        np.maximum.accumulate(forward, axis=1)
        if theta >= 0
        else np.minimum.accumulate(forward[:, ::-1], axis=1)[:, ::-1]
    )

    out_x = np.empty_like(x)
    for row in range(h):
        # Rows of (x, y) are rows of the output grid; y is nearly constant along a row (no rotation jitter).
        source_row = int(np.clip(round(float(y[row, 0])), 0, h - 1))
        out_x[row] = np.interp(x[row], forward[source_row], src_x)
    return out_x, y


def _flat_pose(
    tilt: float, roll: float, x: np.ndarray, y: np.ndarray, w: int, h: int
) -> tuple[np.ndarray, np.ndarray]:
    """A flat picture rotated in its plane by `roll`, then about its vertical centre line by `tilt`,
    seen through a pinhole camera."""
    theta = math.radians(tilt)
    f = 1.0 * w  # about a 53° field of view: a phone's front camera
    u, v = x - w / 2, y - h / 2
    plane_x = u * f / (f * math.cos(theta) - u * math.sin(theta))
    plane_y = v * (f + plane_x * math.sin(theta)) / f
    phi = math.radians(roll)
    return (
        plane_x * math.cos(phi) + plane_y * math.sin(phi) + w / 2,
        -plane_x * math.sin(phi) + plane_y * math.cos(phi) + h / 2,
    )


# ---------------------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------------------


class FrameMaker:
    """Makes JPEG frames of one selfie: neutral, eyes closed, head turned, the photo as a flat printout."""

    def __init__(self, name: str, seed: int = 0, *, noise: float = 2.5, quality: int = 90):
        self.face = selfie(name)
        self.rng = np.random.default_rng(seed)
        self.noise = noise
        self.quality = quality

    def _grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Output pixel grid with this frame's jitter: a sub-pixel shift and a ±1 % scale (a hand-held phone)."""
        h, w = self.face.rgb.shape[:2]
        dx, dy = self.rng.uniform(-2.5, 2.5, size=2)
        scale = 1 + self.rng.uniform(-0.01, 0.01)
        u = (np.arange(w) - w / 2) * scale + w / 2 + dx
        v = (np.arange(h) - h / 2) * scale + h / 2 + dy
        return np.meshgrid(u, v)

    def _finish(self, pixels: np.ndarray) -> bytes:
        gain = 1 + self.rng.uniform(-0.04, 0.04)
        noisy = pixels * gain + self.rng.normal(0, self.noise, size=pixels.shape)
        out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=self.quality)
        return buffer.getvalue()

    def neutral(self) -> bytes:
        x, y = self._grid()
        return self._finish(_sample(self.face.rgb, x, y))

    def eyes_closed(self) -> bytes:
        x, y, shade = _close_eyes(self.face, *self._grid())
        return self._finish(_sample(self.face.rgb, x, y) * shade[..., None])

    def turned(self, degrees: float) -> bytes:
        """Head turned; positive = to the person's own left (nose toward the image's right)."""
        x, y = _turn_head(self.face, degrees, *self._grid())
        return self._finish(_sample(self.face.rgb, x, y))

    def flat(self, tilt: float = 0.0, roll: float = 0.0) -> bytes:
        """The whole photo as a flat printout: tilted about its vertical axis and/or rotated in its plane."""
        h, w = self.face.rgb.shape[:2]
        x, y = _flat_pose(tilt, roll, *self._grid(), w, h)
        return self._finish(_sample(self.face.rgb, x, y))

    def performing(self, actions: Sequence[str], *, turn_degrees: float = 22.0) -> list[bytes]:
        """A genuine answer: a neutral frame, then per action: blink = closed + open, a turn = one frame."""
        frames = [self.neutral()]
        for action in actions:
            if action == "blink":
                frames += [self.eyes_closed(), self.neutral()]
            elif action == "turn_left":
                frames.append(self.turned(+turn_degrees))
            elif action == "turn_right":
                frames.append(self.turned(-turn_degrees))
            else:
                raise ValueError(action)
        return frames

    def still(self, count: int = 5) -> list[bytes]:
        """A photo held still in front of the camera: noise and jitter only."""
        return [self.neutral() for _ in range(count)]

    def printout(self, actions: Sequence[str], *, tilt: float = 30.0, roll: float = 0.0) -> list[bytes]:
        """A printout moved for each turn the challenge asks for (and held still for a blink): tilted by
        ±tilt about its vertical axis and rotated by ±roll in its plane (the sign flips with the turn)."""
        frames = [self.neutral()]
        for action in actions:
            if action in ("turn_left", "turn_right"):
                way = 1 if action == "turn_left" else -1
                frames.append(self.flat(tilt=way * tilt, roll=way * roll))
            else:
                frames += [self.neutral(), self.neutral()]
        return frames


def two_faces_frame(left: str = "obama", right: str = "biden") -> bytes:
    """Two people side by side in one frame."""
    both = np.concatenate([selfie(left).rgb, selfie(right).rgb], axis=1)
    buffer = io.BytesIO()
    Image.fromarray(both).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def empty_frame(seed: int = 0) -> bytes:
    """A wall: no face at all."""
    rng = np.random.default_rng(seed)
    wall = np.clip(rng.normal(180, 6, size=(FRAME_HEIGHT, FRAME_WIDTH, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(wall).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
