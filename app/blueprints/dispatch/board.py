"""The board's expensive part (the queue table, its counts and the officer panel), rendered
once and kept per process while nothing it shows has changed.

The key is what the board shows it from: queue.board_marker() (newest ticket and officer
status events, open tickets' count and newest row change), the validated filters and the
viewer's roles. An entry also ends after BOARD_CACHE_SECONDS (ages and "time on" labels
move on) and at the first acknowledgement deadline among the listed tickets, so a page
rendered without JavaScript says "Overdue" on time. The table only ever holds what
queue.open_queue returns (confidential tickets never).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import astuple, dataclass
from datetime import datetime, timedelta

from flask import current_app, render_template
from markupsafe import Markup

from app.models.base import utcnow
from app.services import queue
from app.services.officer_status import officer_panel

MAX_ENTRIES = 32  # filter sets x role sets; the oldest is dropped first

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[datetime, datetime, Board]] = OrderedDict()


@dataclass(frozen=True)
class Board:
    total_open: int
    total_overdue: int
    matching: int
    shown: int
    table: Markup
    panel: Markup


def board(filters: queue.QueueFilters, roles: list[str]) -> Board:
    seconds = current_app.config["BOARD_CACHE_SECONDS"]
    now = utcnow()
    if seconds <= 0:
        return _render(filters, now)[0]
    key = (queue.board_marker(), astuple(filters), tuple(sorted(roles)))
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] <= now < hit[1]:
            _entries.move_to_end(key)
            return hit[2]
    rendered, flips_at = _render(filters, now)
    until = now + timedelta(seconds=seconds)
    if flips_at is not None:
        until = min(until, flips_at)
    with _lock:
        _entries[key] = (now, until, rendered)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return rendered


def clear() -> None:
    with _lock:
        _entries.clear()


def _render(filters: queue.QueueFilters, now: datetime) -> tuple[Board, datetime | None]:
    page = queue.open_queue(filters)
    deadlines = [t.clock.deadline for t in page.tickets
                 if not t.clock.acknowledged and t.clock.deadline and t.clock.deadline > now]
    # Both are autoescaped template output, safe to insert as they are.
    table = Markup(render_template(  # noqa: S704
        "dispatch/_queue_table.html", page=page, kinds=dict(queue.queue_kinds())))
    panel = Markup(render_template(  # noqa: S704
        "dispatch/_officer_panel.html", officer_rows=officer_panel()))
    return (Board(page.total_open, page.total_overdue, page.matching, len(page.tickets),
                  table, panel), min(deadlines, default=None))
