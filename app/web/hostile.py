"""Numbers and text from the URL that no database can take answer 404 or 400, never 500.

- Every `<int:...>` path argument is bounded by the columns it looks up (32-bit on
  PostgreSQL): a larger id cannot exist, so the route answers 404 before any query.
- `int_arg` reads a whole number from the query string within bounds (a page number of
  10**30 is the last sensible page, not an overflow); `text_arg` reads search text without
  control characters. (Query strings bound to a GET form are checked by its validators.)
- A path with a NUL byte is not found (404) before any query: no text column accepts one
  (PostgreSQL raises), and no address of ours holds one. In a form field or a search box,
  the form's own control-character check answers on the form
  (tests/security/test_hostile_urls.py sends one to every route).
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite's 64-bit ids never reach it in practice
MAX_PAGE = 10_000


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches 0..MAX_ID only (Werkzeug's has no upper bound)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(name: str, default: int, minimum: int = 1, maximum: int = MAX_PAGE) -> int:
    """A whole number from the query string, clamped to minimum..maximum; `default` when
    it is missing or not a number."""
    raw = request.args.get(name, "").strip()
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return default
    if len(digits) > 18:  # beyond any bound: the nearest end
        return minimum if raw.startswith("-") else maximum
    return max(minimum, min(int(raw), maximum))


def text_arg(name: str, max_length: int) -> str:
    """Text from the query string for a search: at most `max_length` characters, without
    the invisible control characters (a NUL byte would make PostgreSQL raise)."""
    from app.web.forms import CONTROL_CHARS

    return CONTROL_CHARS.sub("", request.args.get(name, "")[:max_length]).strip()


def _has_nul() -> bool:
    """In the path or the query string. (Form fields keep their own message: every text
    field refuses control characters on its form, where the person sees why.)"""
    return "\x00" in request.path


def init_hostile_input(app: Flask) -> None:
    """Register the bounded converter (before any route) and the NUL-byte check."""
    app.url_map.converters["int"] = BoundedIntConverter

    @app.before_request
    def refuse_nul_bytes():
        if _has_nul():  # no page's address holds one
            abort(404)
