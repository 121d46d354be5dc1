#!/usr/bin/env python3
"""Set up and run the whole Jiuzhu stack on one machine (the embedded defaults: no server needed).

    python3 scripts/stack.py setup   # environments, .env secrets, database migrated and seeded
    python3 scripts/stack.py train   # train the Rasa model if its inputs changed
    python3 scripts/stack.py run     # setup + train, then backend :8000, actions :5055, Rasa :5005

Standard library only: this runs before any environment exists.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BOT = ROOT / ".venv" / "bot"
VENV_BACKEND = ROOT / ".venv" / "backend"
MODELS = ROOT / "models"
SECRETS = ("RASA_TOKEN", "SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY", "DEMO_STAFF_PASSWORD")
# What the Rasa model is trained from; any change here means a new model.
MODEL_INPUTS = ("bot/config.yml", "bot/domain.yml", "bot/data", "nlu-data", "bot/requirements.txt")


def say(msg: str) -> None:
    print(f"\033[1m==> {msg}\033[0m", flush=True)


def fail(msg: str) -> None:
    print(f"\033[31mERROR: {msg}\033[0m", file=sys.stderr, flush=True)
    raise SystemExit(2)


# ---------------------------------------------------------------- interpreters

def _version_of(cmd: list[str], env: dict[str, str] | None = None) -> tuple[int, int] | None:
    try:
        out = subprocess.run(
            [*cmd, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=30, env=env,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    major, minor = out.stdout.strip().split(".")
    return int(major), int(minor)


def find_python(want: tuple[int, int]) -> tuple[list[str], dict[str, str]]:
    """Find an interpreter of exactly version `want` that can make venvs: PATH, then pyenv."""
    tag = f"{want[0]}.{want[1]}"
    env = dict(os.environ)
    explicit = os.environ.get(f"PYTHON{want[0]}{want[1]}")
    candidates: list[tuple[list[str], dict[str, str]]] = []
    if explicit:
        candidates.append(([explicit], env))
    if sys.version_info[:2] == want:
        candidates.append(([sys.executable], env))
    for path in (f"/usr/bin/python{tag}", f"/usr/local/bin/python{tag}"):
        candidates.append(([path], env))
    if shutil.which("pyenv"):
        listed = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True).stdout.split()
        for version in sorted((v for v in listed if v.startswith(tag + ".")), reverse=True):
            prefix = subprocess.run(["pyenv", "prefix", version], capture_output=True, text=True).stdout.strip()
            if prefix:
                candidates.append(([f"{prefix}/bin/python{tag}"], env))
            candidates.append(([f"python{tag}"], {**env, "PYENV_VERSION": version}))
    if shutil.which(f"python{tag}"):
        candidates.append(([f"python{tag}"], env))
    for cmd, cenv in candidates:
        if _version_of(cmd, cenv) == want:
            return cmd, cenv
    fail(
        f"No working Python {tag} found (it must have venv and ensurepip).\n"
        f"  Install one, for example:  pyenv install {tag}   or   apt-get install python{tag} python{tag}-venv\n"
        f"  or point PYTHON{want[0]}{want[1]} at its interpreter."
    )
    raise AssertionError


# ---------------------------------------------------------------- environments

def _hash_paths(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for base in paths:
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for f in files:
            if "__pycache__" in f.parts:
                continue
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(b"\0")
            h.update(f.read_bytes())
    return h.hexdigest()


def _ensure_venv(venv: Path, want: tuple[int, int], requirements: list[Path], install: list[list[str]], label: str) -> None:
    stamp = venv / ".jiuzhu-installed"
    digest = _hash_paths(requirements)
    if stamp.exists() and stamp.read_text() == digest and (venv / "bin" / "python").exists():
        return
    if not (venv / "bin" / "python").exists():
        cmd, env = find_python(want)
        say(f"Creating the {label} environment (Python {want[0]}.{want[1]}) in {venv.relative_to(ROOT)}")
        subprocess.run([*cmd, "-m", "venv", str(venv)], check=True, env=env)
        subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--upgrade", "pip<25"], check=True)
    say(f"Installing the {label} packages (first time takes a few minutes; pip shows progress)")
    for args in install:
        subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", *args], check=True, cwd=ROOT)
    stamp.write_text(digest)


def ensure_envs() -> None:
    # The face packages go in without their declared dependencies: face-recognition asks for "dlib",
    # which would compile for minutes; dlib-bin is the same library prebuilt (see requirements-face.txt).
    _ensure_venv(
        VENV_BACKEND, (3, 11), [ROOT / "pyproject.toml", ROOT / "backend/requirements-face.txt"],
        [["-e", ".[dev]"], ["dlib-bin", "numpy", "Pillow", "setuptools<82"], ["--no-deps", "-r", "backend/requirements-face.txt"]],
        "backend",
    )
    _ensure_venv(VENV_BOT, (3, 10), [ROOT / "bot/requirements.txt"], [["-r", "bot/requirements.txt"]], "bot and action server")


def ensure_dotenv() -> None:
    """Generate random secrets into the untracked .env on first run (never overwrite what is there).

    Also ENVIRONMENT=development: the backend treats an unset ENVIRONMENT as production and refuses
    weak secrets, so the local stack says explicitly what it is — added to a .env from an earlier
    version that lacks the line, never replacing a value someone set.
    """
    path = ROOT / ".env"
    existing = read_dotenv()
    missing = [k for k in SECRETS if k not in existing and k not in os.environ]
    lines = [f"{key}={new_secret()}" for key in missing]
    if "ENVIRONMENT" not in existing:
        lines.insert(0, "ENVIRONMENT=development")
    if lines:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        with path.open("a", encoding="utf-8") as fh:
            if not text.strip():
                fh.write("# Generated by scripts/stack.py on first run. Untracked; keep it secret.\n")
            elif not text.endswith("\n"):
                fh.write("\n")  # a hand-edited last line without its newline
            fh.write("".join(f"{line}\n" for line in lines))
        path.chmod(0o600)
        say(f"Wrote {', '.join(line.split('=', 1)[0] for line in lines)} into .env")


def read_dotenv() -> dict[str, str]:
    path = ROOT / ".env"
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                values[k.strip()] = v.strip().strip('"').strip("'")
    return values


def stack_env() -> dict[str, str]:
    """The environment every service gets: .env, then the real environment on top, then defaults."""
    env = {**read_dotenv(), **os.environ}
    var = Path(env.get("JIUZHU_VAR_DIR", ROOT / "var"))
    var.mkdir(parents=True, exist_ok=True)
    ports = {k: env.setdefault(k, d) for k, d in (("BACKEND_PORT", "8000"), ("ACTIONS_PORT", "5055"), ("RASA_PORT", "5005"))}
    defaults = {
        "DATABASE_URL": f"sqlite:///{var / 'jiuzhu.db'}",
        "DOCUMENTS_DIR": str(var / "documents"),
        "BACKEND_URL": f"http://127.0.0.1:{ports['BACKEND_PORT']}",
        "RASA_URL": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['ACTIONS_PORT']}/webhook",
        "TRACKER_STORE_URL": f"sqlite:///{var / 'rasa_tracker.db'}",
        "TRACKER_STORE_DB": "rasa",
        # Two Rasa workers use both cores; their conversation locks and SMS menus live in one SQLite
        # file (bot/local_state.py), so no Redis is needed. SANIC_WORKERS=1 on a machine short of memory
        # (each worker holds the model, about 1.5 GB).
        "SANIC_WORKERS": "2",
        "LOCK_STORE_TYPE": "bot.local_state.SQLiteLockStore",
        "SMS_MENU_DB": str(var / "rasa_state.db"),
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_LOCK_DB": "1",
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_FROM_NUMBER": "",
        # WeChat 公众号 (issue #14): unset, the webhook refuses every request, the backend's /wechat
        # endpoints answer 503 and notices go by SMS.
        "WECHAT_TOKEN": "",
        "WECHAT_APP_ID": "",
        "WECHAT_APP_SECRET": "",
        "WECHAT_AES_KEY": "",
        "WECHAT_API_BASE": "https://api.weixin.qq.com",
        "PUBLIC_RASA_URL": f"http://127.0.0.1:{ports['RASA_PORT']}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['BACKEND_PORT']}",
        "PYTHONUNBUFFERED": "1",
        # rasa_sdk binds to SANIC_HOST (default 0.0.0.0): the action server, which calls the backend
        # with the service token, answers only on this machine.
        "SANIC_HOST": "127.0.0.1",
        # Rasa imports the SMS channel (bot.channels) from the repository.
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    for k, v in defaults.items():
        env.setdefault(k, v)
    env.setdefault("LOCK_STORE_URL", env["REDIS_HOST"] if env["LOCK_STORE_TYPE"] == "redis" else str(var / "rasa_state.db"))
    return env


def prepare_database(env: dict[str, str]) -> None:
    say("Preparing the database (migrations and reference data)")
    subprocess.run([str(VENV_BACKEND / "bin/python"), "-m", "backend.prestart"], check=True, cwd=ROOT, env=env)


# ---------------------------------------------------------------- model

def model_path() -> Path:
    digest = _hash_paths([ROOT / p for p in MODEL_INPUTS])[:16]
    return MODELS / f"jiuzhu-{digest}.tar.gz"


def ensure_model(env: dict[str, str]) -> Path:
    target = model_path()
    if target.exists():
        say(f"Rasa model is up to date ({target.name})")
        return target
    say("Training the Rasa model (inputs changed; a few minutes on 2 cores, progress below)")
    MODELS.mkdir(exist_ok=True)
    subprocess.run(
        [
            str(VENV_BOT / "bin/rasa"), "train",
            "--config", "bot/config.yml", "--domain", "bot/domain.yml",
            "--data", "bot/data", "nlu-data",
            "--out", str(MODELS), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        ],
        check=True, cwd=ROOT, env=env,
    )
    for old in MODELS.glob("jiuzhu-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


# ---------------------------------------------------------------- processes

def _get(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def new_secret() -> str:
    """A random secret for .env that no command line reads as an option: one in 45 of token_urlsafe's starts
    with "-", and `rasa run --auth-token -…` then fails to start (it did, once, in a fresh clone's CI)."""
    while (value := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return value


def serve(env: dict[str, str], model: Path) -> int:
    host = env.get("HOST", "127.0.0.1")
    b, a, r = env["BACKEND_PORT"], env["ACTIONS_PORT"], env["RASA_PORT"]
    commands = {
        "backend": [str(VENV_BACKEND / "bin/uvicorn"), "backend.app:app", "--host", host, "--port", b, "--no-access-log"],
        "worker": [str(VENV_BACKEND / "bin/python"), "-m", "backend.notifications.worker"],
        "actions": [str(VENV_BOT / "bin/python"), "-m", "rasa_sdk", "--actions", "actions", "--port", a],
        "rasa": [
            str(VENV_BOT / "bin/rasa"), "run", "--model", str(model), "--enable-api", f"--auth-token={env['RASA_TOKEN']}",  # "=": a token may start with "-"
            "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
            # Loopback only, whatever HOST says: the REST channel trusts the sender id it is given,
            # so only the backend's relay (on this machine) may reach it.
            "--interface", "127.0.0.1", "--port", r,
        ],
    }
    checks = {
        "worker": None,  # no port: up when it is still running once the others are
        "backend": f"http://127.0.0.1:{b}/api/v1/health",
        "actions": f"http://127.0.0.1:{a}/health",
        "rasa": f"http://127.0.0.1:{r}/status?token={env['RASA_TOKEN']}",
    }
    procs: dict[str, subprocess.Popen] = {}

    def stop_all(*_: object) -> None:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    # Ctrl-C and SIGTERM both stop everything, even when started from a script that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        for name, cmd in commands.items():
            say(f"Starting {name}")
            procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
        started = time.monotonic()
        pending = dict(checks)
        while pending:
            for name in list(pending):
                if procs[name].poll() is not None:
                    fail(f"{name} exited with code {procs[name].returncode} during start-up (see its output above)")
                url = pending[name]
                ready = len(pending) == 1 if url is None else _get(url) == 200
                if ready:
                    say(f"{name} is up ({time.monotonic() - started:.0f}s)")
                    del pending[name]
            time.sleep(0.5)
        print(
            "\n"
            f"  救助助手 web chat:  http://127.0.0.1:{b}/\n"
            f"  Backend API docs:   http://127.0.0.1:{b}/docs\n"
            "  SMS:                printed here by the worker (SMS_PROVIDER=console)\n"
            f"  Action server:      http://127.0.0.1:{a}/health\n"
            f"  Rasa (token in .env): http://127.0.0.1:{r}/status\n"
            "\n  Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        print("JIUZHU STACK READY", flush=True)
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    fail(f"{name} stopped unexpectedly with code {proc.returncode}")
            time.sleep(1)
    except KeyboardInterrupt:
        say("Stopping")
        return 0
    finally:
        stop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["setup", "train", "run", "env"])
    args = parser.parse_args()
    ensure_envs()
    ensure_dotenv()
    env = stack_env()
    if args.command == "env":
        for k in sorted(("DATABASE_URL", "TRACKER_STORE_URL", "LOCK_STORE_TYPE", "LOCK_STORE_URL", "SANIC_WORKERS",
                         "BACKEND_URL", "RASA_URL")):
            print(f"{k}={env[k]}")
        return
    if args.command in ("setup", "run"):
        prepare_database(env)
    if args.command in ("train", "run"):
        model = ensure_model(env)
    if args.command == "run":
        raise SystemExit(serve(env, model))


if __name__ == "__main__":
    main()
