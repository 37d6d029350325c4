"""A short per-process cache for lists that change rarely and are read on every request
(campus places, active officers). CHOICES_CACHE_SECONDS sets how long; 0 turns it off."""
from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import TypeVar

from flask import current_app

T = TypeVar("T")
_entries: dict[str, tuple[float, object]] = {}


def cached(name: str, loader: Callable[[], T]) -> T:
    ttl = current_app.config["CHOICES_CACHE_SECONDS"]
    now = monotonic()
    hit = _entries.get(name)
    if ttl > 0 and hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = loader()
    _entries[name] = (now, value)
    return value
