"""What the 核对授权书 tells the rest of the backend (see backend.core.events)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AuthorizationCompleted:
    """The last signer of an application's 核对授权书 has signed: the economic check may query the sources."""

    application_id: int
