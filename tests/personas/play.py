"""Play personas against a stack that is already running, and print a table: persona → passed, or the first
wrong thing. For trying the bot by hand; the tests (test_personas.py) start their own stack.

    make run | tee var/stack.log        # or scripts/stack.py run on other ports, its output kept in a file
    .venv/backend/bin/python -m tests.personas.play --url http://127.0.0.1:8000 --log var/stack.log [ID ...] [-v]

The backend's data folder is needed to read what was stored: JIUZHU_VAR_DIR (default var/).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from tests.personas import checks
from tests.personas.driver import Conversation, PersonaFailed
from tests.personas.people import Persona, load_all
from tests.personas.stored import Backend

ROOT = Path(__file__).resolve().parents[2]


def play_one(persona: Persona, base_url: str, log: Path, backend: Backend) -> tuple[str, str]:
    def lines() -> list[str]:
        return log.read_text(encoding="utf-8", errors="replace").splitlines()

    conv = Conversation(persona, base_url, lines, f"play-{persona.id}-{time.time():.0f}"[:64])
    try:
        conv.play()
    except PersonaFailed as exc:
        first, _, rest = str(exc).partition("\n")
        return first.split(": ", 1)[-1], rest
    transcript = "\n".join(conv.transcript)
    if persona.turns_max is not None and conv.turns_to_outcome > persona.turns_max:
        return f"{conv.turns_to_outcome} messages, at most {persona.turns_max}", transcript
    if persona.outcome in ("submitted", "emergency", "withdrawn"):
        number = conv.number()
        problems = checks.application_problems(conv, backend.application(number)) if number else ["no application number"]
    elif persona.outcome in ("callback", "complaint"):
        problems = checks.desk_problems(conv, backend, "callback_requests" if persona.outcome == "callback" else "complaints")
    else:
        problems = []
    return ("; ".join(problems) if problems else "passed"), transcript


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("ids", nargs="*")
    parser.add_argument("-v", action="store_true", help="print each transcript")
    args = parser.parse_args()
    env = {**os.environ, "JIUZHU_VAR_DIR": os.environ.get("JIUZHU_VAR_DIR", str(ROOT / "var"))}
    backend = Backend(args.url.rstrip("/"), env)
    people = [p for p in load_all() if not args.ids or p.id in args.ids]
    results = []
    for persona in people:
        verdict, transcript = play_one(persona, args.url.rstrip("/"), args.log, backend)
        results.append((persona.id, verdict))
        print(f"| {persona.id} | {verdict} |", flush=True)
        if args.v:
            print(transcript + "\n")
    passed = sum(1 for _, v in results if v == "passed")
    print(f"{passed} passed, {len(results) - passed} failed")


if __name__ == "__main__":
    main()
