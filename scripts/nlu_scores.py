"""Scores the NLU model on our held-out set (tests/nlu/heldout.yml).

Run with the bot environment's Python, from anywhere:

    .venv/bot/bin/python scripts/nlu_scores.py                  # trains an NLU-only model into a temp dir
    .venv/bot/bin/python scripts/nlu_scores.py --model models/  # reuses the newest model in models/
    .venv/bot/bin/python scripts/nlu_scores.py --model X.tar.gz --errors

Prints intent accuracy, macro F1, per-intent recall, per-entity precision/recall/F1 and the worst
confusions. Exits 1 if intent accuracy (an nlu_fallback prediction counts as wrong, as in production)
is below --min-accuracy (0.92 by default).

Entities: a prediction counts when type, character span and (synonym-mapped) value all match the
annotation. DIETClassifier and RegexEntityExtractor may both find the same ID/phone/application number;
such duplicates are counted once.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
warnings.filterwarnings("ignore")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="a model .tar.gz, or a directory whose newest .tar.gz is used; "
                                   "without it an NLU-only model is trained from nlu-data/")
    p.add_argument("--config", default=str(ROOT / "bot/config.yml"))
    p.add_argument("--nlu", default=str(ROOT / "nlu-data"))
    p.add_argument("--test", default=str(ROOT / "tests/nlu/heldout.yml"))
    p.add_argument("--keep", metavar="DIR", help="keep the trained model in DIR instead of a temp dir")
    p.add_argument("--min-accuracy", type=float, default=0.92)
    p.add_argument("--errors", action="store_true", help="list every misclassified utterance")
    return p.parse_args()


def train(args: argparse.Namespace, out_dir: Path) -> Path:
    cmd = [sys.executable, "-m", "rasa", "train", "nlu", "--config", args.config, "--nlu", args.nlu,
           "--out", str(out_dir), "--fixed-model-name", "nlu-heldout"]
    print("Training:", " ".join(cmd), flush=True)
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        print(log[-4000:], file=sys.stderr)
        sys.exit(f"training failed (exit {proc.returncode})")
    misaligned = [line for line in log.splitlines() if "Misaligned entity annotation" in line]
    print(f"Trained in {time.monotonic() - started:.0f} s; misaligned entity annotations: {len(misaligned)}")
    for line in misaligned[:10]:
        print("  ", line.strip()[:200])
    models = sorted(out_dir.glob("*.tar.gz"))
    if not models:
        sys.exit("training produced no model")
    return models[-1]


def resolve_model(path: str) -> Path:
    p = Path(path)
    if p.is_dir():
        found = sorted(p.glob("*.tar.gz"), key=lambda f: f.stat().st_mtime)
        if not found:
            sys.exit(f"no model in {p}")
        return found[-1]
    if not p.exists():
        sys.exit(f"no such model: {p}")
    return p


def load_test(path: str):
    from rasa.shared.nlu.training_data.loading import load_data

    return [m for m in load_data(path).intent_examples if m.get("intent")]


async def parse_all(model: Path, texts: list[str]) -> list[dict]:
    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse at debug level through structlog; keep the report readable.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agent = Agent.load(str(model))
        return [await agent.parse_message(t) for t in texts]


def entity_key(e: dict) -> tuple:
    return e["entity"], e["start"], e["end"], str(e.get("value", "")).casefold()


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    args = parse_args()
    logging.disable(logging.WARNING)
    tmp = None
    if args.model:
        model = resolve_model(args.model)
    else:
        out = Path(args.keep) if args.keep else Path(tmp := tempfile.mkdtemp(prefix="nlu-scores-"))
        out.mkdir(parents=True, exist_ok=True)
        model = train(args, out)
    try:
        examples = load_test(args.test)
        texts = [m.get("text") for m in examples]
        print(f"Model: {model}\nTest set: {args.test} ({len(examples)} utterances)\n", flush=True)
        results = asyncio.run(parse_all(model, texts))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    from sklearn.metrics import f1_score

    gold = [m.get("intent") for m in examples]
    pred = [r["intent"]["name"] if r.get("intent") else None for r in results]
    # The intent ranking still holds the classifier's best guess when FallbackClassifier stepped in.
    top = []
    for r, p in zip(results, pred):
        ranked = [i["name"] for i in r.get("intent_ranking", []) if i["name"] != "nlu_fallback"]
        top.append(ranked[0] if ranked else p)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    acc_top = sum(g == p for g, p in zip(gold, top)) / len(gold)
    macro = f1_score(gold, [p or "None" for p in pred], average="macro", labels=sorted(set(gold)), zero_division=0)
    fallbacks = sum(p == "nlu_fallback" for p in pred)

    print(f"Intent accuracy:        {acc:.4f}  ({sum(g == p for g, p in zip(gold, pred))}/{len(gold)})")
    print(f"Intent macro F1:        {macro:.4f}")
    print(f"nlu_fallback predicted: {fallbacks}   (accuracy ignoring the fallback: {acc_top:.4f})\n")

    print("Per intent (recall / n):")
    per = collections.defaultdict(lambda: [0, 0])
    for g, p in zip(gold, pred):
        per[g][1] += 1
        per[g][0] += g == p
    for intent, (ok, n) in sorted(per.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        print(f"  {intent:20s} {ok / n:6.3f}  {ok}/{n}")

    # Entities.
    counts = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    entity_errors = []
    for m, r in zip(examples, results):
        g = {entity_key(e) for e in m.get("entities") or []}
        p = {entity_key(e) for e in r.get("entities") or []}
        for k in g & p:
            counts[k[0]][0] += 1
        for k in p - g:
            counts[k[0]][1] += 1
        for k in g - p:
            counts[k[0]][2] += 1
        if g != p:
            entity_errors.append((m.get("text"), sorted(g - p), sorted(p - g)))
    print("\nEntities (exact span and value):")
    print(f"  {'entity':16s} {'prec':>6s} {'recall':>6s} {'f1':>6s}  support")
    tot = [0, 0, 0]
    for ent in sorted(counts):
        tp, fp, fn = counts[ent]
        tot = [a + b for a, b in zip(tot, counts[ent])]
        p_, r_, f_ = prf(tp, fp, fn)
        print(f"  {ent:16s} {p_:6.3f} {r_:6.3f} {f_:6.3f}  {tp + fn}")
    p_, r_, f_ = prf(*tot)
    print(f"  {'(micro)':16s} {p_:6.3f} {r_:6.3f} {f_:6.3f}  {tot[0] + tot[2]}")

    confusions = collections.Counter((g, p) for g, p in zip(gold, pred) if g != p)
    print("\nWorst confusions (gold -> predicted):")
    if not confusions:
        print("  none")
    samples = collections.defaultdict(list)
    for t, g, p in zip(texts, gold, pred):
        if g != p:
            samples[(g, p)].append(t)
    for (g, p), n in confusions.most_common(10):
        print(f"  {n:3d}  {g} -> {p}:  " + " | ".join(samples[(g, p)][:3]))

    if args.errors:
        print("\nMisclassified:")
        for t, g, p, r in zip(texts, gold, pred, results):
            if g != p:
                conf = r["intent"]["confidence"] if r.get("intent") else 0
                print(f"  [{g} -> {p} {conf:.2f}] {t}")
        print("\nEntity errors (missed / spurious):")
        for t, missed, spurious in entity_errors:
            print(f"  {t}\n      missed: {missed}\n      spurious: {spurious}")

    if acc < args.min_accuracy:
        print(f"\nFAIL: intent accuracy {acc:.4f} < {args.min_accuracy}")
        return 1
    print(f"\nOK: intent accuracy {acc:.4f} >= {args.min_accuracy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
