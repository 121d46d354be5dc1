"""The events the authorizations package reacts to (called once by backend.wiring.register_all)."""

from backend.authorizations.service import on_face_check_passed
from backend.core.events import subscribe
from backend.facecheck.events import FaceCheckPassed


def register() -> None:
    subscribe(FaceCheckPassed, on_face_check_passed)
