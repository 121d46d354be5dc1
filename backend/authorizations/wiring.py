"""The events the authorizations package reacts to (called once by backend.wiring.register_all)."""

from backend.applications.steps import StepContext, register_guard
from backend.authorizations.service import on_face_check_passed, require_all_signed
from backend.core.events import subscribe
from backend.facecheck.events import FaceCheckPassed


def _all_signed(ctx: StepContext) -> None:
    require_all_signed(ctx.session, ctx.app)


def register() -> None:
    subscribe(FaceCheckPassed, on_face_check_passed)
    # The workflow's attach_economic_check waits for every signature (workflows.yaml: authorization_signed).
    register_guard("authorization_signed", _all_signed)
