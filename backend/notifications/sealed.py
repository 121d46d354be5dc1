"""One-time codes are secrets in the outbox too: their text is stored encrypted (the dispatcher opens it to send),
so the notices table, a database dump or a staff tool never shows a live code in clear."""

from backend.core.crypto import get_vault

SEALED = "sealed:"


def is_secret(event: str) -> bool:
    return event.startswith("otp_")


def seal(event: str, text: str) -> str:
    return SEALED + get_vault().encrypt(text) if is_secret(event) else text


def opened(stored: str) -> str:
    """The text to send (or to show a test): a sealed one decrypted, any other as it is."""
    return get_vault().decrypt(stored[len(SEALED):]) if stored.startswith(SEALED) else stored
