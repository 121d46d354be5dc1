"""Scores the NLU model on YAML test sets (tests/nlu/heldout.yml, unseen.yml, unseen2.yml).

Run with the bot environment's Python, from anywhere:

    .venv/bot/bin/python scripts/nlu_score.py --model models/                       # held-out set, newest model
    .venv/bot/bin/python scripts/nlu_score.py --model models/ --test tests/nlu/unseen.yml tests/nlu/unseen2.yml
    .venv/bot/bin/python scripts/nlu_score.py                                       # trains an NLU-only model first
    .venv/bot/bin/python scripts/nlu_score.py --model X.tar.gz --errors             # every wrong utterance
    .venv/bot/bin/python scripts/nlu_score.py --overlap --test tests/nlu/unseen.yml # test lines too close to training

For each test file it prints:
- intent accuracy (an nlu_fallback prediction counts as wrong, as in production), macro F1, recall per intent;
- entity accuracy, two figures: micro F1 over (entity, value) pairs of each utterance, the value taken after
  synonym mapping (amounts without a final 块/元/钱, cities and provinces without 市/省 as the bot names them, districts and counties without 区/县) and the span ignored (what the bot acts on: "报销多少" and "能报销多少" both mean 标准),
  and the share of utterances whose set of (entity, value) pairs is exactly right (utterances without any
  entity count: predicting one there is an error);
- precision, recall and F1 per entity on the same pairs, and the span-exact micro F1 for comparison;
- the worst intent confusions and the most frequent entity misses.
Exits 1 if the intent accuracy of any file is below --min-accuracy (0.92 by default).

--overlap loads no model: it lists test utterances identical to a training one (after dropping spaces,
punctuation and a final particle) or nearly so (difflib ratio >= 0.85), so a test set stays unseen.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import difflib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the pipeline's own component, bot.entities.EntityLexicon
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
warnings.filterwarnings("ignore")

NEAR_RATIO = 0.85
_UNIT = re.compile(r"[块元钱]+$")
_NOISE = re.compile(r"[\s，。！？、,.!?~～：:]|[嘛哦啊呀吧哈呢嘞噻咯]+$")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="a model .tar.gz, or a directory whose newest .tar.gz is used; "
                                   "without it an NLU-only model is trained from nlu-data/")
    p.add_argument("--config", default=str(ROOT / "bot/config.yml"))
    p.add_argument("--nlu", default=str(ROOT / "nlu-data"))
    p.add_argument("--test", nargs="+", default=[str(ROOT / "tests/nlu/heldout.yml")])
    p.add_argument("--keep", metavar="DIR", help="keep the trained model in DIR instead of a temp dir")
    p.add_argument("--min-accuracy", type=float, default=0.92)
    p.add_argument("--errors", action="store_true", help="list every misclassified utterance")
    p.add_argument("--overlap", action="store_true", help="only check the test files against the training data")
    return p.parse_args()


def train(args: argparse.Namespace, out_dir: Path) -> Path:
    cmd = [sys.executable, "-m", "rasa", "train", "nlu", "--config", args.config, "--nlu", args.nlu,
           "--out", str(out_dir), "--fixed-model-name", "nlu-score"]
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


def load_examples(path: str):
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


def entity_value(e: dict) -> str:
    value = str(e.get("value", "")).casefold().strip()
    if e["entity"] == "amount":
        # jieba keeps 八百块 in one token: "八百块" and "八百" are the same amount.
        value = _UNIT.sub("", value)
    if e["entity"] == "region" and len(value) > 2 and value.endswith(("市", "省", "区", "县")):
        # The bot names provinces and cities without 省/市 (bot/entities.py): "渭南市" and "渭南" are one place; and
        # districts with 区/县 as the gazetteer does, where a writer may not: "万州区" and "万州" are one place.
        value = value[:-1]
    return value


def value_pairs(entities) -> set[tuple[str, str]]:
    # DIETClassifier and RegexEntityExtractor may both find one number: a set counts it once.
    return {(e["entity"], entity_value(e)) for e in entities or []}


def span_keys(entities) -> set[tuple]:
    return {(e["entity"], e["start"], e["end"], str(e.get("value", "")).casefold()) for e in entities or []}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def tally(gold: list[set], pred: list[set]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for g, p in zip(gold, pred):
        for k in g & p:
            counts[k[0]][0] += 1
        for k in p - g:
            counts[k[0]][1] += 1
        for k in g - p:
            counts[k[0]][2] += 1
    return counts


def micro(counts: dict[str, list[int]]) -> tuple[float, float, float]:
    return prf(*(sum(c[i] for c in counts.values()) for i in range(3)))


def report(path: str, examples, results, show_errors: bool) -> float:
    texts = [m.get("text") for m in examples]
    gold = [m.get("intent") for m in examples]
    pred = [r["intent"]["name"] if r.get("intent") else None for r in results]
    n = len(gold)
    right = sum(g == p for g, p in zip(gold, pred))
    acc = right / n

    from sklearn.metrics import f1_score

    macro = f1_score(gold, [p or "None" for p in pred], average="macro", labels=sorted(set(gold)), zero_division=0)
    print(f"\n===== {path} ({n} utterances) =====")
    print(f"Intent accuracy:   {acc:.4f}  ({right}/{n}); macro F1 {macro:.4f}; "
          f"nlu_fallback predicted {sum(p == 'nlu_fallback' for p in pred)}")

    gold_pairs = [value_pairs(m.get("entities")) for m in examples]
    pred_pairs = [value_pairs(r.get("entities")) for r in results]
    counts = tally(gold_pairs, pred_pairs)
    _, _, f_micro = micro(counts)
    exact = sum(g == p for g, p in zip(gold_pairs, pred_pairs)) / n
    _, _, f_span = micro(tally([span_keys(m.get("entities")) for m in examples],
                               [span_keys(r.get("entities")) for r in results]))
    print(f"Entity accuracy:   micro F1 {f_micro:.4f} over (entity, value) pairs; "
          f"utterances with all entities right {exact:.4f}; span-exact micro F1 {f_span:.4f}")

    print("\nPer intent (recall / n):")
    per: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for g, p in zip(gold, pred):
        per[g][1] += 1
        per[g][0] += g == p
    for intent, (ok, total) in sorted(per.items(), key=lambda kv: (kv[1][0] / kv[1][1], kv[0])):
        print(f"  {intent:20s} {ok / total:6.3f}  {ok}/{total}")

    print("\nPer entity, (entity, value) pairs:")
    print(f"  {'entity':16s} {'prec':>6s} {'recall':>6s} {'f1':>6s}  support")
    for ent in sorted(counts):
        tp, fp, fn = counts[ent]
        p_, r_, f_ = prf(tp, fp, fn)
        print(f"  {ent:16s} {p_:6.3f} {r_:6.3f} {f_:6.3f}  {tp + fn}")

    confusions = collections.Counter((g, p) for g, p in zip(gold, pred) if g != p)
    samples = collections.defaultdict(list)
    for t, g, p in zip(texts, gold, pred):
        if g != p:
            samples[(g, p)].append(t)
    print("\nWorst intent confusions (gold -> predicted):")
    for (g, p), k in confusions.most_common(10):
        print(f"  {k:3d}  {g} -> {p}:  " + " | ".join(samples[(g, p)][:3]))
    if not confusions:
        print("  none")

    misses = collections.Counter()
    for g, p in zip(gold_pairs, pred_pairs):
        for k in g - p:
            misses[("missed", *k)] += 1
        for k in p - g:
            misses[("spurious", *k)] += 1
    print("\nMost frequent entity errors:")
    for (kind, ent, val), k in misses.most_common(10):
        print(f"  {k:3d}  {kind:8s} {ent}={val}")
    if not misses:
        print("  none")

    if show_errors:
        print("\nMisclassified:")
        for t, g, p, r in zip(texts, gold, pred, results):
            if g != p:
                conf = r["intent"]["confidence"] if r.get("intent") else 0
                print(f"  [{g} -> {p} {conf:.2f}] {t}")
        print("\nEntity errors (missed / spurious):")
        for t, g, p in zip(texts, gold_pairs, pred_pairs):
            if g != p:
                print(f"  {t}\n      missed: {sorted(g - p)}  spurious: {sorted(p - g)}")
    return acc


def normalise(text: str) -> str:
    return _NOISE.sub("", text)


def overlap(args: argparse.Namespace) -> int:
    from rasa.shared.nlu.training_data.loading import load_data

    files = sorted(Path(args.nlu).rglob("*.yml"))
    training = {normalise(m.get("text")): m.get("text") for f in files for m in load_data(str(f)).intent_examples}
    flagged = 0
    for path in args.test:
        for m in load_examples(path):
            text = m.get("text")
            key = normalise(text)
            if key in training:
                print(f"identical  {text}  |  {training[key]}")
                flagged += 1
                continue
            ratio, near = max((difflib.SequenceMatcher(None, key, t).ratio(), t) for t in training)
            if ratio >= NEAR_RATIO:
                print(f"near {ratio:.2f}  {text}  |  {training[near]}")
                flagged += 1
    print(f"{flagged} test utterances identical or near to a training one")
    return 1 if flagged else 0


def main() -> int:
    args = parse_args()
    logging.disable(logging.WARNING)
    if args.overlap:
        return overlap(args)
    tmp = None
    if args.model:
        model = resolve_model(args.model)
    else:
        out = Path(args.keep) if args.keep else Path(tmp := tempfile.mkdtemp(prefix="nlu-score-"))
        out.mkdir(parents=True, exist_ok=True)
        model = train(args, out)
    try:
        sets = [(path, load_examples(path)) for path in args.test]
        texts = [m.get("text") for _, examples in sets for m in examples]
        print(f"Model: {model}", flush=True)
        results = asyncio.run(parse_all(model, texts))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    failed = []
    start = 0
    for path, examples in sets:
        acc = report(path, examples, results[start:start + len(examples)], args.errors)
        start += len(examples)
        if acc < args.min_accuracy:
            failed.append(f"{path}: intent accuracy {acc:.4f} < {args.min_accuracy}")
    print()
    for line in failed:
        print("FAIL:", line)
    if not failed:
        print(f"OK: intent accuracy >= {args.min_accuracy} on every file")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
