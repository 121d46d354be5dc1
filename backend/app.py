"""ASGI entry point: `uvicorn backend.app:app`.

The served process reads the national gazetteer in the background at start-up, so the first person
who names a street does not wait for it (tests build their own apps and load it when first used)."""

import threading

from backend.main import create_app
from backend.regions.gazetteer import get_gazetteer

app = create_app()
threading.Thread(target=get_gazetteer, name="gazetteer-warm-up", daemon=True).start()
