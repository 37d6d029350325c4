"""The Server-Sent Events loop: read the log, send, wait for a wake-up or a heartbeat.

Between reads the stream holds no database connection (the session is closed), so open
streams cost a socket and a greenlet or thread, not a pooled connection.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator

from flask import Response, current_app, stream_with_context

from app.extensions import db
from app.services import events
from app.services.wakeup import hub

HELD_RETRY_SECONDS = 0.5  # an uncommitted id held the reading back: look again soon
SHARED_SECONDS = 0.25  # board streams of a process at the same point share one read
_shared: dict = {}  # (cursor, generation) -> (monotonic time, result)
_inflight: dict = {}  # (cursor, generation) -> Event set when its read is done
_shared_lock = threading.Lock()


def _read(listener: events.Listener, cursor: events.Cursor, generation: int):
    """`events.read_after`, shared by the board streams of this process: they all see the
    same events (the board's rule does not depend on who listens), so a wake-up costs one
    read per process, not one per open board. The first stream reads; the others at the
    same point wait for its result instead of reading at the same moment."""
    if listener.channel != events.BOARD:
        return events.read_after(listener, cursor)
    key = (cursor, generation)
    while True:
        with _shared_lock:
            hit = _shared.get(key)
            if hit is not None and time.monotonic() - hit[0] < SHARED_SECONDS:
                return hit[1]
            flight = _inflight.get(key)
            leader = flight is None
            if leader:
                flight = _inflight[key] = threading.Event()
        if not leader:
            flight.wait(5)
            continue
        try:
            result = events.read_after(listener, cursor)
            _remember(key, result)
            return result
        finally:
            with _shared_lock:
                _inflight.pop(key, None)
            flight.set()


def _remember(key, result) -> None:
    now = time.monotonic()
    with _shared_lock:
        for old in [k for k, v in _shared.items() if now - v[0] >= SHARED_SECONDS]:
            _shared.pop(old, None)
        _shared[key] = (now, result)


def frame(event: events.LiveEvent) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {json.dumps(event.data)}\n\n"


def message(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"


def _loop(listener: events.Listener, cursor: events.Cursor, still_allowed: Callable[[], bool],
          extra: Callable[[], str | None]) -> Iterator[str]:
    config = current_app.config
    heartbeat, check_every = config["LIVE_HEARTBEAT_SECONDS"], config["LIVE_SESSION_CHECK_SECONDS"]
    started = checked = spoke = time.monotonic()
    yield f"retry: {config['LIVE_RETRY_MS']}\n\n"
    while True:
        seen = hub.generation
        now = time.monotonic()
        if now - checked >= check_every:  # before reading: an ended session reads nothing
            checked = now
            allowed = still_allowed()
            db.session.close()
            if not allowed:
                yield message("end", {"reason": "session"})
                return
        if now - started > config["LIVE_MAX_STREAM_SECONDS"]:
            return  # the browser reconnects with its Last-Event-ID
        found, cursor, held = _read(listener, cursor, seen)
        db.session.close()
        for event in found:
            yield frame(event)
        more = extra()
        if more:
            yield more
        if found or more:
            spoke = time.monotonic()
        # Heartbeats keep their own clock: a wake-up for an event this listener may not see
        # (a DV request woke every board) must not move them, or their timing would tell.
        due = max(0.0, heartbeat - (time.monotonic() - spoke))
        hub.wait(seen, min(due, check_every, HELD_RETRY_SECONDS if held else due))
        if time.monotonic() - spoke >= heartbeat:
            spoke = time.monotonic()
            yield ": heartbeat\n\n"


def stream(listener: events.Listener, cursor: events.Cursor,
           still_allowed: Callable[[], bool], extra: Callable[[], str | None] = lambda: None
           ) -> Response:
    hub.start(current_app._get_current_object())
    response = Response(stream_with_context(_loop(listener, cursor, still_allowed, extra)),
                        mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def ended(reason: str = "session") -> Response:
    """For a stream that may not open (an expired or forged stream ticket): one "end"."""
    response = Response(message("end", {"reason": reason}), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    return response
