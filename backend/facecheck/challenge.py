"""The words of a face check: actions and their prompts, reason codes and their messages, the
errors, the thresholds, a challenge bound to a one-time nonce, and the result a caseworker reads."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

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
    FACE_TOO_SMALL = "face_too_small"
    BLURRED = "blurred"


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
    Reason.FACE_TOO_SMALL: "身份证上的头像太小了。请把手机靠近一点，让身份证占满画面再拍。",
    Reason.BLURRED: "照片有点模糊。请把身份证放平、光线亮一点，对好焦再拍一次。",
}


class FaceModelsUnavailable(RuntimeError):
    """The face models cannot be loaded: face verification is down, offer the manual path."""


class FaceImageError(ValueError):
    """An image that cannot be used: it does not decode, or it does not show exactly one face."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.message = REASON_MESSAGES[code]
        super().__init__(f"{code}: {detail or self.message}")


# A reference photo taken of an ID card: the face must be large and sharp enough to stand for the person.
# Measured on three public photographs pasted 110–400 px wide onto a 1000×630 card saved as JPEG (as
# tests/backend/test_facecheck_id_photo.py does): HOG finds faces 36–180 px high, and below ~60 px the
# encoding is poor. Sharpness (geometry.sharpness) was 420–1210 unblurred, 66–258 after a Gaussian blur
# of radius 1, 13–79 at radius 2, 6–39 at radius 3 and 4–23 at radius 5: 50 refuses what is clearly
# blurred and keeps a slightly soft photo. Real phone photos of cards are not measured yet.
ID_PHOTO_MIN_FACE_PX = 60
ID_PHOTO_MIN_SHARPNESS = 50.0


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
