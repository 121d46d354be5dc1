"""What the delegations package tells the rest of the backend (see backend.core.events)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperDelegationReviewed:
    """A caseworker verified (or rejected) a paper form a helper submitted.

    Published in the transaction that records the review: the applications package writes it on the
    timeline of the principal's cases in that district, the notifications package texts the helper.
    """

    delegation_id: int
    principal_person_id: int
    helper_person_id: int
    district_code: str
    verified: bool
    note: str
    actor: str
    channel: str
