"""Encryption at rest for ID numbers, phone numbers, face encodings and stored documents (photos), and
keyed hashes to find them.

Every key is derived from DATA_ENCRYPTION_KEY with HKDF, each for its own purpose, so the look-up
hash reveals nothing about the cipher key. A stored hash lets us find "the person with this ID number"
without ever storing the number in clear. Documents are sealed with AES-GCM (no base64 growth on
megabytes of photo), bound to their file name: a sealed file renamed to another's name does not open.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.core.settings import get_settings


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"jiuzhu-v1", info=purpose).derive(secret.encode())


class DataVault:
    def __init__(self, secret: str):
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"encrypt")))
        self._hash_key = _derive(secret, b"lookup-hash")
        self._documents = AESGCM(_derive(secret, b"documents"))
        self._document_names = _derive(secret, b"document-names")

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

    def seal_document(self, plain: bytes, name: str) -> bytes:
        """nonce (12 bytes) + AES-GCM ciphertext and tag; `name` is bound as associated data."""
        nonce = os.urandom(12)
        return nonce + self._documents.encrypt(nonce, plain, name.encode())

    def open_document(self, sealed: bytes, name: str) -> bytes:
        try:
            return self._documents.decrypt(sealed[:12], sealed[12:], name.encode())
        except InvalidTag as exc:
            raise ValueError("cannot decrypt document: wrong DATA_ENCRYPTION_KEY, damaged or renamed file") from exc

    def document_name(self, content: bytes) -> str:
        """A file name for this content: the same photo twice is one file; the name tells nothing about it."""
        return hmac.new(self._document_names, content, hashlib.sha256).hexdigest()

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


@lru_cache
def get_vault() -> DataVault:
    return DataVault(get_settings().data_encryption_key)
