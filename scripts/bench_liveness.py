#!/usr/bin/env python3
"""Benchmark: how long a 5-frame liveness challenge takes to verify, and how often it decides right.

    .venv/backend/bin/python scripts/bench_liveness.py [--runs 20] [--seeds 2]     # about 4 minutes

Needs the face packages (backend/requirements-face.txt) and fetches the test photographs like the
tests do (tests/backend/face_fixtures.py). Frames are synthetic (see that module): genuine answers for
every order of blink / turn_left / turn_right with turns of 18–26°, and spoofs: another person, a
photo held still, identical frames, a printout tilted and/or rotated in its plane, the actions in the
wrong order, someone else swapped into one frame, and a replay of an accepted answer. The biden frames
are matched against the photograph they are made from (there is only one of him).
"""

import argparse
import itertools
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ORDERS = list(itertools.permutations(("blink", "turn_left", "turn_right")))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20, help="timed verifications of one 5-frame answer")
    parser.add_argument("--seeds", type=int, default=2, help="frame sets per photograph and order")
    args = parser.parse_args()

    from backend.core import clock
    from backend.facecheck import FaceRecognitionEngine, LivenessChallenge, verify_challenge
    from tests.backend import face_fixtures as ff

    started = time.perf_counter()
    engine = FaceRecognitionEngine()
    load_s = time.perf_counter() - started
    references = {
        name: engine.reference_encoding(ff.photo_bytes(name)) for name in ("obama", "obama2", "biden")
    }
    # The frames of each person are matched against another photograph of them where there is one.
    reference_of = {
        "obama": references["obama2"],
        "biden": references["biden"],
        "obama3": references["obama"],
    }
    now = clock.now()

    def verify(reference, actions, frames, **kw):
        challenge = LivenessChallenge.new(now=now, actions=actions)
        return verify_challenge(engine, reference, challenge, frames, now=now + timedelta(seconds=10), **kw)

    # 1. Time: one genuine 5-frame answer, verified again and again.
    maker = ff.FrameMaker("obama", seed=100)
    frames = maker.performing(ORDERS[0])
    verify(reference_of["obama"], ORDERS[0], frames)  # warm-up
    totals, per_frame = [], []
    for _ in range(args.runs):
        result = verify(reference_of["obama"], ORDERS[0], frames)
        assert result.passed, result.to_dict()
        totals.append(result.total_ms)
        per_frame += [f.millis for f in result.frames]

    # 2. Decisions over the synthetic set.
    rows: list[tuple[str, str, int, int, Counter]] = []

    def run(kind: str, expected: str, cases) -> None:
        decided = Counter()
        right = 0
        for reference, actions, frames, kw in cases:
            result = verify(reference, actions, frames, **kw)
            decided[result.reason] += 1
            right += (result.passed and expected == "accept") or (not result.passed and expected != "accept")
        rows.append((kind, expected, right, sum(decided.values()), decided))

    def makers(name: str):
        for seed in range(args.seeds):
            for i, order in enumerate(ORDERS):
                yield ff.FrameMaker(name, seed=seed * 100 + i), order, (seed * 7 + i) % 9

    for name, label in (
        ("obama", "genuine, obama"),
        ("obama3", "genuine, obama3 (~7° aside at rest)"),
        ("biden", "genuine, biden (~8° aside, rolled)"),
    ):
        run(
            label,
            "accept",
            [
                (reference_of[name], order, m.performing(order, turn_degrees=18 + d), {})
                for m, order, d in makers(name)
            ],
        )
    run(
        "another person (biden as obama)",
        "not_the_person",
        [(reference_of["obama"], order, m.performing(order), {}) for m, order, _ in makers("biden")],
    )
    run(
        "another person (obama as biden)",
        "not_the_person",
        [(reference_of["biden"], order, m.performing(order), {}) for m, order, _ in makers("obama")],
    )
    run(
        "still photo with noise",
        "challenge_not_done",
        [(reference_of[n], order, m.still(5), {}) for n in ("obama", "biden") for m, order, _ in makers(n)],
    )
    run(
        "identical frames",
        "identical_frames",
        [
            (reference_of[n], order, [m.neutral()] * 5, {})
            for n in ("obama", "biden")
            for m, order, _ in makers(n)
        ],
    )
    for label, tilt, roll in (
        ("printout tilted ±30°", 30, 0),
        ("printout tilted ±40°", 40, 0),
        ("printout rotated ±20° in plane", 0, 20),
        ("printout tilted ±30°, rotated ±15°", 30, 15),
        ("printout tilted ±30°, rotated ∓15°", 30, -15),
    ):
        run(
            label,
            "challenge_not_done",
            [
                (reference_of[n], order, m.printout(order, tilt=tilt, roll=roll), {})
                for n in ("obama", "biden")
                for m, order, _ in makers(n)
            ],
        )
    run(
        "actions in the wrong order",
        "wrong_order",
        [
            (reference_of[n], order, m.performing(ORDERS[(ORDERS.index(order) + 1) % len(ORDERS)]), {})
            for n in ("obama", "biden")
            for m, order, _ in makers(n)
        ],
    )

    def swapped(m, order):
        frames = m.performing(order)
        frames[2] = ff.FrameMaker("biden", seed=len(frames)).neutral()
        return frames

    run(
        "someone else in one frame",
        "different_people",
        [(reference_of["obama"], order, swapped(m, order), {}) for m, order, _ in makers("obama")],
    )
    accepted = verify(reference_of["obama"], ORDERS[0], frames)
    run(
        "replay of an accepted answer",
        "replayed",
        [(reference_of["obama"], ORDERS[0], frames, {"seen_replay_keys": set(accepted.replay_keys)})] * 3,
    )

    print(f"model load {load_s:.2f} s; frames 480×640 JPEG; dlib HOG upsample 0\n")
    print(
        f"5-frame verification over {args.runs} runs: median {statistics.median(totals):.0f} ms, "
        f"p95 {pct(totals, 95):.0f} ms (per frame: median {statistics.median(per_frame):.0f} ms)\n"
    )
    print(f"{'case':42} {'expected':20} {'right':>9}  decisions")
    for kind, expected, right, n, decided in rows:
        shown = ", ".join(f"{k} {v}" for k, v in decided.most_common())
        print(f"{kind:42} {expected:20} {right:>4}/{n:<4}  {shown}")
    genuine = [r for r in rows if r[1] == "accept"]
    spoofs = [r for r in rows if r[1] != "accept"]
    ga = sum(r[2] for r in genuine) / sum(r[3] for r in genuine)
    sr = sum(r[2] for r in spoofs) / sum(r[3] for r in spoofs)
    print(
        f"\ngenuine-accept rate: {ga:.1%}   spoof-reject rate: {sr:.1%}   "
        f"(bench took {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
