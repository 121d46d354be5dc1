"""`rasa data validate`, with every warning accounted for.

Rasa 3.6 warns about each response that no story or rule names, even when a custom action sends it
(a known limitation: RasaHQ/rasa#4200), and about intents that only fill slots (`from_intent`). This
runs the validator and fails unless each such warning is explained: the response is a form's question
(`utter_ask_<slot>` or `utter_ask_<form>_<slot>`), or its name is written in the action server's code
(`actions/`, `bot/channels/`); the intent is named in a slot mapping. Any other warning of the data
validator, or a non-zero exit, fails. Run with the bot's Python: `.venv/bot/bin/python scripts/validate_bot.py`.
"""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = (ROOT / "actions", ROOT / "bot" / "channels")
WARNING = re.compile(r"UserWarning: (.+)")
UNUSED_RESPONSE = re.compile(r"The utterance '(\w+)' is not used in any story or rule\.")
UNUSED_INTENT = re.compile(r"The intent '(\w+)' is not used in any story or rule\.")
# Warnings of libraries at import time, not of our data.
NOT_OURS = ("Slot auto-fill has been removed", "sqlalchemy", "SQLAlchemy", "pkg_resources", "jax.")


def form_questions(domain: dict) -> set[str]:
    asked = set()
    for form, spec in (domain.get("forms") or {}).items():
        for slot in spec.get("required_slots") or []:
            asked |= {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"}
    return asked


def intents_in_mappings(domain: dict) -> set[str]:
    named = set()
    for slot in (domain.get("slots") or {}).values():
        for mapping in slot.get("mappings") or []:
            for key in ("intent", "not_intent"):
                value = mapping.get(key)
                named |= set(value if isinstance(value, list) else [value] if value else [])
    return named


def code_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for d in CODE_DIRS for p in sorted(d.rglob("*.py")))


def sent_by_code(name: str, code: str) -> bool:
    if re.search(rf"[\"']{name}[\"']", code):
        return True
    # Names built from a prefix (f"utter_face_link_{mode}"): the prefix is written, the rest is a value.
    return any(name.startswith(prefix) for prefix in re.findall(r"f[\"'](utter_\w+?)\{", code))


def unexplained(output: str, domain: dict) -> list[str]:
    questions, mapped, code = form_questions(domain), intents_in_mappings(domain), code_text()
    problems = []
    for message in WARNING.findall(output):
        if any(marker in message for marker in NOT_OURS):
            continue
        if (m := UNUSED_RESPONSE.search(message)) and (m.group(1) in questions or sent_by_code(m.group(1), code)):
            continue
        if (m := UNUSED_INTENT.search(message)) and m.group(1) in mapped:
            continue
        problems.append(message.strip())
    return problems


def main() -> int:
    rasa = Path(sys.executable).with_name("rasa")
    run = subprocess.run([str(rasa), "data", "validate", "--data", "bot/data", "nlu-data", "--config", "bot/config.yml",
                          "--domain", "bot/domain.yml"], cwd=ROOT, capture_output=True, text=True)
    output = run.stdout + run.stderr
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    problems = unexplained(output, domain)
    if run.returncode != 0 or problems:
        print(output[-4000:] if run.returncode != 0 else "", file=sys.stderr)
        for p in problems:
            print(f"unexplained: {p}", file=sys.stderr)
        return 1
    print("rasa data validate: no errors; every warning accounted for (responses sent by actions or forms, intents in slot mappings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
