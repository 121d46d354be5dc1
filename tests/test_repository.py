"""Checks on the repository itself: the compose file, the endpoints' variables, what must never be committed."""

import argparse
import re
import subprocess
from pathlib import Path

import yaml

import scripts.stack as stack

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_parses_and_names_the_production_services() -> None:
    services = _compose()["services"]
    assert {"postgres", "redis", "backend", "worker", "actions", "rasa"} <= set(services)
    for name, svc in services.items():
        if "build" in svc:
            assert (ROOT / svc["build"]["dockerfile"]).is_file(), f"{name}: missing Dockerfile"


def test_compose_wires_postgres_tracker_and_redis_lock_store() -> None:
    services = _compose()["services"]
    rasa_env = services["rasa"]["environment"]
    assert rasa_env["TRACKER_STORE_URL"].startswith("postgresql://")
    assert rasa_env["LOCK_STORE_TYPE"] == "redis" and rasa_env["LOCK_STORE_URL"] == "redis"
    assert services["backend"]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert services["backend"]["environment"]["ENVIRONMENT"] == "production"
    assert "--auth-token" in " ".join(services["rasa"]["command"])


def test_every_endpoint_variable_is_set_by_compose_and_by_the_launcher() -> None:
    wanted = set()
    for name in ("endpoints.yml", "credentials.yml"):
        wanted |= set(re.findall(r"\$\{(\w+)\}", (ROOT / "bot" / name).read_text(encoding="utf-8")))
    assert wanted, "endpoints.yml should take its settings from the environment"
    rasa_env = set(_compose()["services"]["rasa"]["environment"])
    assert wanted <= rasa_env, f"compose misses {wanted - rasa_env}"
    launcher = (ROOT / "scripts" / "stack.py").read_text(encoding="utf-8")
    missing = {v for v in wanted if f'"{v}"' not in launcher}
    assert not missing, f"scripts/stack.py gives no default for {missing}"


def test_secrets_databases_and_models_are_not_tracked() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert ".env" not in tracked
    # Images only as the README's screenshots of our own pages (no face photographs: those come from PyPI at test time).
    assert not [f for f in tracked if f.endswith((".db", ".tar.gz", ".jpg", ".jpeg"))]
    assert not [f for f in tracked if f.endswith(".png") and not f.startswith("docs/screenshots/")]
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {".env", "var/", "models/", ".venv"} <= set(ignored)  # .venv (no slash) also covers a symlink


def test_uvicorn_access_log_is_off_wherever_the_backend_starts() -> None:
    """Uvicorn's access line holds the raw path and query string (face tokens, phone numbers); the
    backend's own request log leaves them out. The e2e tests start the stack through scripts/stack.py."""
    backend = " ".join(_compose()["services"]["backend"]["command"])
    assert "uvicorn" in backend and "--no-access-log" in backend
    dockerfile = (ROOT / "backend" / "Dockerfile").read_text(encoding="utf-8")
    cmd = [line for line in dockerfile.splitlines() if line.startswith("CMD")]
    assert cmd and "uvicorn" in cmd[-1] and "--no-access-log" in cmd[-1]
    launcher = (ROOT / "scripts" / "stack.py").read_text(encoding="utf-8")
    uvicorn_lines = [line for line in launcher.splitlines() if 'bin/uvicorn"' in line]
    assert uvicorn_lines and all("--no-access-log" in line for line in uvicorn_lines)
    assert "scripts\" / \"stack.py" in (ROOT / "tests" / "e2e" / "conftest.py").read_text(encoding="utf-8")


def test_compose_gives_the_backend_and_worker_the_audit_key() -> None:
    services = _compose()["services"]
    for name in ("backend", "worker"):
        assert "AUDIT_KEY" in services[name]["environment"], name


# A clock read outside backend/core/clock.py is a date tests cannot pin, and too often the UTC date
# where the China date was meant (a certification at 07:00 in Chongqing is yesterday in UTC).
CLOCK_READ = re.compile(r"\b(?:datetime\.(?:now|today|utcnow)|date\.today|time\.(?:time|localtime|gmtime))\(")
# What reads a clock legitimately, and why: not a calendar date, and not one this code base chooses.
CLOCK_ALLOWED = {
    "backend/core/clock.py": "the one place that reads the clock",
    "backend/auth/throttle.py": "the rate-limit library counts on time.time; the wait is measured on the same clock",
}


def test_every_clock_read_in_the_backend_goes_through_core_clock() -> None:
    found = []
    for path in sorted((ROOT / "backend").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in CLOCK_ALLOWED:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if CLOCK_READ.search(line.split("#", 1)[0]):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "use backend.core.clock (now(), now_utc(), today()) instead:\n" + "\n".join(found)


def test_rasa_is_reachable_only_by_the_backend() -> None:
    services = _compose()["services"]
    assert "ports" not in services["rasa"], "Rasa's REST channel must not be published"
    assert services["backend"]["environment"]["RASA_URL"] == "http://rasa:5005"
    launcher = (ROOT / "scripts" / "stack.py").read_text(encoding="utf-8")
    assert '"--interface", "127.0.0.1"' in launcher
    credentials = yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text(encoding="utf-8"))
    assert "rest" not in credentials and "bot.channels.web_relay.WebRelayInput" in credentials


def test_no_generated_secret_is_read_as_a_command_line_option() -> None:
    """One token in 64 of `token_urlsafe` starts with "-": a fresh clone's CI wrote such a RASA_TOKEN and
    `rasa run --auth-token -…` refused to start, failing every e2e test. Secrets never start with "-" now, and
    the token is passed as `--auth-token=…` wherever Rasa starts (the launcher and compose)."""
    assert not any(stack.new_secret().startswith("-") for _ in range(3000))
    launcher = (ROOT / "scripts" / "stack.py").read_text(encoding="utf-8")
    assert "f\"--auth-token={env['RASA_TOKEN']}\"" in launcher and '"--auth-token", env' not in launcher
    command = _compose()["services"]["rasa"]["command"][-1]
    assert '--auth-token="$$RASA_TOKEN"' in command
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    assert parser.parse_args(["--auth-token=-Ab3_x"]).auth_token == "-Ab3_x"  # the "=" form takes a leading "-"
