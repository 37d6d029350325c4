"""Reference codes, random tokens and signed links: the one place they are made.

- A reference (`ESC-7K3Q9M`) is short and readable; it identifies, it never authorises.
- An access token is 32 random bytes in the private follow-up link; only its SHA-256 is
  stored, so a copy of the database cannot open anyone's ticket.
- A signed token (email verification, password reset, confirmations) carries a payload,
  is bound to a purpose and expires.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 6


class InvalidToken(Exception):
    """A signed token that is forged, for another purpose, or expired."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{prefix}-{body}"


def normalise_reference(text: str) -> str:
    return "".join(text.split()).upper()[:16]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def keyed(purpose: str, value: str) -> str:
    """A keyed hash of `value` (under SECRET_KEY): what a store keeps instead of an address."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def token_matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def sign(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: int) -> Any:
    """The payload of a signed token, or InvalidToken if forged, misused or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidToken(expired=True) from exc
    except (BadSignature, UnicodeError, ValueError) as exc:
        raise InvalidToken() from exc
