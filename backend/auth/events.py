"""What signing in tells the rest of the backend (see backend.core.events)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CodeIssued:
    """A one-time code was made for `phone`; the notifications package texts it (event = SMS template).

    Published in the transaction that stores the code, so the code and its notice commit together."""

    phone: str
    event: str
    code: str
    minutes: int
    key: str
    context: dict = field(default_factory=dict)
