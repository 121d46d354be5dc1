"""FakeFaceEngine: the local engine for API tests and development; frames are JSON that says what they show."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence

import numpy as np

from backend.facecheck.challenge import ENCODING_SIZE, Action, FaceImageError, ImageInput, Reason
from backend.facecheck.geometry import FrameAnalysis


class FakeFaceEngine:
    """A stand-in for API tests: each "image" is JSON bytes that says what the frame shows.

    FakeFaceEngine.frame("wang", yaw=0.2) makes one; FakeFaceEngine.performing("wang", actions) makes a
    sequence that performs a challenge. Each person gets a fixed pseudo-random encoding; two people are
    about 0.9 apart, one person 0.
    """

    OPEN_EAR = 0.3
    TURN_YAW = 0.22

    @staticmethod
    def frame(person: str = "person", *, ear: float = OPEN_EAR, yaw: float = 0.0, faces: int = 1, **flags: bool) -> bytes:
        # The random token makes every frame distinct, as real camera frames are.
        return json.dumps(
            {"person": person, "ear": ear, "yaw": yaw, "faces": faces, "n": secrets.token_hex(4), **flags}
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

    def id_card_encoding(self, image: ImageInput) -> np.ndarray:
        """A fake card photo is a fake frame; {"small": true} or {"blurred": true} says what is wrong with it."""
        data = self._read(image)
        encoding = self.reference_encoding(image)
        if data.get("small"):
            raise FaceImageError(Reason.FACE_TOO_SMALL)
        if data.get("blurred"):
            raise FaceImageError(Reason.BLURRED)
        return encoding

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
