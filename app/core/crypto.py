"""Encryption at rest for confidential free text (the DV section).

FIELD_ENCRYPTION_KEY holds one or more Fernet keys (urlsafe base64 of 32 random bytes),
separated by commas. The first key encrypts; every key decrypts, so a key is rotated by
putting the new key first, re-encrypting (`flask rotate-field-key`) and then dropping
the old one. Generate a key with:

    python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

A copy of the database alone reveals none of the encrypted text.
"""
from __future__ import annotations

import base64
import binascii
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

# Prefix of an encrypted value in a column that also holds older plain text (TicketEvent.body).
PREFIX = "enc:"
UNREADABLE = (InvalidToken, UnicodeError, ValueError)
UNREADABLE_TEXT = "[This text cannot be read with the current key.]"


class EncryptionKeyError(RuntimeError):
    """FIELD_ENCRYPTION_KEY is missing or malformed."""


def _fernet_for(key: str) -> Fernet:
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise EncryptionKeyError("FIELD_ENCRYPTION_KEY is not urlsafe base64") from exc
    if len(raw) != 32:
        raise EncryptionKeyError("each FIELD_ENCRYPTION_KEY must decode to 32 bytes")
    return Fernet(key.encode("ascii"))


def fernet(setting: str | None = None) -> MultiFernet:
    """The MultiFernet for the configured key list (first key encrypts)."""
    setting = setting if setting is not None else current_app.config.get("FIELD_ENCRYPTION_KEY")
    if not setting:
        raise EncryptionKeyError("FIELD_ENCRYPTION_KEY is not set")
    return _multi_fernet(setting)


@functools.lru_cache(maxsize=8)
def _multi_fernet(setting: str) -> MultiFernet:
    keys = [k.strip() for k in setting.split(",") if k.strip()]
    if not keys:
        raise EncryptionKeyError("FIELD_ENCRYPTION_KEY is empty")
    return MultiFernet([_fernet_for(k) for k in keys])


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a token; raises InvalidToken with a key that does not fit."""
    return fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def seal(text: str | None) -> str | None:
    """Encrypt for a shared text column: "enc:" + token.

    Always encrypts, even text that happens to start with "enc:" (a person may type that);
    the caller seals each new value once.
    """
    if text is None:
        return None
    return PREFIX + encrypt(text)


def is_sealed(value: str | None) -> bool:
    """True only for a real token under our keys: text a person typed that merely starts
    with "enc:" is not sealed, and gets encrypted like any other text."""
    if not value or not value.startswith(PREFIX):
        return False
    try:
        decrypt(value[len(PREFIX):])
    except UNREADABLE:
        return False
    return True


def unseal(stored: str | None) -> str | None:
    """The plain text of a value stored with `seal`; other values pass through."""
    if stored is None or not stored.startswith(PREFIX):
        return stored
    try:
        return decrypt(stored[len(PREFIX):])
    except UNREADABLE:
        return UNREADABLE_TEXT


class EncryptedText(TypeDecorator):
    """A text column whose value is stored as a Fernet token and read back as plain text:
    the one way confidential text is encrypted (no flush hook, no template filter).

    `prefixed=True` is for a column that held plain text before it was encrypted
    (TicketEvent.body): new values are stored as "enc:" + token, a stored value without
    the prefix is an older plain row and is read as it is; `flask rotate-field-key`
    encrypts those too.
    """

    impl = Text
    cache_ok = True

    def __init__(self, prefixed: bool = False) -> None:
        super().__init__()
        self.prefixed = prefixed

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return seal(str(value)) if self.prefixed else encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if self.prefixed:
            return unseal(value)
        try:
            return decrypt(value)
        except UNREADABLE:
            return UNREADABLE_TEXT


def check_key(setting: str | None) -> None:
    """Fail at start-up, not at a person's submission, when the key is missing or malformed."""
    if not setting:
        raise EncryptionKeyError("FIELD_ENCRYPTION_KEY is not set")
    fernet(setting).encrypt(b"key check")
