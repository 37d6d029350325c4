"""app.core.cache: one functools-based cache for the choice lists."""
from __future__ import annotations

from app.core import cache

calls: list[int] = []


def _load() -> list[int]:
    calls.append(1)
    return [len(calls)]


def test_choices_are_loaded_once_per_window_and_every_time_when_turned_off(app, monkeypatch):
    cache.clear()
    calls.clear()
    with app.app_context():
        monkeypatch.setitem(app.config, "CHOICES_CACHE_SECONDS", 3600)
        first = cache.cached("test.list", _load)
        assert cache.cached("test.list", _load) is first and len(calls) == 1
        monkeypatch.setitem(app.config, "CHOICES_CACHE_SECONDS", 0)
        cache.cached("test.list", _load)
        cache.cached("test.list", _load)
        assert len(calls) == 3
    cache.clear()
