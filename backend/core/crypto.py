"""Encryption at rest for ID numbers, phone numbers and face encodings, and keyed hashes to find them.

Both keys are derived from DATA_ENCRYPTION_KEY with HKDF, each for its own purpose, so the look-up
hash reveals nothing about the cipher key. A stored hash lets us find "the person with this ID number"
without ever storing the number in clear.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.core.settings import get_settings


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiuzhu-v1", info=purpose).derive(secret.encode())


class DataVault:
    def __init__(self, secret: str):
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"encrypt")))
        self._hash_key = _derive(secret, b"lookup-hash")

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("cannot decrypt: wrong DATA_ENCRYPTION_KEY or damaged value") from exc

    def encrypt_bytes(self, plain: bytes) -> bytes:
        return self._fernet.encrypt(plain)

    def decrypt_bytes(self, token: bytes) -> bytes:
        return self._fernet.decrypt(token)

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


@lru_cache
def get_vault() -> DataVault:
    return DataVault(get_settings().data_encryption_key)
