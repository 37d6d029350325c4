"""The board's expensive part (the queue table, its counts and the officer panel), rendered
once and kept per process while nothing it shows has changed.

The key is what the board shows it from: queue.board_marker() (newest ticket and officer
status events, open tickets' count and newest row change), the validated filters and the
viewer's roles. An entry also ends after BOARD_CACHE_SECONDS (15): time passing moves the
ages, the clocks and "Overdue" on, and a page rendered without JavaScript is at most that
late with them (live.js ticks the clocks and flips "Overdue" from each deadline at once).
Re-rendering at each deadline instead would re-render every second while tickets arrive.
The table only ever holds what queue.open_queue returns (confidential tickets never).
The page's stream starts from the marker's event ids: exactly what the cached body shows.
A process renders one board at a time; while it re-renders one whose time ran out, its
other threads serve the entry they have (a render of the ~1,000 urgent rows the board never
cuts takes long enough on a loaded machine that threads all rendering it at once starved).

Two smaller parts that hold nothing of the viewer's are kept the same way, without a clock:
the filter form, for each state of its fields (`filter_form`), and the bulk-close form's
fields, never bound (`bulk_close_fields`); each viewer's CSRF token stays out of them.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import astuple, dataclass, replace
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from markupsafe import Markup

from app.blueprints.dispatch.forms import BulkCloseForm
from app.models.base import utcnow
from app.services import queue
from app.services.events import Cursor
from app.services.officer_status import officer_panel

MAX_ENTRIES = 32  # filter sets x role sets; the oldest is dropped first
MAX_FRAGMENTS = 64

_lock = threading.Lock()  # guards _entries and _fragments
_render_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[datetime, datetime, Board]] = OrderedDict()
_fragments: OrderedDict[tuple, Markup] = OrderedDict()


@dataclass(frozen=True)
class Board:
    total_open: int
    total_overdue: int
    matching: int
    shown: int
    table: Markup
    panel: Markup
    since: Cursor | None = None  # where the page's stream starts (None: read it anew)


def board(filters: queue.QueueFilters, roles: list[str]) -> Board:
    seconds = current_app.config["BOARD_CACHE_SECONDS"]
    now = utcnow()
    may_act = "dispatcher" in roles  # a supervisor reads the board: no bulk-close column
    if seconds <= 0:
        return _render(filters, may_act)
    marker = queue.board_marker()
    key = (marker, astuple(filters), tuple(sorted(roles)))
    fresh, stale = _lookup(key, now)
    if fresh is not None:
        return fresh
    # One render at a time per process (they are CPU-bound): while one thread re-renders a
    # board whose time ran out (nothing on it changed: same key), the others serve the
    # entry they have instead of all rendering it at once; for a changed board they wait.
    if not _render_lock.acquire(blocking=stale is None):
        return stale
    try:
        now = utcnow()
        fresh, _ = _lookup(key, now)
        if fresh is not None:
            return fresh  # rendered while this thread waited
        rendered = replace(_render(filters, may_act), since=Cursor(marker[2] or 0, marker[3] or 0))
        with _lock:
            _entries[key] = (now, now + timedelta(seconds=seconds), rendered)
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return rendered
    finally:
        _render_lock.release()


def _lookup(key: tuple, now: datetime) -> tuple[Board | None, Board | None]:
    """(the entry if still fresh, else None; the entry whatever its age, or None)."""
    with _lock:
        hit = _entries.get(key)
        if hit is None:
            return None, None
        _entries.move_to_end(key)
        fresh = hit[0] <= now < hit[1]
        return (hit[2] if fresh else None), hit[2]


def clear() -> None:
    with _lock:
        _entries.clear()
        _fragments.clear()


def filter_form(form, args_given: bool) -> Markup:
    """The filter form's HTML (dispatch/_queue_filters.html), rendered once per process for
    each state of its fields: what each holds, as typed and as read, its errors and its
    choices. Nothing else goes into that template, and it is the same for every viewer, so
    the key is all it shows; it has no clock, so it never goes stale. (Rendering its seven
    fields through the form macro was a fifth of the board's time on every load.)"""
    key = ("filters", args_given, *(
        (f.name, tuple(f.raw_data or ()), repr(f.data), tuple(f.errors),
         tuple(map(tuple, getattr(f, "choices", None) or ()))) for f in form))
    return _fragment(key, lambda: render_template(
        "dispatch/_queue_filters.html", form=form, queue_url=url_for("dispatch.queue")))


def bulk_close_fields() -> Markup:
    """The bulk-close form's fields (dispatch/_bulk_close_fields.html): never bound, the same
    for everyone, rendered once per process."""
    return _fragment(("bulk-close",), lambda: render_template(
        "dispatch/_bulk_close_fields.html", bulk=BulkCloseForm(formdata=None, meta={
            "csrf": False})))


def _fragment(key: tuple, render) -> Markup:
    with _lock:
        hit = _fragments.get(key)
        if hit is not None:
            _fragments.move_to_end(key)
            return hit
    # Autoescaped template output, safe to insert as it is.
    rendered = Markup(render())  # noqa: S704
    with _lock:
        _fragments[key] = rendered
        while len(_fragments) > MAX_FRAGMENTS:
            _fragments.popitem(last=False)
    return rendered


def _render(filters: queue.QueueFilters, may_act: bool) -> Board:
    page = queue.open_queue(filters)
    # Both are autoescaped template output, safe to insert as they are.
    table = Markup(render_template(  # noqa: S704
        "dispatch/_queue_table.html", page=page, kinds=dict(queue.queue_kinds()),
        may_act=may_act))
    panel = Markup(render_template(  # noqa: S704
        "dispatch/_officer_panel.html", officer_rows=officer_panel()))
    return Board(page.total_open, page.total_overdue, page.matching, len(page.tickets),
                 table, panel)
