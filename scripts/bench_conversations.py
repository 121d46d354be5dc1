#!/usr/bin/env python3
"""Benchmark: what a chat turn costs, alone and with others chatting at the same time.

    .venv/backend/bin/python scripts/bench_conversations.py [--rasa http://127.0.0.1:5005] [--backend URL]
                                                           [--levels 1,5,20] [--turns 40,20,10]

Needs the stack running (`make run`). Each simulated person alternates two kinds of turn, measured in
the same run: a plain turn ("你好" → a response from the domain) and an action turn ("重庆低保标准是多少"
→ the custom action → the backend's policy endpoint → the standards data file). For each number of
concurrent conversations it reports p50/p95 of both and their ratio, and turns per second (all turns of
that level divided by its wall time). By default it talks to Rasa's REST channel; with --backend it goes
through the backend's chat relay (/api/v1/chat/messages), as the web page does.

With --cpu rasa=5005,actions=5055,backend=8000 it also reports the CPU time each service spent per turn
(user + system, of every process listening on that port, from /proc; Linux only). Unlike wall times this
does not change when something else runs on the machine, and cores ÷ CPU per turn is the ceiling of
turns per second.
"""

import argparse
import asyncio
import os
import platform
import statistics
import time
import uuid
from datetime import date

import httpx

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

PLAIN = "你好"
ACTION = "重庆低保标准是多少"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Target:
    def __init__(self, rasa: str, backend: str | None):
        self.backend = backend
        self.url = f"{backend}/api/v1/chat/messages" if backend else f"{rasa}/webhooks/rest/webhook"

    def body(self, sender: str, text: str) -> dict:
        # The REST channel takes web conversations only; the backend adds the "web:" prefix itself.
        return {"sender": sender if self.backend else f"web:{sender}", "message": text}

    def texts(self, resp: httpx.Response) -> list[str]:
        data = resp.json()
        items = data["messages"] if self.backend else data
        return [m.get("text") or "" for m in items]


def listening_pids(port: int) -> set[int]:
    """Processes holding a socket that listens on this TCP port (all Sanic workers share one)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A = LISTEN
                inodes.add(fields[9])
    pids = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    pids.add(int(pid))
                    break
        except OSError:
            continue
    return pids


def cpu_seconds(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            continue
    return total / TICK


async def person(client: httpx.AsyncClient, target: Target, turns: int, plain: list[float], action: list[float]) -> None:
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    for i in range(turns):
        text, bucket, expect = (PLAIN, plain, "救助助手") if i % 2 == 0 else (ACTION, action, "770")
        started = time.perf_counter()
        resp = await client.post(target.url, json=target.body(sender, text))
        bucket.append((time.perf_counter() - started) * 1000)
        resp.raise_for_status()
        if not any(expect in t for t in target.texts(resp)):
            raise SystemExit(f"unexpected answer to {text!r}: {resp.text[:300]}")


async def level(client: httpx.AsyncClient, target: Target, users: int, turns: int, services: dict[str, set[int]]) -> dict:
    await asyncio.gather(*(person(client, target, 2, [], []) for _ in range(users)))  # warm-up
    plain: list[float] = []
    action: list[float] = []
    cpu_before = {name: cpu_seconds(pids) for name, pids in services.items()}
    started = time.perf_counter()
    await asyncio.gather(*(person(client, target, turns, plain, action) for _ in range(users)))
    wall = time.perf_counter() - started
    cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in services.items()}
    return {"users": users, "turns": len(plain) + len(action), "wall": wall, "plain": plain, "action": action, "cpu": cpu}


def report(r: dict) -> str:
    p, a = r["plain"], r["action"]
    return (
        f"{r['users']:>3} concurrent  {r['turns']:>4} turns  {r['turns'] / r['wall']:6.1f} turns/s   "
        f"plain p50 {statistics.median(p):6.1f} p95 {pct(p, 95):6.1f} ms   "
        f"action p50 {statistics.median(a):6.1f} p95 {pct(a, 95):6.1f} ms   "
        f"ratio p50 {statistics.median(a) / statistics.median(p):.2f}×  p95 {pct(a, 95) / pct(p, 95):.2f}×"
    ) + cpu_report(r)


def cpu_report(r: dict) -> str:
    if not r["cpu"]:
        return ""
    per_turn = {name: secs * 1000 / r["turns"] for name, secs in r["cpu"].items()}
    total = sum(per_turn.values())
    parts = "  ".join(f"{name} {ms:.1f}" for name, ms in per_turn.items())
    ceiling = (os.cpu_count() or 1) * 1000 / total if total else float("inf")
    return f"\n      CPU per turn (ms): {parts}  total {total:.1f}  → ceiling {ceiling:.0f} turns/s on {os.cpu_count()} cores"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--backend", default=None, help="go through the backend's chat relay at this URL")
    parser.add_argument("--levels", default="1,5,20")
    parser.add_argument("--turns", default="40,20,10", help="turns per conversation at each level")
    parser.add_argument("--cpu", default="", help="service=port,… whose CPU time per turn to report")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    turns = [int(x) for x in args.turns.split(",")]
    if len(turns) != len(levels):
        parser.error("--turns needs one number per level")
    target = Target(args.rasa, args.backend)
    services = {name: listening_pids(int(port)) for name, port in (item.split("=") for item in args.cpu.split(",") if item)}
    for name, pids in services.items():
        if not pids:
            parser.error(f"nothing of mine listens for {name}")
    print(f"{date.today().isoformat()}  {platform.node()}  {os.cpu_count()} cores  through {target.url}")
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=max(levels))) as client:
        for users, n in zip(levels, turns):
            print(report(await level(client, target, users, n, services)), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
