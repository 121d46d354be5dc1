"""ASGI entry point: `uvicorn backend.app:app`."""

from backend.main import create_app

app = create_app()
