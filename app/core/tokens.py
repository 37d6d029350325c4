"""Reference codes, random tokens and signed links: the one place they are made.

- A reference (`ESC-7K3Q9M`) is short and readable; it identifies, it never authorises.
- An access token is 32 random bytes in the private follow-up link; only its SHA-256 is
  stored, so a copy of the database cannot open anyone's ticket.
- A signed token (email verification, password reset, confirmations) carries a payload,
  is bound to a purpose and expires.
"""
from __future__ import annotations

import base64
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


# --- opaque pairs of counters (the live streams' cursors) ----------------------------------
# Two counters of up to 40 bits and a 48-bit nonce in one AES block: a keyed permutation of
# 16 bytes, so the token shows nothing of the numbers (neither their size nor the gap between
# two of them) and cannot be made to say something else without the key. ECB is right for a
# single block. With the nonce at zero the same pair always gives the same token; with a
# random nonce two tokens of one pair differ.
PAIR_LIMIT = 1 << 40


def _pair_cipher():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, b"portal.opaque-pair", hashlib.sha256).digest()[:16]
    return Cipher(algorithms.AES(key), modes.ECB())  # noqa: S305 (one block, see above)


def seal_pair(first: int, second: int, fresh: bool = False) -> str:
    """An opaque token for two counters (0 <= each < 2**40); `fresh`: a new one each time."""
    if not (0 <= first < PAIR_LIMIT and 0 <= second < PAIR_LIMIT):
        raise ValueError("counter out of range")
    nonce = secrets.token_bytes(6) if fresh else bytes(6)
    block = first.to_bytes(5, "big") + second.to_bytes(5, "big") + nonce
    encryptor = _pair_cipher().encryptor()
    sealed = encryptor.update(block) + encryptor.finalize()
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()


def open_pair(token: str | None) -> tuple[int, int] | None:
    """The two counters of a `seal_pair` token, or None for anything else."""
    if not token or len(token) != 22:
        return None
    try:
        sealed = base64.urlsafe_b64decode(token + "==")
    except (ValueError, TypeError):
        return None
    if len(sealed) != 16:
        return None
    decryptor = _pair_cipher().decryptor()
    block = decryptor.update(sealed) + decryptor.finalize()
    return int.from_bytes(block[:5], "big"), int.from_bytes(block[5:10], "big")
