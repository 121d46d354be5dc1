"""Passwords (argon2), signed short-lived tokens, and the service credential check."""

import hmac
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.core import clock
from backend.core.settings import get_settings

STAFF_TOKEN_MINUTES = 30
CITIZEN_TOKEN_MINUTES = 120
ALGORITHM = "HS256"


@lru_cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, stored: str | None) -> bool:
    """Constant work whether or not the user exists: unknown users check against a dummy hash."""
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def issue_token(claims: dict[str, Any], minutes: int) -> tuple[str, datetime]:
    expires = clock.now_utc() + timedelta(minutes=minutes)
    token = jwt.encode({**claims, "exp": expires}, get_settings().secret_key, algorithm=ALGORITHM)
    return token, expires


def issue_citizen_token(phone_hash: str) -> tuple[str, datetime]:
    """The token of a citizen who proved this phone (with a code, or through a WeChat binding made with one)."""
    return issue_token({"sub": phone_hash, "kind": "citizen"}, CITIZEN_TOKEN_MINUTES)


def read_token(token: str) -> dict[str, Any] | None:
    try:
        # Expiry is checked on backend.core.clock, the clock that set it, not on PyJWT's own.
        claims = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM],
                            options={"require": ["exp"], "verify_exp": False})
    except jwt.PyJWTError:
        return None
    return claims if claims["exp"] > clock.now_utc().timestamp() else None


def is_service_token(token: str) -> bool:
    return hmac.compare_digest(token.encode(), get_settings().service_token.encode())
