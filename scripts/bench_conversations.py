#!/usr/bin/env python3
"""Benchmark: 20 concurrent conversations through Rasa's REST webhook.

    .venv/backend/bin/python scripts/bench_conversations.py [--rasa http://127.0.0.1:5005] [--users 20] [--turns 10]

Needs the stack running (`make run`). Each simulated person alternates two kinds of turn, measured in
the same run: a plain turn ("你好" → a response from the domain) and an action turn ("重庆低保标准是多少"
→ the custom action → the backend's policy endpoint → the standards data file). Reports p50/p95.
"""

import argparse
import asyncio
import statistics
import time
import uuid

import httpx

PLAIN = "你好"
ACTION = "重庆低保标准是多少"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def person(client: httpx.AsyncClient, url: str, turns: int, plain: list[float], action: list[float]) -> None:
    sender = f"web:bench-{uuid.uuid4().hex[:12]}"  # the REST channel takes web conversations only
    for i in range(turns):
        text, bucket, expect = (PLAIN, plain, "救助助手") if i % 2 == 0 else (ACTION, action, "770")
        started = time.perf_counter()
        resp = await client.post(url, json={"sender": sender, "message": text})
        bucket.append((time.perf_counter() - started) * 1000)
        resp.raise_for_status()
        assert any(expect in (m.get("text") or "") for m in resp.json()), resp.json()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rasa", default="http://127.0.0.1:5005")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    args = parser.parse_args()
    url = f"{args.rasa}/webhooks/rest/webhook"
    plain: list[float] = []
    action: list[float] = []
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=args.users)) as client:
        await person(client, url, 2, [], [])  # warm-up: load what the first turns load
        started = time.perf_counter()
        await asyncio.gather(*(person(client, url, args.turns, plain, action) for _ in range(args.users)))
        wall = time.perf_counter() - started
    print(f"{args.users} concurrent conversations × {args.turns} turns through {url} ({wall:.1f} s, {len(plain) + len(action)} turns)")
    print(f"plain turn  (response only):           p50 {statistics.median(plain):7.1f} ms   p95 {pct(plain, 95):7.1f} ms")
    print(f"action turn (custom action + backend): p50 {statistics.median(action):7.1f} ms   p95 {pct(action, 95):7.1f} ms")
    print(f"ratio action/plain: p50 {statistics.median(action) / statistics.median(plain):.2f}×   p95 {pct(action, 95) / pct(plain, 95):.2f}×")


if __name__ == "__main__":
    asyncio.run(main())
