"""Password hashing (Argon2id) and the password policy.

Hashing: argon2-cffi's Argon2id with the parameters in config (ARGON2_TIME_COST,
ARGON2_MEMORY_KIB, ARGON2_PARALLELISM; default t=3, m=64 MiB, p=4, RFC 9106's low-memory
profile). Settings below OWASP's minimum (t=2, m=19 MiB, p=1) are raised to it. A stored hash
made with other parameters is replaced at the next successful sign-in.

Policy: at least 12 characters, at most 1024 (long passphrases welcome, pasting allowed), no
control characters, and zxcvbn must rate it "safely unguessable" (score >= 3), counting the
person's own name and email address as guessable. The problems come back as plain advice.
"""
from __future__ import annotations

import contextlib
import functools
import unicodedata
from collections.abc import Iterable

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import get_locale, gettext
from zxcvbn import zxcvbn

OWASP_FLOOR = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
ZXCVBN_MAX_CHARS = 72  # zxcvbn refuses longer input; the first 72 characters decide
SITE_WORDS = ("hospital", "security", "police", "portal", "dispatch", "outreach", "password")


def _setting(name: str, floor: int) -> int:
    return max(int(current_app.config.get(name, floor)), floor)


def hasher() -> PasswordHasher:
    return _hasher(
        _setting("ARGON2_TIME_COST", OWASP_FLOOR["time_cost"]),
        _setting("ARGON2_MEMORY_KIB", OWASP_FLOOR["memory_cost"]),
        _setting("ARGON2_PARALLELISM", OWASP_FLOOR["parallelism"]),
    )


@functools.cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )


def normalise(password: str) -> str:
    """NFKC, so the same passphrase typed on another keyboard still matches (NIST 800-63B)."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return hasher().hash(normalise(password))


def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; a missing hash still costs one hash's time."""
    if not password_hash:
        dummy_verify(password)
        return False
    try:
        return hasher().verify(password_hash, normalise(password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("not-a-real-password")


def dummy_verify(password: str) -> None:
    """Spend the time a real check takes, so unknown emails answer as slowly as known ones."""
    h = hasher()
    with contextlib.suppress(VerifyMismatchError, VerificationError, InvalidHashError):
        h.verify(_dummy_hash(h.time_cost, h.memory_cost, h.parallelism), normalise(password))


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def guessable_words(inputs: Iterable[str | None]) -> list[str]:
    """The person's own name and address, split into words zxcvbn should treat as known."""
    words = list(SITE_WORDS)
    for value in inputs:
        if not value:
            continue
        value = value.lower()
        words.append(value)
        words.extend(part for part in value.replace("@", " ").replace(".", " ").split() if part)
    return words


def problems(password: str | None, user_inputs: Iterable[str | None] = ()) -> list[str]:
    """What is wrong with `password` under the policy, as advice in the page's language;
    empty when it is fine. zxcvbn's own hints are English, so only English pages show them."""
    config = current_app.config
    if not password:
        return [gettext("Enter a password.")]
    if len(password) < config["PASSWORD_MIN_LENGTH"]:
        return [gettext("Your password must be at least %(num)s characters long.",
                        num=config["PASSWORD_MIN_LENGTH"])]
    if len(password) > config["PASSWORD_MAX_LENGTH"]:
        return [gettext("Your password must be %(num)s characters or fewer.",
                        num=config["PASSWORD_MAX_LENGTH"])]
    if has_control_characters(password):
        return [gettext("Your password contains characters that cannot be typed, such as line "
                        "breaks or tabs. Remove them.")]
    sample = normalise(password)[:ZXCVBN_MAX_CHARS]
    result = zxcvbn(sample, user_inputs=guessable_words(user_inputs))
    if result["score"] >= config["PASSWORD_MIN_SCORE"]:
        return []
    advice = [gettext("This password would be easy to guess.")]
    if str(get_locale() or "en") == "en":
        feedback = result["feedback"]
        advice.extend([feedback["warning"]] if feedback.get("warning") else [])
        advice.extend(feedback.get("suggestions") or [])
    advice.append(gettext("A passphrase of four or more unrelated words is strong and easy to "
                          "remember."))
    return advice
