"""A short per-process cache for lists that change rarely and are read on every request
(campus places, active officers). CHOICES_CACHE_SECONDS sets how long; 0 turns it off.

Built on `functools.lru_cache`, the one caching mechanism of the project (the Fernet keys,
the Argon2 hashers and the acknowledgement deadlines use it too): the time-to-live is a
key part, the current window of CHOICES_CACHE_SECONDS, so an entry is never older than the
setting and old windows fall out of the LRU.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from time import monotonic
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def cached(name: str, loader: Callable[[], T]) -> T:
    """`loader()`, remembered for CHOICES_CACHE_SECONDS; `loader` must be a module-level
    function (it is part of the key)."""
    ttl = current_app.config["CHOICES_CACHE_SECONDS"]
    if ttl <= 0:
        return loader()
    return _load(name, loader, ttl, int(monotonic() // ttl))


@functools.lru_cache(maxsize=64)
def _load(name: str, loader: Callable[[], T], ttl: int, window: int) -> T:
    return loader()


def cached_call(name: str, loader: Callable[..., T], key: tuple, ttl: int) -> T:
    """`loader(*key)`, remembered for `ttl` seconds per key (0: not at all): figures that
    may be a little old (the operations dashboard), same mechanism, own setting."""
    if ttl <= 0:
        return loader(*key)
    return _call(name, loader, key, ttl, int(monotonic() // ttl))


@functools.lru_cache(maxsize=64)
def _call(name: str, loader: Callable[..., T], key: tuple, ttl: int, window: int) -> T:
    return loader(*key)


def clear() -> None:
    _load.cache_clear()
    _call.cache_clear()
