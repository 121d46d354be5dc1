"""What the face check tells the rest of the backend (see backend.core.events)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FaceCheckPassed:
    """A person passed a face check opened for `purpose` ("authorization" | "certification").

    Published in the same transaction that records the result; the authorizations package records the
    signature of the 核对授权书, the certification package the 待遇资格认证.
    """

    purpose: str
    application_id: int | None
    person_id: int
    session_id: int
    channel: str
