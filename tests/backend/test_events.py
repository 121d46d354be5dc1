"""The in-process event bus and who is wired to what (no database: handlers get a stand-in session)."""

from dataclasses import dataclass

from backend.authorizations import service as authorizations
from backend.authorizations.events import AuthorizationCompleted
from backend.certification import service as certification
from backend.core.events import publish, subscribe, subscribers
from backend.economic_check import service as economic_check
from backend.facecheck.events import FaceCheckPassed
from backend.wiring import register_all


@dataclass(frozen=True)
class Happened:
    what: str


def test_publish_calls_each_subscriber_once_in_order_with_the_same_session() -> None:
    seen = []

    def first(session, event) -> None:  # noqa: ANN001
        seen.append(("first", session, event.what))

    def second(session, event) -> None:  # noqa: ANN001
        seen.append(("second", session, event.what))

    subscribe(Happened, first)
    subscribe(Happened, second)
    subscribe(Happened, first)  # registering again changes nothing
    session = object()
    publish(session, Happened("x"))
    assert seen == [("first", session, "x"), ("second", session, "x")]
    publish(session, "an event nobody listens to")


def test_the_wiring_connects_face_checks_to_signatures_and_certifications_and_signatures_to_the_check() -> None:
    register_all()
    register_all()
    assert subscribers(FaceCheckPassed) == [authorizations.on_face_check_passed, certification.on_face_check_passed]
    assert subscribers(AuthorizationCompleted) == [economic_check.on_authorization_completed]


def test_each_package_ignores_a_face_check_for_another_purpose() -> None:
    class NoSession:
        def __getattr__(self, name: str):  # noqa: ANN204
            raise AssertionError(f"touched the database for another purpose: {name}")

    authorizations.on_face_check_passed(NoSession(), FaceCheckPassed("certification", 1, 2, 3, "web"))
    certification.on_face_check_passed(NoSession(), FaceCheckPassed("authorization", 1, 2, 3, "web"))
