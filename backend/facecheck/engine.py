"""FaceRecognitionEngine: the real engine, face_recognition on dlib (HOG, CPU), and how its models load.

Verification is CPU-bound and synchronous: about 0.12 s a frame, 0.6 s for 5 frames on 2 cores. dlib
keeps the GIL while it works (measured: a worker thread stalls the main thread for up to ~115 ms per
frame), so under load a process pool keeps the event loop responsive better than a thread pool; each
process holds the models in about 120 MB.
"""

from __future__ import annotations

import importlib
import io
import threading
import time
from types import ModuleType

import numpy as np
from PIL import Image, ImageOps

from backend.facecheck.challenge import (
    ID_PHOTO_MIN_FACE_PX, ID_PHOTO_MIN_SHARPNESS, MAX_PIXELS, FaceImageError, ImageInput, Reason,
)
from backend.facecheck.geometry import FrameAnalysis, eye_aspect_ratio, head_yaw, sharpness

# ---------------------------------------------------------------------------------------------------
# Model loading and the real engine
# ---------------------------------------------------------------------------------------------------

_MODELS_LOCK = threading.Lock()
_face_recognition: ModuleType | None = None
# dlib's HOG detector keeps its scan buffers in the detector object and the encoder network keeps its
# layer outputs in the network object; face_recognition holds one global instance of each, so calls
# from the API's worker threads are serialised. dlib holds the GIL anyway, so nothing is lost.
_DLIB_LOCK = threading.Lock()

def load_face_models() -> ModuleType:
    """face_recognition's api module, loaded once; FaceModelsUnavailable (never a process exit) if it cannot work.

    The loading itself is backend.facecheck.dlib_models (see there why it is guarded); it is imported here
    by name, so nothing heavy is imported until the real engine is built.
    """
    global _face_recognition
    with _MODELS_LOCK:
        if _face_recognition is None:
            _face_recognition = importlib.import_module("backend.facecheck.dlib_models").api
        return _face_recognition


def decode_image(image: ImageInput, max_side: int) -> np.ndarray:
    """An RGB uint8 array no larger than max_side on its longest side; FaceImageError(bad_image) otherwise.

    Phone photos carry their orientation in EXIF, so it is applied; large JPEGs are decoded at a
    reduced scale directly (draft mode), which is much cheaper than decoding and then shrinking.
    """
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
        return self._one_face_encoding(decode_image(image, self.reference_max_side), id_card=False)

    def id_card_encoding(self, image: ImageInput) -> np.ndarray:
        return self._one_face_encoding(decode_image(image, self.reference_max_side), id_card=True)

    def _one_face_encoding(self, rgb: np.ndarray, *, id_card: bool) -> np.ndarray:
        with _DLIB_LOCK:
            boxes = self._locate(rgb)
            if not boxes:
                raise FaceImageError(Reason.NO_FACE)
            if len(boxes) > 1:
                raise FaceImageError(Reason.MANY_FACES, f"{len(boxes)} faces")
            if id_card:
                # On a card the face is a small part of the picture: too few pixels or a blurred shot
                # would make a reference that matches badly later, when the person is already at the camera.
                top, right, bottom, left = boxes[0]
                if bottom - top < ID_PHOTO_MIN_FACE_PX:
                    raise FaceImageError(Reason.FACE_TOO_SMALL, f"{bottom - top} px")
                crop = rgb[max(0, top):bottom, max(0, left):right].mean(axis=2)
                score = sharpness(crop)
                if score < ID_PHOTO_MIN_SHARPNESS:
                    raise FaceImageError(Reason.BLURRED, f"sharpness {score:.1f}")
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
