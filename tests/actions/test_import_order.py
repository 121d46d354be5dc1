"""The action server (rasa_sdk) imports the package's modules in its own order; the suite imports them in another.
A cycle that only breaks in one order (actions.codes ← actions.form_first ← actions.retry, 2026-12-07) stopped the
server at start-up while every test passed. Each module must import first, in a clean interpreter state."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import importlib, pkgutil, sys
import actions
names = sorted(m.name for m in pkgutil.walk_packages(actions.__path__, "actions."))
failed = []
for name in names:
    for loaded in [k for k in sys.modules if k.startswith("actions.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
"""


def test_every_module_of_the_action_package_imports_first() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", out.stdout
