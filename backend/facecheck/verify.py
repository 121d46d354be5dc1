"""verify_challenge: judge a sequence of frames against a reference and a challenge into a LivenessResult."""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter
from collections.abc import Container, Sequence
from datetime import datetime

import numpy as np

from backend.core import clock
from backend.facecheck.challenge import (
    DEFAULT_THRESHOLDS, ENCODING_SIZE, Action, FaceImageError, FrameScore, ImageInput, LivenessChallenge, LivenessResult,
    LivenessThresholds, Reason,
)
from backend.facecheck.geometry import FaceEngine, FrameAnalysis, encoding_from_bytes, nose_parallax

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
