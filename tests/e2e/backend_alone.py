"""The backend alone (uvicorn on a free port, its own SQLite file and documents folder, the demo data), for
browser tests of pages that need nothing else of the stack: no Rasa, no action server."""

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, free_port

SECRETS = ("SECRET_KEY", "DATA_ENCRYPTION_KEY", "SERVICE_TOKEN", "AUDIT_KEY")


@contextmanager
def backend_alone(var: Path, **settings: str) -> Iterator[str]:
    """Yields the backend's base URL; `settings` are extra environment variables (RASA_URL=...)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENVIRONMENT", "RASA_URL")}
    env.update({k: f"test-{k.lower()}-0123456789abcdef0123" for k in SECRETS})
    env.update(ENVIRONMENT="development", DATABASE_URL=f"sqlite:///{var / 'jiuzhu.db'}", DOCUMENTS_DIR=str(var / "documents"),
               PYTHONUNBUFFERED="1", **settings)
    subprocess.run([sys.executable, "-m", "backend.prestart"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (var / "backend.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "backend.app:app", "--host", "127.0.0.1", "--port", port,
                             "--no-access-log"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the backend did not start:\n" + (var / "backend.log").read_text())
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
