"""Checks on the repository itself: the compose file, the endpoints' variables, what must never be committed."""

import re
import subprocess
from pathlib import Path

import yaml

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
    assert rasa_env["LOCK_STORE_TYPE"] == "redis" and rasa_env["REDIS_HOST"] == "redis"
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
    assert not [f for f in tracked if f.endswith((".db", ".tar.gz", ".jpg", ".png"))]
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {".env", "var/", "models/", ".venv/"} <= set(ignored)
